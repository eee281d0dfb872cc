"""A workbook is known by its content, whatever its name says: a sound return named .xlsb,
.xls, .zip or with no extension is read; a real binary workbook (.xlsb) still gets its own
finding."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from hostile import good_return

import ita_xlsx


@pytest.fixture(scope="module")
def sound(tmp_path_factory) -> Path:
    return good_return(tmp_path_factory.mktemp("src"), "6560101.xlsx", seed=1)


@pytest.mark.parametrize("name", ["6560101.xlsb", "6560101.xls", "6560101.zip", "6560101",
                                  "6560101.XLSB"])
def test_sound_return_under_another_name_is_read(sound, tmp_path, template, name):
    folder = tmp_path / "returned"
    folder.mkdir()
    shutil.copy(sound, folder / name)
    for given in ([folder], [folder / name]):  # a dropped folder, and the file itself
        report = ita_xlsx.validate(given, template=template, workers=1)
        assert len(report.files) == 1, [s.path for s in report.skipped]
        rep = report.files[0]
        assert rep.returned.readable and rep.findings == [], [f.code for f in rep.findings]
        assert rep.returned.org_code == "6560101"


def test_real_binary_workbook_gets_its_own_finding(tmp_path, template):
    xlsb = tmp_path / "6560101.xlsb"
    with zipfile.ZipFile(xlsb, "w") as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Override PartName="/xl/workbook.bin" '
                    'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
                    '</Types>')
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    report = ita_xlsx.validate([xlsb], template=template, workers=1)
    assert [f.code for f in report.files[0].findings] == ["file-macro"]
