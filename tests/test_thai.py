"""Thai conventions: digits, text, URLs, numbers, years, fiscal years, months, timeframes.

Strings marked "seed NNN" are copied exactly from /work/shared/seeds/NNN_*.txt.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ita_xlsx.thai import (
    MONTHS_EN,
    MONTHS_TH,
    MONTHS_TH_ABBR,
    THAI_DIGITS,
    TIMEFRAME_REASONS,
    Timeframe,
    YearMonth,
    be_to_ce,
    ce_to_be,
    clean_text,
    clean_url,
    current_fiscal_year,
    describe_timeframe_problem,
    fiscal_year_bounds,
    fiscal_year_of,
    format_date,
    format_month,
    is_valid_url,
    normalize_year,
    parse_date,
    parse_month,
    parse_number,
    parse_timeframe,
    to_arabic_digits,
    to_thai_digits,
)

YM = YearMonth
KHOKSAAD = "http://www.khoksaadchaiyaphum.go.th/"

# ---------------------------------------------------------------------------- digits


def test_digits_convert_only_digits():
    assert to_arabic_digits("๕๙.๑๖ คะแนน") == "59.16 คะแนน"
    assert to_thai_digits("ITA 2566: 59.16") == "ITA ๒๕๖๖: ๕๙.๑๖"
    assert [int(d) for d in THAI_DIGITS] == list(range(10))  # real decimal digits


@given(st.text(alphabet=st.characters(exclude_characters=THAI_DIGITS)))
def test_thai_digits_round_trip(text):
    assert to_arabic_digits(to_thai_digits(text)) == text


@given(st.text(alphabet=st.characters(exclude_characters="0123456789")))
def test_arabic_digits_round_trip(text):
    assert to_thai_digits(to_arabic_digits(text)) == text


# ---------------------------------------------------------------------------- clean_text


CLEAN_TEXT = [
        (None, ""),
        (92.0, "92"),
        (92.11, "92.11"),
        (7, "7"),
        (float("nan"), ""),  # pandas' blank cell
        ("๕๙.๑๖ คะแนน", "๕๙.๑๖ คะแนน"),  # Thai digits are kept
        ("  สำนัก\u200bปลัด\u00ad\ufeff ", "สำนักปลัด"),
        ("ข้อ\nมูล", "ข้อมูล"),  # PDF line break inside a Thai word
        ("ข้อ\r\nมูล", "ข้อมูล"),
        ("ข้อ\u200b\nมูล", "ข้อมูล"),
        ("สำนักปลัด \nกองคลัง", "สำนักปลัด กองคลัง"),  # a real word break stays a space
        ("ทราบ\n๒.ทำหนังสือ", "ทราบ ๒.ทำหนังสือ"),  # numbered item on a new line
        ("a\tb\u00a0\u00a0c\r\n\r\nd", "a b c d"),
        ("http://www.khoksaadch\naiyaphum.go.th/", "http://www.khoksaadch aiyaphum.go.th/"),
        ("น\u0e49\u0e4d\u0e32", "น้ำ"),  # sara am typed as nikhahit + sara aa
        ("น\u0e4d\u0e49\u0e32", "น้ำ"),
        ("ท\u0e4d\u0e32", "ทำ"),
        ("e\u0301", "é"),  # NFC
        ("a\x00b\x07c", "abc"),  # control characters Excel rejects
        (dt.datetime(2023, 1, 15), "2023-01-15"),
]


def test_clean_text():
    assert [(value, clean_text(value)) for value, _ in CLEAN_TEXT] == CLEAN_TEXT


@given(st.text(alphabet=st.one_of(
    st.characters(),
    st.sampled_from("กขคำ\u0e4d\u0e32\u0e48\u0e49 \n\r\t\u200b\u00a0\u00ad๑"),
)))
def test_clean_text_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert "\n" not in once and "  " not in once and once == once.strip()


# ---------------------------------------------------------------------------- URLs

SEED_003_ANCHOR = '<a href="http://www.khoksaadch\naiyaphum.go.th/">http://www.khoksaadch aiyaphum.go.th/'


CLEAN_URL = [
        (SEED_003_ANCHOR, KHOKSAAD),  # seed 003
        ("http://www.khoksaadch aiyaphum.go.th/", KHOKSAAD),  # seed 003
        ("http://www.khoksaad chaiyaphum.go.th/", KHOKSAAD),  # seed 003
        ("http://www.khoksaadch\naiyaphum.go.th/", KHOKSAAD),  # seed 003
        # misspelt between rows (seed 003): well-formed, so cleaning leaves them alone
        ("http://www.khoksaadch.aiyaphum.go.th/", "http://www.khoksaadch.aiyaphum.go.th/"),
        ("http://www.khoksaadchayaphum.go.th/", "http://www.khoksaadchayaphum.go.th/"),
        ("<http://www.example.go.th/a>", "http://www.example.go.th/a"),
        ('"http://www.example.go.th/".', "http://www.example.go.th/"),
        ("“http://www.example.go.th/”,", "http://www.example.go.th/"),
        (" https://ตัวอย่าง.ไทย/ข่าว \u200b", "https://ตัวอย่าง.ไทย/ข่าว"),
        (None, ""),
]


def test_clean_url():
    assert [(raw, clean_url(raw)) for raw, _ in CLEAN_URL] == CLEAN_URL


VALID_URLS = [
        KHOKSAAD,
        "http://www.khoksaadch.aiyaphum.go.th/",  # wrong host, but a well-formed one
        "https://www.example.go.th/news/ข่าว?id=12#top",
        "HTTPS://WWW.EXAMPLE.GO.TH",
        "http://localhost:8000/x",
        "http://192.168.1.10/",
        "http://[::1]/",
        "http://ตัวอย่าง.ไทย/",
        "https://xn--72c1a1bt4awk9o.xn--o3cw4h/",
        " http://www.example.go.th/ ",  # surrounding blanks are not "inside"
]
INVALID_URLS = [
        "http://www.khoksaadch aiyaphum.go.th/",  # seed 003, raw
        "http://www.khoksaadch\naiyaphum.go.th/",  # seed 003, raw
        SEED_003_ANCHOR,
        "www.example.go.th",
        "ftp://www.example.go.th/",
        "javascript:alert(1)",
        "http://",
        "http://example",
        "http://-bad.example.com/",
        "http://bad-.example.com/",
        "http://a..b.com/",
        "http://x_y.example.com/",
        "http://1.2.3.999/",
        "http://www.example.go.th:99999/",
        "http://www.example.go.th:/",
        "http://www.example.go.th/\u200bx",
        "http://www.example.go.th/<b>",
        "",
        None,
]


def test_is_valid_url():
    assert [u for u in VALID_URLS if not is_valid_url(u)] == []
    assert [u for u in INVALID_URLS if is_valid_url(u)] == []


_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


@given(
    labels=st.lists(_LABEL, min_size=1, max_size=3),
    tld=st.sampled_from(["go.th", "com", "or.th", "ไทย"]),
    path=st.text(alphabet="abc/-_ก", max_size=10),
    cut=st.integers(min_value=8, max_value=60),
    gap=st.sampled_from([" ", "\n", "\r\n", " \n ", "\u200b"]),
)
def test_broken_urls_are_rejected_raw_and_repaired_by_clean_url(labels, tld, path, cut, gap):
    url = f"http://{'.'.join(labels)}.{tld}/{path}"
    assert is_valid_url(url)
    cut = min(cut, len(url) - 1)
    broken = url[:cut] + gap + url[cut:]
    assert not is_valid_url(broken)
    assert clean_url(broken) == url


# ---------------------------------------------------------------------------- numbers


NUMBERS = [
        ("92.11", 92.11),
        ("๙๒.๑๑", 92.11),
        ("1,234.5", 1234.5),
        ("92.11 คะแนน", 92.11),
        ("๕๙.๑๖ คะแนน", 59.16),  # seed 000
        ("๖.๒๕ คะแนน", 6.25),  # seed 000
        ("๓๘.๙๐ คะแนน", 38.9),  # seed 000
        ("ร้อยละ ๘๕", 85.0),  # seed 001
        ("85%", 85.0),
        (" 100 ", 100.0),
        ("-3", -3.0),
        (92, 92.0),
        (92.5, 92.5),
        (None, None),
        ("", None),
        ("   ", None),
        ("\u200b", None),
        ("-", None),  # a dash in a Thai form means "nothing"
        ("–", None),
        (float("nan"), None),
]


def test_parse_number():
    assert [(value, parse_number(value)) for value, _ in NUMBERS] == NUMBERS


@pytest.mark.parametrize(
    "value",
    [
        " 92,11 ",  # not a decimal comma, and not a valid thousands group either
        "abc",
        "๘๕ คะแนนขึ้นไป",  # seed 001
        "๑.การปฏิบัติหน้าที่ ๙๒.๑๑ คะแนน",  # seed 000: a whole line is not a score
        "1.2.3",
        True,
        float("inf"),
    ],
)
def test_parse_number_rejects_garbage(value):
    with pytest.raises(ValueError):
        parse_number(value)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_parse_number_of_formatted_floats(x):
    assert parse_number(repr(x)) == x
    assert parse_number(to_thai_digits(repr(x))) == x
    assert parse_number(f"{x:,.2f} คะแนน") == pytest.approx(round(x, 2))


# ---------------------------------------------------------------------------- years


def test_be_ce():
    assert be_to_ce(2566) == 2023 and ce_to_be(2023) == 2566


YEARS = [
        ("๒๕๖๖", 2566),
        ("๖๕", 2565),
        (65, 2565),
        ("2023", 2566),
        (2023, 2566),
        ("พ.ศ. ๒๕๖๖", 2566),
        ("พ.ศ.2567", 2567),  # seed 002
        (2566.0, 2566),  # a number cell read as float
        ("ค.ศ. 2023", 2566),
        ("2566 BE", 2566),
        ("ปีงบประมาณ 2570", 2570),
]


def test_normalize_year():
    assert [(value, normalize_year(value)) for value, _ in YEARS] == YEARS


def _year_or_error(value: object) -> int | str:
    try:
        return normalize_year(value)
    except ValueError:
        return "ValueError"


def test_normalize_year_rejects():
    bad = ["", "abc", 5, "5", 2566.5, "2350", "12345", "๒๕๖๖ ๒๕๖๗", True, None,
           dt.date(2023, 1, 1)]
    assert {repr(v): _year_or_error(v) for v in bad} == {repr(v): "ValueError" for v in bad}


@given(st.integers(min_value=1900, max_value=2299))
def test_normalize_year_reads_ce_years(year):
    assert normalize_year(year) == ce_to_be(year)
    assert normalize_year(ce_to_be(year)) == ce_to_be(year)
    assert normalize_year(to_thai_digits(str(ce_to_be(year)))) == ce_to_be(year)


# ---------------------------------------------------------------------------- fiscal years


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2566) == (dt.date(2022, 10, 1), dt.date(2023, 9, 30))
    assert fiscal_year_bounds(2570) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))


def test_fiscal_year_of():
    days = [dt.date(2022, 9, 30), dt.date(2022, 10, 1), dt.date(2023, 9, 30),
            dt.datetime(2026, 12, 31, 23, 59)]
    assert [fiscal_year_of(d) for d in days] == [2565, 2566, 2566, 2570]


def test_current_fiscal_year():
    assert current_fiscal_year(dt.date(2026, 11, 1)) == 2570
    assert current_fiscal_year() == fiscal_year_of(dt.date.today())


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2299, 12, 31)))
def test_fiscal_year_contains_its_dates(day):
    first, last = fiscal_year_bounds(fiscal_year_of(day))
    assert first <= day <= last
    assert YearMonth.from_date(day).fiscal_year == fiscal_year_of(day)


# ---------------------------------------------------------------------------- months


def _dot_variants(abbr: str) -> set[str]:
    """ม.ค. -> ม.ค, มค., มค, ม ค, ม. ค., ..."""
    a, b = abbr.rstrip(".").split(".")
    out = set()
    for mid in ("", ".", " ", ". ", " . "):
        for end in ("", ".", " ."):
            out.add(f"{a}{mid}{b}{end}")
    return out


def test_parse_month_all_spellings():
    expected = {}
    for month, (full, abbr, english) in enumerate(zip(MONTHS_TH, MONTHS_TH_ABBR, MONTHS_EN, strict=True), 1):
        spellings = {full, f"เดือน{full}", f"เดือน {full}", english, english.upper(),
                     english[:3], english[:3] + "."} | _dot_variants(abbr)
        expected.update(dict.fromkeys(spellings, month))
    assert len(expected) > 12 * 20
    assert {s: parse_month(s) for s in expected} == expected


MONTH_EXAMPLES = [("มี.ค", 3), ("มีค.", 3), ("มี.ค.", 3), ("มี ค", 3), ("มีนา", 3), ("เม.ย", 4), ("ก.พ.", 2),
     ("กุมภา", 2), ("ต.ค", 10), ("ตค", 10), ("Jan", 1), ("January", 1), ("Sept", 9),
     ("กรกฏาคม", 7), ("ตุลา", 10), (" ธ.ค.\u200b ", 12),
     # not months
     ("", None), ("abc", None), ("มีคน", None), ("ตุลาการ", None), ("2566", None), ("3", None),
     ("มี.ค. 65", None)]


def test_parse_month_examples():
    assert [(text, parse_month(text)) for text, _ in MONTH_EXAMPLES] == MONTH_EXAMPLES


def test_format_month():
    assert format_month(YM(2566, 1)) == "ม.ค. 2566"
    assert format_month(YM(2566, 1), abbr=False) == "มกราคม 2566"
    assert format_month(YM(2566, 1), "en") == "Jan 2023"
    assert format_month(YM(2566, 9), "en", abbr=False) == "September 2023"


def test_year_month_helpers():
    feb = YM(2567, 2)  # CE 2024, a leap year
    assert feb.to_date_start() == dt.date(2024, 2, 1)
    assert feb.to_date_end() == dt.date(2024, 2, 29)
    assert YM(2565, 12).to_date_end() == dt.date(2022, 12, 31)
    assert YM(2565, 10).fiscal_year == 2566 and YM(2566, 9).fiscal_year == 2566
    assert YM(2565, 12) < YM(2566, 1) and YM(2566, 1).index - YM(2565, 12).index == 1
    assert YM(2565, 11).add_months(3) == YM(2566, 2)
    with pytest.raises(ValueError):
        YM(2566, 13)


# ---------------------------------------------------------------------------- dates


DATES = [("31/01/2570", dt.date(2027, 1, 31)), ("2027-01-31", dt.date(2027, 1, 31)),
     ("31 มกราคม 2570", dt.date(2027, 1, 31)), ("๓๑ ม.ค. ๗๐", dt.date(2027, 1, 31)),
     ("31 ม.ค. พ.ศ. 2570", dt.date(2027, 1, 31)), (dt.datetime(2027, 1, 31, 8), dt.date(2027, 1, 31)),
     ("31/02/2570", None), ("2570", None), ("พรุ่งนี้", None), (None, None)]


def test_parse_date():
    assert [(value, parse_date(value)) for value, _ in DATES] == DATES


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2299, 12, 31)))
def test_format_date_round_trip(day):
    assert parse_date(format_date(day)) == day
    assert parse_date(format_date(day, "en")) == day
    assert format_date(dt.date(2027, 1, 31)) == "31 มกราคม 2570"


# ---------------------------------------------------------------------------- timeframes

SEED_003_DEADLINES = (
    "๑. เจ้าหน้าที่ผู้รับผิดชอบจัดทำแผน ดำเนินงานประจำปีงบประมาณ ภายใน เดือนตุลาคม ๒๕๖๕ ๒. "
    "เจ้าหน้าที่ผู้รับผิดชอบรายงานผลการ ดำเนินงานตามแผนดำเนินงานรอบ ๖ เดือน ของปีงบประมาณ "
    "พ.ศ.๒๕๖๖ ภายในเดือนเมษายน ๒๕๖๖ ๓. เจ้าหน้าที่ผู้รับผิดชอบรายงานผลการ "
    "ดำเนินงานประจำปีงบประมาณ พ.ศ. ๒๕๖๕ ภายในเดือนธันวาคม ๒๕๖๕ ๔. "
    "ผู้บริหารกำกับติดตามการดำเนินการให้ เจ้าหน้าที่ดำเนินการให้เสร็จสิ้นภายใน ระยะเวลาที่กำหนด"
)
SEED_003_JANUARY = (
    "๑. เจ้าหน้าที่ผู้รับผิดชอบดำเนินการแล้ว รายงานผู้บริหาร เพื่อเผยแพร่บนเว็บไซต์ให้เป็นปัจจุบัน "
    "ภายในเดือนมกราคม ๒. ผู้บริหารมีการติดตามการดำเนินการทุกเดือนเพื่อให้เจ้าหน้าที่"
    "เร่งดำเนินการให้แล้วเสร็จตามระยะเวลา และเผยแพร่บนเว็บไซต์หน่วยงาน"
)

# (text, workbook fiscal year, start, end, assumed_year)
PARSES = [
    # seeds, exactly as written
    ("ม.ค.- มี.ค.๖๕", 2565, YM(2565, 1), YM(2565, 3), False),  # seed 000
    ("ม.ค.-มี.ค.๖๕", 2565, YM(2565, 1), YM(2565, 3), False),  # seed 000
    ("ตุลาคม 2566 - กันยายน 2567", 2567, YM(2566, 10), YM(2567, 9), False),  # seed 002
    ("<p>ตุลาคม 2566 - กันยายน 2567</p>", 2567, YM(2566, 10), YM(2567, 9), False),  # seed 002
    ("รอบ ๖ เดือน (เดือนตุลาคม ๒๕๖๕ - มีนาคม ๒๕๖๖)", 2566, YM(2565, 10), YM(2566, 3), False),
    ("ภายในเดือนมกราคม ๒๕๖๖", 2566, YM(2565, 10), YM(2566, 1), False),  # seed 003
    ("ภายในเดือนพฤศจิกายน ๒๕๖๕", 2566, YM(2565, 10), YM(2565, 11), False),  # seed 003
    ("ภายใน เดือนตุลาคม ๒๕๖๕", 2566, YM(2565, 10), YM(2565, 10), False),  # seed 003
    ("ภายในเดือน เมษายน ๒๕๖๖", 2566, YM(2565, 10), YM(2566, 4), False),  # seed 003
    ("ภายในเดือนกันยายน ๒๕๖๕", 2566, YM(2565, 9), YM(2565, 9), False),  # seed 003: before FY
    ("ภายในเดือนมกราคม", 2566, YM(2565, 10), YM(2566, 1), True),  # seed 003
    (SEED_003_JANUARY, 2566, YM(2565, 10), YM(2566, 1), True),
    (SEED_003_DEADLINES, 2566, YM(2565, 10), YM(2566, 4), False),  # the last deadline counts
    ("ประจำปีงบประมาณ พ.ศ.2567", None, YM(2566, 10), YM(2567, 9), False),  # seed 002
    # the shapes of the brief
    ("ต.ค.-มี.ค. ๖๖", 2566, YM(2565, 10), YM(2566, 3), False),
    ("ต.ค. 69 – ก.ย. 70", 2570, YM(2569, 10), YM(2570, 9), False),
    ("ต.ค.69—ก.ย.70", None, YM(2569, 10), YM(2570, 9), False),
    ("ตุลาคม 2569 ถึง กันยายน 2570", None, YM(2569, 10), YM(2570, 9), False),
    ("Oct 2026 to Sep 2027", None, YM(2569, 10), YM(2570, 9), False),
    ("ภายในเดือน ธันวาคม ๒๕๖๕", 2566, YM(2565, 10), YM(2565, 12), False),
    ("ภายในเดือน ธันวาคม ๒๕๖๕", 2565, YM(2565, 12), YM(2565, 12), False),  # outside FY 2565
    ("ภายใน มกราคม", 2566, YM(2565, 10), YM(2566, 1), True),
    ("มกราคม", 2566, YM(2566, 1), YM(2566, 1), True),
    ("ม.ค.", 2566, YM(2566, 1), YM(2566, 1), True),
    ("ธันวาคม", 2566, YM(2565, 12), YM(2565, 12), True),
    ("ตลอดปีงบประมาณ", 2566, YM(2565, 10), YM(2566, 9), True),
    ("ตลอดปี", 2566, YM(2565, 10), YM(2566, 9), True),
    ("ตลอดทั้งปี", 2566, YM(2565, 10), YM(2566, 9), True),
    ("ทั้งปีงบประมาณ", 2566, YM(2565, 10), YM(2566, 9), True),
    ("ปีงบประมาณ ๒๕๖๖", None, YM(2565, 10), YM(2566, 9), False),
    ("ปีงบประมาณ ๒๕๖๖", 2570, YM(2565, 10), YM(2566, 9), False),  # the text wins
    ("ตลอดปีงบประมาณ พ.ศ. 2566", None, YM(2565, 10), YM(2566, 9), False),
    ("ปีงบ 66", None, YM(2565, 10), YM(2566, 9), False),
    ("1 ต.ค. 2565 - 30 ก.ย. 2566", None, YM(2565, 10), YM(2566, 9), False),
    ("10/2565 - 09/2566", None, YM(2565, 10), YM(2566, 9), False),
    ("01/10/2565 - 30/09/2566", None, YM(2565, 10), YM(2566, 9), False),
    ("2022-10-01 - 2023-09-30", None, YM(2565, 10), YM(2566, 9), False),
    ("ไตรมาส 1", 2566, YM(2565, 10), YM(2565, 12), True),
    ("ไตรมาสที่ ๒", 2566, YM(2566, 1), YM(2566, 3), True),
    ("ไตรมาส 3-4", 2566, YM(2566, 4), YM(2566, 9), True),
    ("Q4", 2566, YM(2566, 7), YM(2566, 9), True),
    ("ไตรมาส 2/2566", None, YM(2566, 1), YM(2566, 3), False),
    ("รอบ 6 เดือน", 2566, YM(2565, 10), YM(2566, 3), True),
    ("6 เดือนแรก", 2566, YM(2565, 10), YM(2566, 3), True),
    ("6 เดือนหลัง", 2566, YM(2566, 4), YM(2566, 9), True),
    ("รอบ 12 เดือน", 2566, YM(2565, 10), YM(2566, 9), True),
    ("มกราคม - มีนาคม", 2566, YM(2566, 1), YM(2566, 3), True),
    ("ต.ค. - ก.ย.", 2566, YM(2565, 10), YM(2566, 9), True),
    ("ต.ค. 65 - มี.ค.", None, YM(2565, 10), YM(2566, 3), False),
    ("ม.ค.-มี.ค.๖๕ (รายงานผลทุกไตรมาส)", 2565, YM(2565, 1), YM(2565, 3), False),
    ("ม.ค.\u200b-\nมี.ค.\u200b๖๕", None, YM(2565, 1), YM(2565, 3), False),
    ("ตุลา\nคม ๒๕๖๕ - กันยา\nยน ๒๕๖๖", None, YM(2565, 10), YM(2566, 9), False),
    ("เดือนมกราคม พ.ศ. ๒๕๖๖ - เดือนมีนาคม พ.ศ. ๒๕๖๖", None, YM(2566, 1), YM(2566, 3), False),
    ("มค - มีค 66", None, YM(2566, 1), YM(2566, 3), False),
    ("ต.ค. 2022 - ก.ย. 2023", None, YM(2565, 10), YM(2566, 9), False),  # CE years
    ("ต.ค. - ธ.ค. 65 และ ม.ค. - มี.ค. 66", None, YM(2565, 10), YM(2566, 3), False),
    ("ตั้งแต่ ม.ค. 66 เป็นต้นไป", 2566, YM(2566, 1), YM(2566, 9), False),
    ("ม.ค. 66 (หนังสือที่ 15/20)", 2566, YM(2566, 1), YM(2566, 1), False),  # 15/20 is no date
    # "ประจำปี พ.ศ. N" without the word งบประมาณ is fiscal year N too
    ("ประจำปี พ.ศ. 2569", None, YM(2568, 10), YM(2569, 9), False),
    ("ประจำปี ๒๕๖๙", 2570, YM(2568, 10), YM(2569, 9), False),
    ("ม.ค. - มี.ค. ประจำปี พ.ศ. 2569", None, YM(2569, 1), YM(2569, 3), False),
    # done before the 1st of a month: ends in the month before
    ("ก่อนวันที่ 1 เมษายน 2569", 2569, YM(2568, 10), YM(2569, 3), False),
    ("ก่อนวันที่ ๑ เม.ย. ๖๙", 2569, YM(2568, 10), YM(2569, 3), False),
    ("ก่อนเดือนเมษายน 2569", 2569, YM(2568, 10), YM(2569, 3), False),
    ("ก่อนวันที่ 15 เมษายน 2569", 2569, YM(2568, 10), YM(2569, 4), False),
    ("ภายในวันที่ 1 เมษายน 2569", 2569, YM(2568, 10), YM(2569, 4), False),
]


@pytest.mark.parametrize("text, fy, start, end, assumed", PARSES)
def test_parse_timeframe(text, fy, start, end, assumed):
    tf = parse_timeframe(text, fy)
    assert (tf.reason, tf.start, tf.end, tf.assumed_year) == (None, start, end, assumed)
    assert tf.ok and tf.text == clean_text(text)


PROBLEMS = [
        ("", 2566, "empty"),
        (None, 2566, "empty"),
        (" \u200b\n ", 2566, "empty"),
        ("เร็วๆ นี้", 2566, "no-month"),
        ("2566", 2566, "no-month"),
        ("พ.ศ.๒๕๖๑ - ๒๕๘๐", 2566, "no-month"),  # seed 002: years without months
        ("รายงานผลการดำเนินการ ในการประชุมเทศบาล ประจำเดือน", 2565, "no-month"),  # seed 000
        ("มีคนมาติดต่อ ยกย่องพยาบาล ตุลาการ", 2566, "no-month"),  # month-like pieces of words
        ("สำนักงาน ป.ป.ช. และ ก.พ.ร.", 2566, "no-month"),
        ("มีนาคม 2566 - มกราคม 2566", 2566, "end-before-start"),
        ("30/09/2566 - 01/10/2565", 2566, "end-before-start"),
        ("มกราคม", None, "no-year"),
        ("ม.ค. - มี.ค.", None, "no-year"),
        ("ตลอดปีงบประมาณ", None, "no-year"),
        ("ไตรมาส 1", None, "no-year"),
        ("ไตรมาส 5", 2566, "unrecognised"),
        ("13/2566", 2566, "unrecognised"),
        ("ม.ค. 1234", 2566, "unrecognised"),
]


def test_parse_timeframe_problems():
    got = [(value, fy, parse_timeframe(value, fy).reason) for value, fy, _ in PROBLEMS]
    assert got == PROBLEMS
    for value, fy, _ in PROBLEMS:
        tf = parse_timeframe(value, fy)
        assert (tf.start, tf.end, tf.ok) == (None, None, False)


@pytest.mark.parametrize("value", [dt.date(2023, 1, 15), dt.datetime(2023, 1, 15, 10, 30)])
def test_parse_timeframe_excel_date(value):
    tf = parse_timeframe(value, 2570)
    assert (tf.start, tf.end, tf.reason, tf.assumed_year) == (YM(2566, 1), YM(2566, 1), None, False)


def test_timeframe_fiscal_year_checks():
    half = parse_timeframe("ต.ค. 65 - มี.ค. 66")
    assert half.within_fiscal_year(2566) and half.overlaps_fiscal_year(2566)
    assert not half.within_fiscal_year(2567) and not half.overlaps_fiscal_year(2565)
    straddle = parse_timeframe("ก.ย. 65 - เม.ย. 66")
    assert straddle.overlaps_fiscal_year(2565) and straddle.overlaps_fiscal_year(2566)
    assert not straddle.within_fiscal_year(2565) and not straddle.within_fiscal_year(2566)
    bad = parse_timeframe("เร็วๆ นี้")
    assert not bad.overlaps_fiscal_year(2566) and not bad.within_fiscal_year(2566)
    assert half.label() == "ต.ค. 2565 - มี.ค. 2566" and bad.label() == ""
    assert parse_timeframe("ม.ค. 66").label("en") == "Jan 2023"
    assert Timeframe("x", YM(2566, 1), YM(2566, 2), None).ok


def test_describe_timeframe_problem():
    th = [describe_timeframe_problem(r, fiscal_year=2570) for r in TIMEFRAME_REASONS]
    en = [describe_timeframe_problem(r, "en", fiscal_year=2570) for r in TIMEFRAME_REASONS]
    assert all('เขียนเป็น "ต.ค. 2569 - ก.ย. 2570" หรือ "ตลอดปีงบประมาณ"' in m for m in th)
    assert all('"ต.ค. 2569 - ก.ย. 2570" (Oct 2026 - Sep 2027)' in m for m in en)
    assert len(set(th)) == len(set(en)) == len(TIMEFRAME_REASONS)  # each says what is wrong
    # the example parses to exactly the fiscal year it names
    assert parse_timeframe("ต.ค. 2569 - ก.ย. 2570").within_fiscal_year(2570)


def test_describe_timeframe_problem_defaults_to_current_year():
    fy = current_fiscal_year()
    assert f"ก.ย. {fy}" in describe_timeframe_problem("empty")


_YEAR_MONTHS = st.builds(YM, st.integers(min_value=2444, max_value=2842),
                         st.integers(min_value=1, max_value=12))


@given(
    pair=st.lists(_YEAR_MONTHS, min_size=2, max_size=2).map(sorted),
    lang=st.sampled_from(["th", "en"]),
    abbr=st.booleans(),
    thai_digits=st.booleans(),
    sep=st.sampled_from(["-", " - ", " – ", " ถึง ", " to "]),
    fy=st.one_of(st.none(), st.integers(min_value=2500, max_value=2600)),
)
def test_formatted_timeframe_round_trip(pair, lang, abbr, thai_digits, sep, fy):
    a, b = pair
    text = f"{format_month(a, lang, abbr)}{sep}{format_month(b, lang, abbr)}"
    if thai_digits:
        text = to_thai_digits(text)
    tf = parse_timeframe(text, fy)
    assert (tf.start, tf.end, tf.reason, tf.assumed_year) == (a, b, None, False)


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=12),
       st.integers(min_value=2500, max_value=2600), st.booleans())
def test_yearless_months_fall_in_the_fiscal_year(m1, m2, fy, abbr):
    names = MONTHS_TH_ABBR if abbr else MONTHS_TH
    single = parse_timeframe(names[m1 - 1], fy)
    assert single.assumed_year and single.within_fiscal_year(fy)
    assert single.start == single.end and single.start.month == m1
    span = parse_timeframe(f"{names[m1 - 1]} - {names[m2 - 1]}", fy)
    assert span.ok and span.assumed_year and span.start.fiscal_year == fy
    assert 0 <= span.end.index - span.start.index < 12
