"""The timeframe parser on real strings from public local-government pages (issue 21).

Each row: where the string was published, the string exactly as it stands there (spaces and
Thai digits included), the workbook's fiscal year, and what the parser must do with it:
``("read", start, end, notes)`` or ``("refuse", reason, hint)``. Never a confident wrong
value: a row that the parser cannot read right must be refused, with a reason that says what
to write. Add a row for every new shape met in the field.
"""

from __future__ import annotations

import pytest

from ita_xlsx.thai import (
    DECISIONS,
    TIMEFRAME_NOTES,
    TIMEFRAME_REASONS,
    YearMonth,
    describe_timeframe_problem,
    describe_timeframe_reading,
    parse_timeframe,
)

YM = YearMonth
ISSUE = "issue 21 (strings collected from local-government documents)"

REAL = [
    # year ranges: the fiscal years named, whole
    ("http://bpn.go.th/data_3976 (เทศบาลตำบลบ้านเป้า)",
     "4 ปี (พ.ศ. 2561 – 2564)", 2562, ("read", YM(2560, 10), YM(2564, 9), ("year-range",))),
    ("http://www.tamru.go.th/site/index.php?option=com_content&view=article&id=1002:04-2566"
     "&catid=106:ita-&Itemid=178 (อบต.ตำหรุ)",
     "(พ.ศ. 2566 - พ.ศ. 2570)", 2566, ("read", YM(2565, 10), YM(2570, 9), ("year-range",))),
    (ISSUE, "ปีงบประมาณ 2567-2568", 2567, ("read", YM(2566, 10), YM(2568, 9), ("year-range",))),
    (ISSUE, "ประจำปีงบประมาณ พ.ศ.2558 - 2560", 2558,
     ("read", YM(2557, 10), YM(2560, 9), ("year-range",))),
    # a plain year: that fiscal year, with a note
    ("http://www.kknontat.com/?page_id=39891 (อบต.โนนธาตุ)",
     "อนุมัติข้อบัญญัติงบประมาณ อบต.โนนธาตุ ปี 2563", 2563,
     ("read", YM(2562, 10), YM(2563, 9), ("plain-year",))),
    ("http://www.muangaranyik.go.th/news_detail.php?type=41&id=3524 (เทศบาลเมืองอรัญญิก)",
     "แบบฟอร์มเพื่อจัดทำคำขอตั้งงบประมาณรายจ่าย ปี พ.ศ.2564 (BBL)", 2564,
     ("read", YM(2563, 10), YM(2564, 9), ("plain-year",))),
    (ISSUE, "ปี พ.ศ. 2567", 2567, ("read", YM(2566, 10), YM(2567, 9), ("plain-year",))),
    (ISSUE, "ปีพ.ศ. 2566", 2566, ("read", YM(2565, 10), YM(2566, 9), ("plain-year",))),
    ("http://bpn.go.th/data_3976 (เทศบาลตำบลบ้านเป้า)",
     "ปี ๒๕๖๑ ปี ๒๕๖๒ ปี ๒๕๖๓ ปี ๒๕๖๔", 2562, ("refuse", "several-periods", "")),
    # fiscal years named in full
    ("http://www.kknontat.com/?page_id=39891 (อบต.โนนธาตุ)",
     "ข้อบัญญัติงบประมาณรายจ่าย อบต.โนนธาตุ ประจำปีงบประมาณ 2563 (ในระบบ)", 2563,
     ("read", YM(2562, 10), YM(2563, 9), ())),
    ("http://www.nongkhao.go.th/page/ita2566.php (หนองขาว)",
     "แผนดำเนินงานและการใช้งบประมาณประจำปี พ.ศ.2566", 2566,
     ("read", YM(2565, 10), YM(2566, 9), ())),
    ("https://lamphuncity.go.th/58548/ (เทศบาลเมืองลำพูน)",
     "วันท้องถิ่นไทย ประจำปี 2566", 2566, ("read", YM(2565, 10), YM(2566, 9), ())),
    # dates: the month of the date, the day never taken for a year
    ("https://lamphuncity.go.th/58548/ (เทศบาลเมืองลำพูน)",
     "วันที่ 17 มีนาคม 2566", 2566, ("read", YM(2566, 3), YM(2566, 3), ())),
    ("http://pandung.go.th/ (เทศบาลตำบลพันดุง, ประกาศใช้เทศบัญญัติงบประมาณ ๒๕๖๒)",
     "เมื่อวันที่  ๓๐  สิงหาคม  ๒๕๖๑", 2562, ("read", YM(2561, 8), YM(2561, 8), ())),
    ("https://chae.go.th/ (เทศบาลตำบลแชะ, ระเบียบกระทรวงมหาดไทยว่าด้วยวิธีการงบประมาณ)",
     "19 มิ.ย. 62", 2562, ("read", YM(2562, 6), YM(2562, 6), ())),
    ("http://www.tamru.go.th/site/index.php?option=com_content&view=article&id=1002:04-2566"
     "&catid=106:ita-&Itemid=178 (อบต.ตำหรุ)",
     "ที่ มท 0810.3/ว 7509  ลงวันที่ 7  ตุลาคม  2565", 2566,
     ("read", YM(2565, 10), YM(2565, 10), ())),
    ("http://www.banlaolocal.go.th/site/index.php/2023-12-26-04-45-57 (อบต.บ้านเหล่า)",
     "ครั้งที่ 1 เดือน มีนาคม 2566", 2566, ("read", YM(2566, 3), YM(2566, 3), ())),
    (ISSUE, "Updated: พฤษภาคม 29, 2023", 2566, ("read", YM(2566, 5), YM(2566, 5), ())),
    (ISSUE, "วันที่ 24 เมษายน พุทธศักราช 2476", 2566, ("read", YM(2476, 4), YM(2476, 4), ())),
    # an open "from": to the end of its fiscal year, and said so
    ("http://thamuang-kan.go.th/Main/PrPreview/id/3 (อบต.ท่าม่วง)",
     "ประกาศกระทรวงมหาดไทย เรื่องจัดตั้งองค์การบริหารส่วนตำบล โดยมีผลบังคับใช้ตั้งแต่วันที่ "
     "23 กุมภาพันธ์ 2540", 2566, ("read", YM(2540, 2), YM(2540, 9), ("open-end",))),
    # a yearless month beside a dated one takes that year, not the workbook's
    ("https://thanacity.go.th/front/menu/84/83 (เทศบาลตำบลท่านา)",
     "ซึ่งประกาศในราชกิจจานุเบกษาเล่มที่  116  ตอนที่ 9 ก วันที่  24  กุมภาพันธ์  "
     "โดยผลบังคับใช้ตั้งแต่วันที่ 25  พฤษภาคม  2542", 2566,
     ("read", YM(2542, 2), YM(2542, 9), ("open-end",))),
    # two periods joined by และ: both, when each is clear
    (ISSUE, "ประจำปีงบประมาณ พ.ศ.๒๕๖๓ รอบ ๑๒ เดือน และ พ.ศ.๒๕๖๔ รอบ ๖ เดือน", 2564,
     ("read", YM(2562, 10), YM(2564, 3), ("joined",))),
    # refused: the text says something the parser must not turn into months
    ("https://paknamlangsuan.go.th/index/?detail=cac7LpasC&page=picture0128 "
     "(เทศบาลตำบลปากน้ำหลังสวน)",
     "ยกฐานะตำบลท่าฉลอม ขึ้นเป็นสุขาภิบาลท่าฉลอม เมื่อวันที่ 18 มีนาคม รศ.124", 2567,
     ("refuse", "other-era", "รศ.124")),
    ("http://www.tamru.go.th/site/index.php?option=com_content&view=article&id=1002:04-2566"
     "&catid=106:ita-&Itemid=178 (อบต.ตำหรุ)",
     "ให้องค์กรปกครองส่วนท้องถิ่นดำเนินการแก้ไขแผนพัฒนาท้องถิ่นให้แล้วเสร็จภายใน 120 วัน",
     2566, ("refuse", "relative", "")),
    (ISSUE, "แล้วเสร็จภายในสามสิบวันนับแต่วันที่ประกาศใช้งบประมาณรายจ่ายประจําปี", 2567,
     ("refuse", "relative", "")),
    (ISSUE, "ตั้งแต่วันที่ 4 มกราคม 2560 ถึง วันที่ 28 กุมภาพันฑธ์ 2560", 2560,
     ("refuse", "misspelt-month", "กุมภาพันฑธ์ → กุมภาพันธ์?")),
    ("http://www.pungtui.go.th/lawlink.php?menuid=1&link=9 (อบต.พังทุย)",
     "องค์การบริหารส่วนตำบลพังทุยข้อกฏหมายที่เกี่ยวข้อง ระเบียบ หนังสือสั่งการ ท้องถิ่นไทย", 2566,
     ("refuse", "no-month", "")),
    ("https://wtk.go.th/select_news.php?id_type=32&news_id=247 (อบต.วังตะเคียน)",
     "ประกาศคณะกรรมการกลางพนักงานส่วนตำบล เรื่องมาตรฐานทั่วไปเกี่ยวกับหลักเกณฑ์เลื่อนขั้นเงินเดือน"
     "พนักงานส่วนตำบล พ.ศ.2558", 2566, ("refuse", "no-month", "")),
]


