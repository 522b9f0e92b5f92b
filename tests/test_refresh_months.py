"""Many months in one pass (:func:`grading.scoring.metrics.months_metrics`, what a refresh runs) give
exactly the rows of the definition, month by month (:func:`grading.scoring.metrics.month_metrics`, one
read per month: how the months were computed before): on a hand-made history of five years with gaps of
empty months, on any subset of its months, on a store loaded in two parts, and on the session demo.
Equal means equal: every value, floats digit for digit, in the same order."""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from grading.intake import ingest
from grading.monthly import refresh
from grading.rules import asof
from grading.rules.derive import derive
from grading.scoring.metrics import MetricSettings, month_metrics, month_passes, months_metrics
from grading.store import database, helpline, month_reads
from tests.conftest import CATEGORIES, ev, frame, reg

# Five years. LONG is open for 20 months and moves department twice; ESC climbs to L3 and is
# force-closed two months later; CB has a call-back three months after its closure (alive again in
# that month); P-SAME registers three complaints in May 2021 (habitual above a threshold of 2); RE is
# reopened across a month end. August 2021 to February 2023 has no complaint alive at all; OPEN is
# still open at the end; LAST is registered on the last day of a leap February.
EARLY = [
    reg("LONG", "2019-02-10 09:00"),
    ev("LONG", "2019-02-11 09:00", "attended", level="L1"),
    ev("LONG", "2019-06-01 10:00", "transferred", department="D2"),
    ev("LONG", "2020-01-15 10:00", "transferred", department="D3"),
    ev("LONG", "2020-10-20 10:00", "resolved", level="L1"),
    ev("LONG", "2020-10-21 10:00", "feedback", outcome="satisfied"),
    ev("LONG", "2020-10-21 10:05", "closed", outcome="satisfied"),
    reg("CB", "2019-03-05 10:00", district="Y"),
    ev("CB", "2019-03-06 10:00", "closed", outcome="force"),
    reg("ESC", "2019-11-20 10:00"),
    ev("ESC", "2019-11-28 11:00", "escalated", level="L2"),
    ev("ESC", "2019-12-06 11:00", "escalated", level="L3"),
    ev("ESC", "2020-02-10 10:00", "closed", outcome="force"),
    reg("H1", "2021-05-03 10:00", complainant="P-SAME"),
    ev("H1", "2021-05-04 10:00", "closed", outcome="withdrawn"),
    reg("H2", "2021-05-10 10:00", complainant="P-SAME"),
    reg("H3", "2021-05-20 10:00", district="Y", complainant="P-SAME"),
    ev("H2", "2021-06-10 10:00", "closed", outcome="resolved"),
    ev("H3", "2021-07-10 10:00", "closed", outcome="satisfied"),
    reg("RE", "2021-06-28 10:00", district="Y"),
    ev("RE", "2021-06-29 10:00", "resolved", level="L1"),
    ev("RE", "2021-07-02 10:00", "feedback", outcome="dissatisfied"),
    ev("RE", "2021-07-02 10:01", "reopened", level="L1"),
    ev("RE", "2021-07-20 10:00", "resolved", level="L1"),
    ev("RE", "2021-07-21 10:00", "feedback", outcome="unreachable"),
    ev("RE", "2021-07-22 10:00", "closed", outcome="special"),
]
LATE = [
    reg("DUP", "2023-03-01 00:00", department="D2"),
    ev("DUP", "2023-03-01 02:00", "closed", outcome="duplicate"),
    reg("OPEN", "2023-03-31 23:30", category="SLOW"),
    ev("OPEN", "2023-04-01 00:30", "attended", level="L1"),
    reg("LAST", "2024-02-29 12:00", district="Y"),
    ev("LAST", "2024-02-29 13:00", "transferred", department="D2"),
    ev("LAST", "2024-03-05 10:00", "resolved", level="L1"),
    ev("LAST", "2024-03-06 10:00", "feedback", outcome="satisfied"),
    ev("LAST", "2024-03-06 10:05", "closed", outcome="satisfied"),
]
#: A call-back after the closure: a store refuses it (closed is the last event), the rules do not.
AFTER_CLOSURE = [ev("CB", "2019-06-06 10:00", "feedback", outcome="dissatisfied")]
MONTHS = asof.calendar_months(date(2018, 12, 1), date(2024, 5, 1))  # a month before and after the events
SETTINGS = [MetricSettings(), MetricSettings(habitual_threshold=2, long_pending_days=30)]
UNTIL = [None, datetime(2023, 4, 15, 12, 0)]


@pytest.fixture(scope="module")
def history() -> dict[str, pl.DataFrame]:
    return derive(frame(EARLY + LATE + AFTER_CLOSURE), CATEGORIES, default_limit_days=7)


def by_month(
    inputs: dict[str, pl.DataFrame], months: list[date], settings: MetricSettings, until: datetime | None = None
) -> pl.DataFrame:
    """The definition, one month at a time."""
    return pl.concat([month_metrics(inputs, m, settings, until) for m in months], how="vertical_relaxed")


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("until", UNTIL)
def test_every_month_in_one_pass_equals_month_by_month(
    history: dict[str, pl.DataFrame], settings: MetricSettings, until: datetime | None
) -> None:
    together = months_metrics(history, MONTHS, settings, until)
    assert_frame_equal(together, by_month(history, MONTHS, settings, until), check_exact=True)
    alive = set(together["month"].unique().to_list())
    assert {date(2019, 2, 1), date(2020, 7, 1)} <= alive  # LONG pending in a month without events
    assert not alive & set(asof.calendar_months(date(2021, 8, 1), date(2023, 2, 1)))  # the empty months
    assert date(2024, 5, 1) in alive  # OPEN, still pending


