"""`python -m ita_xlsx`. The guard matters: on Windows, reader processes re-import this module.

The entry answers the top-level help without click (``ita_xlsx.cli.entry``)."""

from ita_xlsx.cli.entry import main

if __name__ == "__main__":
    main()
