"""Where each entity's due times came from, said beside its grade (``nivaran grade``, the methodology page).

Half of a scheme's points may rest on time limits. A limit comes from the data (a due time, an on-time
flag, a mapping's ``[limits]``), from the reference data's category limits, or, for a category the
reference data lack, from the scheme's ``default_limit_days``: an assumption, which Nivaran says
aloud rather than grading against it silently.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from grading.rules.asof import month_window
from grading.store import case_reads, database


def due_sources(con: duckdb.DuckDBPyConnection, by: str, month: date) -> pl.DataFrame:
    """One row per department or district (``by``, as registered) with complaints registered in
    ``month``: code, received, from_data, from_reference, assumed (counts) and ``due_source`` (text:
    the shares, e.g. ``"data 80%, default limit 20% (assumed)"``)."""
    start, end, _ = month_window(month)
    counts = case_reads.due_sources(con, by, start, end)
    return counts.with_columns(
        due_source=describe(pl.col("received"), pl.col("from_data"), pl.col("from_reference"), pl.col("assumed"))
    )


def describe(received: pl.Expr, from_data: pl.Expr, from_reference: pl.Expr, assumed: pl.Expr) -> pl.Expr:
    """The shares as text, always in the order data, category limits, default; a source with no
    complaint is left out (``"data 100%"``; ``"category limits 60%, default limit 40% (assumed)"``)."""

    def part(count: pl.Expr, template: str) -> pl.Expr:
        return pl.when(count > 0).then(pl.format(template, (100 * count / received).round(0).cast(pl.Int64)))

    parts = [
        part(from_data, "data {}%"),
        part(from_reference, "category limits {}%"),
        part(assumed, "default limit {}% (assumed)"),
    ]
    return pl.concat_str(parts, separator=", ", ignore_nulls=True)


def assumed_note(sources: pl.DataFrame, default_days: float, by: str) -> str | None:
    """One sentence when any complaint of the month is judged against the scheme's default limit;
    None when every limit came from the data or the reference data."""
    assumed, received = int(sources["assumed"].sum()), int(sources["received"].sum())
    if assumed == 0:
        return None
    entities = sources.filter(pl.col("assumed") > 0).height
    return (
        f"due times: {assumed:,} of {received:,} complaints registered this month ({entities} {by}s) have no "
        f"due time in the data and are judged against the scheme's default limit of {default_days:g} days, "
        "an assumption; a mapping's due_at, on_time or [limits] gives the data's own (docs/import.md)"
    )


def month_summary(con: duckdb.DuckDBPyConnection, month: date) -> tuple[dict[str, float], pl.DataFrame]:
    """For the methodology page: the shares (0-100) of the month's registered complaints whose time
    limits came from the data, the reference data's category limits and the scheme's default
    (``{"data": …, "reference": …, "assumed": …}``, empty when none was registered), and the
    departments with any assumed limit (code, name_en, name_hi, assumed_pct), largest share first.
    Shares only, never counts: the page is public."""
    sources = due_sources(con, "department", month)
    received = int(sources["received"].sum()) if sources.height else 0
    if received == 0:
        return {}, pl.DataFrame(schema={"code": pl.String, "name_en": pl.String, "name_hi": pl.String})
    shares = {
        key: 100 * int(sources[column].sum()) / received
        for key, column in (("data", "from_data"), ("reference", "from_reference"), ("assumed", "assumed"))
    }
    names = database.read_table(con, "departments").select("code", "name_en", "name_hi")
    assumed = (
        sources.filter(pl.col("assumed") > 0)
        .select("code", assumed_pct=100 * pl.col("assumed") / pl.col("received"))
        .join(names, on="code", how="left")
        .with_columns(pl.col("name_en").fill_null(pl.col("code")), pl.col("name_hi").fill_null(pl.col("code")))
        .sort("assumed_pct", "code", descending=[True, False])
        .select("code", "name_en", "name_hi", "assumed_pct")
    )
    return shares, assumed