def test_any_months_asked_give_the_same_rows_for_each(history: dict[str, pl.DataFrame]) -> None:
    rng = random.Random(7)
    settings = SETTINGS[1]
    everything = months_metrics(history, MONTHS, settings)
    for _ in range(12):
        months = sorted(rng.sample(MONTHS, rng.randint(1, 20)))
        picked = months_metrics(history, list(reversed(months)), settings)  # any order, gaps allowed
        assert_frame_equal(picked, by_month(history, months, settings), check_exact=True)
        assert_frame_equal(picked, everything.filter(pl.col("month").is_in(months)), check_exact=True)


def test_passes_of_a_few_complaint_months_give_the_same_rows(history: dict[str, pl.DataFrame]) -> None:
    runs = month_passes(history["complaints"], MONTHS, max_rows=3)
    assert [m for run in runs for m in run] == MONTHS
    assert len(runs) > 10
    in_passes = pl.concat([months_metrics(history, run) for run in runs], how="vertical_relaxed")
    assert_frame_equal(in_passes, months_metrics(history, MONTHS), check_exact=True)


def test_a_complaint_without_district_and_transfers_at_one_instant(history: dict[str, pl.DataFrame]) -> None:
    # A district left empty (null keys group together and join with nothing) and a second transfer of
    # LONG at the very instant of its first (the later row wins), then one back at the month's cut-off.
    complaints = history["complaints"]
    long_key = complaints.filter(pl.col("complaint_id") == "LONG").row(0, named=True)["complaint_key"]
    first = history["transfers"].filter(pl.col("complaint_key") == long_key).row(0, named=True)
    inputs = {
        **history,
        "complaints": complaints.with_columns(
            district=pl.when(pl.col("complaint_key") == long_key).then(None).otherwise(pl.col("district"))
        ),
        "transfers": pl.concat(
            [
                history["transfers"],
                history["transfers"]
                .head(0)
                .vstack(
                    pl.DataFrame(
                        {
                            "complaint_key": [long_key, long_key],
                            "event_time": [first["event_time"], asof.cutoff(date(2019, 8, 1))],
                            "department": ["D9", "D1"],
                        },
                        schema=history["transfers"].schema,
                    )
                ),
            ]
        ),
    }
    for settings in SETTINGS:
        assert_frame_equal(
            months_metrics(inputs, MONTHS, settings), by_month(inputs, MONTHS, settings), check_exact=True
        )


def test_reads_of_light_months_cover_more_than_six_months() -> None:
    # A small city's 13 years (60 requests a month): one read; the state's volume: six months a read.
    months = asof.calendar_months(date(2011, 1, 1), date(2024, 9, 1))
    light = dict.fromkeys(months, 60)
    assert refresh._consecutive(months, 6, light, 3_000_000, 250_000) == [months]
    state = dict.fromkeys(months[:12], 400_000)
    assert [len(r) for r in refresh._consecutive(months[:12], 6, state, 3_000_000, 250_000)] == [6, 6]
    assert refresh._consecutive(months[:12], 6, state, 3_000_000, 250_000) == refresh._consecutive(
        months[:12], 6, state, 3_000_000
    )


def month_by_month_from_store(
    con: duckdb.DuckDBPyConnection, months: list[date], settings: MetricSettings
) -> pl.DataFrame:
    """How a refresh computed the months before one pass did many: a read and the definition per month."""
    until = database.data_until(con)
    frames = []
    for month in months:
        start, end, _ = asof.month_window(month)
        frames.append(month_metrics(month_reads.read_month_inputs(con, start, end), month, settings, until))
    return pl.concat(frames, how="vertical_relaxed")


def all_months(con: duckdb.DuckDBPyConnection) -> list[date]:
    bounds = month_reads.month_bounds(con)
    assert bounds is not None
    return asof.calendar_months(*bounds)


def stored(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The store's monthly table in the order of :func:`months_metrics`."""
    rows = database.read_monthly_metrics(con)
    return rows.sort("month", "entity_type", "department", "district", nulls_last=False)


def test_a_store_loaded_in_two_parts_equals_month_by_month(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "h.duckdb"
    helpline.init(db, timezone="Asia/Kolkata", name="History", reference_choice="mp")
    for name, rows in (("early", EARLY), ("late", LATE)):
        path = tmp_path / f"{name}.csv"
        frame(rows).with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%S")).write_csv(path)
        report = ingest.ingest(db, [path])
        assert sum(f.rows_loaded for f in report.files) == len(rows)
    con = database.connect_readonly(db)
    try:
        months = all_months(con)
        expected = month_by_month_from_store(con, months, MetricSettings())
        assert_frame_equal(stored(con), expected, check_exact=True)
        # Reads of one month change nothing either.
        monkeypatch.setattr(refresh, "READ_COMPLAINTS", 1)
        assert_frame_equal(refresh.compute_months(con, months, MetricSettings()), expected, check_exact=True)
    finally:
        con.close()


def test_the_demo_monthly_tables_equal_month_by_month(demo_db: Path) -> None:
    con = database.connect_readonly(demo_db)
    try:
        months = all_months(con)
        settings = refresh.stored_settings(con)
        assert settings is not None
        expected = month_by_month_from_store(con, months, settings)
        assert_frame_equal(stored(con), expected, check_exact=True)
        other = MetricSettings(habitual_threshold=3, long_pending_days=20)  # a scheme's own settings
        assert_frame_equal(
            refresh.compute_months(con, months, other), month_by_month_from_store(con, months, other), check_exact=True
        )
    finally:
        con.close()
