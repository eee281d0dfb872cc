"""Which file counts for which organisation, by rules an officer can read.

1. A workbook whose identities disagree (the code stored in the file against the code typed
   on the organisation sheet, or the document properties against the hidden sheet) is a
   *borrowed* workbook: organisation X filled Y's file. It counts for nobody until fixed and
   is reported naming both.
2. Only returns of one fiscal year and one round count: the ones asked for, or else the
   newest year present and the newest round of that year (the summary says which). Others
   are listed, not counted.
3. Among an organisation's remaining files the newest counts: by the report date it records,
   then by the workbook's own saved time (document properties), then by the file time. A
   file that could not be read never replaces one that could. Whenever the report dates are
   equal the decision is a warning naming both files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ita_xlsx.core.vocabulary import ROUNDS, word
from ita_xlsx.thai.dates import format_day, format_moment

ROUND_ORDER = {"plan": 0, "6": 1, "12": 2}


def round_text(key: str, lang: str = "th") -> str:
    return word(ROUNDS, key, lang) if key else "?"


@dataclass
class Candidate:
    """One file (or one row of a consolidated report) that may count for an organisation."""

    path: str
    code: str  # the organisation it is for ("" when unknown)
    name: str = ""
    readable: bool = True
    fiscal_year: int | None = None
    round: str = ""
    recorded: str = ""  # report date it records, ISO
    saved: str = ""  # workbook's own saved time, ISO
    file_time: str = ""  # ISO
    borrowed_from: str = ""  # the stored code when the identities disagree
    borrowed_name: str = ""
    bad_code: str = ""  # a code that is not plain (org-code-invalid): counts for nobody
    ref: object = None  # the FileReport or OrgEntry it stands for

    @property
    def key(self) -> tuple:
        # unreadable first (never over a readable one), then the three times, then the name
        # so that a full tie still decides the same way on every machine
        return (self.readable, self.recorded, self.saved, self.file_time, self.path)


@dataclass
class Decision:
    cand: Candidate
    counts: bool
    code: str  # the organisation it was considered for ("" for none)
    th: str
    en: str
    officer: bool = False  # the officer set the file aside (rounds.store)

    def text(self, lang: str = "th") -> str:
        return self.en if lang == "en" else self.th


@dataclass
class Selection:
    fiscal_year: int | None = None
    round: str = ""
    year_default: bool = False  # chosen as the newest present (not asked for)
    round_default: bool = False
    counting: dict[str, Candidate] = field(default_factory=dict)  # code (casefold) -> file
    decisions: list[Decision] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (th, en), once each
    borrowed: list[Candidate] = field(default_factory=list)
    ties: list[tuple[Candidate, Candidate]] = field(default_factory=list)  # (counts, other)
    _by_cand: dict[int, Decision] = field(default_factory=dict, repr=False, compare=False)
    _indexed: int = field(default=0, repr=False, compare=False)

    def decision(self, cand: Candidate | None) -> Decision | None:
        """The first decision about ``cand`` (asked once per organisation: by index, or a
        country's merge would scan every decision for each)."""
        if cand is None:
            return None
        if self._indexed != len(self.decisions):  # decisions are only ever appended
            self._by_cand, self._indexed = {}, len(self.decisions)
            for d in self.decisions:
                self._by_cand.setdefault(id(d.cand), d)
        return self._by_cand.get(id(cand))

    def counts(self, ref: object) -> bool:
        return any(d.counts and d.cand.ref is ref for d in self.decisions)

    def summary(self, lang: str = "th") -> str:
        """One line saying which year and round counted and why."""
        if self.fiscal_year is None:
            return ""
        th = lang != "en"
        how_y = ("ปีล่าสุดที่พบ" if th else "the newest present") if self.year_default else (
            "ตามที่ระบุ" if th else "as asked")
        how_r = ("รอบล่าสุดที่พบ" if th else "the newest present") if self.round_default else (
            "ตามที่ระบุ" if th else "as asked")
        if th:
            text = f"นับเฉพาะแบบรายงานปีงบประมาณ {self.fiscal_year} ({how_y})"
            return text + (f" {round_text(self.round)} ({how_r})" if self.round else "")
        text = f"Counting returns of fiscal year {self.fiscal_year} ({how_y})"
        return text + (f", {round_text(self.round, 'en')} ({how_r})" if self.round else "")


def choose(cands: Sequence[Candidate], *, fiscal_year: int | None = None,
           round: str | None = None, orgs: dict | None = None,
           by_round: bool = True) -> Selection:
    """Decide, for every candidate, whether it counts and why (see the module doc).

    ``orgs`` (code casefold -> Org) only names organisations in messages. With ``by_round``
    False every round of the year competes (the newest report still wins).
    """
    sel = Selection()
    names = {k: getattr(o, "name", "") for k, o in (orgs or {}).items()}

    def who(code: str, fallback: str = "") -> str:
        name = names.get(code.casefold()) or fallback
        return f"{code} {name}".strip()

    usable: list[Candidate] = []
    for c in cands:
        if c.borrowed_from:
            sel.borrowed.append(c)
            typed, stored = who(c.code, c.name), who(c.borrowed_from, c.borrowed_name)
            listed = ""
            if orgs is not None:
                known = [x for x in (c.code, c.borrowed_from) if x.casefold() in orgs]
                listed = (" (ตามรายชื่อ: " + ", ".join(who(x) for x in known) + ")") if known \
                    else " (ไม่มีทั้งสองรหัสในรายชื่อ)"
            sel.decisions.append(Decision(
                c, False, "",
                f"ดูเหมือนหน่วยงาน {typed} ใช้แบบรายงานของ {stored}{listed} ไม่นับให้หน่วยงานใด"
                f" จนกว่าจะกรอกในแบบรายงานของตนเองแล้วส่งใหม่",
                f"looks like organisation {typed} using the workbook of {stored}; it counts for"
                f" neither until {c.code or 'it'} sends its own workbook"))
        elif c.bad_code:
            sel.decisions.append(Decision(
                c, False, "", f"รหัสหน่วยงาน \"{c.bad_code}\" ใช้ไม่ได้ ไม่นับให้หน่วยงานใด",
                f"the organisation code \"{c.bad_code}\" is not usable; it counts for no "
                f"organisation"))
        elif not c.code:
            sel.decisions.append(Decision(c, False, "", "ไม่ทราบว่าเป็นของหน่วยงานใด",
                                          "whose file this is is unknown"))
        else:
            usable.append(c)
    readable = [c for c in usable if c.readable]
    years = sorted({c.fiscal_year for c in readable if c.fiscal_year})
    sel.fiscal_year = fiscal_year or (years[-1] if years else None)
    sel.year_default = fiscal_year is None and sel.fiscal_year is not None
    in_year = [c for c in readable if c.fiscal_year == sel.fiscal_year]
    if by_round:
        rounds = sorted({c.round for c in in_year if c.round in ROUND_ORDER},
                        key=ROUND_ORDER.__getitem__)
        sel.round = round or (rounds[-1] if rounds else "")
        sel.round_default = round is None and bool(sel.round)
    groups: dict[str, list[Candidate]] = {}
    for c in usable:
        if c.readable and sel.fiscal_year and c.fiscal_year and c.fiscal_year != sel.fiscal_year:
            sel.decisions.append(Decision(
                c, False, c.code,
                f"เป็นแบบรายงานปีงบประมาณ {c.fiscal_year} ไม่นับในปี {sel.fiscal_year}",
                f"a return for fiscal year {c.fiscal_year}, not counted in {sel.fiscal_year}"))
            continue
        if c.readable and sel.round and c.round and c.round != sel.round:
            sel.decisions.append(Decision(
                c, False, c.code,
                f"เป็นแบบรายงาน{round_text(c.round)} ไม่นับใน{round_text(sel.round)}",
                f"a return of the {round_text(c.round, 'en')}, not counted in the "
                f"{round_text(sel.round, 'en')}"))
            continue
        groups.setdefault(c.code.casefold(), []).append(c)
    for code, group in groups.items():
        ordered = sorted(group, key=lambda c: c.key, reverse=True)
        best = ordered[0]
        sel.counting[code] = best
        if len(ordered) == 1:
            sel.decisions.append(Decision(best, True, best.code, "ไฟล์เดียวของหน่วยงานนี้ นับไฟล์นี้",
                                          "the organisation's only file; it counts"))
            continue
        th, en = _why(best, ordered[1])
        sel.decisions.append(Decision(best, True, best.code,
                                      f"นับไฟล์นี้ ({len(ordered)} ไฟล์ของหน่วยงานนี้): {th}",
                                      f"counts ({len(ordered)} files of this organisation): "
                                      f"{en}"))
        for other in ordered[1:]:
            sel.decisions.append(Decision(
                other, False, other.code, f"ไม่นับ ถูกแทนที่ด้วย {best.path}",
                f"not counted, superseded by {best.path}"))
        if best.readable and ordered[1].readable and best.recorded == ordered[1].recorded:
            sel.ties.append((best, ordered[1]))
            sel.warnings.append((
                f"หน่วยงาน {who(best.code, best.name)} ส่ง 2 ไฟล์ที่ลงวันที่รายงานเดียวกัน "
                f"({best.path} และ {ordered[1].path}) ได้นับ {best.path} เพราะ{th} "
                f"โปรดยืนยันกับหน่วยงานว่าฉบับใดถูกต้อง",
                f"organisation {who(best.code, best.name)} sent two files with the same report "
                f"date ({best.path} and {ordered[1].path}); {best.path} counts because {en}. "
                f"Confirm with the organisation which one is right."))
    return sel


def _why(best: Candidate, runner: Candidate) -> tuple[str, str]:
    if best.readable != runner.readable:
        return ("อีกไฟล์เปิดไม่ได้", "the other file could not be read")
    if best.recorded != runner.recorded:
        return (f"วันที่รายงานใหม่กว่า ({_day(best.recorded)} กับ {_day(runner.recorded)})",
                f"its report date is newer ({_day(best.recorded)} against "
                f"{_day(runner.recorded)})")
    if best.saved != runner.saved:
        return (f"บันทึกในโปรแกรม Excel ครั้งล่าสุดหลังกว่า ({_when(best.saved)} กับ "
                f"{_when(runner.saved)})",
                f"the workbook itself was saved later ({_when(best.saved)} against "
                f"{_when(runner.saved)})")
    if best.file_time != runner.file_time:
        return (f"เวลาของไฟล์ใหม่กว่า ({_when(best.file_time)} กับ {_when(runner.file_time)})",
                f"its file time is newer ({_when(best.file_time)} against "
                f"{_when(runner.file_time)})")
    return ("ทุกเวลาตรงกัน จึงเลือกตามลำดับชื่อไฟล์", "every time is equal, so by file name order")


def _day(iso: str) -> str:
    """2027-04-15 -> 15/04/2570 (the one formatter, Buddhist Era)."""
    return format_day(iso) if iso else "-"


def _when(iso: str) -> str:
    """A moment as every surface shows it: 15/04/2570 10:00, Thai time."""
    return format_moment(iso) if iso else "-"
