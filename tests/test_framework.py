"""Tests for ita_xlsx.spec.framework: year-keyed framework data, matching helpers and scoring."""

from __future__ import annotations

import dataclasses
import math
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ita_xlsx.spec import framework as fwmod
from ita_xlsx.spec.framework import (
    AVAILABLE_YEARS,
    ENV_FRAMEWORK_DIR,
    FrameworkError,
    available_years,
    framework_for_fiscal_year,
    load_framework,
    round_half_up,
    score,
)

SHIPPED = tuple(range(2563, 2571))

# Seed 000 (เทศบาลตำบลห้วยวน): its ITA 2564 result (scores, published total 59.16, level D),
# analysed in its fiscal-year 2565 measures document; so it is scored with the 2564 framework.
SEED_000 = dict(
    zip(range(1, 11), [92.11, 83.98, 87.24, 81.37, 86.50, 80.53, 85.15, 76.90, 38.90, 6.25],
        strict=True)
)


@pytest.fixture(autouse=True)
def _no_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_FRAMEWORK_DIR, raising=False)


def _scores(values: list[float]) -> dict[int, float]:
    return dict(zip(range(1, len(values) + 1), values, strict=True))


# ---------------------------------------------------------------------------------------------
# Scoring against published figures
# ---------------------------------------------------------------------------------------------


def test_seed_000_total_and_level() -> None:
    result = score(load_framework(2564), SEED_000)
    assert result.complete and result.missing == ()
    assert result.total == 59.16
    assert result.level == "D"
    assert result.label == "D"
    assert result.pass_label is None  # 2564 published letters, not pass labels
    assert result.tool_means["IIT"] == pytest.approx(86.24)
    assert result.tool_means["EIT"] == pytest.approx(80.86)
    assert result.tool_means["OIT"] == pytest.approx(22.575)
    assert result.weighted["OIT"] == pytest.approx(9.03)


def test_seed_000_is_not_a_plain_mean() -> None:
    plain = round_half_up(sum(SEED_000.values()) / 10, 2)
    assert plain == 71.89
    assert score(load_framework(2564), SEED_000).total != plain


def test_oit_weighted_contribution_phichit_2564() -> None:
    scores = {**SEED_000, 9: 93.50, 10: 100}
    result = score(load_framework(2564), scores)
    assert round_half_up(result.weighted["OIT"], 2) == 38.70


def test_seed_001_level_d_for_2563() -> None:
    assert load_framework(2563).level_for(59.76) == "D"


def test_seed_000_under_2569_gives_a_pass_label() -> None:
    result = score(load_framework(2569), SEED_000)
    assert result.total == 59.16
    assert result.level == "D"
    assert result.pass_label == "ไม่ผ่าน"  # below the published pass mark of 85
    assert result.label == result.pass_label


def test_incomplete_scores() -> None:
    scores: dict[int, float | None] = {**SEED_000, 10: None}
    del scores[3]
    result = score(load_framework(2564), scores)
    assert not result.complete
    assert result.missing == (3, 10)
    assert result.total is None and result.level is None and result.label is None
    assert result.tool_means["EIT"] == pytest.approx(80.86)
    assert result.tool_means["IIT"] is None and result.weighted["OIT"] is None


def test_nan_counts_as_missing_and_unknown_indicator_is_an_error() -> None:
    fw = load_framework(2564)
    assert score(fw, {**SEED_000, 5: math.nan}).missing == (5,)
    with pytest.raises(ValueError):
        score(fw, {**SEED_000, 11: 50.0})


def test_empty_input() -> None:
    result = score(load_framework(2569), {})
    assert result.missing == tuple(range(1, 11)) and result.total is None


# ---------------------------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.125, 2, 0.13),
        (2.675, 2, 2.68),
        (1.005, 2, 1.01),
        (46.965, 2, 46.97),
        (-0.125, 2, -0.13),
        (2.5, 0, 3.0),
        (59.16, 2, 59.16),
        (84.994, 2, 84.99),
        (0.1 + 0.2, 2, 0.3),
    ],
)
def test_round_half_up(value: float, places: int, expected: float) -> None:
    assert round_half_up(value, places) == expected


def test_round_half_up_non_finite() -> None:
    assert math.isnan(round_half_up(math.nan))
    assert round_half_up(math.inf) == math.inf


def test_python_round_would_differ() -> None:
    # The reason round_half_up exists: Python rounds these down.
    assert round(0.125, 2) == 0.12 and round(2.675, 2) == 2.67


