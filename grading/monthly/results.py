"""Orchestration: build the demo, refresh the precomputed monthly tables, read graded results.

This module wires :mod:`grading.store.database` (DuckDB) to the pure Polars steps (:mod:`grading.rules.derive`,
:mod:`grading.scoring.metrics`, :mod:`grading.scoring.grade`); it never writes SQL itself.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from grading.monthly import refresh
from grading.rules.asof import calendar_months
from grading.scoring.grade import grade, published_rank, rank_text
from grading.scoring.schemes import Scheme
from grading.store import database, month_reads, published


def metrics_for(
    con: duckdb.DuckDBPyConnection,
    scheme: Scheme,
    entity_type: str | None = None,
    until: date | None = None,
    *,
    live: bool = False,
) -> pl.DataFrame:
    """Monthly metrics for the scheme's settings: precomputed when they match, else computed now.

    A month published under this scheme (:mod:`grading.outputs.publish`) shows its published department and
    district rows, whatever arrived since; ``live`` gives the current reading of every month instead.
    """
    bounds = month_reads.month_bounds(con)
    if bounds is None:
        return pl.DataFrame()
    last = min(until, bounds[1]) if until else bounds[1]
    if last < bounds[0]:  # a month before the store's first event: nothing to grade
        return pl.DataFrame()
    months = calendar_months(bounds[0], last)
    if refresh.stored_settings(con) == scheme.metric_settings:
        frame = database.read_monthly_metrics(con, entity_type, months)
    else:
        computed = refresh.compute_months(con, months, scheme.metric_settings)
        frame = computed.filter(pl.col("entity_type") == entity_type) if entity_type else computed
    if live or frame.is_empty():
        return frame
    return _overlay(frame, standing_publications(con, scheme, last), frame.columns, entity_type)


def standing_publications(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, until: date | None = None
) -> dict[date, pl.DataFrame]:
    """The graded rows of every month published under ``scheme`` (by name) that still stands, up
    to ``until``: month → rows of every published entity type, each with ``published_at``. A month
    published before the ranking record held ``rank_text`` gets it from its own frozen ranks, by the
    same rule (:func:`grading.scoring.grade.rank_text`)."""
    found = published.publications(con, scheme=scheme.name, standing=True)
    if until is not None:
        found = found.filter(pl.col("month") <= until)
    out = {}
    for month, version, published_at in found.select("month", "version", "published_at").iter_rows():
        # the graded rows only: what a publication freezes beside them (cells, flags) has no entity_type
        frames = [f for f in published.published_rows(con, month, version).values() if "entity_type" in f.columns]
        rows = pl.concat(frames, how="diagonal_relaxed")
        if "rank_text" not in rows.columns:
            rows = rows.with_columns(rank_text=rank_text(), rank_position=published_rank())
        out[month] = rows.with_columns(published_at=pl.lit(published_at, pl.Datetime("us")))
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
    """Add ``department_name``/``_hi`` and ``district_name``/``_hi`` from the reference tables (for each
    of the two code columns ``frame`` has)."""
    for table, key in (("departments", "department"), ("districts", "district")):
        if key not in frame.columns:
            continue
        names = database.read_table(con, table).select(
            pl.col("code").alias(key),
            pl.col("name_en").alias(f"{key}_name"),
            pl.col("name_hi").alias(f"{key}_name_hi"),
        )
        frame = frame.join(names, on=key, how="left", maintain_order="left")
    return frame


def attach_category_names(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``category_name``/``_hi`` from the reference table (null for a category it lacks)."""
    names = database.read_table(con, "categories").select(
        pl.col("code").alias("category"),
        pl.col("name_en").alias("category_name"),
        pl.col("name_hi").alias("category_name_hi"),
    )
    return frame.join(names, on="category", how="left", maintain_order="left")
