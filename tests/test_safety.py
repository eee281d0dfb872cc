"""Pre-flight safety checks on real files: generated, re-saved by LibreOffice, or tampered."""

from __future__ import annotations

import time
import warnings
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from ita_xlsx.core.findings import CATALOGUE
from ita_xlsx.intake.safety import LIMITS, Limits, MiB, Preflight, preflight
from ita_xlsx.make.render import Org, RenderOptions, render_workbook

# ---------------------------------------------------------------- helpers


def check(path: Path, limits: Limits = LIMITS) -> Preflight:
    """Run preflight, and assert what must hold for every file: input untouched, clean text."""
    before = path.read_bytes()
    result = preflight(path, limits)
    assert path.read_bytes() == before, "preflight modified its input"
    for finding in result.findings:
        assert finding.sheet is None and finding.row is None
        for lang in ("th", "en"):
            message = finding.message(lang)
            template = CATALOGUE[finding.code].template_en if lang == "en" else CATALOGUE[
                finding.code].template
            assert message.startswith(template.split("{")[0]), message
    return result


def codes(result: Preflight) -> list[str]:
    return [f.code for f in result.findings]


def detail_en(result: Preflight) -> str:
    return result.findings[0].params["detail"]["en"]


def rewrite(src: Path, dst: Path, replace: dict[str, bytes] | None = None,
            add: dict[str, bytes] | None = None) -> Path:
    """A copy of the ZIP ``src`` with some members replaced or added (order kept)."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, replace.get(info.filename, zin.read(info)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def billion_laughs(root: str = "sst") -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [\n'
            + "\n".join(entities) + f"\n]>\n<{root}>&lol9;</{root}>")


def rename_ole_entry(data: bytes, old: str, new: str, kind: int | None = None) -> bytes:
    """Rename a CFB directory entry in place (entries are 128-byte aligned)."""
    needle = old.encode("utf-16-le") + b"\0\0"
    pos = data.find(needle)
    while pos >= 0 and pos % 128:
        pos = data.find(needle, pos + 1)
    assert pos >= 0, f"{old!r} not in the directory"
    name = new.encode("utf-16-le").ljust(64, b"\0")
    out = bytearray(data)
    out[pos: pos + 64] = name
    out[pos + 64: pos + 66] = ((len(new) + 1) * 2).to_bytes(2, "little")
    if kind is not None:
        out[pos + 66] = kind
    return bytes(out)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- real workbooks


def test_generated_workbook_passes(workbook_path):
    result = check(workbook_path)
    assert result.kind == "xlsx"
    assert result.ok and result.findings == []
    assert result.custom_properties["ita_org_code"] == "6560101"
    assert result.custom_properties["ita_fiscal_year"] == "2570"


@pytest.fixture(scope="module")
def resaved(tmp_path_factory, bound, soffice) -> dict[str, Path]:
    """The generated workbook re-saved by LibreOffice as .ods and .xls (converted once)."""
    tmp = tmp_path_factory.mktemp("resaved")
    org = Org(code="6560101", name="เทศบาลตำบลห้วยวน", type="เทศบาลตำบล", district="เชียงคำ",
              province="พะเยา",
              email="saraban@huaywon.go.th")
    options = RenderOptions(fiscal_year=2570, round="plan", deadline="31 มกราคม 2570",
                            contact="ท้องถิ่นอำเภอเชียงคำ",
                            generated_at=datetime(2026, 11, 1, 9, 0))
    source = write(tmp / "6560101_huaywon.xlsx", render_workbook(bound, org, options))
    return {fmt: soffice(source, fmt, tmp / fmt) for fmt in ("ods", "xls")}


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_libreoffice_resave_passes(resaved, fmt):
    result = check(resaved[fmt])
    assert result.kind == fmt
    assert result.ok and result.findings == []
    assert result.custom_properties == {}


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["xls", "ods"])
def test_kind_comes_from_content_not_the_name(resaved, tmp_path, name):
    renamed = write(tmp_path / "renamed.xlsx", resaved[name].read_bytes())
    assert check(renamed).kind == name


# ---------------------------------------------------------------- ZIP bombs and structure


def bomb(src: Path, dst: Path, sizes_mib: list[int]) -> Path:
    """The workbook plus members of zeros, written in chunks (never whole in memory)."""
    rewrite(src, dst)
    chunk = bytes(MiB)
    with zipfile.ZipFile(dst, "a", zipfile.ZIP_DEFLATED) as zf:
        for i, size in enumerate(sizes_mib):
            with zf.open(f"xl/media/zeros{i}.bin", "w", force_zip64=True) as member:
                for _ in range(size):
                    member.write(chunk)
    return dst


@pytest.mark.parametrize(("sizes", "limits", "reason"), [
    ([300], LIMITS, "zeros0.bin expands to 300 MB"),  # over the per-member cap
    ([20], LIMITS, "compression ratio of xl/media/zeros0.bin"),  # under the caps, ~1000:1
    ([30, 30], Limits(max_uncompressed=50 * MiB, max_ratio=1e9), "expands to 60 MB, limit"),
])
def test_zip_bomb_is_refused_quickly(workbook_path, tmp_path, sizes, limits, reason):
    path = bomb(workbook_path, tmp_path / "bomb.xlsx", sizes)
    assert path.stat().st_size < 2 * MiB
    start = time.perf_counter()
    result = check(path, limits)
    assert time.perf_counter() - start < 1.0
    assert codes(result) == ["file-unsafe"] and not result.ok
    assert reason in detail_en(result)
    assert result.kind == "xlsx"


def test_too_many_entries(workbook_path, tmp_path):
    path = rewrite(workbook_path, tmp_path / "many.xlsx",
                   add={f"xl/media/x{i}.txt": b"x" for i in range(40)})
    result = check(path, Limits(max_entries=30))
    assert codes(result) == ["file-unsafe"]
    assert "too many entries" in detail_en(result)


def test_oversized_file(workbook_path):
    result = check(workbook_path, Limits(max_file_bytes=1000))
    assert codes(result) == ["file-unsafe"]
    assert "too large" in detail_en(result)


@pytest.mark.parametrize("name", ["../../evil.xml", "/etc/evil.xml", "C:/evil.xml",
                                  "xl/..\\..\\evil.xml"])
def test_unsafe_member_names(workbook_path, tmp_path, name):
    path = rewrite(workbook_path, tmp_path / "slip.xlsx", add={name: b"<x/>"})
    result = check(path)
    assert codes(result) == ["file-unsafe"]
    assert "unsafe entry name" in detail_en(result)


def test_duplicate_part_names(workbook_path, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate we want
        path = rewrite(workbook_path, tmp_path / "dup.xlsx", add={"XL/workbook.xml": b"<x/>"})
    assert codes(check(path)) == ["file-unsafe"]


@pytest.mark.parametrize("name", ["xl/embeddings/Book1.xlsx", "xl/media/image1.png"])
def test_nested_archive(workbook_path, tmp_path, name):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.txt", "hello")
    path = rewrite(workbook_path, tmp_path / "nested.xlsx", add={name: inner.read_bytes()})
    result = check(path)
    assert codes(result) == ["file-unsafe"]
    assert "nested archive" in detail_en(result)


def test_truncated_zip(workbook_path, tmp_path):
    data = workbook_path.read_bytes()
    result = check(write(tmp_path / "cut.xlsx", data[: len(data) // 2]))
    assert codes(result) == ["file-unreadable"]


# ---------------------------------------------------------------- XML entities


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "docProps/custom.xml",
                                  "xl/worksheets/sheet1.xml", "_rels/.rels"])
def test_billion_laughs(workbook_path, tmp_path, part):
    path = rewrite(workbook_path, tmp_path / "lol.xlsx",
                   replace={part: billion_laughs().encode()})
    start = time.perf_counter()
    result = check(path)
    assert time.perf_counter() - start < 1.0
    assert codes(result) == ["file-unsafe"]
    assert "XML entity declarations" in detail_en(result)


XXE = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>'


@pytest.mark.parametrize(("payload", "words"), [
    (XXE.encode(), "XML entity declarations"),
    # UTF-16 has no "<!DOCTYPE" bytes for a regex to find; expat decodes it
    (XXE.replace('"1.0"?>', '"1.0" encoding="UTF-16"?>').encode("utf-16"),
     "XML entity declarations"),
    # the PhpSpreadsheet bypass (CVE-2018-19277): an encoding expat cannot read is refused
    (b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE p+AD4-<p/>', "cannot be checked"),
    # a DOCTYPE pushed past the scanned head by a long comment
    (b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b"--><!DOCTYPE p><p/>", "prolog"),
], ids=["xxe", "utf16", "utf7", "long-prolog"])
def test_entity_declarations_cannot_hide(workbook_path, tmp_path, payload, words):
    path = rewrite(workbook_path, tmp_path / "xxe.xlsx", replace={"docProps/custom.xml": payload})
    result = check(path)
    assert codes(result) == ["file-unsafe"]
    assert words in detail_en(result)


def test_xml_under_another_name_is_scanned(workbook_path, tmp_path):
    path = rewrite(workbook_path, tmp_path / "odd.xlsx",
                   add={"xl/worksheets/sheet9.dat": billion_laughs("worksheet").encode()})
    assert codes(check(path)) == ["file-unsafe"]


def test_svg_picture_with_doctype_is_not_scanned(workbook_path, tmp_path):
    svg = (b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>')
    path = rewrite(workbook_path, tmp_path / "logo.xlsx", add={"xl/media/image1.svg": svg})
    assert check(path).ok


def test_thai_single_byte_encoding_is_fine(workbook_path, tmp_path):
    xml = '<?xml version="1.0" encoding="TIS-620"?><note>เทศบาล</note>'.encode("tis-620")
    path = rewrite(workbook_path, tmp_path / "tis.xlsx", add={"customXml/item9.xml": xml})
    assert check(path).ok


# ---------------------------------------------------------------- macros and encryption

MACRO_TYPE = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
VBA_DEFAULT = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'


@pytest.mark.parametrize(("with_bin", "with_type"), [(True, True), (True, False), (False, True)])
def test_macro_workbook(workbook_path, tmp_path, with_bin, with_type):
    with zipfile.ZipFile(workbook_path) as zf:
        types = zf.read("[Content_Types].xml")
    if with_type:
        types = types.replace(PLAIN_TYPE, MACRO_TYPE).replace(b"<Override", VBA_DEFAULT
                                                              + b"<Override", 1)
    add = {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)} if with_bin \
        else {}
    path = rewrite(workbook_path, tmp_path / "macro.xlsm",
                   replace={"[Content_Types].xml": types}, add=add)
    result = check(path)
    assert result.kind == "xlsx"
    assert codes(result) == ["file-macro"] and not result.ok


def test_xlsb_counts_as_macro(workbook_path, tmp_path):
    path = rewrite(workbook_path, tmp_path / "book.xlsb", add={"xl/workbook.bin": b"\x83\x01"})
    assert codes(check(path)) == ["file-macro"]


def test_encrypted_xlsx(workbook_path, tmp_path):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    path = tmp_path / "locked.xlsx"
    with workbook_path.open("rb") as src, path.open("wb") as out:
        ooxml.OOXMLFile(src).encrypt("รหัส1234", out)
    result = check(path)
    assert codes(result) == ["file-encrypted"] and not result.ok
    assert result.kind == "xlsx"


@pytest.mark.libreoffice
def test_xls_with_vba_project(resaved, tmp_path):
    data = rename_ole_entry(resaved["xls"].read_bytes(), "\x05DocumentSummaryInformation",
                            "_VBA_PROJECT_CUR", kind=1)
    result = check(write(tmp_path / "macro.xls", data))
    assert result.kind == "xls"
    assert codes(result) == ["file-macro"]


@pytest.mark.libreoffice
def test_xls_with_filepass(resaved, tmp_path):
    data = bytearray(resaved["xls"].read_bytes())
    bof = data.find(b"\x09\x08\x10\x00\x00\x06\x05\x00")  # BIFF8 workbook-globals BOF
    assert bof > 0
    data[bof + 20: bof + 22] = b"\x2f\x00"  # the record after BOF becomes FILEPASS
    result = check(write(tmp_path / "locked.xls", bytes(data)))
    assert result.kind == "xls"
    assert codes(result) == ["file-encrypted"]


@pytest.mark.libreoffice
def test_ole_file_that_is_not_a_workbook(resaved, tmp_path):
    data = rename_ole_entry(resaved["xls"].read_bytes(), "Workbook", "WordDocument")
    result = check(write(tmp_path / "letter.xls", data))
    assert result.kind == ""
    assert codes(result) == ["file-unreadable"]
    assert "not a spreadsheet" in detail_en(result) and "Word" in detail_en(result)


@pytest.mark.libreoffice
def test_ods_with_basic_macros(resaved, tmp_path):
    module = b'<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script="x"/>'
    path = rewrite(resaved["ods"], tmp_path / "macro.ods",
                   add={"Basic/Standard/Module1.xml": module})
    result = check(path)
    assert result.kind == "ods" and codes(result) == ["file-macro"]


@pytest.mark.libreoffice
def test_encrypted_ods(resaved, tmp_path):
    with zipfile.ZipFile(resaved["ods"]) as zf:
        manifest = zf.read("META-INF/manifest.xml")
    manifest = manifest.replace(
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
        b'manifest:full-path="content.xml" manifest:media-type="text/xml">'
        b"<manifest:encryption-data/></manifest:file-entry>")
    assert b"encryption-data" in manifest
    path = rewrite(resaved["ods"], tmp_path / "locked.ods",
                   replace={"META-INF/manifest.xml": manifest, "content.xml": bytes(range(256))})
    result = check(path)
    assert result.kind == "ods" and codes(result) == ["file-encrypted"]


@pytest.mark.libreoffice
def test_opendocument_text_is_not_a_spreadsheet(resaved, tmp_path):
    path = rewrite(resaved["ods"], tmp_path / "letter.ods",
                   replace={"mimetype": b"application/vnd.oasis.opendocument.text"})
    result = check(path)
    assert result.kind == "" and codes(result) == ["file-unreadable"]
    assert "not a spreadsheet" in detail_en(result)


# ---------------------------------------------------------------- external links


@pytest.mark.parametrize(("part", "words"), [
    ("xl/externalLinks/externalLink1.xml", "link(s) to other workbooks"),
    ("xl/connections.xml", "external data connections"),
])
def test_external_links_warn_only(workbook_path, tmp_path, part, words):
    path = rewrite(workbook_path, tmp_path / "linked.xlsx",
                   add={part: b'<?xml version="1.0"?><externalLink/>'})
    result = check(path)
    assert result.ok and result.kind == "xlsx"
    assert codes(result) == ["file-external-links"]
    assert result.findings[0].severity == "warning"
    assert words in detail_en(result)
    assert result.custom_properties["ita_org_code"] == "6560101"


# ---------------------------------------------------------------- not spreadsheets at all


@pytest.mark.parametrize(("data", "words"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    ("รหัส,ชื่อหน่วยงาน\n6560101,เทศบาลตำบลห้วยวน\n".encode(), "plain-text"),
    ("รหัส\tชื่อ\n".encode("utf-16"), "plain-text"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML web page"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "image"),
    (bytes(range(256)) * 4, "not a known"),
])
def test_other_files_renamed_xlsx(tmp_path, data, words):
    result = check(write(tmp_path / "report.xlsx", data))
    assert result.kind == "" and codes(result) == ["file-unreadable"]
    assert words in detail_en(result)


@pytest.mark.parametrize(("members", "words"), [
    ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}, "Word"),
    ({"notes.txt": b"hello"}, "ZIP archive"),
    ({}, "ZIP archive"),
])
def test_other_zips(tmp_path, members, words):
    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    result = check(path)
    assert result.kind == "" and codes(result) == ["file-unreadable"]
    assert "not a spreadsheet" in detail_en(result) and words in detail_en(result)


def test_empty_file(tmp_path):
    result = check(write(tmp_path / "empty.xlsx", b""))
    assert codes(result) == ["file-empty"] and not result.ok


def test_missing_or_directory_is_a_finding_not_a_crash(tmp_path):
    for path in (tmp_path / "absent.xlsx", tmp_path):
        result = preflight(path)
        assert codes(result) == ["file-unreadable"]


def test_untrusted_zips_are_opened_in_one_module():
    """Every module that reads a ZIP someone sent opens it through intake/zips.py (one list
    of damage errors, one bounded inflate); our own workbooks and the demo's may open theirs."""
    import re

    pkg = Path(__file__).resolve().parents[1] / "ita_xlsx"
    trusted = {"intake/zips.py", "make/stamp.py", "demo/messy.py", "web/app.py"}
    direct = []
    for path in pkg.rglob("*.py"):
        rel = path.relative_to(pkg).as_posix()
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"zipfile\.ZipFile\(([^)]*)", text):
            if rel not in trusted and '"w"' not in m.group(1):
                direct.append(rel)
    assert direct == []


def test_a_member_that_inflates_past_its_limit_is_refused(tmp_path):
    import zipfile

    from ita_xlsx.intake.zips import MemberTooLarge, open_zip, read_member

    p = tmp_path / "bomb.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.xml", b"0" * 5_000_000)
    with open_zip(p) as zf:
        assert len(read_member(zf, "a.xml", 6_000_000)) == 5_000_000
        with pytest.raises(MemberTooLarge) as exc:
            read_member(zf, "a.xml", 1_000_000)
        assert not exc.value.ratio
        with pytest.raises(MemberTooLarge) as exc:
            read_member(zf, "a.xml", 6_000_000, ratio_limit=100_000)
        assert exc.value.ratio