# ---------------------------------------------------------------------------------------------
# Every shipped year loads and says what the fact sheet says
# ---------------------------------------------------------------------------------------------


def test_available_years() -> None:
    assert AVAILABLE_YEARS == SHIPPED
    assert available_years() == SHIPPED


@pytest.mark.parametrize("year", SHIPPED)
def test_year_loads_and_validates(year: int) -> None:
    fw = load_framework(year)
    assert fw.year == year
    assert fw.pass_mark == 85
    assert fw.result_scheme == ("letter" if year <= 2565 else "pass")
    assert [t.code for t in fw.tools] == ["IIT", "EIT", "OIT"]
    assert math.isclose(sum(t.weight for t in fw.tools), 1.0, abs_tol=1e-9)
    assert [i.number for i in fw.indicators] == list(range(1, 11))
    assert {i.number: i.tool for i in fw.indicators} == {
        **dict.fromkeys(range(1, 6), "IIT"), **dict.fromkeys(range(6, 9), "EIT"), 9: "OIT",
        10: "OIT"}
    assert [(b.label, b.min_score) for b in fw.levels] == [
        ("AA", 95), ("A", 85), ("B", 75), ("C", 65), ("D", 55), ("E", 50), ("F", 0)]
    assert bool(fw.pass_labels) == (year >= 2566)
    assert all(p.unconfirmed and p.note for p in fw.pass_labels)
    assert fw.sources and all(s.startswith(("http://", "https://")) for s in fw.sources)
    assert fw.notes
    assert Path(fw.source_file).name == f"{year}.toml"
    assert set(fw.measures_items) <= {o.code for o in fw.oit_items}


@pytest.mark.parametrize("year", SHIPPED)
def test_weights_unconfirmed_from_2565(year: int) -> None:
    fw = load_framework(year)
    assert [t.weight for t in fw.tools] == [0.30, 0.30, 0.40]
    # the worked examples that reproduce 30/30/40 are ITA 2563 and 2564 results only
    assert all(t.unconfirmed == (year >= 2565) for t in fw.tools)
    assert all(t.note for t in fw.tools if t.unconfirmed)


@pytest.mark.parametrize("year", SHIPPED)
def test_indicator_wording_7_and_8_confirmed(year: int) -> None:
    fw = load_framework(year)
    assert fw.indicator(7).label == "7. ประสิทธิภาพการสื่อสาร"
    assert fw.indicator(8).label == "8. การปรับปรุงระบบการทำงาน"
    # the short form documents use (seed 000) is still understood
    assert fw.indicator_from_text("การปรับปรุงการทำงาน") == 8
    assert fw.indicator_from_text("8. การปรับปรุงการทำงาน") == 8
    # 2568 kept the ten indicators; only 2569 onward is not yet settled
    assert len(fw.indicators) == 10
    assert all(i.unconfirmed == (year >= 2569) for i in fw.indicators)
    assert fw.indicator(9).label == "9. การเปิดเผยข้อมูล"


@pytest.mark.parametrize(
    ("year", "count", "measures"),
    [
        (2563, 43, ("O42", "O43")),
        (2564, 43, ("O42", "O43")),
        (2565, 43, ("O42", "O43")),
        (2566, 43, ("O42", "O43")),
        (2567, 43, ("O42", "O43")),
        (2568, 26, ()),
        (2569, 26, ("O25", "O26")),
        (2570, 26, ("O25", "O26")),
    ],
)
def test_oit_lists_by_year(year: int, count: int, measures: tuple[str, ...]) -> None:
    fw = load_framework(year)
    assert [o.code for o in fw.oit_items] == [f"O{n}" for n in range(1, count + 1)]
    assert fw.measures_items == measures
    assert fw.measures_unconfirmed == (year >= 2567)


def test_oit_item_details() -> None:
    assert load_framework(2564).oit_item("O42").group == "10.2"
    # 2564: only the items an อบต.'s own 2564 menu shows are backed by a source
    backed = {"O2", "O4", "O6", "O7", "O8", "O9", "O11", "O12", "O13", "O15", "O17"}
    fw64 = load_framework(2564)
    assert {o.code for o in fw64.oit_items if not o.unconfirmed} == backed
    assert all(o.note for o in fw64.oit_items)
    assert load_framework(2566).oit_item("O10").name_th == "นโยบายคุ้มครองข้อมูลส่วนบุคคล"
    assert load_framework(2566).oit_item("O39").unconfirmed
    assert load_framework(2569).oit_item("O25").label == (
        "O25 การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร")
    assert load_framework(2568).oit_item("O5").unconfirmed
    assert all(o.unconfirmed for o in load_framework(2570).oit_items)
    assert all(i.unconfirmed for i in load_framework(2570).indicators)


