"""Validation of returned workbooks, compiled from the template (see ``engine.py``).

Submodules load on first use: ``catalogue`` is imported by the reader itself, and pandas and
pandera are imported only when a validation actually runs.
"""

from __future__ import annotations

from importlib import import_module

_LAZY = {
    "CATALOGUE": "catalogue",
    "Finding": "catalogue",
    "FileReport": "engine",
    "Report": "engine",
    "validate_files": "engine",
}
__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
