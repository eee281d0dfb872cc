"""ita-xlsx: standard workbooks for the Thai ITA measures cycle, as a library.

Every verb of the round is a function here (documented one by one in ``ita_xlsx.api``); the
``ita-xlsx`` command line only parses options, calls them and prints::

    import ita_xlsx
    made = ita_xlsx.make_workbooks("workbooks", "orgs.csv", fiscal_year=2570)
    report = ita_xlsx.validate(["returned/"], orgs="orgs.csv")    # -> Report
    ita_xlsx.write_feedback(report, "feedback/")
    ita_xlsx.write_check_report(report, "check.xlsx", lang="en")
    result = ita_xlsx.consolidate(["returned/"], orgs="orgs.csv")  # -> MergeResult
    ita_xlsx.write_consolidated(result, "district-report.xlsx")
    ita_xlsx.write_consolidated_csv(result, "csv/")
    following = ita_xlsx.next_round(["district-report.xlsx"])      # -> NextRound

Verbs: make_workbooks, render_workbook, simulate_return, validate, write_feedback,
write_check_report, report_text, consolidate, write_consolidated, write_consolidated_csv,
next_round, export_itas. Inputs: load_template, bind_template, describe_template, read_orgs,
find_workbooks, parse_year, parse_deadline. Records: Org, Prefill, Finding, NextRound,
MISTAKES; Roles, Fields, Cells (the template roles records are keyed by). Result types: Report, FileReport, Returned, Decision, Selection, MergeResult,
OrgEntry, NewResult, FeedbackResult, CollectResult, SendResult, OrgStatus, DocumentsResult,
DistrictMemo, Template, Bound, Settings, OrgProblem. Errors (Thai and English text and an exit code): ItaError and its subclasses
TemplateError, FrameworkError, OrgListError, InputError, OutputError, OutputExists.

No function prints or exits. Names are loaded on first use, so ``import ita_xlsx`` stays cheap
(no pandas, no XlsxWriter).
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = (
    # errors: every one carries Thai and English text and an exit code
    "ItaError", "FrameworkError", "InputError", "OrgListError", "OutputError", "OutputExists",
    "TemplateError",
    # records
    "Finding", "Org", "Prefill", "NextRound", "MISTAKES",
    # the template roles records are keyed by, whatever a copy names its keys
    "Roles", "Fields", "Cells",
    # verbs
    "anything_sent", "bind_template", "consolidate", "describe_template", "find_workbooks",
    "load_template",
    "make_workbooks", "next_round", "parse_deadline", "parse_year", "read_orgs", "refuse_input_as_output",
    "render_workbook", "report_text", "simulate_return", "validate", "write_check_report",
    "write_consolidated", "write_consolidated_csv", "write_feedback",
    # the OIT items for the NACC's ITAS system (issue 20)
    "export_itas",
    # the round by email
    "collect", "load_settings", "mail_test", "round_changes", "round_status", "send_workbooks",
    # documents (ita-xlsx docs)
    "make_documents", "make_district_memo",
    # the round model: one answer for every surface
    "open_round", "set_aside_file", "assign_file", "restore_file", "unpack",
)
# The types the verbs return and take, each loaded from its own module on first use.
_TYPES = {
    "Report": "ita_xlsx.validators.engine", "FileReport": "ita_xlsx.validators.engine",
    "Returned": "ita_xlsx.intake.read",
    "Decision": "ita_xlsx.intake.selection", "Selection": "ita_xlsx.intake.selection",
    "MergeResult": "ita_xlsx.consolidation.merge", "OrgEntry": "ita_xlsx.consolidation.merge",
    "NewResult": "ita_xlsx.make.generate", "FeedbackResult": "ita_xlsx.outputs.feedback",
    "CollectResult": "ita_xlsx.mail.collect", "SendResult": "ita_xlsx.mail.send",
    "OrgStatus": "ita_xlsx.mail.status", "DocumentsResult": "ita_xlsx.documents.org",
    "DistrictMemo": "ita_xlsx.documents.district", "Template": "ita_xlsx.spec.template",
    "Bound": "ita_xlsx.spec.template", "Settings": "ita_xlsx.spec.settings",
    "OrgProblem": "ita_xlsx.spec.orgs", "Cancelled": "ita_xlsx.core.errors",
    # the round model's result types (dataclasses and the state enum)
    "Round": "ita_xlsx.rounds.model", "OrgRound": "ita_xlsx.rounds.model",
    "OrgState": "ita_xlsx.rounds.model", "RoundFile": "ita_xlsx.rounds.model",
    "RoundFigures": "ita_xlsx.rounds.model", "IndicatorFigure": "ita_xlsx.rounds.model",
    "Reply": "ita_xlsx.rounds.store", "FileRuling": "ita_xlsx.rounds.store",
}
__all__ = ["__version__", *_API, *_TYPES]


def __getattr__(name: str):
    if name in _API:
        from ita_xlsx import api

        return getattr(api, name)
    if name in _TYPES:
        import importlib

        return getattr(importlib.import_module(_TYPES[name]), name)
    raise AttributeError(f"module 'ita_xlsx' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
