"""ita-xlsx: standard workbooks for the Thai ITA measures cycle.

The library API (each function documented in ``ita_xlsx.api``)::

    import ita_xlsx
    report = ita_xlsx.validate(["returned/"])
    result = ita_xlsx.consolidate(["returned/"], orgs="orgs.csv")
    ita_xlsx.write_consolidated(result, "district-report.xlsx")

Names are loaded on first use, so ``import ita_xlsx`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = (
    # errors: every one carries Thai and English text and an exit code
    "ItaError", "FrameworkError", "InputError", "OrgListError", "OutputError", "OutputExists",
    "TemplateError",
    # records
    "Finding", "Org", "Prefill", "NextRound",
    # verbs
    "bind_template", "consolidate", "describe_template", "find_workbooks", "load_template",
    "make_workbooks", "next_round", "parse_deadline", "parse_year", "read_orgs",
    "render_workbook", "report_text", "simulate_return", "validate", "write_check_report",
    "write_consolidated", "write_consolidated_csv", "write_feedback",
)
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'ita_xlsx' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
