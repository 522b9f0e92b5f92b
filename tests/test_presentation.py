"""Indian number formatting and the bilingual catalogue (:mod:`grading.words`: the pages and the report)."""

from __future__ import annotations

import ast
import dataclasses
import re
import string
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from grading.outputs import report
from grading.outputs.fmt import ago, fixed_expr, in_words, indian, indian_expr, pct, rank_change_expr, sparkline_expr
from grading.scoring import schemes
from grading.words import CATALOGUE, merge, say

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, "1,000"),
        (99999, 0, "99,999"),
        (100000, 0, "1,00,000"),
        (1234567, 0, "12,34,567"),
        (123456789, 0, "12,34,56,789"),
        (-1234567.46, 1, "-12,34,567.5"),
        (None, 0, "—"),
    ],
)
def test_indian_digit_grouping(value: float | None, decimals: int, expected: str) -> None:
    assert indian(value, decimals) == expected


def test_indian_grouping_of_a_whole_column_matches_the_scalar() -> None:
    values = [0.0, 7.0, 1000.0, 100000.0, 1234567.0, -98765.4, None]
    out = pl.DataFrame({"v": values}).select(indian_expr(pl.col("v"), 1))["v"].to_list()
    assert out == ["0.0", "7.0", "1,000.0", "1,00,000.0", "12,34,567.0", "-98,765.4", None]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (93.4, "93.40"),
        (0.125, "0.13"),  # half away from zero
        (-2.5, "-2.50"),
        (60.0, "60.00"),
        (None, None),
    ],
)
def test_two_decimal_scores(value: float | None, expected: str | None) -> None:
    frame = pl.DataFrame({"v": [value]}, schema={"v": pl.Float64})
    assert frame.select(fixed_expr(pl.col("v"), 2))["v"][0] == expected


def test_rank_change_arrows() -> None:
    frame = pl.DataFrame({"c": [2, -1, 0, None]}, schema={"c": pl.Int32})
    assert frame.select(rank_change_expr(pl.col("c")))["c"].to_list() == ["▲2", "▼1", "–", None]


def test_sparklines_span_each_series_own_range() -> None:
    # [1, 2, 3, None, 8]: range 1..8 (span 7), bars at int((v-1)/7*7) = 0, 1, 2, 7; the null is skipped.
    # [5, 5]: flat → lowest bar twice. Empty or null lists → "".
    series = [[1.0, 2.0, 3.0, None, 8.0], [5.0, 5.0], [], None]
    frame = pl.DataFrame({"t": series}, schema={"t": pl.List(pl.Float64)})
    assert frame.select(sparkline_expr(pl.col("t")))["t"].to_list() == ["▁▂▃█", "▁▁", "", ""]


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (420000, "en", "4.2 lakh"),
        (100000, "en", "1 lakh"),
        (15_000_000, "hi", "1.5 करोड़"),
        (350_000, "hi", "3.5 लाख"),
        (99999, "en", "99,999"),
    ],
)
def test_lakh_and_crore_in_words(value: float, lang: str, expected: str) -> None:
    assert in_words(value, lang) == expected


def test_percent_display() -> None:
    assert (pct(93.4333), pct(None)) == ("93.4%", "—")


def test_every_catalogue_entry_has_both_languages_with_the_same_placeholders() -> None:
    fields = string.Formatter()
    for key, (en, hi) in CATALOGUE.items():
        assert en.strip(), key
        assert hi.strip(), key
        assert any("\u0900" <= ch <= "\u097f" for ch in hi), key
        assert {f for _, f, _, _ in fields.parse(en) if f} == {f for _, f, _, _ in fields.parse(hi) if f}, key


