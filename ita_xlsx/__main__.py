"""`python -m ita_xlsx`. The guard matters: on Windows, reader processes re-import this module."""

from .cli import main

if __name__ == "__main__":
    main()
