"""The review list in words (grading.outputs.casewords), on hand-written values: days to due, days,
moments, events and outcomes in both languages, never a code or an empty cell's None."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_series_equal

from grading.model.schema import EVENTS, OUTCOMES
from grading.outputs import casewords
from grading.words import say


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["22 days overdue", "1 day overdue", "due today", "due tomorrow", "due in 3 days", "no time limit"]),
        ("hi", ["22 दिन से विलंबित", "1 दिन से विलंबित", "आज देय", "कल देय", "3 दिन में देय", "कोई समय-सीमा नहीं"]),
    ],
)
def test_days_to_due_in_words(lang: str, expected: list[str]) -> None:
    days = pl.Series("days_to_due", [-22, -1, 0, 1, 3, None], dtype=pl.Int32)  # negative: overdue by that many
    words = pl.select(casewords.due_expr(pl.lit(days), lang).alias("w"))["w"]
    assert words.to_list() == expected


@pytest.mark.parametrize(
    ("lang", "day", "moment"),
    [("en", "3 Oct 2026", "3 Oct 2026 14:05"), ("hi", "3 अक्टूबर 2026", "3 अक्टूबर 2026 14:05")],
)
def test_days_and_moments_are_dates_in_words_and_empty_is_empty(lang: str, day: str, moment: str) -> None:
    frame = pl.DataFrame({"d": [date(2026, 10, 3), None], "t": [datetime(2026, 10, 3, 14, 5, 59), None]})
    shown = frame.select(casewords.day_expr(pl.col("d"), lang), casewords.moment_expr(pl.col("t"), lang))
    assert_series_equal(shown["d"], pl.Series("d", [day, ""]))
    assert_series_equal(shown["t"], pl.Series("t", [moment, ""]))
    assert casewords.day_text(date(2026, 10, 3), lang) == day


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_every_event_and_outcome_has_a_name_and_none_reads_empty(lang: str) -> None:
    events = pl.select(casewords.event_expr(pl.lit(pl.Series([*EVENTS, None])), lang).alias("e"))["e"].to_list()
    outcomes = pl.select(casewords.outcome_expr(pl.lit(pl.Series([*OUTCOMES, None])), lang).alias("o"))["o"]
    assert events == [say(f"event_{e}", lang) for e in EVENTS] + [""]
    assert outcomes.to_list() == [say(f"result_{o}", lang) for o in OUTCOMES] + [""]
    assert not set(events) & set(EVENTS)  # no raw code left ("escalated" reads "Escalated")


def test_the_marker_says_overdue_before_due_soon_and_nothing_otherwise() -> None:
    frame = pl.DataFrame({"o": [True, False, False, None], "s": [True, True, False, None]})
    marks = frame.select(casewords.mark_expr(pl.col("o"), pl.col("s"), "en").alias("m"))["m"].to_list()
    assert marks == ["OVERDUE", "due in 2 days", "", ""]
