"""The names the code knows the template's sheets, fields and computed cells by.

A template declares each with ``role = "..."`` (see ``template.ROLES``); loading keys the
sheet or field by its role, so a province's copy may name its keys as it likes while the
code reads them through these constants, never through the keys a template file uses.
"""

from __future__ import annotations


class Roles:
    """Sheet roles."""

    GUIDE = "guide"
    ORG = "org"
    ANALYSIS = "analysis"
    MEASURES = "measures"
    RESULTS = "results"
    CATALOGUE = "catalogue"  # optional: the suggested measures
    OIT = "oit"  # optional: the OIT items and their URLs


class Fields:
    """Field and column roles (the same role may sit on several sheets: ``TOOL``, ``ROUND``)."""

    # the organisation form
    ORG_CODE = "org_code"
    ORG_NAME = "org_name"
    ORG_TYPE = "org_type"
    DISTRICT = "district"
    PROVINCE = "province"
    FISCAL_YEAR = "fiscal_year"
    ROUND = "round"
    CONTACT_NAME = "contact_name"
    CONTACT_POSITION = "contact_position"
    PHONE = "phone"
    EMAIL = "email"
    REPORT_DATE = "report_date"
    SIGNER_NAME = "signer_name"
    SIGNER_POSITION = "signer_position"
    EXECUTIVE_TITLE = "executive_title"
    DOC_PREFIX = "doc_prefix"
    WEBSITE = "website"
    # the analysis table
    INDICATOR = "indicator"
    TOOL = "tool"
    SCORE = "score"
    ISSUE = "issue"
    REPORTED_TOTAL = "reported_total"
    # the measures table
    MEASURE_ID = "measure_id"
    OIT_ITEM = "oit_item"
    MEASURE = "measure"
    METHOD = "method"
    OWNER = "owner"
    TIMEFRAME = "timeframe"
    FOLLOWUP = "followup"
    # the results table
    STATUS = "status"
    SUMMARY = "summary"
    OUTCOME = "outcome"
    EVIDENCE_URL = "evidence_url"
    PROBLEMS = "problems"
    # the catalogue of suggested measures (also INDICATOR, OIT_ITEM, MEASURE)
    UNIT = "unit"
    SOURCE = "source"
    # the OIT sheet
    OIT_CODE = "oit_code"
    OIT_NAME = "oit_name"
    OIT_URLS = "oit_urls"
    OIT_NOTE = "oit_note"


class Cells:
    """Computed cells under the analysis table (``TOOL_MEAN`` is one per tool)."""

    TOOL_MEAN = "tool_mean"
    TOTAL = "total"
    LEVEL = "level"


__all__ = ["Cells", "Fields", "Roles"]
