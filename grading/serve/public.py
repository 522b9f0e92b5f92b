"""The public boundary: the only data source of the public pages and the published package.

Everything a journalist or member of the public can see (public summary, trends, methodology figures,
every public download and the files of ``nivaran publish``) comes from this module, and every figure in
it has gone through one suppression rule:

1. **Primary suppression.** An entity-month (a department, a district, or a department within a
   district) with fewer than the scheme's ``suppress_below`` complaints received shows no figure at
   all: no count, percentage, points, score or grade. With 1 to 4 complaints a percentage tells what
   happened to an identifiable person.
2. **Complementary suppression.** The public side also shows totals: each department's row (the sum
   of its district cells), each district's row (the sum of its department cells) and the state's
   figures (the sum of either). If one member of such a sum were hidden and the others shown, the
   hidden one would be the total minus the others. So, for every sum, the hidden members must number
   0 or at least 2: when exactly one is hidden, the smallest shown member (by received, the state
   total last) is hidden too, and this repeats until nothing changes (a fixed point).

A hidden row keeps who and when (names, codes, month), whether it is ranked, its rank (and rank
range), volume group, rank change and streaks (positions, not counts); ``suppressed`` is true and
``suppressed_reason`` says ``small`` or ``complementary``. The pattern is the same for every count,
so no count of a hidden row or cell can be recovered by differencing any published total.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import duckdb
import polars as pl

from grading.monthly import results
from grading.scoring import fit
from grading.scoring.schemes import Scheme
from grading.serve import views
from grading.store import database

#: The marker of "every department" or "every district" in a suppression pattern.
ALL: Final = "*"
SMALL: Final = "small"
COMPLEMENTARY: Final = "complementary"
HEADLINE: Final = views.HEADLINE
PATTERN_SCHEMA: Final = pl.Schema(
    {
        "month": pl.Date,
        "department": pl.String,
        "district": pl.String,
        "received": pl.Int64,
        "hidden": pl.Boolean,
        "reason": pl.String,
    }
)
#: Columns of a public row that never reveal a count: who, when, position and whether it is ranked.
PUBLIC_ALWAYS: Final = frozenset(
    {"entity_type", "department", "district", "month", "is_ranked", "rank", "volume_group", "published_at"}
    | {"group_rank", "rank_best", "rank_worst", "rank_is_reliable", "rank_change", "streak_rank_1", "streak_top_grade"}
    | {"rank_text", "rank_position"}
    | {"suppressed", "suppressed_reason"}
    | {f"{k}_name{s}" for k in ("department", "district") for s in ("", "_hi")}
)
_KEY: Final = ["month", "department", "district"]


def pattern(cells: pl.DataFrame, departments: pl.DataFrame, districts: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Which figures the public side hides: one row per (month, department, district) member of the
    published table, margins included (``PATTERN_SCHEMA``).

    ``cells``: one row per (month, department, district) with ``received``; ``departments`` and
    ``districts``: one row per (month, entity) with ``received`` (the published totals). A department
    total has ``district`` = :data:`ALL`, a district total ``department`` = :data:`ALL`, the state
    total both. Each member belongs to two sums (its department line and its district line); see the
    module rules. Ties between equally small candidates go to the first code, so the pattern is
    reproducible.

    """
    received = pl.col("received").cast(pl.Int64)
    state = departments.group_by("month").agg(received.sum())
    members = pl.concat(
        [
            cells.select("month", "department", "district", received),
            departments.select("month", "department", pl.lit(ALL).alias("district"), received),
            districts.select("month", pl.lit(ALL).alias("department"), "district", received),
            state.select("month", pl.lit(ALL).alias("department"), pl.lit(ALL).alias("district"), received),
        ]
    )
    small = pl.col("received").fill_null(0) < threshold
    members = members.with_columns(hidden=small, reason=pl.when(small).then(pl.lit(SMALL)))
    is_state = (pl.col("department") == ALL) & (pl.col("district") == ALL)
    while True:
        picks = []
        for line in ("department", "district"):
            lone = members.group_by("month", line).agg(n=pl.col("hidden").sum()).filter(pl.col("n") == 1)
            picks.append(
                members.join(lone.select("month", line), on=["month", line])
                .filter(~pl.col("hidden"))
                .sort("month", line, is_state, "received", "department", "district")
                .group_by("month", line, maintain_order=True)
                .first()
                .select(_KEY)
            )
        found = pl.concat(picks).unique()
        if found.is_empty():
            break
        members = (
            members.join(found.with_columns(pick=pl.lit(value=True)), on=_KEY, how="left")
            .with_columns(
                hidden=pl.col("hidden") | pl.col("pick").fill_null(value=False),
                reason=pl.when(pl.col("pick")).then(pl.lit(COMPLEMENTARY)).otherwise(pl.col("reason")),
            )
            .drop("pick")
        )
    return members.sort(_KEY).cast(PATTERN_SCHEMA)


