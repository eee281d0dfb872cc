"""ita-xlsx: standard workbooks for the Thai ITA measures cycle (new, validate, merge)."""

__version__ = "0.1.0"