@pytest.mark.parametrize("year", SHIPPED)
def test_framework_files_cite_addresses_not_paths(year: int) -> None:
    """The header points at the sources by address; no file names a path users lack."""
    text = (Path(load_framework(year).source_file)).read_text(encoding="utf-8")
    assert "/work/" not in text and "ita-facts" not in text
    fw = load_framework(year)
    for code, content in fw.oit_content:
        assert content.shows and content.source.startswith(("http://", "https://")), code
        assert content.source in fw.sources, code


def test_oit_content_where_a_source_gives_it() -> None:
    assert load_framework(2566).oit_shows("O1").source == "http://banklongsuan.go.th/ita-2566/"
    assert load_framework(2569).oit_shows("O12").year_rule == "previous"
    assert load_framework(2569).oit_shows("O11").year_rule == "current"
    assert load_framework(2564).oit_content == ()


def test_lookups_raise_key_error() -> None:
    fw = load_framework(2569)
    assert fw.tool("oit").weight == 0.40
    with pytest.raises(KeyError):
        fw.tool("XYZ")
    with pytest.raises(KeyError):
        fw.indicator(11)
    with pytest.raises(KeyError):
        fw.oit_item("O42")  # no O42 in the 2569 list


def test_dataclasses_are_frozen() -> None:
    fw = load_framework(2564)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.year = 2565  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.tools[0].weight = 0.5  # type: ignore[misc]


def test_fiscal_year_maps_to_previous_ita_year() -> None:
    assert framework_for_fiscal_year(2570).year == 2569
    assert framework_for_fiscal_year(2565).year == 2564
    assert framework_for_fiscal_year(2570) is load_framework(2569)


def test_cache_returns_the_same_object() -> None:
    assert load_framework(2566) is load_framework(2566)


# ---------------------------------------------------------------------------------------------
# Levels and pass labels
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (100, "AA"), (95, "AA"), (94.99, "A"), (85, "A"), (84.99, "B"), (75, "B"),
        (74.99, "C"), (65, "C"), (64.99, "D"), (55, "D"), (54.99, "E"), (50, "E"),
        (49.99, "F"), (0, "F"), (94.995, "AA"), (84.994, "B"),
    ],
)
def test_level_band_edges(total: float, level: str) -> None:
    assert load_framework(2564).level_for(total) == level


ALL = ("IIT", "EIT", "OIT")


@pytest.mark.parametrize(
    ("total", "tools", "label"),
    [
        (96.0, dict.fromkeys(ALL, 96.0), "ผ่านดีเยี่ยม"),
        (95.0, dict.fromkeys(ALL, 95.0), "ผ่านดีเยี่ยม"),
        (96.0, {"IIT": 99.0, "EIT": 94.99, "OIT": 99.0}, "ผ่านดี"),
        (96.0, {"IIT": 99.0, "EIT": 80.0, "OIT": 99.0}, "ผ่าน"),
        (94.99, dict.fromkeys(ALL, 99.0), "ผ่านดี"),
        (85.0, dict.fromkeys(ALL, 85.0), "ผ่านดี"),
        (85.0, {"IIT": 85.0, "EIT": 84.99, "OIT": 90.0}, "ผ่าน"),
        (90.0, {"IIT": 90.0, "EIT": 90.0}, "ผ่าน"),  # a missing tool cannot prove "every tool"
        (90.0, {"iit": 90.0, "eit": 90.0, "oit": 90.0}, "ผ่านดี"),
        # below the pass mark, the one published word: the NACC publishes no finer label
        (84.99, dict.fromkeys(ALL, 99.0), "ไม่ผ่าน"),
        (70.0, dict.fromkeys(ALL, 70.0), "ไม่ผ่าน"),
        (69.99, dict.fromkeys(ALL, 70.0), "ไม่ผ่าน"),
        (0.0, {}, "ไม่ผ่าน"),
    ],
)
def test_pass_labels_2569(total: float, tools: dict[str, float], label: str) -> None:
    fw = load_framework(2569)
    assert fw.pass_label_for(total, tools) == label
    assert fw.label_for(total, tools) == label


