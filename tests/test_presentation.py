"""Indian number formatting and the bilingual catalogue."""

from __future__ import annotations

import re
import string
from pathlib import Path

import polars as pl
import pytest

from grading.outputs.fmt import ago, fixed_expr, in_words, indian, indian_expr, pct, rank_change_expr, sparkline_expr
from ui.i18n import CATALOGUE

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


def test_every_text_key_used_by_the_pages_exists() -> None:
    used: set[str] = set()
    for path in [ROOT / "navigation.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "no t() calls found"
    assert sorted(used - set(CATALOGUE)) == []


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
