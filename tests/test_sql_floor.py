"""The SQL floor of the all-months benchmark (``bench/floor.py``) computes what the pipeline computes.

The floor is a second, independent implementation of every metric over the derived tables (one DuckDB
query); the benchmark compares their speed, so they must first agree, value for value, on every
entity and month of the session's demo store (transfers and habitual complainants included).
"""

from pathlib import Path

import polars as pl

from bench.floor import differences, sql_all_months
from grading.monthly.refresh import compute_months
from grading.rules.asof import calendar_months
from grading.scoring.metrics import MetricSettings
from grading.store import database, month_reads


def test_sql_floor_agrees_with_compute_months_on_every_month(demo_db: Path) -> None:
    con = database.connect_readonly(demo_db)
    try:
        bounds = month_reads.month_bounds(con)
        assert bounds is not None
        settings = MetricSettings(habitual_threshold=3)  # more complaints left out than the default
        floor = sql_all_months(con, *bounds, settings)
        pipeline = compute_months(con, calendar_months(*bounds), settings)
    finally:
        con.close()
    assert floor.height == pipeline.height > 0
    assert floor["month"].n_unique() == len(calendar_months(*bounds))
    assert pipeline["excluded_habitual"].sum() > 0
    assert differences(floor, pipeline).is_empty()
    # ...and the comparison would see one value off by one
    changed = pipeline.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.col("received") + 1).otherwise("received")
    )
    found = differences(floor, changed)
    assert found.height == 1
    assert found["metric"].to_list() == ["received"]
