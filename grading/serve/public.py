"""The public boundary: the only data source of the public pages and the published package.

Everything a journalist or member of the public can see (public summary, trends, methodology figures,
every public download and the files of ``nivaran publish``) comes from this module, and every figure in
it has gone through one suppression rule, :mod:`grading.scoring.suppress` (its docstring and
``docs/public.md`` give it whole):

1. **Rows.** An entity-month (a department, a district, or a department within a district) with fewer
   than the scheme's ``suppress_below`` complaints received shows no figure at all: no count,
   percentage, points, score or grade.
2. **Small counts.** On a shown row, any other count from 1 to ``suppress_below - 1`` (force-closed,
   dissatisfied, reopened, left out as habitual, pending …) is hidden too; 0 is shown.
3. **Figures computed from a hidden count**: its percentages (those whose numerator or denominator it
   is), day statistics, the points of a component and the score uncertainty.
4. **Complements.** No published sum (a count over the districts of a department or the departments of
   a district with its total, the totals with the state, a count with its parts inside a row, a score
   with its points) has exactly one hidden member: the smallest shown one is hidden with it, until
   nothing changes.

A hidden row keeps who and when (names, codes, month), whether it is ranked, its rank (and rank
range), volume group, rank change and streaks (positions, not counts); ``suppressed`` is true and
``suppressed_reason`` says ``small`` or ``complementary``. On a shown row, ``small_figures`` names the
counts of 1 to 4 left empty and ``hidden_figures`` the other figures left empty.

A published month's figures all come from its publication: the department and district rows and the
department × district cells stored when it was published (:data:`PUBLISHED_CELLS`), so loads after it
change none of them; so are its integrity flags (:func:`flags`, :func:`grading.serve.integrity.raised`).
"""

from __future__ import annotations

from datetime import date
from typing import Final

import duckdb
import polars as pl

from grading.monthly import results
from grading.scoring import fit, suppress
from grading.scoring.schemes import Scheme
from grading.serve import integrity, views
from grading.store import database, published

ALL: Final = suppress.ALL
SMALL: Final = suppress.SMALL
COMPLEMENTARY: Final = suppress.COMPLEMENTARY
HEADLINE: Final = views.HEADLINE
PATTERN_SCHEMA: Final = suppress.PATTERN_SCHEMA
#: The key under which a publication stores the month's department × district cells (beside its
#: ``department`` and ``district`` rows); a frame without ``entity_type``, so that the graded overlay of
#: :mod:`grading.monthly.results` leaves it alone.
PUBLISHED_CELLS: Final = "cells"
#: Columns of a public row that never reveal a count: who, when, position and whether it is ranked.
PUBLIC_ALWAYS: Final = frozenset(
    {"entity_type", "department", "district", "month", "is_ranked", "rank", "volume_group", "published_at"}
    | {"group_rank", "rank_best", "rank_worst", "rank_is_reliable", "rank_change", "streak_rank_1", "streak_top_grade"}
    | {"rank_text", "rank_position"}
    | {"suppressed", "suppressed_reason", *suppress.MARKERS}
    | {f"{k}_name{s}" for k in ("department", "district") for s in ("", "_hi")}
)


def components(scheme: Scheme) -> dict[str, str]:
    """Points column → metric, over every version of ``scheme`` (what a score is the sum of)."""
    return {f"points_{c.key}": c.metric for v in scheme.all_versions() for c in v.components}


def pattern(
    cells: pl.DataFrame,
    departments: pl.DataFrame,
    districts: pl.DataFrame,
    threshold: int,
    *,
    scheme: Scheme | None = None,
) -> pl.DataFrame:
    """Which figures the public side hides (:func:`grading.scoring.suppress.pattern`, one row per member
    of the published table, margins included), with ``scheme``'s components and long-pending age."""
    return suppress.pattern(
        cells,
        departments,
        districts,
        threshold,
        components=components(scheme) if scheme else None,
        long_pending_days=scheme.long_pending_days if scheme else 50,
    )


def hide(rows: pl.DataFrame, found: pl.DataFrame, entity_type: str) -> pl.DataFrame:
    """``rows`` with every figure nulled that ``found`` (a :func:`pattern`) hides, and the markers
    (:func:`grading.scoring.suppress.hide`; :data:`PUBLIC_ALWAYS` are never figures)."""
    return suppress.hide(rows, found, entity_type, PUBLIC_ALWAYS)


