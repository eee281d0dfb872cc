"""archive.py: workbooks out of ZIP archives and saved mails, bounded and with Thai names."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

import pytest

from ita_xlsx.intake.archive import ArchiveError, eml_workbooks, scan_eml, scan_zip, zip_workbooks
from ita_xlsx.intake.read import read_return
from ita_xlsx.intake.safety import Limits

THAI_NAME = "รอบ6/6560101_เทศบาลตำบลห้วยวน.xlsx"
XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _zip_legacy_names(members: dict[str, bytes], encoding: str) -> bytes:
    """A ZIP as Thai Windows' "Send to compressed folder" makes it: names in the code page,
    no UTF-8 flag. zipfile always writes UTF-8, so write ASCII stand-ins of the same byte
    length and put the real bytes in their place (names are outside the CRC)."""
    stand_ins = {}
    for i, name in enumerate(members):
        raw = name.encode(encoding)
        stand_in = (f"n{i}_" + "x" * len(raw))[: len(raw)].encode()
        stand_ins[stand_in] = raw
    data = _zip({s.decode(): members[n] for s, n in zip(stand_ins, members, strict=True)})
    for stand_in, raw in stand_ins.items():
        assert data.count(stand_in) == 2  # local header and central directory
        data = data.replace(stand_in, raw)
    return data


def test_cp874_names_decoded(workbook_path):
    book = workbook_path.read_bytes()
    data = _zip_legacy_names({THAI_NAME: book, "readme.txt": b"hi"}, "cp874")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # really stored without the flag
        assert all(not i.flag_bits & 0x800 for i in zf.infolist())
    got = scan_zip(data, "ส่งงาน.zip")
    assert [(m.inner_name, m.source) for m in got.members] == [(THAI_NAME, "ส่งงาน.zip")]
    assert got.members[0].data == book
    assert [(o.inner_name, o.kind) for o in got.others] == [("readme.txt", "other")]


def test_cp437_names_kept_and_utf8_names_read():
    legacy = _zip_legacy_names({"Résumé.xlsx": b"x"}, "cp437")
    assert [m.inner_name for m in zip_workbooks(legacy, "a.zip")] == ["Résumé.xlsx"]
    modern = _zip({THAI_NAME: b"y"})
    assert [m.inner_name for m in zip_workbooks(modern, "b.zip")] == [THAI_NAME]


def test_workbook_from_zip_reads_like_the_file(tmp_path, workbook_path, template):
    member = zip_workbooks(_zip({"a/6560101.xlsx": workbook_path.read_bytes()}), "r.zip")[0]
    out = tmp_path / "x.xlsx"
    out.write_bytes(member.data)
    assert read_return(out, template).org_code == "6560101"


def test_bomb_refused_while_inflating():
    limits = Limits(max_member=2 * 1024 * 1024, ratio_min_member=256 * 1024, max_ratio=50)
    data = _zip({"bomb.xlsx": b"\0" * (5 * 1024 * 1024), "ok.xlsx": b"PK" + bytes(range(256))})
    got = scan_zip(data, "r.zip", limits)
    assert [m.inner_name for m in got.members] == ["ok.xlsx"]
    (refused,) = got.others
    assert refused.kind == "refused" and "ZIP bomb" in refused.en


def test_total_budget_counts_every_member():
    limits = Limits(max_uncompressed=300_000, ratio_min_member=10**9)
    data = _zip({f"{i}.xlsx": bytes(range(256)) * 500 for i in range(4)})  # 128 KB each
    got = scan_zip(data, "r.zip", limits)
    assert len(got.members) == 2 and len(got.others) == 2


def test_lying_declared_size_is_refused_not_trusted():
    """A member whose headers claim 10 bytes but that inflates to more is refused."""
    import struct

    data = bytearray(_zip({"a.xlsx": b"A" * 100_000}))
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 10)
    struct.pack_into("<I", data, central + 24, 10)
    got = scan_zip(bytes(data), "r.zip")
    assert not got.members
    assert got.others[0].kind == "refused"


def test_damaged_zip_raises_with_thai_reason():
    with pytest.raises(ArchiveError) as exc:
        zip_workbooks(b"PK\x03\x04 not really", "bad.zip")
    assert "ZIP" in exc.value.th


def test_nested_zip_and_depth_limit(workbook_path):
    book = workbook_path.read_bytes()
    inner = _zip({"6560101.xlsx": book})
    outer = _zip({"inner.zip": inner})
    got = scan_zip(outer, "outer.zip")
    assert [(m.inner_name, m.source) for m in got.members] == [
        ("6560101.xlsx", "outer.zip > inner.zip")]
    four = _zip({"l3.zip": _zip({"l2.zip": outer})})  # MAX_DEPTH (4) containers: followed
    assert [m.inner_name for m in scan_zip(four, "four.zip").members] == ["6560101.xlsx"]
    deep = _zip({"l4.zip": four})
    got = scan_zip(deep, "deep.zip")
    assert not got.members and got.others[0].kind == "refused"
    assert "ซ้อนกันหลายชั้นเกินไป" in got.others[0].th and "4" in got.others[0].en


def _mail(subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "saraban@huaywon.go.th"
    msg["To"] = "district@example.go.th"
    msg["Subject"] = subject
    msg.set_content("ส่งแบบรายงานตามที่แนบ")
    return msg


def test_eml_attachments_forwarded_and_zipped(workbook_path):
    book = workbook_path.read_bytes()
    original = _mail("ส่งแบบ ITA")
    original.add_attachment(book, *XLSX_MIME, filename="6560101_ห้วยวน.xlsx")
    original.add_attachment(b"%PDF-1.4 scan", "application", "pdf", filename="สแกน.pdf")
    forward = _mail("Fwd: ส่งแบบ ITA")
    forward.add_attachment(original)  # message/rfc822
    legacy_zip = _zip_legacy_names({"ก.xlsx": book}, "cp874")
    forward.add_attachment(legacy_zip,
                           "application", "zip", filename="ส่งงาน.zip")
    data = forward.as_bytes()
    got = scan_eml(data, "mail.eml")
    assert sorted((m.inner_name, m.source) for m in got.members) == [
        ("6560101_ห้วยวน.xlsx", "mail.eml"), ("ก.xlsx", "mail.eml > ส่งงาน.zip")]
    assert all(m.data == book for m in got.members)
    assert [(o.inner_name, o.kind) for o in got.others] == [("สแกน.pdf", "pdf")]
    assert len(eml_workbooks(data, "mail.eml")) == 2


def test_eml_without_attachments_is_empty_not_an_error():
    assert eml_workbooks(_mail("hello").as_bytes(), "m.eml") == []


def test_eml_oversized_attachment_refused(workbook_path):
    msg = _mail("big")
    msg.add_attachment(b"x" * 5000, *XLSX_MIME, filename="big.xlsx")
    got = scan_eml(msg.as_bytes(), "m.eml", Limits(max_member=1000))
    assert not got.members and got.others[0].kind == "refused"