def test_label_scheme_per_year() -> None:
    tools = dict.fromkeys(ALL, 90.0)
    assert load_framework(2565).label_for(90.0, tools) == "A"
    assert load_framework(2565).pass_label_for(90.0, tools) is None
    assert load_framework(2566).label_for(90.0, tools) == "ผ่านดี"
    assert load_framework(2566).level_for(90.0) == "A"


def test_level_for_rejects_nan() -> None:
    with pytest.raises(ValueError):
        load_framework(2564).level_for(math.nan)


# ---------------------------------------------------------------------------------------------
# Matching free text from returned workbooks
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("9. การเปิดเผยข้อมูล", 9),
        ("9", 9),
        ("๙", 9),
        ("9.", 9),
        ("9.0", 9),
        ("๑๐", 10),
        ("ตัวชี้วัดที่ ๙", 9),
        ("ตัวชี้วัดที่ 10", 10),
        ("การเปิดเผยข้อมูล", 9),
        ("ตัวชี้วัดที่ ๙ การเปิดเผย ข้อมูล", 9),
        ("การเปิด\u200bเผยข้อมูล", 9),
        ("  ๑.การปฏิบัติหน้าที่ ", 1),
        ("๑.การปฏิบัติหน้าที่ ๙๒.๑๑ คะแนน", 1),
        # seed 000 renumbers inside each tool: the name decides
        ("๑.คุณภาพการดำเนินงาน ๘๐.๕๓ คะแนน", 6),
        ("๓.การปรับปรุงการทำงาน ๗๖.๙๐ คะแนน", 8),
        ("๒.การป้องกันการทุจริต ๖.๒๕ คะแนน", 10),
        ("การใช้ทรัพย์สินของทางราชการ", 4),
        ("คุณภาพการด\u0e4d\u0e32เนินงาน", 6),  # sara am split in two, as PDFs do
        ("Open Data", 9),
        ("information disclosure", 9),
        (10, 10),
        (9.0, 9),
        ("", None),
        ("   ", None),
        ("11", None),
        ("0", None),
        ("92.11", None),
        ("9.5", None),
        ("ประเด็นอื่น ๆ", None),
        (None, None),
        (True, None),
        (9.5, None),
    ],
)
def test_indicator_from_text(text: object, number: int | None) -> None:
    assert load_framework(2564).indicator_from_text(text) == number


@pytest.mark.parametrize("year", SHIPPED)
def test_indicator_labels_round_trip(year: int) -> None:
    fw = load_framework(year)
    for ind in fw.indicators:
        assert fw.indicator_from_text(ind.label) == ind.number
        assert fw.indicator_from_text(ind.name_th) == ind.number


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("O42 มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "O42"),
        ("o42", "O42"),
        ("O 42", "O42"),
        ("O-43", "O43"),
        ("Ｏ４２", "O42"),
        ("O1", "O1"),
        ("มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "O42"),
        ("การดำเนินการตามมาตรการส่งเสริมคุณธรรมและ ความโปร่งใสภายในหน่วยงาน", "O43"),
        ("รายงานการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ปี ๒๕๖๔",
         "O43"),
        ("e-service", "O17"),
        ("O44", None),
        ("O0", None),
        ("๐๔๒", None),
        ("42", None),
        ("", None),
        (None, None),
        ("อื่น ๆ", None),
    ],
)
def test_oit_item_from_text_2564(text: object, code: str | None) -> None:
    assert load_framework(2564).oit_item_from_text(text) == code


def test_oit_item_from_text_follows_the_year() -> None:
    fw = load_framework(2569)
    assert fw.oit_item_from_text("O25") == "O25"
    assert fw.oit_item_from_text("O42") is None
    assert fw.oit_item_from_text("การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร") == "O25"
    assert fw.oit_item_from_text("รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรม") == "O26"


@pytest.mark.parametrize("year", SHIPPED)
def test_oit_labels_round_trip(year: int) -> None:
    fw = load_framework(year)
    for item in fw.oit_items:
        assert fw.oit_item_from_text(item.label) == item.code
        assert fw.oit_item_from_text(item.name_th) == item.code


# ---------------------------------------------------------------------------------------------
# Overrides, environment variable, errors
# ---------------------------------------------------------------------------------------------

WEIGHTS_20_20_60 = """
[[tools]]
code = "IIT"
weight = 0.20

[[tools]]
code = "EIT"
weight = 0.20

[[tools]]
code = "OIT"
weight = 0.60
"""


