"""Records shared by the writers, the readers and the organisation list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(kw_only=True)
class Org:
    """One organisation's identity, as pre-filled into its workbook. Build it by keyword:
    ``Org(code="6401", name="อบต. ตัวอย่าง", district="เมือง")``."""

    code: str
    name: str
    type: str = ""
    district: str = ""
    province: str = ""
    email: str = ""  # several addresses may be listed, separated by ";" (the list's column)
    units: tuple[str, ...] = ()

    @property
    def first_email(self) -> str:
        """The address written into the workbook's single email cell."""
        return self.email.replace(",", ";").split(";")[0].strip()


@dataclass
class Prefill:
    """Data written into the input cells (feedback copies, next-round workbooks)."""

    org_fields: dict[str, object] = field(default_factory=dict)
    analysis: dict[int, dict[str, object]] = field(default_factory=dict)  # indicator -> values
    extra: dict[str, object] = field(default_factory=dict)  # analysis extra fields
    measures: list[dict[str, object]] = field(default_factory=list)
    results: list[dict[str, object]] = field(default_factory=list)
    oit: dict[str, dict[str, object]] = field(default_factory=dict)  # OIT item code -> values
    notes: dict = field(default_factory=dict)  # Notes to show on pre-filled cells


@dataclass(frozen=True)
class Note:
    """A comment and fill put on one cell (feedback copies)."""

    severity: str
    text: str


# (sheet key, Excel row, 0-based column) -> notes; row 0 means the whole sheet.
Notes = Mapping[tuple[str, int, int], list[Note]]

__all__ = ["Note", "Notes", "Org", "Prefill"]
