"""Check that the two benchmark baselines (``bench/baselines_pandas.py``, ``bench/baselines_sql.py``) compute
the right department metrics.

    uv run python bench/check_baselines.py                         # hand-computed fixtures only
    uv run python bench/check_baselines.py /tmp/bench-small.duckdb  # + compare with the Polars pipeline

1. The STORY fixture of ``tests/test_metrics.py`` (March 2024): every D1 value must equal
   ``D1_EXPECTED`` and D2 as in ``test_transferred_complaint_counts_for_new_department``, within 1e-9,
   for both baselines; so must the smaller hand-computed scenarios of that file (habitual rule,
   escalation paths, a stint exactly at its limit, category limits).
2. With a demo database: both baselines against the precomputed ``monthly_metrics`` (department rows)
   of the last two months. Every mismatch is printed as (month, department, metric, Polars, pandas,
   SQL); a department missing from one side counts as a mismatch too.

Exit status 0 when everything agrees, 1 otherwise. Timings (wall seconds) are printed per baseline.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.baselines import COLUMNS, is_close  # noqa: E402 - needs ROOT on sys.path when run as a script
from bench.baselines_pandas import as_polars, limits_from_frame, pandas_month  # noqa: E402 - as above
from bench.baselines_sql import duckdb_month  # noqa: E402 - as above
from grading.store.sqltext import registered  # noqa: E402 - as above

MARCH = date(2024, 3, 1)
METRIC_COLUMNS = [c for c in COLUMNS if c != "department"]


@contextmanager
def events_db(events: pl.DataFrame, categories: pl.DataFrame) -> Iterator[duckdb.DuckDBPyConnection]:
    """A temporary DuckDB file with Nivaran's ``events`` and ``categories`` tables filled from frames."""
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "fixture.duckdb"))
        try:
            frame = events.with_columns(pl.col(pl.Enum).cast(pl.String), ingest_id=pl.lit(1, pl.Int32))
            with registered(con, given_events=frame, given_categories=categories):
                con.execute("create table events as select * from given_events")
                con.execute("create table categories as select * from given_categories")
            yield con
        finally:
            con.close()


def run_both(
    rows: list[dict[str, object]], month: date = MARCH, **settings: int
) -> dict[str, dict[str, dict[str, object]]]:
    """Both baselines on hand-written event rows: ``{"pandas"|"sql": {department: row}}``."""
    from tests.conftest import CATEGORIES, frame

    events = frame(rows)
    pandas_out = as_polars(pandas_month(events.to_pandas(), month, limits=limits_from_frame(CATEGORIES), **settings))
    with events_db(events, CATEGORIES) as con:
        sql_out = duckdb_month(con, month, **settings)
    return {
        name: {r["department"]: r for r in out.iter_rows(named=True)}
        for name, out in (("pandas", pandas_out), ("sql", sql_out))
    }


def expect(
    results: dict[str, dict[str, dict[str, object]]], department: str, expected: dict[str, object], what: str
) -> list[str]:
    """Failures (as text) of ``expected`` values for one department, for both baselines."""
    failures = []
    for name, by_dept in results.items():
        got = by_dept.get(department)
        if got is None:
            failures.append(f"{what}: {name}: no row for {department}")
            continue
        for metric, want in expected.items():
            if metric in got and not is_close(got[metric], want):
                failures.append(f"{what}: {name}: {department}.{metric} = {got[metric]!r}, expected {want!r}")
    return failures