def test_override_file_changes_weights_and_total(tmp_path: Path) -> None:
    path = tmp_path / "weights.toml"
    path.write_text(WEIGHTS_20_20_60, encoding="utf-8")
    fw = load_framework(2569, path)
    assert [t.weight for t in fw.tools] == [0.20, 0.20, 0.60]
    # fields left out are inherited from the built-in entries
    assert fw.tool("IIT").indicators == (1, 2, 3, 4, 5)
    assert fw.tool("OIT").name_th == "แบบตรวจการเปิดเผยข้อมูลสาธารณะ"
    assert fw.override_file == str(path.resolve())
    assert fw.oit_items == load_framework(2569).oit_items
    # 0.2 x 86.24 + 0.2 x 80.86 + 0.6 x 22.575 = 46.965 -> 46.97 (half up)
    assert score(fw, SEED_000).total == 46.97
    assert score(load_framework(2569), SEED_000).total == 59.16


def test_override_folder_via_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "2569.toml").write_text(
        'notes = "ตามคู่มือ ITA 2569"\nmeasures_items = ["O25"]\n', encoding="utf-8")
    monkeypatch.setenv(ENV_FRAMEWORK_DIR, str(tmp_path))
    fw = load_framework(2569)
    assert fw.notes == "ตามคู่มือ ITA 2569"
    assert fw.measures_items == ("O25",)
    assert fw.override_file.endswith("2569.toml")
    # years without a file in the folder stay built-in
    assert load_framework(2564).override_file == ""
    monkeypatch.delenv(ENV_FRAMEWORK_DIR)
    assert load_framework(2569).measures_items == ("O25", "O26")


def test_override_folder_can_add_a_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (fwmod.DATA_DIR / "2570.toml").read_text(encoding="utf-8")
    (tmp_path / "2571.toml").write_text(text.replace("year = 2570", "year = 2571"),
                                        encoding="utf-8")
    monkeypatch.setenv(ENV_FRAMEWORK_DIR, str(tmp_path))
    assert 2571 in available_years()
    fw = load_framework(2571)
    assert fw.year == 2571 and fw.source_file.endswith("2571.toml")
    assert framework_for_fiscal_year(2572).year == 2571


