"""Validation of returned workbooks, compiled from the template (see ``engine.py``).

pandas and pandera are imported only when a validation actually runs.
"""

from .catalogue import CATALOGUE, Finding
from .engine import FileReport, Report, validate_files

__all__ = ["CATALOGUE", "Finding", "FileReport", "Report", "validate_files"]