@pytest.mark.parametrize("source, text, fy, expected", REAL, ids=[r[1][:40] for r in REAL])
def test_real_strings(source, text, fy, expected):
    tf = parse_timeframe(text, fy)
    if expected[0] == "read":
        assert (tf.reason, tf.start, tf.end, tf.notes) == (None, *expected[1:]), source
    else:
        assert (tf.reason, tf.hint, tf.start, tf.end) == (*expected[1:], None, None), source


# Shapes that are neither in a public page nor in the seeds, but must be refused all the same.
REFUSED = [
    ("ม.ค. 2566 - ปัจจุบัน", "no-end"),
    ("ต.ค. 2565 ถึง", "no-end"),
    ("ตั้งแต่ ต.ค. 2565 ถึงประมาณ", "no-end"),
    ("ปีงบประมาณ 2563 และ 2565", "several-periods"),
    ("ไตรมาส 1 ปี 2566 และ ไตรมาส 9 ปี 2566", "unrecognised"),
    ("ปีงบประมาณ 2568-2567", "end-before-start"),
    ("ประกาศเผยแพร่แผนการจัดซื้อจัดจ้างประจำปี ภายใน 30 วัน", "relative"),
    ("รายงานผลการดำเนินงานประจำปีต่อสภา", "no-month"),
    ("มีนาคน 2566", "misspelt-month"),
]


