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

from grading import helpline, reference, store, store_ingest, store_published
from grading.asof import calendar_months, month_window, next_month
from grading.derive import derive
from grading.grade import grade
from grading.metrics import MetricSettings, month_metrics
from grading.schemes import Scheme

Progress = Callable[[str, int, int], None]
SETTINGS_KEY = "metric_settings"
#: Months read from the store at a time by :func:`compute_months`, at most: memory grows with the
#: window, not with the length of the history (a read holds the complaints alive in it and their stints
#: and call-backs); one read per month would repeat the complaints open across months.
MONTHS_PER_READ = 6
#: Complaints registered in the months of one read, at most (a month above it is read alone): keeps a
#: read's memory bounded by the state's volume too. At Madhya Pradesh's volume (about 4 lakh
#: complaints a month) a read covers ``MONTHS_PER_READ`` months; at ten times that volume, one month.
READ_COMPLAINTS = 3_000_000
DEMO_NAME = "MP CM Helpline 181 (demo)"


def load_reference_data(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Load the shipped reference CSVs into the store; return the categories frame."""
    categories = reference.categories()
    store_ingest.load_reference(
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
    """Every metric for ``months`` (oldest first), all entity types, one row per entity and month.

    The store is read a few consecutive months at a time (at most ``MONTHS_PER_READ`` months and
    ``READ_COMPLAINTS`` complaints registered in them: reading is the slow part, and one read per month
    would repeat the open complaints), and each month is graded as of its own cut-off, so the answer
    for a month never depends on which other months are asked for.
    """
    frames: list[pl.DataFrame] = []
    until = store.data_until(con)  # a snapshot's export time: its month is judged as of it
    # (one month, e.g. a daily load's refresh, needs no sizing)
    registered = store.registered_per_month(con, min(months), max(months)) if len(set(months)) > 1 else {}
    for chunk in _consecutive(months, MONTHS_PER_READ, registered, READ_COMPLAINTS):
        inputs = store.read_month_inputs(con, month_window(chunk[0])[0], month_window(chunk[-1])[1])
        for month in chunk:
            frames.append(month_metrics(inputs, month, settings, until))
            if progress:
                progress("monthly results", len(frames), len(months))
        del inputs
    return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()


def _consecutive(
    months: list[date], size: int, weights: dict[date, int] | None = None, budget: int | None = None
) -> list[list[date]]:
    """``months`` cut into runs of consecutive calendar months, each of at most ``size`` months and, with
    ``weights`` (a number per month, 0 when absent), of at most ``budget`` in total; a month above the
    budget is a run of its own."""
    weights = weights or {}
    runs: list[list[date]] = []
    total = 0
    for month in sorted(set(months)):
        weight = weights.get(month, 0)
        fits = budget is None or total + weight <= budget
        if runs and len(runs[-1]) < size and next_month(runs[-1][-1]) == month and fits:
            runs[-1].append(month)
            total += weight
        else:
            runs.append([month])
            total = weight
    return runs


def refresh_monthly(
    con: duckdb.DuckDBPyConnection,
    since: date | None = None,
    settings: MetricSettings | None = None,
    progress: Progress | None = None,
    *,
    until: date | None = None,
) -> list[date]:
    """Recompute ``monthly_metrics`` for every month from ``since`` (default: the first) to the last.

    Months before ``since`` cannot change when the new events are all at or after ``since``: a month
    is computed as of its cut-off and ignores later events. Months never computed before (a gap with
    no events between two loads, whose open complaints still count) are computed too.

    ``until`` is the month of the latest new event (a load knows it): with ``since`` and months already
    computed, the last month is then the later of ``until`` and the last computed month (events are only
    appended), and the store's whole event log is not scanned for its first and last month.
    """
    settings = settings or MetricSettings()
    computed = store.last_computed_month(con)
    if since is not None and until is not None and computed is not None:
        # A month after the last computed one was never computed (no event in it before this load).
        months = calendar_months(min(since, next_month(computed)), max(until, computed))
    else:
        bounds = store.month_bounds(con)
        if bounds is None:
            return []
        first = bounds[0]
        if since is not None and computed is not None:
            first = max(first, min(since, next_month(computed)))
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
            events += store_ingest.append_events(con, chunk, ingest_id=1)
            keys = store_ingest.assign_keys(con, chunk["complaint_id"])
            store_ingest.append_derived(con, derive(chunk, categories, keys))
        store_ingest.refresh_complainant_counts(con)
        store_ingest.log_ingest(
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
    con: duckdb.DuckDBPyConnection,
    scheme: Scheme,
    entity_type: str | None = None,
    until: date | None = None,
    *,
    live: bool = False,
) -> pl.DataFrame:
    """Monthly metrics for the scheme's settings: precomputed when they match, else computed now.

    A month published under this scheme (:mod:`grading.publish`) shows its published department and
    district rows, whatever arrived since; ``live`` gives the current reading of every month instead.
    """
    bounds = store.month_bounds(con)
    if bounds is None:
        return pl.DataFrame()
    last = min(until, bounds[1]) if until else bounds[1]
    months = calendar_months(bounds[0], last)
    if stored_settings(con) == scheme.metric_settings:
        frame = store.read_monthly_metrics(con, entity_type, months)
    else:
        computed = compute_months(con, months, scheme.metric_settings)
        frame = computed.filter(pl.col("entity_type") == entity_type) if entity_type else computed
    if live or frame.is_empty():
        return frame
    return _overlay(frame, standing_publications(con, scheme, last), frame.columns, entity_type)


def standing_publications(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, until: date | None = None
) -> dict[date, pl.DataFrame]:
    """The graded rows of every month published under ``scheme`` (by name) that still stands, up
    to ``until``: month → rows of every published entity type, each with ``published_at``."""
    found = store_published.publications(con, scheme=scheme.name, standing=True)
    if until is not None:
        found = found.filter(pl.col("month") <= until)
    out = {}
    for month, version, published_at in found.select("month", "version", "published_at").iter_rows():
        frames = store_published.published_rows(con, month, version).values()
        out[month] = pl.concat(list(frames), how="diagonal_relaxed").with_columns(
            published_at=pl.lit(published_at, pl.Datetime("us"))
        )
    return out


def _overlay(
    frame: pl.DataFrame, published: dict[date, pl.DataFrame], keep: list[str], entity_type: str | None
) -> pl.DataFrame:
    """``frame`` with the rows of each published (month, entity type) replaced by the published rows
    (columns ``keep``; a column the publication lacks is empty). ``entity_type``: the only type in
    ``frame`` (None = any)."""
    for month, rows in published.items():
        types = [t for t in rows["entity_type"].unique().to_list() if entity_type in (None, t)]
        if not types:
            continue
        replaced = (pl.col("month") == month) & pl.col("entity_type").is_in(types)
        fresh = rows.filter(pl.col("entity_type").is_in(types)).select([c for c in keep if c in rows.columns])
        frame = pl.concat([frame.filter(~replaced), fresh], how="diagonal_relaxed").select(keep)
    return frame


def graded(
    con: duckdb.DuckDBPyConnection,
    scheme: Scheme,
    entity_type: str,
    month: date | None = None,
    *,
    live: bool = False,
) -> pl.DataFrame:
    """Graded rows of one entity type with names attached; all months, or only ``month``.

    History (rank change, streaks) is computed from the first month, so the answer for a month does
    not depend on which months are asked for. A published month (see :func:`metrics_for`) shows its
    published rows exactly, with ``published_at`` set (null on months that are not published); the
    months after it take their rank change from the published ranks. ``live``: the current reading.
    """
    metrics = metrics_for(con, scheme, entity_type, until=month, live=live)
    if metrics.is_empty():
        return metrics
    out = grade(metrics, scheme)
    if month is not None:
        out = out.filter(pl.col("month") == month)
    out = attach_names(con, out).with_columns(published_at=pl.lit(None, pl.Datetime("us")))
    if live:
        return out
    published = standing_publications(con, scheme, month)
    if month is not None:
        published = {m: rows for m, rows in published.items() if m == month}
    return _overlay(out, published, out.columns, entity_type).sort(
        ["entity_type", "month", "rank", "department", "district"], nulls_last=True
    )


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