def check_fixtures() -> list[str]:
    """The hand-computed answers of ``tests/test_metrics.py`` for both baselines."""
    from tests import test_metrics as tm

    story = run_both(tm.STORY)
    expected_d1 = {k: v for k, v in tm.D1_EXPECTED.items() if k in COLUMNS}
    assert len(expected_d1) == len(METRIC_COLUMNS), "D1_EXPECTED must cover every output metric"
    failures = expect(story, "D1", expected_d1, "STORY")
    d2 = {
        "received": 1,
        "closed_satisfied": 1,
        "satisfaction_pct": 100.0,
        "resolution_days_median": 4 + tm.FIVE_MIN,
        "pending": 0,
        "long_pending_disposal_pct": 100.0,  # nothing long pending
    }
    failures += expect(story, "D2", d2, "STORY")
    for name, by_dept in story.items():
        if sorted(by_dept) != ["D1", "D2"]:
            failures.append(f"STORY: {name}: departments {sorted(by_dept)}, expected D1 and D2")

    failures += expect(
        run_both(tm.HABITUAL_STORY),
        "D1",
        {"received": 10, "excluded_habitual": 11, "closed": 0, "pending": 10},
        "habitual",
    )
    failures += expect(
        run_both(tm.HABITUAL_STORY, habitual_threshold=11),
        "D1",
        {"received": 21, "excluded_habitual": 0, "closed": 1},
        "habitual (threshold 11)",
    )
    failures += expect(
        run_both(tm.ESCALATION_STORY),
        "D1",
        {
            "reached_l2_pct": 200 / 3,
            "reached_l3_pct": 100 / 3,
            "reached_l4_pct": 100 / 3,
            "open_overdue": 3,
            "reopen_pct": 100.0,
            "non_attended_pct": 5 / 8 * 100,
        },
        "escalation",
    )
    failures += expect(
        run_both(tm.AT_LIMIT_STORY), "D1", {"open_overdue": 1, "non_attended_pct": 50.0}, "stint at its limit"
    )
    failures += expect(run_both(tm.SLOW_STORY), "D1", {"open_overdue": 1, "non_attended_pct": 50.0}, "category limits")
    return failures


def last_months(con: duckdb.DuckDBPyConnection, n: int) -> list[date]:
    """The last ``n`` calendar months with events in the store, oldest first."""
    from grading.rules.asof import calendar_months
    from grading.store import month_reads

    bounds = month_reads.month_bounds(con)
    if bounds is None:
        msg = "the database has no events"
        raise SystemExit(msg)
    return calendar_months(*bounds)[-n:]


def compare_with_pipeline(db: Path) -> list[str]:
    """Both baselines against the precomputed Polars metrics of the last two months of ``db``."""
    from bench.baselines_pandas import limits_from_store
    from grading.monthly import refresh
    from grading.scoring import schemes
    from grading.store import database

    con = database.connect_readonly(db)
    settings = refresh.stored_settings(con) or schemes.load().metric_settings
    knobs = {"habitual_threshold": settings.habitual_threshold, "long_pending_days": settings.long_pending_days}
    limits = limits_from_store(con)
    began = time.perf_counter()
    events: pd.DataFrame = con.sql("select * exclude (ingest_id) from events").df()
    print(f"loaded {len(events):,} events into pandas in {time.perf_counter() - began:.2f} s; settings {knobs}")

    failures = []
    for month in last_months(con, 2):
        polars_rows = database.read_monthly_metrics(con, "department", [month])
        began = time.perf_counter()
        pandas_rows = as_polars(pandas_month(events, month, limits=limits, **knobs))
        pandas_s = time.perf_counter() - began
        began = time.perf_counter()
        sql_rows = duckdb_month(con, month, **knobs)
        sql_s = time.perf_counter() - began
        print(
            f"{month:%Y-%m}: {polars_rows.height} departments (Polars), {pandas_rows.height} (pandas,"
            f" {pandas_s:.2f} s), {sql_rows.height} (SQL, {sql_s:.2f} s)"
        )
        sides = {
            name: {r["department"]: r for r in rows.iter_rows(named=True)}
            for name, rows in (("polars", polars_rows), ("pandas", pandas_rows), ("sql", sql_rows))
        }
        departments = sorted(set().union(*sides.values()))
        for dept in departments:
            missing = [name for name, rows in sides.items() if dept not in rows]
            if missing:
                failures.append(f"{month:%Y-%m} {dept}: no row from {', '.join(missing)}")
                continue
            for metric in METRIC_COLUMNS:
                p, a, s = (sides[name][dept][metric] for name in ("polars", "pandas", "sql"))
                if not (is_close(p, a) and is_close(p, s)):
                    failures.append(f"{month:%Y-%m} {dept} {metric}: polars={p!r} pandas={a!r} sql={s!r}")
    con.close()
    return failures


def main() -> int:
    """Run the checks; print failures; return the exit status."""
    failures = check_fixtures()
    print("fixtures (STORY D1/D2 + scenarios), pandas and SQL:", "OK" if not failures else f"{len(failures)} failures")
    if len(sys.argv) > 1:
        mismatches = compare_with_pipeline(Path(sys.argv[1]))
        print("demo database vs Polars pipeline:", "OK" if not mismatches else f"{len(mismatches)} mismatches")
        failures += mismatches
    for line in failures:
        print("  " + line)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