def test_override_cache_follows_mtime(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text(WEIGHTS_20_20_60, encoding="utf-8")
    first = load_framework(2569, path)
    assert load_framework(2569, path) is first
    path.write_text(WEIGHTS_20_20_60.replace("0.20", "0.25").replace("0.60", "0.50"),
                    encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    second = load_framework(2569, path)
    assert second is not first
    assert second.tool("OIT").weight == 0.50


def test_unknown_year_lists_available_years() -> None:
    with pytest.raises(FrameworkError) as info:
        load_framework(2550)
    err = info.value
    assert isinstance(err, ValueError)
    assert "2550" in str(err) and "ปี" in str(err)
    for year in (2563, 2570):
        assert str(year) in err.message and str(year) in err.message_en
    assert "available" in err.message_en


def test_unknown_fiscal_year() -> None:
    with pytest.raises(FrameworkError):
        framework_for_fiscal_year(2563)  # would need ITA 2562


def test_missing_override_path(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError):
        load_framework(2569, tmp_path / "nope.toml")


def test_override_file_applies_only_to_its_declared_year(tmp_path: Path) -> None:
    # A workbook loads two years (analysis N-1 and target N) with the same --framework file.
    path = tmp_path / "mine.toml"
    path.write_text("year = 2569\n" + WEIGHTS_20_20_60, encoding="utf-8")
    assert load_framework(2569, path).tool("OIT").weight == 0.60
    other = load_framework(2570, path)
    assert other.tool("OIT").weight == 0.40 and other.override_file == ""
    named = tmp_path / "2568.toml"
    named.write_text(WEIGHTS_20_20_60, encoding="utf-8")
    assert load_framework(2568, named).tool("OIT").weight == 0.60
    assert load_framework(2569, named).tool("OIT").weight == 0.40
    assert available_years(named) == SHIPPED


def test_single_file_can_supply_a_new_year(tmp_path: Path) -> None:
    text = (fwmod.DATA_DIR / "2570.toml").read_text(encoding="utf-8")
    path = tmp_path / "next.toml"
    path.write_text(text.replace("year = 2570", "year = 2571"), encoding="utf-8")
    assert load_framework(2571, path).year == 2571
    assert available_years(path) == (*SHIPPED, 2571)
    with pytest.raises(FrameworkError) as info:
        load_framework(2572, path)
    assert "2571" in info.value.message_en


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        (WEIGHTS_20_20_60.replace("0.60", "0.50"), "sum to 1"),
        (WEIGHTS_20_20_60.replace("weight = 0.20", "weight = 0.20\nindicators = [1, 2, 3, 4, 5, 6]",
                                  1), "indicator 6"),
        ('[[levels]]\nlabel = "A"\nmin_score = 50\n\n[[levels]]\nlabel = "B"\nmin_score = 60\n',
         "descending"),
        ('[[levels]]\nlabel = "A"\nmin_score = 50\n', "end at 0"),
        ('result_scheme = "stars"\n', "result_scheme"),
        ('[[pass_labels]]\nlabel = "ผ่าน"\nmin_total = 85\n', "catch every total"),
        ('measures_items = ["O99"]\n', "O99"),
        ('[[oit_items]]\ncode = "X1"\nname_th = "x"\n', "OIT codes"),
        ('[[indicators]]\nnumber = 1\nname_th = "x"\ntool = "IIT"\n', "exactly one tool"),
        ('[[indicators]]\nnumber = 1\n\n[[indicators]]\nnumber = 1\n', "numbered 1..N"),
        ("".join(f"[[indicators]]\nnumber = {n}\n" for n in range(1, 11)).replace(
            "number = 2\n", 'number = 2\ntool = "OIT"\n'), "says tool OIT"),
        ('[[tools]]\ncode = "IIT"\nweight = "heavy"\n', "Invalid framework data"),
        ('[[tools]]\ncode = "NEW"\nweight = 1.0\n', "missing 'name_th'"),
        ("weight = = 1\n", "Cannot parse"),
    ],
)
def test_invalid_override_is_rejected(tmp_path: Path, toml: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(2569, path)
    assert fragment in info.value.message_en
    assert info.value.message  # the Thai message is always there


def test_letter_year_may_not_drop_pass_rules_for_pass_scheme(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('result_scheme = "pass"\n', encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(2564, path)
    assert "pass_labels" in info.value.message_en


def test_builtin_data_folder_is_not_modified(tmp_path: Path) -> None:
    # Overrides work on a copy of the data; the shipped files stay as they are.
    before = (fwmod.DATA_DIR / "2569.toml").read_bytes()
    shutil.copy(fwmod.DATA_DIR / "2569.toml", tmp_path / "2569.toml")
    load_framework(2569, tmp_path)
    assert (fwmod.DATA_DIR / "2569.toml").read_bytes() == before


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

# Scores as published: 0.00-100.00 in hundredths.
score_value = st.integers(min_value=0, max_value=10_000).map(lambda n: n / 100)


@given(values=st.lists(score_value, min_size=10, max_size=10), year=st.sampled_from(SHIPPED))
def test_total_within_min_and_max(values: list[float], year: int) -> None:
    result = score(load_framework(year), _scores(values))
    assert result.complete and result.total is not None
    assert min(values) <= result.total <= max(values)
    assert result.label is not None and result.level is not None


@given(value=score_value, year=st.sampled_from(SHIPPED))
def test_equal_scores_give_that_score(value: float, year: int) -> None:
    assert score(load_framework(year), _scores([value] * 10)).total == value


@pytest.mark.parametrize("year", SHIPPED)
def test_all_hundred_is_hundred(year: int) -> None:
    result = score(load_framework(year), _scores([100.0] * 10))
    assert result.total == 100.0
    assert result.level == "AA"
    assert result.label == ("AA" if year <= 2565 else "ผ่านดีเยี่ยม")


@given(n=st.integers(min_value=0, max_value=10**9), sign=st.sampled_from((1, -1)))
def test_round_half_up_on_exact_halves(n: int, sign: int) -> None:
    # n.nn5 rounds away from zero at 2 decimals, like Excel's ROUND, whatever the binary error.
    assert round_half_up(sign * (10 * n + 5) / 1000, 2) == sign * (n + 1) / 100


def test_only_published_result_labels() -> None:
    """The labels a document or report prints are the NACC's own words: the pass mark of 85
    and the categories agencies publish above it; nothing finer below it."""
    from ita_xlsx.spec.framework import available_years

    published = {"ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ไม่ผ่าน"}
    for year in available_years():
        fw = load_framework(year)
        assert {r.label for r in fw.pass_labels} <= published, year
        if fw.pass_labels:
            assert min(r.min_total for r in fw.pass_labels if r.label.startswith("ผ่าน")) == 85
