"""Orchestration: build the demo, refresh the precomputed monthly tables, read graded results.

This module wires :mod:`grading.store` (DuckDB) to the pure Polars steps (:mod:`grading.derive`,
:mod:`grading.metrics`, :mod:`grading.grade`); it never writes SQL itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from grading import helpline, reference, store
from grading.derive import derive
from grading.grade import grade
from grading.metrics import MetricSettings, month_metrics, month_window
from grading.schemes import Scheme

Progress = Callable[[str, int, int], None]
SETTINGS_KEY = "metric_settings"
DEMO_NAME = "MP CM Helpline 181 (demo)"


def calendar_months(first: date, last: date) -> list[date]:
    """Every calendar month from ``first`` to ``last`` (first days, inclusive)."""
    out, m = [], first
    while m <= last:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def load_reference_data(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Load the shipped reference CSVs into the store; return the categories frame."""
    categories = reference.categories()
    store.load_reference(
        con,
        departments=reference.departments(),
        districts=reference.districts(),
        categories=categories,
        holidays=reference.holidays(),
    )
    return categories


def compute_months(
    con: duckdb.DuckDBPyConnection,
    months: list[date],
    settings: MetricSettings,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """Every metric for ``months`` (consecutive, oldest first), all entity types, one row per entity
    and month. Reads the whole window once, then grades each month in memory: reading is the slow part.
    """
    inputs = store.read_month_inputs(con, month_window(months[0])[0], month_window(months[-1])[1])
    frames = []
    for i, month in enumerate(months, start=1):
        frames.append(month_metrics(inputs, month, settings))
        if progress:
            progress("monthly results", i, len(months))
    return pl.concat(frames, how="vertical_relaxed")


def refresh_monthly(
    con: duckdb.DuckDBPyConnection,
    since: date | None = None,
    settings: MetricSettings | None = None,
    progress: Progress | None = None,
) -> list[date]:
    """Recompute ``monthly_metrics`` for every month from ``since`` (default: the first) to the last.

    Months before ``since`` cannot change when the new events are all at or after ``since``: a month
    is computed as of its cut-off and ignores later events.
    """
    settings = settings or MetricSettings()
    bounds = store.month_bounds(con)
    if bounds is None:
        return []
    first = max(bounds[0], since) if since else bounds[0]
    months = calendar_months(first, bounds[1])
    store.replace_monthly_metrics(con, compute_months(con, months, settings, progress), months)
    store.set_meta(con, SETTINGS_KEY, json.dumps(settings.__dict__, sort_keys=True))
    store.set_meta(con, "refreshed_at", datetime.now().isoformat(timespec="seconds"))
    return months


def build_demo(
    path: Path, *, months: int, end: str, scale: float, seed: int, progress: Progress | None = None
) -> dict[str, int]:
    """Write a fresh demo database at ``path`` (swapped in atomically when complete)."""
    from grading import demo  # the generator is only needed here

    began = time.perf_counter()
    with store.writing(path, fresh=True) as con:
        categories = load_reference_data(con)
        events = 0
        chunks = demo.generate(
            reference.departments(),
            reference.districts(),
            categories,
            months=months,
            end=end,
            scale=scale,
            seed=seed,
            progress=(lambda done, total: progress("demo history", done, total)) if progress else None,
        )
        for chunk in chunks:
            events += store.append_events(con, chunk, ingest_id=1)
            keys = store.assign_keys(con, chunk["complaint_id"])
            store.append_derived(con, derive(chunk, categories, keys))
        store.refresh_complainant_counts(con)
        store.log_ingest(
            con,
            {
                "ingest_id": 1,
                "source": f"demo --months {months} --end {end} --scale {scale} --seed {seed}",
                "sha256": None,
                "kind": "demo",
                "finished_at": datetime.now(),
                "rows_read": events,
                "rows_loaded": events,
                "rows_duplicate": 0,
                "rows_quarantined": 0,
                "new_codes": None,
            },
        )
        refresh_monthly(con, progress=progress)
        store.set_meta(con, "demo", "true")
        helpline.write(con, helpline.Helpline(name=DEMO_NAME))
        result = store.counts(con)
    result["seconds"] = round(time.perf_counter() - began)
    return result


def stored_settings(con: duckdb.DuckDBPyConnection) -> MetricSettings | None:
    """The metric settings the precomputed ``monthly_metrics`` were computed with."""
    raw = store.get_meta(con, SETTINGS_KEY)
    return MetricSettings(**json.loads(raw)) if raw else None


def metrics_for(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, entity_type: str | None = None, until: date | None = None
) -> pl.DataFrame:
    """Monthly metrics for the scheme's settings: precomputed when they match, else computed now."""
    bounds = store.month_bounds(con)
    if bounds is None:
        return pl.DataFrame()
    last = min(until, bounds[1]) if until else bounds[1]
    months = calendar_months(bounds[0], last)
    if stored_settings(con) == scheme.metric_settings:
        return store.read_monthly_metrics(con, entity_type, months)
    computed = compute_months(con, months, scheme.metric_settings)
    return computed.filter(pl.col("entity_type") == entity_type) if entity_type else computed


def graded(con: duckdb.DuckDBPyConnection, scheme: Scheme, entity_type: str, month: date | None = None) -> pl.DataFrame:
    """Graded rows of one entity type with names attached; all months, or only ``month``.

    History (rank change, streaks) is computed from the first month, so the answer for a month does
    not depend on which months are asked for.
    """
    metrics = metrics_for(con, scheme, entity_type, until=month)
    if metrics.is_empty():
        return metrics
    out = grade(metrics, scheme)
    if month is not None:
        out = out.filter(pl.col("month") == month)
    return attach_names(con, out)


def attach_names(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``department_name``/``_hi`` and ``district_name``/``_hi`` from the reference tables."""
    for table, key in (("departments", "department"), ("districts", "district")):
        names = store.read_table(con, table).select(
            pl.col("code").alias(key),
            pl.col("name_en").alias(f"{key}_name"),
            pl.col("name_hi").alias(f"{key}_name_hi"),
        )
        frame = frame.join(names, on=key, how="left", maintain_order="left")
    return frame
