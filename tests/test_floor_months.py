"""The single-pass floor of the engines benchmark (``bench/floor_months.py``) computes what
``compute_months`` computes.

The floor is a second, Polars-only implementation of every metric (first month indices instead of
instants, integer codes, one pass per read); ``bench/bench_engines.py`` compares their speed, so they
must first agree, value for value, on every entity and month: on the session's demo store (at a low
habitual threshold, so that complaints are left out) and on the hand-made store of
``tests/test_engines.py`` (another zone, a snapshot's export time, quiet months, transfers, ties).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from bench.floor import differences
from bench.floor_months import floor_months
from grading.monthly.refresh import compute_months
from grading.rules.asof import calendar_months
from grading.scoring.metrics import MetricSettings
from grading.store import database, month_reads
from tests import zoned


@pytest.fixture(scope="module")
def zoned_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return zoned.build(tmp_path_factory.mktemp("zoned"))


def both(db: Path, months: list[date] | None, settings: MetricSettings) -> tuple[pl.DataFrame, pl.DataFrame]:
    con = database.connect_readonly(db)
    try:
        bounds = month_reads.month_bounds(con)
        assert bounds is not None
        months = months or calendar_months(*bounds)
        return floor_months(con, months, settings), compute_months(con, months, settings)
    finally:
        con.close()


def test_the_floor_agrees_with_compute_months_on_the_demo(demo_db: Path) -> None:
    floor, pipeline = both(demo_db, None, MetricSettings(habitual_threshold=3, long_pending_days=20))
    assert floor.height == pipeline.height > 0
    assert pipeline["excluded_habitual"].sum() > 0
    assert differences(floor, pipeline, tol=1e-9).is_empty()
    # ...and the comparison would see one value off by one
    changed = pipeline.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.col("pending") + 1).otherwise("pending").alias("pending")
    )
    assert differences(floor, changed)["metric"].to_list() == ["pending"]


def test_the_floor_agrees_on_a_store_in_another_zone_with_quiet_months(zoned_store: Path) -> None:
    months = calendar_months(date(2023, 10, 1), date(2024, 5, 1))
    floor, pipeline = both(zoned_store, months, MetricSettings())
    assert floor.height == pipeline.height > 0
    assert differences(floor, pipeline, tol=1e-9).is_empty()