def published_cells(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, until: date | None = None
) -> dict[date, pl.DataFrame]:
    """The department × district cells stored with each standing publication under ``scheme`` (month →
    rows), up to ``until``; a month published before publications stored cells is left out."""
    found = published.publications(con, scheme=scheme.name, standing=True)
    out = {}
    for month, version in found.select("month", "version").iter_rows():
        if until is None or month <= until:
            rows = published.published_rows(con, month, version, kinds=(PUBLISHED_CELLS,)).get(PUBLISHED_CELLS)
            if rows is not None:
                out[month] = rows
    return out


def _cells(con: duckdb.DuckDBPyConnection, scheme: Scheme, until: date | None = None) -> pl.DataFrame:
    """The department-within-district metrics of every month up to ``until``: a published month's as
    stored with its publication, the others as the store reads them now."""
    live = results.metrics_for(con, scheme, "department_district", until=until)
    frozen = published_cells(con, scheme, until)
    if live.is_empty() or not frozen:
        return live
    kept = live.filter(~pl.col("month").is_in(list(frozen)))
    stored = [rows.select(c for c in live.columns if c in rows.columns) for rows in frozen.values()]
    return (
        pl.concat([kept, *stored], how="diagonal_relaxed").select(live.columns).sort("month", "department", "district")
    )


def suppression(con: duckdb.DuckDBPyConnection, scheme: Scheme) -> pl.DataFrame:
    """The :func:`pattern` of every month in the store: cells from the department-within-district
    metrics, totals from the graded department and district rows the public side shows (published
    rows for a published month)."""
    cells = _cells(con, scheme)
    departments = results.graded(con, scheme, "department")
    districts = results.graded(con, scheme, "district")
    if departments.is_empty():
        return pl.DataFrame(schema=PATTERN_SCHEMA)
    return pattern(cells, departments, districts, scheme.suppress_below, scheme=scheme)


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
    ``suppressed``, ``suppressed_reason``, the markers and ``value_hidden`` (the value is hidden: the
    cell is, or ``metric`` is one of its hidden figures), names attached; figures null where hidden."""
    rows = cell_table(con, scheme, month, [metric], found=found).drop("month")
    rows = rows.with_columns(value=pl.col(metric), value_hidden=suppress.figure_hidden(metric))
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
    ``metrics`` (units as in :mod:`grading.model.registry`), ``suppressed``, ``suppressed_reason`` and the
    markers (``small_figures``, ``hidden_figures``), names attached; every figure null where hidden.
    Sorted by district, then department. A published month's cells are those stored with it."""
    rows = _cells(con, scheme, until=month).filter(pl.col("month") == month)
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


#: The columns of a public integrity flag: who and which flag, no figure (the flag's own counts and shares
#: are evidence for the department page, and a count behind a flag can be a small one or a complement).
FLAG_COLUMNS: Final = ("entity_type", "department", "district", "month", "flag")


def flags(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date, entity_type: str, *, found: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The integrity flags raised for ``month`` (:func:`grading.serve.integrity.raised`) as the public
    may read them: one row per (entity, flag) with :data:`FLAG_COLUMNS` and names, no figure, and only
    for entities whose public row of the month is shown (a hidden row stays hidden, flag and all).

    A flag is a reason to look, not a verdict; its rule in words, thresholds filled in, is
    :func:`grading.scoring.flags.describe`. A published month's flags are those frozen with its
    publication; a month not published reads them as of its cut-off from the events as loaded now."""
    raised = integrity.raised(con, scheme, month, entity_type).select(FLAG_COLUMNS)
    key = "department" if entity_type == "department" else "district"
    rows = history(con, scheme, entity_type, found=found).filter(pl.col("month") == month)
    shown = rows.filter(~pl.col("suppressed")).select(key)
    kept = raised.join(shown, on=key, how="semi")
    return results.attach_names(con, kept).sort(key, "flag")


def default_month(con: duckdb.DuckDBPyConnection, scheme: Scheme, *, found: pl.DataFrame | None = None) -> date | None:
    """The month every page of the dashboard opens on (:func:`grading.scoring.fit.default_month`): the
    latest month in which at least one department is graded under ``scheme``, else the latest month
    with data. Public: whether a department is ranked is never hidden (:data:`PUBLIC_ALWAYS`)."""
    return fit.default_month(history(con, scheme, "department", found=found))


def hindi_names(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store's department or district names have a Hindi form of their own
    (:func:`grading.scoring.fit.has_hindi_names`; names are public)."""
    return fit.has_hindi_names(database.read_table(con, "departments"), database.read_table(con, "districts"))
