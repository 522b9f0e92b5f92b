"""The as-of rules (grading.rules.asof): month arithmetic, ages, buckets, department and stage at an instant."""

from __future__ import annotations

from datetime import date, datetime

import narwhals as nw
import polars as pl
import pytest

from grading.rules import asof


@pytest.mark.parametrize(
    ("month", "start", "cutoff"),
    [
        (date(2024, 2, 1), datetime(2024, 2, 1), datetime(2024, 2, 29, 23, 59, 59, 999999)),  # leap year
        (date(2023, 12, 1), datetime(2023, 12, 1), datetime(2023, 12, 31, 23, 59, 59, 999999)),  # year end
    ],
)
def test_month_window(month: date, start: datetime, cutoff: datetime) -> None:
    got_start, end, got_cutoff = asof.month_window(month)
    assert (got_start, got_cutoff) == (start, cutoff)
    assert end == datetime(asof.next_month(month).year, asof.next_month(month).month, 1)


def test_month_steps_cross_the_year() -> None:
    assert asof.next_month(date(2023, 12, 1)) == date(2024, 1, 1)
    assert asof.previous_month(date(2024, 1, 1)) == date(2023, 12, 1)
    assert asof.add_months(date(2024, 5, 1), -17) == date(2022, 12, 1)
    assert asof.calendar_months(date(2023, 11, 1), date(2024, 2, 1)) == [
        date(2023, 11, 1),
        date(2023, 12, 1),
        date(2024, 1, 1),
        date(2024, 2, 1),
    ]
    assert asof.calendar_months(date(2024, 3, 1), date(2024, 2, 1)) == []


@pytest.mark.parametrize(("text", "month"), [("2024-07", date(2024, 7, 1)), ("2024-13", None), ("24-07", None)])
def test_parse_month(text: str, month: date | None) -> None:
    assert asof.parse_month(text) == month


def test_ages_are_completed_days_and_fall_in_one_bucket() -> None:
    t = datetime(2024, 3, 31, 23, 59, 59, 999999)
    frame = pl.DataFrame(
        {
            "registered_at": [
                datetime(2024, 3, 24, 0, 0, 0, 1),  # 7 days 23:59:59.999998 -> 7, bucket 0-7
                datetime(2024, 3, 23, 23, 59, 59, 999999),  # exactly 8 days -> 8, bucket 8-15
                datetime(2024, 2, 9, 10, 0),  # 20 days of Feb (leap) + 31 of March, 13:59 -> 51, bucket 51-100
                datetime(2023, 12, 21, 23, 59, 59, 999999),  # 101 days -> >100
            ]
        }
    )
    out = frame.select(age=asof.age_days(t)).with_columns(bucket=asof.age_bucket(pl.col("age")))
    assert out.rows() == [(7, "0-7"), (8, "8-15"), (51, "51-100"), (101, ">100")]


def test_department_at_takes_the_latest_transfer_at_or_before_t() -> None:
    complaints = pl.DataFrame({"complaint_key": [1, 2], "department": ["D1", "D1"]})
    transfers = pl.DataFrame(
        {
            "complaint_key": [1, 1, 2],
            "event_time": [datetime(2024, 3, 5), datetime(2024, 3, 20), datetime(2024, 4, 2)],
            "department": ["D2", "D3", "D4"],
        }
    )
    at = asof.department_at(complaints, transfers, datetime(2024, 3, 20))
    assert at["department"].to_list() == ["D3", "D1"]  # 1: the 20 March transfer counts; 2: not yet moved
    assert asof.department_at(complaints, transfers, datetime(2024, 3, 1))["department"].to_list() == ["D1", "D1"]


def test_open_at_and_stage_at() -> None:
    t = datetime(2024, 3, 10)
    complaints = pl.DataFrame(
        {
            "registered_at": [datetime(2024, 3, 1), datetime(2024, 3, 1), datetime(2024, 3, 11)],
            "closed_at": [None, t, None],
        }
    )
    # open; closed exactly at t (closed by t); registered after t
    assert complaints.select(asof.is_open_at(t))["registered_at"].to_list() == [True, False, False]
    stints = pl.DataFrame(
        {
            "complaint_key": [1, 1, 2],
            "started_at": [datetime(2024, 3, 1), datetime(2024, 3, 8), datetime(2024, 3, 2)],
            "ended_at": [datetime(2024, 3, 8), None, datetime(2024, 3, 9)],
            "level": [1, 2, 1],
            "limit_days": [7, 7, 7],
        }
    )
    stage = asof.stage_at(stints, t).sort("complaint_key")
    # 1: escalated to L2 on 8 March, due 15 March; 2: resolved on 9 March, awaiting the call-back
    assert stage.select("complaint_key", "level", "awaiting_callback", "due_at").rows() == [
        (1, 2, False, datetime(2024, 3, 15)),
        (2, 1, True, None),
    ]


def test_days_to_due_counts_whole_calendar_days_from_the_day_of_the_instant() -> None:
    # Review at 10 Aug 2024 23:59:59 (the end of the day). Limits passing:
    # 10 Aug 09:00 -> 0 (due today, though already passed), 12 Aug 00:30 -> 2, 3 Aug 18:00 -> -7, none -> null.
    when = datetime(2024, 8, 10, 23, 59, 59, 999999)
    due = pl.Series(
        "due_at",
        [datetime(2024, 8, 10, 9), datetime(2024, 8, 12, 0, 30), datetime(2024, 8, 3, 18), None],
        pl.Datetime("us"),
    )
    got = pl.select(asof.days_to_due(pl.lit(due), when)).to_series()
    assert got.dtype == pl.Int32
    assert got.to_list() == [0, 2, -7, None]


def test_over_50_days_starts_on_the_51st_completed_day_like_the_metric() -> None:
    ages = pl.Series([0, 50, 51, 120])
    assert pl.select(asof.is_over_50(pl.lit(ages))).to_series().to_list() == [False, False, True, True]
    # the same boundary as the metric pending_over_50 = pending_51_100 + pending_over_100
    buckets = [asof.age_bucket(pl.lit(a)) for a in (50, 51)]
    assert pl.select(b.alias(str(i)) for i, b in enumerate(buckets)).row(0) == ("31-50", "51-100")


def test_the_first_month_a_rule_holds_in_and_the_last_month_started() -> None:
    # Three months judged as of the integer instants 10, 20 and 30, starting at 0, 11 and 21 (the last
    # month judged early, as a snapshot's month is). Registered at 15: registered by 20 and 30, so from
    # month 1; at 20 from month 1 too (at or before the cut-off); at 31 never (3); at -5 from month 0.
    # Closed at 10: from month 0; at 21: from month 2; not closed: never. The months started by 15: 0 and 1, so 1; by -5:
    # none (-1); by 21: all three (2); a missing instant: none (-1).
    frame = pl.DataFrame(
        {"registered_at": [15, 20, 31, -5], "closed_at": [10, None, None, 21], "t": [15, -5, 21, None]},
        schema={"registered_at": pl.Int64, "closed_at": pl.Int64, "t": pl.Int64},
    )
    cutoffs, starts = [10, 20, 30], [0, 11, 21]
    got = (
        nw.from_native(frame.lazy())
        .select(
            registered=asof.first_month(asof.is_registered_by, cutoffs),
            closed=asof.first_month(asof.is_closed_by, cutoffs),
            started=asof.last_month_started("t", starts),
        )
        .collect("polars")
        .to_native()
    )
    assert got.to_dict(as_series=False) == {
        "registered": [1, 1, 3, 0],
        "closed": [0, 3, 3, 2],
        "started": [1, -1, 2, -1],
    }