def hide(rows: pl.DataFrame, found: pl.DataFrame, entity_type: str) -> pl.DataFrame:
    """``rows`` (one per month and entity of ``entity_type``, or per month, department and district for
    ``department_district``) with every figure nulled where ``found`` (a :func:`pattern`) hides the
    member; adds ``suppressed`` and ``suppressed_reason``. A row the pattern does not know is hidden."""
    if entity_type == "department":
        members = found.filter((pl.col("district") == ALL) & (pl.col("department") != ALL)).drop("district")
    elif entity_type == "district":
        members = found.filter((pl.col("department") == ALL) & (pl.col("district") != ALL)).drop("department")
    else:
        members = found.filter((pl.col("department") != ALL) & (pl.col("district") != ALL))
    key = ["month", entity_type] if entity_type != "department_district" else _KEY
    if rows.is_empty():
        return rows.with_columns(suppressed=pl.lit(value=False), suppressed_reason=pl.lit(None, pl.String))
    joined = rows.join(
        members.select(*key, suppressed="hidden", suppressed_reason="reason"), on=key, how="left", maintain_order="left"
    ).with_columns(
        suppressed=pl.col("suppressed").fill_null(value=True),
        suppressed_reason=pl.col("suppressed_reason").fill_null(
            pl.when(pl.col("suppressed").is_null()).then(pl.lit(SMALL))
        ),
    )
    figures = [c for c in joined.columns if c not in PUBLIC_ALWAYS]
    return joined.with_columns(pl.when(~pl.col("suppressed")).then(pl.col(c)).alias(c) for c in figures)


def suppression(con: duckdb.DuckDBPyConnection, scheme: Scheme) -> pl.DataFrame:
    """The :func:`pattern` of every month in the store: cells from the department-within-district
    metrics, totals from the graded department and district rows the public side shows (published
    rows for a published month)."""
    cells = results.metrics_for(con, scheme, "department_district")
    departments = results.graded(con, scheme, "department")
    districts = results.graded(con, scheme, "district")
    if departments.is_empty():
        return pl.DataFrame(schema=PATTERN_SCHEMA)
    return pattern(cells, departments, districts, scheme.suppress_below)


def history(
    con: duckdb.DuckDBPyConnection,
    scheme: Scheme,
    entity_type: str,
    codes: list[str] | None = None,
    *,
    found: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Public graded rows of every month for ``codes`` of ``entity_type`` (all when None), oldest
    first: :func:`grading.serve.views.history` through :func:`hide`. ``found``: a :func:`suppression`
    already computed for the same store."""
    rows = views.history(con, scheme, entity_type, codes)
    return hide(rows, suppression(con, scheme) if found is None else found, entity_type)


def ranking(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, entity_type: str, month: date, *, found: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The month's public ranking of ``entity_type`` with ``trend`` (the last 6 public monthly
    scores, oldest first: a month whose row was hidden is null in the trend too)."""
    rows = history(con, scheme, entity_type, found=found)
    return rows if rows.is_empty() else views.with_trend(rows, entity_type, month)


def cells(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date, metric: str, *, found: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per (district, department) of ``month`` with ``received``, ``value`` (``metric``),
    ``suppressed`` and ``suppressed_reason``, names attached: both figures null where hidden."""
    rows = cell_table(con, scheme, month, [metric], found=found).drop("month").with_columns(value=pl.col(metric))
    return rows if metric == "received" else rows.drop(metric)


def cell_table(
    con: duckdb.DuckDBPyConnection,
    scheme: Scheme,
    month: date,
    metrics: list[str],
    *,
    found: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per (district, department) of ``month``: ``month``, codes, ``received`` and each of
    ``metrics`` (units as in :mod:`grading.model.registry`), ``suppressed`` and ``suppressed_reason``, names
    attached; every figure null where hidden. Sorted by district, then department."""
    rows = results.metrics_for(con, scheme, "department_district", until=month).filter(pl.col("month") == month)
    rows = rows.select("month", "district", "department", *dict.fromkeys(["received", *metrics]))
    safe = hide(rows, suppression(con, scheme) if found is None else found, "department_district")
    return results.attach_names(con, safe).sort("district", "department")


def state_headline(con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date) -> pl.DataFrame:
    """Statewide figures for ``month`` and the month before (:func:`grading.serve.views.state_headline`).

    Public as they are: the state total is the sum every suppression line protects, never a hidden
    member itself (the pattern hides it only if a state has fewer complaints than the threshold)."""
    return views.state_headline(con, scheme, month)


def state_trend(con: duckdb.DuckDBPyConnection, scheme: Scheme) -> pl.DataFrame:
    """Statewide metrics per month (:func:`grading.serve.views.state_trend`; public as the headline)."""
    return views.state_trend(con, scheme)


def streaks(con: duckdb.DuckDBPyConnection, scheme: Scheme, entity_type: str, month: date) -> pl.DataFrame:
    """The streaks standing in ``month`` (:func:`grading.serve.views.streaks`): positions only, held by
    ranked entities (at least ``min_received`` >= ``suppress_below`` complaints)."""
    return views.streaks(con, scheme, entity_type, month)


def default_month(con: duckdb.DuckDBPyConnection, scheme: Scheme, *, found: pl.DataFrame | None = None) -> date | None:
    """The month every page of the dashboard opens on (:func:`grading.scoring.fit.default_month`): the
    latest month in which at least one department is graded under ``scheme``, else the latest month
    with data. Public: whether a department is ranked is never hidden (:data:`PUBLIC_ALWAYS`)."""
    return fit.default_month(history(con, scheme, "department", found=found))


def hindi_names(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store's department or district names have a Hindi form of their own
    (:func:`grading.scoring.fit.has_hindi_names`; names are public)."""
    return fit.has_hindi_names(database.read_table(con, "departments"), database.read_table(con, "districts"))
