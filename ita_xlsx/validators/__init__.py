"""Validation of returned workbooks, compiled from the template (see ``engine.py``).

Submodules load on first use: pandas and pandera are imported only when a validation actually
runs. The findings themselves live in ``ita_xlsx.core.findings`` (the reader makes them too).
"""

from __future__ import annotations

from importlib import import_module

_LAZY = {
    "CATALOGUE": "..core.findings",
    "Finding": "..core.findings",
    "FileReport": ".engine",
    "Report": ".engine",
    "validate_files": ".engine",
}
__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
