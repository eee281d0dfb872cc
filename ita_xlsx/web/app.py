"""The web application: pages over the library API for one round folder.

Starlette routes render Jinja2 templates (autoescaped); the heavy work (validation, writing
workbooks) runs in worker threads so the server keeps answering. ``Guard`` wraps the whole
application: host check, access token / password, CSRF, body limits, security headers, and
Thai error pages instead of stack traces.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import sys
import threading
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import ita_xlsx
from ita_xlsx.core.errors import what_happened
from ita_xlsx.web.security import Access, BodyTimeout, BodyTooLarge, Limits, MiB, limited_receive
from ita_xlsx.web.state import DISTRICT_KEYS, ORG_LIST_NAMES, PASSED, STATUSES, RoundState
from ita_xlsx.web.texts import text

HERE = Path(__file__).parent
log = logging.getLogger("ita_xlsx.web")
UPLOAD_PATHS = ("/returns/upload", "/make", "/report/emblem")
OPEN_PATHS = ("/static/", "/favicon.ico")
ROUNDS = ("plan", "6", "12")


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    # moments and days as every surface shows them: Buddhist Era, Thai time
    from ita_xlsx.thai.dates import format_day, format_moment

    env.filters["moment"] = lambda v: format_moment(v) if v else ""
    env.filters["day"] = lambda v: format_day(v) if v else ""
    return env


# ---------------------------------------------------------------- pages


class RoundBusy(Exception):
    """Another change to the round is still running: the officer is told to wait (409)."""

    def __init__(self, th: str, en: str):
        super().__init__(en)
        self.th, self.en = th, en


class RoundChanges:
    """One change to the round at a time, whichever tab or request asks: making workbooks,
    taking returns, collecting and sending mail, building the report or documents. A second
    one waits up to ``wait`` seconds for the first, then is told what is running, so the
    folder never holds half of one change and half of another."""

    def __init__(self, lang: str, wait: float = 30.0):
        self._lock = threading.Lock()
        self.lang, self.wait, self.running = lang, wait, ""

    def run(self, what: str, fn, *args):
        if not self._lock.acquire(timeout=self.wait):
            running = self.running or what
            raise RoundBusy(text("busy", "th", what=text(f"busy.{running}", "th")),
                            text("busy", "en", what=text(f"busy.{running}", "en")))
        self.running = what
        try:
            return fn(*args)
        finally:
            self.running = ""
            self._lock.release()


class Pages:
    def __init__(self, state: RoundState, access: Access, limits: Limits):
        self.state, self.access, self.limits = state, access, limits
        self.lang = state.lang
        self.env = _env()
        self.changes = RoundChanges(self.lang)

    def t(self, key: str, **kw) -> str:
        return text(key, self.lang, **kw)

    def render(self, request: Request, name: str, code: int = 200, **ctx) -> HTMLResponse:
        session = request.scope.get("ita_session")
        html = self.env.get_template(name).render(
            t=self.t, lang=self.lang, csrf=session.csrf if session else "",
            # the round folder by its name only: no page shows the server's own paths
            folder=self.state.root.name, path=request.url.path, limits=self.limits,
            ready=self.state.warmed.is_set(),
            mib=MiB, **ctx)
        return HTMLResponse(html, status_code=code)

    def error(self, request: Request, status: int, message: str) -> HTMLResponse:
        return self.render(request, "error.html", code=status, message=message)

    # ------------------------------------------------------------ the round

    async def round(self, request: Request) -> Response:
        ov = await run_in_threadpool(self.state.overview)
        status = request.query_params.get("status", "")
        q = request.query_params.get("q", "").strip().casefold()
        rows = [r for r in ov.rows
                if (not status or r.status == status)
                and (not q or q in r.code.casefold() or q in r.name.casefold())]
        return self.render(request, "round.html", ov=ov, rows=rows, status=status,
                           q=request.query_params.get("q", ""), statuses=STATUSES,
                           is_round=self.state.is_round_folder(), charts=_charts(ov))

    # ------------------------------------------------------------ returns

    async def returns(self, request: Request) -> Response:
        return self.render(request, "returns.html", mail=self.mail_ready())

    async def upload(self, request: Request) -> Response:
        form = await request.form(max_files=self.limits.max_files, max_fields=400,
                                  max_part_size=64 * 1024)
        try:
            self._check_csrf(request, form.get("csrf"))
            files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
            times = form.getlist("mtime")
            uploads = []
            for i, f in enumerate(files):
                data = await f.read(self.limits.max_file + 1)
                if len(data) > self.limits.max_file:
                    raise BodyTooLarge()
                when = None
                if i < len(times):
                    try:
                        when = float(str(times[i])) / 1000.0  # the browser gives milliseconds
                    except ValueError:
                        when = None
                uploads.append((_display_name(f.filename), data, when))
        finally:
            await form.close()
        results = await run_in_threadpool(self.changes.run, "upload", self.state.ingest, uploads)
        if request.headers.get("x-requested-with") == "fetch":
            return JSONResponse({"results": [self._intake_json(r) for r in results]})
        return self.render(request, "returns.html", results=results)

    def _intake_json(self, r) -> dict:
        d = r.as_json()
        d["outcome_text"] = self.t(f"outcome.{r.outcome}")
        d["status_text"] = self.t(f"status.{r.status}") if r.status else ""
        d["detail"] = r.detail_en if self.lang == "en" else r.detail_th
        d["org_url"] = f"/org/{_q(r.org_code)}" if r.org_code else ""
        return d

    # ------------------------------------------------------------ one organisation

    async def org(self, request: Request) -> Response:
        row = await run_in_threadpool(self.state.org, request.path_params["code"])
        if row is None:
            return self.error(request, 404, self.t("error.404"))
        return self.render(request, "org.html", **self._org_context(row))

    def _org_context(self, row, **extra) -> dict:
        return {"row": row, "findings": _findings(row), "mail": self.mail_ready(),
                "documents": self.state.org_documents(row), **extra}

    async def org_documents_make(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        self._check_csrf(request, form.get("csrf"))
        row = await run_in_threadpool(self.state.org, request.path_params["code"])
        if row is None:
            return self.error(request, 404, self.t("error.404"))
        if row.counting is None or row.status not in PASSED:
            return self.render(request, "org.html", **self._org_context(row))
        result = await run_in_threadpool(self.changes.run, "documents",
                                         self.state.make_org_documents, row)
        refused = [r for refusal in result.refused
                   for r in (refusal.reasons_en if self.lang == "en" else refusal.reasons_th)]
        return self.render(request, "org.html", **self._org_context(row, docs_refused=refused,
                                                                   docs_made=bool(result.written)))

    async def org_document(self, request: Request) -> Response:
        row = await run_in_threadpool(self.state.org, request.path_params["code"])
        name = request.path_params["name"]
        for p in (self.state.org_documents(row) if row else []):  # a listed name, never a path
            if p.name == name:
                return FileResponse(p, filename=p.name, media_type=DOCX)
        return self.error(request, 404, self.t("error.404"))

    def _org_file(self, row, n: int):
        if row is None or not 0 <= n < len(row.files):
            return None
        f = row.files[n]
        where = f.location
        return f if where is not None and self.state.inside(where) and where.is_file() else None

    async def org_file(self, request: Request) -> Response:
        row = await run_in_threadpool(self.state.org, request.path_params["code"])
        f = self._org_file(row, request.path_params["n"])
        if f is None:
            return self.error(request, 404, self.t("error.404"))
        return FileResponse(f.location, filename=f.location.name,
                            media_type="application/octet-stream")

    async def org_file_ruling(self, request: Request) -> Response:
        """The officer's "does not count" / "restore" for one file, each with a reason; kept
        in the round's SQLite file, so every surface (status, merge, the memo) follows it."""
        form = await request.form(max_files=0, max_fields=5, max_part_size=8192)
        self._check_csrf(request, form.get("csrf"))
        what = request.path_params["what"]
        reason = str(form.get("reason") or "").strip()[:500]
        row = await run_in_threadpool(self.state.org, request.path_params["code"])
        n = request.path_params["n"]
        if row is None or not 0 <= n < len(row.files) or what not in ("set-aside", "restore"):
            return self.error(request, 404, self.t("error.404"))
        f = row.files[n]
        if not reason:
            return self.render(request, "org.html", code=400, **self._org_context(
                row, ruling_error=self.t("org.reason_needed")))
        if what == "set-aside":
            await run_in_threadpool(self.changes.run, "decision", self.state.set_aside, f.key,
                                    reason)
        else:
            await run_in_threadpool(self.changes.run, "decision", self.state.restore, f.key,
                                    reason)
        return RedirectResponse(f"/org/{_q(row.code)}", status_code=303)

    async def org_feedback(self, request: Request) -> Response:
        row = await run_in_threadpool(self.state.org, request.path_params["code"])
        stored = self._org_file(row, request.path_params["n"])
        if stored is None:
            return self.error(request, 404, self.t("error.404"))
        path = await run_in_threadpool(self.state.feedback_copy, stored)
        if path is None or not self.state.inside(path):
            return self.error(request, 404, self.t("org.no_findings"))
        return FileResponse(path, filename=path.name, media_type=XLSX)

    # ------------------------------------------------------------ making the round

    def _make_context(self) -> dict:
        orgs, problems = self.state.orgs()
        listed = self.state.orgs_file()
        wb_dir = self.state.root / "workbooks"
        have = len(ita_xlsx.find_workbooks([wb_dir])) if wb_dir.is_dir() else 0
        settings = self.state.settings().get("round", {})

        return {"list_name": listed.name if listed else "", "n_orgs": len(orgs),
                "problems": problems, "have": have, "rounds": ROUNDS,
                "year": settings.get("fiscal_year") or ita_xlsx.parse_year(None),
                "round_key": str(settings.get("round") or "plan"),
                "deadline": settings.get("deadline", ""), "contact": settings.get("contact", "")}

    async def make_page(self, request: Request) -> Response:
        return self.render(request, "make.html", mail=self.mail_ready(), **self._make_context())

    async def make(self, request: Request) -> Response:
        form = await request.form(max_files=1, max_fields=20, max_part_size=64 * 1024)
        try:
            self._check_csrf(request, form.get("csrf"))
            upload = form.get("orglist")
            list_data, list_suffix = None, ""
            if isinstance(upload, UploadFile) and upload.filename:
                list_suffix = Path(_display_name(upload.filename)).suffix.lower()
                list_data = await upload.read(self.limits.max_file + 1)
                if len(list_data) > self.limits.max_file:
                    raise BodyTooLarge()
            fields = {k: str(form.get(k) or "").strip() for k in
                      ("year", "round", "deadline", "contact")}
            replace = form.get("replace") == "1"
            force = form.get("force") == "1"
        finally:
            await form.close()
        outcome = await run_in_threadpool(self.changes.run, "make", self._make_work, list_data,
                                          list_suffix, fields, replace, force)
        return self.render(request, "make.html", outcome=outcome, mail=self.mail_ready(),
                           **self._make_context())

    def _make_work(self, list_data, list_suffix, fields, replace, force) -> dict:
        out: dict = {"errors": []}
        try:
            year = ita_xlsx.parse_year(fields["year"] or None)
            deadline = ita_xlsx.parse_deadline(fields["deadline"])
        except ita_xlsx.InputError as exc:
            out["errors"].append(exc.text(self.lang))
            return out
        round_key = fields["round"] if fields["round"] in ROUNDS else "plan"
        st = self.state
        try:  # a year without framework data: said, and nothing written for it
            ita_xlsx.bind_template(st.template, fiscal_year=year, round=round_key)
        except ita_xlsx.FrameworkError as exc:
            out["errors"].append(exc.text(self.lang))
            return out
        with st.lock:
            other = self._other_round(year, round_key)
            if other:  # workbooks of two rounds in one folder: a mixed round
                out["errors"].append(other)
                return out
            if list_data is not None:
                if list_suffix not in (".csv", ".xlsx"):
                    out["errors"].append(self.t("make.list_type"))
                    return out
                if st.orgs_file() is not None and not replace:
                    out["errors"].append(self.t("make.list_exists"))
                    return out
                if not self._take_list(list_data, list_suffix, out):
                    return out
            orgs_path = st.orgs_file()
            if orgs_path is None:
                out["errors"].append(self.t("make.no_list"))
                return out
            orgs, problems = st.orgs()
            out["problems"] = problems
            if not orgs:
                out["errors"].append(self.t("make.list_empty"))
                return out
            result = ita_xlsx.make_workbooks(st.root / "workbooks", orgs, fiscal_year=year,
                                             round=round_key, deadline=deadline,
                                             contact=fields["contact"], force=force)
            # Only once the workbooks are made: a failed make must not leave the folder
            # claiming a round it does not hold (the next tab would be let in beside it).
            _write_round_settings(st.root, year, round_key, deadline, fields["contact"])
        out["written"], out["refused"] = len(result.written), len(result.refused)
        return out

    def _other_round(self, year: int, round_key: str) -> str:
        """Why this folder cannot take workbooks of ``year``/``round_key``: its workbooks were
        made for another year or round (say so), else ""."""
        current = self.state.settings().get("round", {})
        wb_dir = self.state.root / "workbooks"
        if not current.get("fiscal_year") or not wb_dir.is_dir() or not any(
                wb_dir.glob("*.xlsx")):
            return ""
        try:
            made = (int(current["fiscal_year"]), str(current.get("round") or "plan"))
        except (TypeError, ValueError):
            return ""
        if made == (year, round_key):
            return ""
        from ita_xlsx.api import round_text

        return self.t("make.other_round", year=made[0], round=round_text(made[1], self.lang))

    def _take_list(self, data: bytes, suffix: str, out: dict) -> bool:
        """Check an uploaded list in a scratch place, then put it in the round folder."""
        from ita_xlsx.core.files import atomic_write

        st = self.state
        scratch = st.state_dir / "incoming" / f"orgs-upload{suffix}"
        scratch.parent.mkdir(parents=True, exist_ok=True)
        scratch.write_bytes(data)
        try:
            orgs, problems = ita_xlsx.read_orgs(scratch, st.template)
        except ita_xlsx.OrgListError as exc:
            out["errors"].append(exc.text(self.lang))
            return False
        finally:
            scratch.unlink(missing_ok=True)
        if not orgs:
            out["errors"].append(self.t("make.list_empty"))
            out["problems"] = [p.text(self.lang) for p in problems]
            return False
        old_dir = st.state_dir / "previous"
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for name in ORG_LIST_NAMES:  # the old list is kept aside, not deleted
            old = st.root / name
            if old.is_file():
                old_dir.mkdir(parents=True, exist_ok=True)
                os.replace(old, old_dir / f"{stamp}-{name}")
        atomic_write(st.root / f"orgs{suffix}", data, force=True)
        return True

    async def workbooks_zip(self, request: Request) -> Response:
        def build() -> bytes:
            wb_dir = self.state.root / "workbooks"
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                if wb_dir.is_dir():
                    for p in sorted(wb_dir.iterdir()):
                        if p.is_file() and p.suffix.lower() == ".xlsx" and self.state.inside(p):
                            # writestr: a file time before 1980 cannot go into a ZIP
                            zf.writestr(p.name, p.read_bytes())
            return buf.getvalue()

        data = await run_in_threadpool(build)
        name = "ITA-workbooks.zip"
        return Response(data, media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # ------------------------------------------------------------ the report

    def _report_files(self) -> list[Path]:
        d = self.state.root / "reports"
        if not d.is_dir():
            return []
        return sorted((p for p in d.iterdir() if p.is_file() and p.suffix.lower()
                       in (".xlsx", ".csv", ".docx") and self.state.inside(p)), key=lambda p: p.name)

    def _consolidated(self) -> Path | None:
        """The consolidated workbook the report page built (the newest .xlsx in reports/)."""
        books = [p for p in self._report_files() if p.suffix.lower() == ".xlsx"]
        return max(books, key=lambda p: p.stat().st_mtime_ns) if books else None

    def _report_context(self, **extra) -> dict:
        ov = self.state.overview()
        emblem, emblem_problem = self.state.emblem()
        return {"files": self._report_files(), "has_report": self._consolidated() is not None,
                "ov": ov, "fig": ov.figures, "district": self.state.district(),
                "emblem": emblem, "emblem_problem": emblem_problem,
                "district_keys": DISTRICT_KEYS, "statuses": STATUSES, **extra}

    async def report_page(self, request: Request) -> Response:
        ctx = await run_in_threadpool(self._report_context)
        return self.render(request, "report.html", **ctx)

    async def report_memo(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        self._check_csrf(request, form.get("csrf"))
        outcome = await run_in_threadpool(self.changes.run, "report", self._build_memo)
        ctx = await run_in_threadpool(self._report_context, outcome=outcome)
        return self.render(request, "report.html", **ctx)

    async def report_district(self, request: Request) -> Response:
        """The district header the memo needs ([district] of ita-settings.toml)."""
        form = await request.form(max_files=0, max_fields=20, max_part_size=8192)
        self._check_csrf(request, form.get("csrf"))
        values = {k: str(form.get(k) or "")[:300] for k in DISTRICT_KEYS}
        errors: list[str] = []
        try:
            await run_in_threadpool(self.changes.run, "settings", self.state.save_district,
                                    values)
        except ita_xlsx.ItaError as exc:
            errors.append(exc.text(self.lang))
        ctx = await run_in_threadpool(self._report_context, outcome={
            "errors": errors, "district_saved": not errors})
        return self.render(request, "report.html", **ctx)

    async def report_emblem(self, request: Request) -> Response:
        """The office's emblem (ครุฑ) for the documents: an image or letterhead .docx uploaded
        into the round folder and named in [documents], or no emblem."""
        form = await request.form(max_files=1, max_fields=5, max_part_size=8192)
        try:
            self._check_csrf(request, form.get("csrf"))
            upload = form.get("emblem")
            data, sent_as = None, ""
            if form.get("remove") != "1" and isinstance(upload, UploadFile) and upload.filename:
                sent_as = _display_name(upload.filename)
                data = await upload.read(self.limits.max_file + 1)
                if len(data) > self.limits.max_file:
                    raise BodyTooLarge()
        finally:
            await form.close()
        errors: list[str] = []
        if data is None and form.get("remove") != "1":
            errors.append(self.t("report.emblem_none_sent"))
        else:
            try:
                if data is None:
                    await run_in_threadpool(self.changes.run, "settings", self.state.clear_emblem)
                else:
                    await run_in_threadpool(self.changes.run, "settings", self.state.save_emblem,
                                            data, sent_as)
            except ita_xlsx.ItaError as exc:
                errors.append(exc.text(self.lang))
        ctx = await run_in_threadpool(self._report_context, outcome={
            "errors": errors, "emblem_saved": not errors})
        return self.render(request, "report.html", **ctx)

    async def report_emblem_image(self, request: Request) -> Response:
        """The emblem the documents will carry, shown on the report page."""
        emblem, _problem = await run_in_threadpool(self.state.emblem)
        if emblem is None:
            return self.error(request, 404, self.t("error.404"))
        return Response(emblem.data, media_type=f"image/{emblem.kind}",
                        headers={"Cache-Control": "no-store"})

    def _build_memo(self) -> dict:
        st = self.state
        report = self._consolidated()
        if report is None:
            return {"errors": [self.t("report.memo_needs_report")]}
        settings = st.root / "ita-settings.toml"
        try:
            with st.lock:  # the round itself: the figures the page shows
                memo = ita_xlsx.make_district_memo(
                    st.root, report.parent, settings=settings if settings.is_file() else None,
                    force=True, template=st.template)
        except ita_xlsx.ItaError as exc:  # a report the memo cannot read: said in Thai
            return {"errors": [exc.en if self.lang == "en" else exc.th]}
        return {"errors": [], "memo": memo.path.name,
                "no_settings": not (memo.settings_file and st.settings().get("district"))}

    async def report_build(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        self._check_csrf(request, form.get("csrf"))
        outcome = await run_in_threadpool(self.changes.run, "report", self._build_report)
        ctx = await run_in_threadpool(self._report_context, outcome=outcome)
        return self.render(request, "report.html", **ctx)

    def _build_report(self) -> dict:
        st = self.state
        if not (st.returned_dir.is_dir() and ita_xlsx.find_workbooks([st.returned_dir])):
            return {"errors": [self.t("report.no_returns")]}
        with st.lock:  # the round model's merge: the report says what the page says
            result = st.round().merge
            out_dir = st.root / "reports"
            out_dir.mkdir(exist_ok=True)
            for old in out_dir.glob("*.docx"):  # a memo of the previous report would mislead
                old.unlink(missing_ok=True)
            year = result.fiscal_year or ""
            name = f"ITA{year}_รายงานรวม.xlsx" if self.lang == "th" else \
                f"ITA{year}_consolidated.xlsx"
            ita_xlsx.write_consolidated(result, out_dir / name, force=True, lang=self.lang,
                                        template=st.template)
            ita_xlsx.write_consolidated_csv(result, out_dir, force=True, template=st.template)
        return {"errors": [], "n": len(result.entries), "seconds": round(result.seconds, 1)}

    async def report_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        for p in self._report_files():  # only a name the folder lists, never a path
            if p.name == name:
                media = {".xlsx": XLSX, ".docx": DOCX}.get(p.suffix.lower(),
                                                           "text/csv; charset=utf-8")
                return FileResponse(p, filename=p.name, media_type=media)
        return self.error(request, 404, self.t("error.404"))

    # ------------------------------------------------------------ the round by email

    def mail_ready(self) -> bool:
        """Mail settings exist for this round (the mail module present and [mail] filled)."""
        loader = getattr(ita_xlsx, "load_settings", None)
        if loader is None:
            return False
        try:
            return bool(loader(self.state.root).mail.configured)
        except Exception:  # noqa: BLE001 - a broken settings file: the buttons stay hidden
            return False

    async def collect(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        self._check_csrf(request, form.get("csrf"))

        def work() -> dict:
            st = self.state
            with st.lock:
                r = ita_xlsx.collect(st.root, progress=None)
            return {"saved": len(r.saved), "duplicates": len(r.duplicates),
                    "without": len(r.without_workbook), "refused": len(r.refused),
                    "messages": r.new_messages}

        outcome = await run_in_threadpool(self.changes.run, "collect", work)
        return self.render(request, "returns.html", collected=outcome)

    async def org_send(self, request: Request) -> Response:
        """Send this organisation its feedback copy (``feedback``) or a reminder (``remind``)."""
        form = await request.form(max_files=0, max_fields=5)
        self._check_csrf(request, form.get("csrf"))
        what = request.path_params["what"]
        code = request.path_params["code"]
        row = await run_in_threadpool(self.state.org, code)
        orgs = [o for o in self.state.orgs()[0] if o.code.casefold() == code.casefold()]
        if row is None or not orgs or what not in ("feedback", "remind"):
            return self.error(request, 404, self.t("error.404"))

        def work():
            st = self.state
            assert row is not None  # checked above, before this runs
            if what == "feedback":
                if row.counting is None or st.feedback_copy(row.counting) is None:
                    return None
                return ita_xlsx.send_workbooks(st.root, orgs=orgs, feedback=st.root / "feedback")
            return ita_xlsx.send_workbooks(st.root, orgs=orgs, remind=True)

        result = await run_in_threadpool(self.changes.run, "send", work)
        row = await run_in_threadpool(self.state.org, code)
        return self.render(request, "org.html",
                           **self._org_context(row, sent=_send_summary(result, self.lang)))

    async def make_send(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        self._check_csrf(request, form.get("csrf"))
        result = await run_in_threadpool(self.changes.run, "send", ita_xlsx.send_workbooks,
                                         self.state.root)
        return self.render(request, "make.html", sent=_send_summary(result, self.lang),
                           mail=True, **self._make_context())

    # ------------------------------------------------------------ sign-in (shared host)

    async def login(self, request: Request) -> Response:
        session = request.scope.get("ita_session")
        if request.method == "POST":
            form = await request.form(max_files=0, max_fields=5, max_part_size=4096)
            self._check_csrf(request, form.get("csrf"))
            if self.access.password_ok(str(form.get("password") or "")):
                assert session is not None  # the gate gives /login a session before it runs
                session.authed = True
                return RedirectResponse("/", status_code=303)
            return self.render(request, "login.html", code=403, wrong=True)
        return self.render(request, "login.html")

    # ------------------------------------------------------------ helpers

    def _check_csrf(self, request: Request, given) -> None:
        session = request.scope.get("ita_session")
        token = request.headers.get("x-csrf-token") or (str(given) if given else None)
        if not Access.csrf_ok(session, token):
            raise HTTPException(403, "csrf")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _findings(row) -> list:
    rep = row.counting.report if row is not None and row.counting is not None else None
    return list(getattr(rep, "findings", []) or [])


def _send_summary(result, lang: str) -> list[str]:
    """What a send did, as lines for the page (the mail module's SendResult)."""
    if result is None:
        return [text("org.no_findings", lang)]
    lines = []
    for code, to in result.sent:
        lines.append(text("mail.sent", lang, code=code, to=to))
    for code in result.already:
        lines.append(text("mail.already", lang, code=code))
    for code, error in result.failed:
        lines.append(text("mail.failed", lang, code=code, error=error))
    for org in result.no_address:
        lines.append(text("mail.no_address", lang, code=org.code))
    for org in result.no_file:
        lines.append(text("mail.no_file", lang, code=org.code))
    for code in result.skipped:
        lines.append(text("mail.skipped", lang, code=code))
    return lines or [text("mail.nothing", lang)]


def _q(code: str) -> str:
    from urllib.parse import quote

    return quote(code, safe="")


def _display_name(name: str | None) -> str:
    """The sender's file name, for display only: last part, no control characters."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:200] or "file"


def _write_round_settings(root: Path, year: int, round_key: str, deadline: str,
                          contact: str) -> None:
    """A first ``ita-settings.toml`` with the [round] section; an existing one is left alone."""
    from ita_xlsx.core.files import OutputExists, atomic_write

    path = root / "ita-settings.toml"
    if path.exists():
        return
    body = ("[round]\n"
            f"fiscal_year = {int(year)}\n"
            f"round = {json.dumps(round_key, ensure_ascii=False)}\n"
            f"deadline = {json.dumps(deadline, ensure_ascii=False)}\n"
            f"contact = {json.dumps(contact, ensure_ascii=False)}\n")
    try:
        atomic_write(path, body.encode("utf-8"))
    except OutputExists:
        pass


def _charts(ov) -> dict:
    """Bar charts as numbers the template draws as SVG rectangles (width in %)."""
    def bars(items, scale=None):
        top = scale or max((v for _, v in items), default=0) or 1
        return [{"label": k, "value": v, "pct": round(100 * v / top, 1)} for k, v in items]

    return {"levels": bars(ov.levels), "weakest": bars(ov.weakest, 100),
            "progress": bars(ov.progress)}


# ---------------------------------------------------------------- the guard around it all


class Guard:
    """ASGI wrapper: host check, access, body limits, headers; errors become Thai pages."""

    state: RoundState  # the round behind the pages, set by the app factory (the server warms it)

    def __init__(self, app, pages: Pages, allowed_hosts: set[str] | None):
        self.app, self.pages, self.access = app, pages, pages.access
        self.allowed_hosts = allowed_hosts
        self.limits = pages.limits

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        try:
            response = self._gate(scope)
            if response is not None:
                return await response(scope, receive, send_with_headers)
            path = scope["path"]
            limit = (self.limits.max_body if path in UPLOAD_PATHS
                     else self.limits.max_small_body)
            length = _header(scope, b"content-length")
            if length and length.isdigit() and int(length) > limit:
                return await self._page(scope, 413, self._too_large())(
                    scope, receive, send_with_headers)
            await self.app(scope, limited_receive(receive, limit, self.limits),
                           send_with_headers)
        except Exception as exc:  # noqa: BLE001 - the server outlives any failing request
            if started:
                return
            status, message = self._failure(exc)
            await self._page(scope, status, message)(scope, _empty_receive, send_with_headers)

    def _failure(self, exc: Exception) -> tuple[int, str]:
        lang = self.pages.lang
        if isinstance(exc, BodyTooLarge):
            return 413, self._too_large()
        if isinstance(exc, BodyTimeout):
            return 408, text("error.408", lang)
        if isinstance(exc, RoundBusy):
            return 409, exc.en if lang == "en" else exc.th
        if hasattr(exc, "th") and hasattr(exc, "en"):  # ItaError / UserError: the user can fix it
            return 400, exc.en if lang == "en" else exc.th
        _log_failure(exc)
        th, en = what_happened(exc)
        return 500, text("error.500", lang, detail=en if lang == "en" else th)

    def _too_large(self) -> str:
        return text("error.413", self.pages.lang, mb=self.limits.max_file // MiB,
                    n=self.limits.max_files)

    def _page(self, scope, status: int, message: str) -> Response:
        request = Request(scope)
        try:
            return self.pages.error(request, status, message)
        except Exception:  # noqa: BLE001 - even the error page failing gets an answer
            return Response(message, status_code=status, media_type="text/plain; charset=utf-8")

    def _gate(self, scope) -> Response | _SetCookieThen | None:
        """None when the request may go on; otherwise the answer to send instead."""
        lang = self.pages.lang
        host = (_header(scope, b"host") or "").lower()
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return self._page(scope, 400, text("error.host", lang))
        path = scope["path"]
        if path.startswith(OPEN_PATHS):
            return None
        cookies = Request(scope).cookies
        sid = cookies.get(self.access.cookie)
        session = self.access.session(sid)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("token") or [None])[0]
        if token is not None and scope["method"] == "GET":
            if not self.access.token_ok(token):
                return self._page(scope, 403, text("error.403", lang))
            if session is None or not session.authed:
                sid, session = self.access.new_session(authed=True)
            rest = {k: v for k, v in query.items() if k != "token"}
            target = path + ("?" + urlencode(rest, doseq=True) if rest else "")
            response = RedirectResponse(target, status_code=303)
            assert sid is not None  # the session exists, found by or made with this id
            self._set_cookie(response, sid)
            return response
        if session is not None and session.authed:
            scope["ita_session"] = session
            return self._origin_check(scope)
        if self.access.password is not None and path == "/login":
            if session is None:
                sid, session = self.access.new_session(authed=False)
                scope["ita_session"] = session
                return _SetCookieThen(self, sid)
            scope["ita_session"] = session
            return self._origin_check(scope)
        if self.access.password is not None and scope["method"] == "GET":
            return RedirectResponse("/login", status_code=303)
        return self._page(scope, 403, text("error.403", lang))

    def _origin_check(self, scope) -> Response | None:
        """A POST from another site (the browser names it in Origin) is refused outright."""
        if scope["method"] not in ("GET", "HEAD"):
            origin = _header(scope, b"origin")
            host = _header(scope, b"host") or ""
            if origin and origin not in (f"http://{host}", f"https://{host}"):
                return self._page(scope, 403, text("error.csrf", self.pages.lang))
        return None

    def _set_cookie(self, response: Response, sid: str) -> None:
        response.set_cookie(self.access.cookie, sid, httponly=True, samesite="strict",
                            path="/")


class _SetCookieThen:
    """Let the request through with a fresh (not yet signed-in) session cookie."""

    def __init__(self, guard: Guard, sid: str):
        self.guard, self.sid = guard, sid

    async def __call__(self, scope, receive, send):
        cookie = self.sid
        name = self.guard.access.cookie

        async def with_cookie(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie",
                                f"{name}={cookie}; HttpOnly; Path=/; SameSite=strict".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.guard.app(scope, receive, with_cookie)


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make Chromium send Origin: null
    "Cache-Control": "no-store",
}


async def _empty_receive():
    return {"type": "http.request", "body": b"", "more_body": False}


def _header(scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k == name:
            return v.decode("latin-1")
    return None


def _log_failure(exc: Exception) -> None:
    if os.environ.get("ITA_XLSX_DEBUG"):
        log.exception("request failed", exc_info=exc)
    else:
        print(f"ita-xlsx serve: คำขอหนึ่งทำงานไม่สำเร็จ / a request failed: "
              f"{type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)


# ---------------------------------------------------------------- building it


def create_app(root: Path | str, *, lang: str = "th", access: Access | None = None,
               allowed_hosts: set[str] | None = None, limits: Limits | None = None):
    """The application for one round folder (wrapped in :class:`Guard`)."""
    state = RoundState(Path(root), lang)
    access = access or Access()
    pages = Pages(state, access, limits or Limits())

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)  # registered for HTTPException only
        if exc.status_code == 403 and exc.detail == "csrf":
            return pages.error(request, 403, pages.t("error.csrf"))
        if exc.status_code in (404, 405):
            return pages.error(request, exc.status_code, pages.t(f"error.{exc.status_code}"))
        if exc.status_code == 400 and str(exc.detail).startswith(("Too many", "Part exceeded")):
            return pages.error(request, 413, guard._too_large())
        if exc.status_code == 400:
            return pages.error(request, 400, pages.t("error.400", detail=str(exc.detail)[:200]))
        return pages.error(request, exc.status_code, pages.t("error.title"))

    routes = [
        Route("/", pages.round),
        Route("/returns", pages.returns),
        Route("/returns/upload", pages.upload, methods=["POST"]),
        Route("/returns/collect", pages.collect, methods=["POST"]),
        Route("/org/{code}/send/{what}", pages.org_send, methods=["POST"]),
        Route("/make/send", pages.make_send, methods=["POST"]),
        Route("/org/{code}", pages.org),
        Route("/org/{code}/file/{n:int}", pages.org_file),
        Route("/org/{code}/file/{n:int}/{what}", pages.org_file_ruling, methods=["POST"]),
        Route("/org/{code}/documents", pages.org_documents_make, methods=["POST"]),
        Route("/org/{code}/document/{name}", pages.org_document),
        Route("/org/{code}/feedback/{n:int}", pages.org_feedback),
        Route("/make", pages.make_page),
        Route("/make", pages.make, methods=["POST"]),
        Route("/make/workbooks.zip", pages.workbooks_zip),
        Route("/report", pages.report_page),
        Route("/report/build", pages.report_build, methods=["POST"]),
        Route("/report/memo", pages.report_memo, methods=["POST"]),
        Route("/report/district", pages.report_district, methods=["POST"]),
        Route("/report/emblem", pages.report_emblem, methods=["POST"]),
        Route("/report/emblem/image", pages.report_emblem_image),
        Route("/report/file/{name}", pages.report_file),
        Route("/login", pages.login, methods=["GET", "POST"]),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    async def failure(request: Request, exc: Exception) -> Response:
        status, message = guard._failure(exc)
        return pages.error(request, status, message)

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error,
                                                       Exception: failure})
    guard = Guard(app, pages, allowed_hosts)
    guard.state = state
    return guard
