"""Every command with bad years, missing files, wrong kinds of files and bad templates: a
clear message in the user's language (Thai by default, English with --lang en), never
"Unexpected error" or a traceback, and exit code 2 (1 where the README says: a file that
cannot be read is a finding of validate). Help and click's own usage errors in Thai."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from ita_xlsx.cli.main import main

THAI = re.compile("[\u0e00-\u0e7f]")


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "bad.toml").write_text("not toml [[[", encoding="utf-8")
    (tmp_path / "fake.xlsx").write_text("hello", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "noheading.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return tmp_path


FRAMEWORK_2579 = ("ไม่มีกรอบการประเมิน ITA ปี 2579 ในระบบ (ปีที่มี: 2563, 2564, 2565, 2566, 2567, "
                  "2568, 2569, 2570) เพิ่มไฟล์ 2579.toml ในโฟลเดอร์ที่กำหนดด้วย "
                  "ITA_XLSX_FRAMEWORK_DIR ได้")


# (arguments, exit code, Thai message, English message); {d} is the test's folder.
CASES = [
    (["new", "--year", "abc", "--out", "{d}/o"], 2,
     "ปีงบประมาณ abc ไม่ถูกต้อง ใช้ปี พ.ศ. เช่น 2570",
     "Fiscal year abc is not valid; use a Buddhist-Era year such as 2570"),
    (["new", "--year", "2580", "--out", "{d}/o"], 2, FRAMEWORK_2579, "No ITA framework"),
    (["schema", "--year", "๓๐๐๐"], 2, "ปีงบประมาณ ๓๐๐๐ ไม่ถูกต้อง ใช้ปี พ.ศ. เช่น 2570",
     "Fiscal year ๓๐๐๐ is not valid; use a Buddhist-Era year such as 2570"),
    (["validate", "{d}/fake.xlsx", "--year", "25x"], 2,
     "ปีงบประมาณ 25x ไม่ถูกต้อง ใช้ปี พ.ศ. เช่น 2570",
     "Fiscal year 25x is not valid; use a Buddhist-Era year such as 2570"),
    (["merge", "{d}/empty", "-o", "{d}/r.xlsx", "--year", "0"], 2,
     "ปีงบประมาณ 0 ไม่ถูกต้อง ใช้ปี พ.ศ. เช่น 2570",
     "Fiscal year 0 is not valid; use a Buddhist-Era year such as 2570"),
    (["validate", "{d}/nowhere"], 2, "ไม่พบ {d}/nowhere ตรวจชื่อไฟล์หรือโฟลเดอร์อีกครั้ง",
     "{d}/nowhere does not exist; check the file or folder name"),
    (["merge", "{d}/nowhere", "-o", "{d}/r.xlsx"], 2,
     "ไม่พบ {d}/nowhere ตรวจชื่อไฟล์หรือโฟลเดอร์อีกครั้ง",
     "{d}/nowhere does not exist; check the file or folder name"),
    (["validate", "{d}/empty"], 2, "ไม่พบไฟล์แบบรายงาน (.xlsx .xls .ods) ในที่ที่ระบุ",
     "No workbook (.xlsx .xls .ods) found in the given paths"),
    (["merge", "{d}/empty", "-o", "{d}/r.xlsx"], 2,
     "ไม่พบไฟล์แบบรายงาน (.xlsx .xls .ods) ในที่ที่ระบุ",
     "No workbook (.xlsx .xls .ods) found in the given paths"),
    (["new", "--from", "{d}/nowhere"], 2,
     "ใช้คำสั่งไม่ถูกต้อง: ค่าของ '--from' ไม่ถูกต้อง: ไม่พบ '{d}/nowhere' "
     "ตรวจชื่อไฟล์หรือโฟลเดอร์อีกครั้ง", "Usage error: Invalid value for '--from'"),
    (["new", "--orgs", "{d}/nowhere.csv", "--out", "{d}/o"], 2,
     "ไม่พบไฟล์รายชื่อหน่วยงาน {d}/nowhere.csv", "Organisation list not found: {d}/nowhere.csv"),
    (["new", "--orgs", "{d}/fake.xlsx", "--out", "{d}/o"], 2,
     "อ่านไฟล์ fake.xlsx ไม่ได้", "fake.xlsx"),
    (["validate", "{d}/fake.xlsx", "--orgs", "{d}/noheading.csv"], 2,
     "noheading.csv: ไม่พบหัวคอลัมน์ ต้องมีอย่างน้อย code (รหัสหน่วยงาน) และ name (ชื่อหน่วยงาน)",
     "noheading.csv: no heading row; it needs at least code and name columns"),
    (["merge", "{d}/fake.xlsx", "-o", "{d}/r.xlsx", "--orgs", "{d}/noheading.csv"], 2,
     "noheading.csv: ไม่พบหัวคอลัมน์", "noheading.csv: no heading row"),
    (["new", "--orgs", "{d}/empty", "--out", "{d}/o"], 2,
     "ใช้คำสั่งไม่ถูกต้อง: ค่าของ '--orgs' ไม่ถูกต้อง: '{d}/empty' เป็นโฟลเดอร์ ต้องระบุไฟล์",
     "Usage error: Invalid value for '--orgs': File '{d}/empty' is a directory."),
    (["new", "--out", "{d}/fake.xlsx"], 2,
     "ใช้คำสั่งไม่ถูกต้อง: ค่าของ '--out' ไม่ถูกต้อง: '{d}/fake.xlsx' เป็นไฟล์ ต้องระบุโฟลเดอร์",
     "Usage error: Invalid value for '--out': Directory '{d}/fake.xlsx' is a file."),
    (["validate", "{d}/fake.xlsx", "--feedback", "{d}/fake.xlsx"], 2,
     "'{d}/fake.xlsx' เป็นไฟล์ ต้องระบุโฟลเดอร์", "Directory '{d}/fake.xlsx' is a file."),
    (["new", "--template", "{d}/fake.xlsx", "--out", "{d}/o"], 2,
     "แบบฟอร์ม {d}/fake.xlsx ใช้ไม่ได้: ไม่ใช่ไฟล์แบบฟอร์ม TOML ที่อ่านได้",
     "Template {d}/fake.xlsx is not usable: not a readable TOML template"),
    (["validate", "{d}/fake.xlsx", "--template", "{d}/bad.toml"], 2,
     "แบบฟอร์ม {d}/bad.toml ใช้ไม่ได้: ไม่ใช่ไฟล์แบบฟอร์ม TOML ที่อ่านได้",
     "Template {d}/bad.toml is not usable: not a readable TOML template"),
    (["merge", "{d}/fake.xlsx", "-o", "{d}/r.xlsx", "--template", "{d}/nowhere.toml"], 2,
     "ใช้คำสั่งไม่ถูกต้อง: ค่าของ '--template' ไม่ถูกต้อง: ไม่พบ '{d}/nowhere.toml'",
     "Usage error: Invalid value for '--template': File '{d}/nowhere.toml' does not exist."),
    (["schema", "--framework", "{d}/bad.toml"], 2, "อ่านไฟล์กรอบการประเมิน bad.toml ไม่ได้",
     "bad.toml"),
    (["new", "--deadline", "soon", "--out", "{d}/o"], 2,
     "กำหนดส่ง soon อ่านไม่ได้ เขียนเป็น 31/01/2570 หรือ 2027-01-31",
     "Deadline soon is not a date; write 31/01/2570 or 2027-01-31"),
    (["merge", "{d}/fake.xlsx", "-o", "{d}/fake.xlsx"], 2,
     "มีไฟล์ {d}/fake.xlsx อยู่แล้ว ไม่เขียนทับ (ใช้ --force หากต้องการเขียนทับ)",
     "{d}/fake.xlsx already exists; not overwritten (use --force to overwrite)"),
    (["merge", "{d}/fake.xlsx"], 2, "ใช้คำสั่งไม่ถูกต้อง: ยังไม่ได้ระบุตัวเลือก '-o' / '--out'.",
     "Usage error: Missing option '-o' / '--out'."),
    (["validate"], 2, "ใช้คำสั่งไม่ถูกต้อง: ยังไม่ได้ระบุ 'INPUTS...'.",
     "Usage error: Missing argument 'INPUTS...'."),
    (["new", "--round", "9"], 2,
     "ใช้คำสั่งไม่ถูกต้อง: ค่าของ '--round' ไม่ถูกต้อง: '9' ไม่อยู่ในตัวเลือก 'plan', '6', '12'",
     "Usage error: Invalid value for '--round': '9' is not one of 'plan', '6', '12'."),
    (["validate", "{d}/fake.xlsx", "--nope"], 2, "ใช้คำสั่งไม่ถูกต้อง: ไม่มีตัวเลือก '--nope'",
     "Usage error: No such option '--nope'."),
    (["valdate"], 2, "ใช้คำสั่งไม่ถูกต้อง: ไม่มีคำสั่ง 'valdate'", "Usage error: No such command"),
    # A file that is not a workbook is a finding of validate: exit 1, as the README says.
    (["validate", "{d}/fake.xlsx"], 1, "[file-unreadable] เปิดไฟล์นี้ไม่ได้",
     "[file-unreadable] This file cannot be opened"),
]


@pytest.mark.parametrize("args, code, th, en", CASES, ids=[" ".join(c[0])[:40] for c in CASES])
def test_bad_input_is_a_clear_message(files, args, code, th, en):
    d = str(files)
    argv = [a.replace("{d}", d) for a in args]
    for lang, expected in (("th", th), ("en", en)):
        res = run(*argv, "--lang", lang) if argv[:1] != ["valdate"] else run("--lang", lang,
                                                                               *argv)
        out = res.output
        assert res.exit_code == code, (lang, out)
        assert expected.replace("{d}", d) in out, (lang, out)
        assert "Unexpected" not in out and "ไม่คาดคิด" not in out and "Traceback" not in out
        if lang == "en":
            assert not THAI.search(out.replace(d, "").replace("๓๐๐๐", "")), out
    assert not (files / "o").exists() and not (files / "r.xlsx").exists()


def test_help_is_thai_by_default_and_english_on_request():
    for command in ("", "new", "schema", "validate", "merge", "demo"):
        args = [command] if command else []
        thai = run(*args, "--help")
        assert thai.exit_code == 0 and thai.output.startswith("วิธีใช้:")
        assert "ตัวเลือก:" in thai.output and "Options:" not in thai.output
        assert "[OPTIONS]" not in thai.output and "แสดงวิธีใช้นี้แล้วจบ" in thai.output
        for english in (run(*args, "--help", "--lang", "en"),
                        run(*args, "--help", env={"ITA_XLSX_LANG": "en"})):
            assert english.exit_code == 0 and english.output.startswith("Usage:")
            assert not THAI.search(english.output), english.output
    assert "--out โฟลเดอร์" in run("new", "--help").output  # a folder, called a folder
    assert "--out DIRECTORY" in run("new", "--help", "--lang", "en").output


def test_debug_is_taken_anywhere_on_the_line(files):
    res = run("new", "--year", "abc", "--debug", "--out", files / "o")
    assert res.exit_code == 2 and "ปีงบประมาณ abc ไม่ถูกต้อง" in res.output
    assert "Traceback" in res.output  # --debug after the command name still shows it
    assert "Traceback" not in run("new", "--year", "abc", "--out", files / "o").output


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_name_too_long_is_a_clear_message_not_an_unexpected_error(tmp_path, lang):
    """An output name past the file system's limit (Thai letters take 3 bytes each) is named
    with its cause, exit 1, and nothing is written."""
    long_name = str(tmp_path / ("ก" * 100 + ".xlsx"))
    blank = tmp_path / "in"
    made = CliRunner().invoke(main, ["new", "--out", str(blank), "--year", "2570"])
    assert made.exit_code == 0, made.output
    result = CliRunner().invoke(main, ["--lang", lang, "merge", str(blank), "-o", long_name])
    assert result.exit_code == 1, result.output
    expected = ("the file name or path is too long; use a shorter one" if lang == "en"
                else "ชื่อไฟล์หรือที่เก็บยาวเกินไป ให้ใช้ชื่อสั้นลง")
    assert expected in result.output
    assert "ไม่คาดคิด" not in result.output and "Unexpected" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
