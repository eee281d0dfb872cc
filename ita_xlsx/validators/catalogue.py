"""Moved to :mod:`ita_xlsx.core.findings` (the reader needs findings without the validators);
kept so older imports keep working."""

from ..core.findings import CATALOGUE, SEVERITY_ORDER, Entry, Finding, sort_key

__all__ = ["CATALOGUE", "SEVERITY_ORDER", "Entry", "Finding", "sort_key"]
