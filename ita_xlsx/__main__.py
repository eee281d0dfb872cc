"""`python -m ita_xlsx`. The guard matters: on Windows, reader processes re-import this module."""

from ita_xlsx.cli.main import main

if __name__ == "__main__":
    main()