@pytest.mark.parametrize("text, reason", REFUSED)
def test_refused_shapes(text, reason):
    tf = parse_timeframe(text, 2566)
    assert (tf.reason, tf.start, tf.end) == (reason, None, None)


def test_every_decision_is_described():
    """Each refusal and note the table names has its message, in both languages."""
    names = {d.name for d in DECISIONS}
    refusals = {d.name for d in DECISIONS if d.action == "refuse"}
    notes = {d.name for d in DECISIONS if d.action == "read"}
    assert refusals <= set(TIMEFRAME_REASONS) and notes <= set(TIMEFRAME_NOTES)
    assert set(TIMEFRAME_NOTES) <= names
    for d in DECISIONS:  # each example does what its row says
        tf = parse_timeframe(d.example.split(";")[0], 2566)
        if d.action == "refuse":
            assert tf.reason == d.name, d
        else:
            assert tf.ok, d
            if d.action == "read":
                assert d.name in tf.notes, d


def test_messages_quote_and_say_what_to_write():
    tf = parse_timeframe("ตั้งแต่วันที่ 4 มกราคม 2560 ถึง วันที่ 28 กุมภาพันฑธ์ 2560", 2560)
    th = describe_timeframe_problem(tf.reason, fiscal_year=2560, hint=tf.hint)
    en = describe_timeframe_problem(tf.reason, "en", fiscal_year=2560, hint=tf.hint)
    assert "กุมภาพันฑธ์ → กุมภาพันธ์?" in th and 'เขียนเป็น "ต.ค. 2559 - ก.ย. 2560"' in th
    assert "กุมภาพันฑธ์ → กุมภาพันธ์?" in en and "Oct 2016 - Sep 2017" in en
    reading = describe_timeframe_reading(parse_timeframe("ปีงบประมาณ 2567-2568"))
    assert reading == "ต.ค. 2566 - ก.ย. 2568 (ถือเป็นปีงบประมาณ 2567 ถึง 2568 ทั้งช่วง)"
    assert describe_timeframe_reading(parse_timeframe("ปี พ.ศ. 2567"), "en") == (
        "Oct 2023 - Sep 2024 (taken as the whole of fiscal year 2567)")
    assert describe_timeframe_reading(parse_timeframe("เร็วๆ นี้")) == ""