def _page_sources() -> list[Path]:
    return [ROOT / "navigation.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]


def test_every_text_key_used_by_the_pages_and_the_report_exists() -> None:
    used: set[str] = set()
    for path in _page_sources():
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "no t() calls found"
    said: set[str] = set()
    for path in (ROOT / "grading").glob("**/*.py"):
        said |= set(re.findall(r"""\bsay\(\s*["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    assert "report_title" in said, "no say() calls found in grading/"
    assert sorted((used | said) - set(CATALOGUE)) == []


def _placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_call_fills_exactly_the_placeholders_of_its_entry() -> None:
    # t("key", ...) in the pages and say("key", lang, ...) in grading/: a threshold moved out of the text
    # into a placeholder must be passed by every caller (a missing one would show "{suppress_below}").
    checked, wrong = 0, []
    for path in [*_page_sources(), *(ROOT / "grading").glob("**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "say")):
                continue
            if not (node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                continue  # a key built at run time (t(f"role_{role}"))
            if any(k.arg is None for k in node.keywords):
                continue  # **values: not known here
            key, given = node.args[0].value, {k.arg for k in node.keywords}
            checked += 1
            if key in CATALOGUE and given != _placeholders(CATALOGUE[key][0]):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {key}: {sorted(given)}")
    assert checked > 100
    assert wrong == []


def test_a_key_defined_in_two_parts_stops_the_merge() -> None:
    with pytest.raises(ValueError, match="rank"):
        merge({"rank": ("Rank", "रैंक")}, {"rank": ("Place", "स्थान")})
    assert merge({"a": ("A", "अ")}, {"b": ("B", "ब")}) == {"a": ("A", "अ"), "b": ("B", "ब")}


#: A number written next to "fewer than", "at least", "<" or "से कम" is a scheme threshold written out.
_LITERAL_THRESHOLD = re.compile(r"(fewer than|at least|below|<)\s*\*?\d|\d+\*?\s*से कम|कम से कम \d")


def test_no_catalogue_text_writes_a_scheme_threshold_as_a_number() -> None:
    written = [
        key for key, (en, hi) in CATALOGUE.items() if _LITERAL_THRESHOLD.search(en) or _LITERAL_THRESHOLD.search(hi)
    ]
    assert written == []


def _empty_ranking(kind: str, scheme: schemes.Scheme) -> pl.DataFrame:
    columns = {"is_ranked": pl.Boolean, "suppressed": pl.Boolean, "volume_group": pl.Int32, "group_rank": pl.Int32}
    columns |= {"rank": pl.Int32, "rank_change": pl.Int32, "score": pl.Float64, "grade": pl.String}
    columns |= {"rank_text": pl.String, "rank_position": pl.Int32}
    columns |= {"received": pl.Int64, kind: pl.String, f"{kind}_name": pl.String}
    return pl.DataFrame(schema=columns | {f"points_{c.key}": pl.Float64 for c in scheme.components})


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_suppression_threshold_in_the_text_is_the_schemes(lang: str) -> None:
    shipped = schemes.load(schemes.DEFAULT_SCHEME)
    assert shipped.suppress_below == 5
    scheme = dataclasses.replace(shipped, suppress_below=7, min_received=9)
    said, unsaid = ("fewer than 7", "fewer than 5") if lang == "en" else ("7 से कम", "5 से कम")
    # The pages fill it as public_summary.py and methodology.py do ...
    for key in ("public_intro", "cells_note", "method_privacy_text"):
        text = say(key, lang, suppress_below=scheme.suppress_below)
        assert said in text, key
        assert unsaid not in text, key
        assert "< 5" not in text, key
    # ... and the press report from the scheme it is given.
    streaks = pl.DataFrame(schema={"streak_rank_1": pl.Int32, "department_name": pl.String})
    data = report.ReportData(
        month=date(2024, 8, 1),
        scheme=scheme,
        departments=_empty_ranking("department", scheme),
        districts=_empty_ranking("district", scheme),
        streaks=streaks,
        first_month=date(2024, 3, 1),
        published_at=datetime(2024, 9, 5, 10, 0),
    )
    page = report.report_html(data, lang)
    assert said in page
    assert unsaid not in page
    assert ("fewer than 9" if lang == "en" else "9 से कम") in page  # min_received too


@pytest.mark.parametrize(
    ("seconds", "lang", "expected"),
    [
        (-5, "en", "just now"),  # the writer's clock slightly ahead
        (59, "en", "just now"),
        (60, "en", "1 minute ago"),
        (600, "en", "10 minutes ago"),
        (7_300, "en", "2 hours ago"),  # 2 h 1 min 40 s, whole hours
        (3 * 86_400 + 5, "en", "3 days ago"),
        (30, "hi", "अभी-अभी"),
        (600, "hi", "10 मिनट पहले"),
        (3_600, "hi", "1 घंटा पहले"),
        (7_200, "hi", "2 घंटे पहले"),
    ],
)
def test_how_long_ago_in_words(seconds: float, lang: str, expected: str) -> None:
    assert ago(seconds, lang) == expected
