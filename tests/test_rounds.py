"""The round model on its own: a folder the tool wrote, its returns folder and a plain folder
of the same returns open as the same round; the officer's decisions fold as recorded; the
district header is written without touching the rest of the settings file."""

from __future__ import annotations

import shutil

import pytest

import ita_xlsx
from ita_xlsx.demo.cycle import sample_orgs_bytes
from ita_xlsx.demo.messy import messy_round
from ita_xlsx.rounds import OrgState, RoundStore
from ita_xlsx.rounds.store import Reply
from ita_xlsx.spec.settings import load_district, load_settings, save_district


@pytest.fixture(scope="module")
def messy(tmp_path_factory, template):
    folder = tmp_path_factory.mktemp("messy") / "round"
    rnd = messy_round(folder, template, 2570, sample_orgs_bytes())
    return rnd


def test_the_same_round_however_it_is_opened(messy, tmp_path):
    by_folder = ita_xlsx.open_round(messy.folder)  # the demo's layout: 2-returned/ inside
    by_returns = ita_xlsx.open_round(messy.returned)  # its returns folder opens its round
    plain = tmp_path / "plain"
    shutil.copytree(messy.returned, plain)  # the same files, nothing of the tool around them
    by_plain = ita_xlsx.open_round(plain, orgs=messy.orgs_file)
    assert by_folder.states() == by_returns.states() == by_plain.states()
    states = by_folder.states()
    assert states[messy.pdf_only] == "unusable"
    assert states[messy.silent] == "not_sent"
    assert states[messy.borrowed[0]] == "not_counted"  # filled another's workbook
    def figures(rnd) -> dict:  # file names are shown from the folder opened: compare keys
        d = rnd.figures.to_dict()
        d["counted_files"] = [o.counting.key for o in rnd.orgs
                              if o.counting is not None and o.counting.name in d["counted_files"]]
        d.pop("indicator_files")
        return d

    assert figures(by_folder) == figures(by_returns) == figures(by_plain)
    # the tool's own outputs saved among the returns are nobody's return
    assert {f.kind for f in by_folder.own_outputs} >= {"feedback", "check-report"}
    assert all(f.kind not in ("feedback", "check-report") for o in by_folder.orgs
               for f in o.files)
    # no name shown carries the server's path
    shown = [f.name for f in by_folder.files()] + [o.why() for o in by_folder.orgs]
    assert not any(str(messy.folder) in text for text in shown)


def test_an_officers_decision_and_its_undoing(messy, tmp_path):
    root = tmp_path / "r"
    shutil.copytree(messy.folder, root)
    rnd = ita_xlsx.open_round(root)
    org = next(o for o in rnd.orgs if o.state in (OrgState.PASSED, OrgState.PASSED_WITH_NOTES)
               and len(o.files) == 1)
    with pytest.raises(ita_xlsx.InputError):
        ita_xlsx.set_aside_file(root, org.counting.name, "  ")  # a reason is required
    ita_xlsx.set_aside_file(root, org.counting.name, "ไฟล์ทดลอง")
    after = ita_xlsx.open_round(root).org(org.code)
    assert after.state == OrgState.NOT_COUNTED and after.why().endswith("ไฟล์ทดลอง")
    assert after.files[0].ruling.excluded == "ไฟล์ทดลอง"
    ita_xlsx.restore_file(root, org.counting.key, "ยืนยันแล้ว")
    assert ita_xlsx.open_round(root).org(org.code).state == org.state
    # "this file is X's": the borrowed workbook counts for the one who filled it
    borrowed = next(f for f in rnd.files() if f.code == messy.borrowed[0] and f.is_return)
    ita_xlsx.assign_file(root, borrowed.key, messy.borrowed[0], "ยืนยันทางโทรศัพท์")
    mine = ita_xlsx.open_round(root).org(messy.borrowed[0])
    assert mine.counting is not None and mine.counting.key == borrowed.key
    with RoundStore.of_folder(root) as store:
        assert [h.action for h in store.history()] == ["exclude", "restore", "assign"]


def test_replies_without_a_workbook_are_kept(tmp_path):
    (tmp_path / "returned").mkdir()
    (tmp_path / "orgs.csv").write_text("code,name\n6560101,เทศบาลตำบลห้วยวน\n", encoding="utf-8")
    assert ita_xlsx.open_round(tmp_path).org("6560101").state == OrgState.NOT_SENT
    with RoundStore.of_folder(tmp_path) as store:
        store.record_reply(Reply("<a@x>", "6560101", "clerk@x.test", "RE: ITA", "2027-03-01",
                                 "text", "ไม่มีไฟล์แนบ (ข้อความเท่านั้น)", "no attachment"))
    rnd = ita_xlsx.open_round(tmp_path)
    assert rnd.org("6560101").state == OrgState.SENT
    assert rnd.org("6560101").why("en") == "no attachment"
    assert not any(f.name.startswith("ita-ledger") for f in rnd.files())


def test_the_district_header_keeps_the_rest_of_the_file(tmp_path):
    path = tmp_path / "ita-settings.toml"
    path.write_text('# ตั้งค่ารอบ\n[round]\nfiscal_year = 2570  # ปีงบ\n\n[district]\nname = "เดิม"\n'
                    '\n[mail]\npreset = "gmail"\nuser = "a@gmail.com"\n', encoding="utf-8-sig")
    save_district(path, {"name": 'อำเภอ "ดอกคำใต้"', "signer_name": "นายก\\ข"})
    text = path.read_text(encoding="utf-8")
    assert "# ตั้งค่ารอบ" in text and "# ปีงบ" in text
    d = load_district(path)
    assert (d.name, d.signer_name, d.office) == ('อำเภอ "ดอกคำใต้"', "นายก\\ข", "")
    assert load_settings(path, use_user_file=False).mail.user == "a@gmail.com"
    fresh = tmp_path / "new" / "ita-settings.toml"
    fresh.parent.mkdir()
    assert save_district(fresh, {"office": "ที่ทำการ"}).office == "ที่ทำการ"


def test_a_word_file_is_not_a_return(tmp_path):
    import io

    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    (tmp_path / "6560101_หนังสือนำส่ง.docx").write_bytes(buf.getvalue())
    rnd = ita_xlsx.open_round(tmp_path)
    (f,) = rnd.files()
    assert f.kind == "word" and not f.is_return
    assert rnd.org("6560101").state == OrgState.UNUSABLE
