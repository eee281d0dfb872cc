"""Shared fixtures: workbooks made by the real code, and LibreOffice as a real client."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ita_xlsx.make.render import Org, RenderOptions, render_workbook
from ita_xlsx.spec.template import bind, load_template

FY = 2570


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """A LibreOffice converter: ``soffice(path, "ods", outdir) -> converted path``."""
    exe = soffice_path()
    if exe is None:
        if os.environ.get("ITA_XLSX_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here but not installed")
        pytest.skip("LibreOffice not installed")
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(path: Path, fmt: str, outdir: Path) -> Path:
        outdir.mkdir(parents=True, exist_ok=True)
        cmd = [
            exe, "--headless", "--norestore", "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", fmt, "--outdir", str(outdir), str(path),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        ext = fmt.split(":")[0]
        produced = sorted(outdir.glob(f"{Path(path).stem}*.{ext}"))
        assert done.returncode == 0 and produced, (done.stdout, done.stderr)
        return produced[0]

    return convert


@pytest.fixture(scope="session")
def template():
    return load_template()


@pytest.fixture(scope="session")
def bound(template):
    return bind(template, FY, "plan")


@pytest.fixture()
def sample_org():
    return Org(code="6560101", name="เทศบาลตำบลห้วยวน", type="เทศบาลตำบล", district="เชียงคำ",
               province="พะเยา",
               email="saraban@huaywon.go.th")


@pytest.fixture()
def options():
    from datetime import datetime

    return RenderOptions(fiscal_year=FY, round="plan", deadline="31 มกราคม 2570",
                         contact="ท้องถิ่นอำเภอเชียงคำ", generated_at=datetime(2026, 11, 1, 9, 0))


@pytest.fixture()
def workbook_path(tmp_path, bound, sample_org, options) -> Path:
    path = tmp_path / "6560101_huaywon.xlsx"
    path.write_bytes(render_workbook(bound, sample_org, options))
    return path
