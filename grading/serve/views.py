"""Page-data functions: what each dashboard page shows, computed in the core (no SQL, no Streamlit).

Every function takes an open (read-only) connection and returns frames whose grain is stated in its
docstring. Case functions (collector and department pages) take the signed-in
:class:`grading.access.identity.Identity` and may only narrow its scope (:meth:`Identity.scope` raises
:class:`grading.access.identity.AccessDeniedError` otherwise); the scope filters the store query itself. Free text
(notes, rejected values) comes back with personal data masked (:func:`grading.rules.privacy.mask_personal`).
Functions returning aggregates are not yet public-safe: the public side reads
:mod:`grading.serve.public`, which applies the suppression rule.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final, TypedDict

import duckdb
import polars as pl

from grading.access.identity import Identity
from grading.monthly import results
from grading.rules import asof
from grading.rules.asof import previous_month
from grading.rules.privacy import mask_personal
from grading.scoring import grade
from grading.scoring.counts import ENTITY_KEYS, totals
from grading.scoring.plan import outcome_lists
from grading.scoring.schemes import Scheme
from grading.serve import integrity
from grading.store import case_reads, database, month_reads, published

DUE_SOON: Final = timedelta(days=2)
HEADLINE: Final = ("received", "closed", "satisfied_closure_pct", "sla_compliance_pct", "pending_over_50")


def state_headline(con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date) -> pl.DataFrame:
    """Statewide figures for ``month`` and the month before: one row per month, HEADLINE columns
    first, then every other total (a store's own headline may lead with another measure, see
    :func:`grading.scoring.fit.headline_metrics`).

    Counts add up over departments (every graded complaint belongs to one); percentages are
    recomputed from the added counts.
    """
    metrics = results.metrics_for(con, scheme, "department", until=month)
    if metrics.is_empty():
        return metrics
    wanted = metrics.filter(pl.col("month").is_in([month, previous_month(month)]))
    summed = totals(wanted, ["month"])
    first = ["month", *HEADLINE, "pending"]
    return summed.select(*first, *[c for c in summed.columns if c not in first])


def state_trend(con: duckdb.DuckDBPyConnection, scheme: Scheme) -> pl.DataFrame:
    """Statewide metrics per month (one row per month; counts and percentages, no day statistics)."""
    metrics = results.metrics_for(con, scheme, "department")
    return metrics if metrics.is_empty() else totals(metrics, ["month"])


def ranking(con: duckdb.DuckDBPyConnection, scheme: Scheme, entity_type: str, month: date) -> pl.DataFrame:
    """The month's graded rows of ``entity_type`` with ``trend``: the last 6 monthly scores, oldest first."""
    every = results.graded(con, scheme, entity_type)
    return every if every.is_empty() else with_trend(every, entity_type, month)


def with_trend(every: pl.DataFrame, entity_type: str, month: date) -> pl.DataFrame:
    """``month``'s rows of ``every`` (graded rows of all months of ``entity_type``) with ``trend``:
    the entity's scores of the last 6 months up to ``month``, oldest first."""
    key = list(ENTITY_KEYS[entity_type])  # department_district: both codes
    window = [m for m in every["month"].unique().sort().to_list() if m <= month][-6:]
    trend = every.filter(pl.col("month").is_in(window)).sort("month").group_by(key).agg(trend=pl.col("score"))
    return every.filter(pl.col("month") == month).join(trend, on=key, how="left", maintain_order="left")


def history(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, entity_type: str, codes: list[str] | None = None
) -> pl.DataFrame:
    """Graded rows of every month for ``codes`` of ``entity_type`` (all when None), oldest first."""
    every = results.graded(con, scheme, entity_type)
    if codes is not None and not every.is_empty():
        every = every.filter(pl.col(entity_type).is_in(codes))
    return every.sort("month") if not every.is_empty() else every


def streaks(con: duckdb.DuckDBPyConnection, scheme: Scheme, entity_type: str, month: date) -> pl.DataFrame:
    """The streaks standing in ``month`` (:func:`grading.scoring.grade.streaks`: one row per entity at rank 1
    or in the top grade for one or more months in a row), names attached. Public: only ranked
    entities hold streaks, and a ranked entity has at least the scheme's minimum of complaints."""
    every = results.graded(con, scheme, entity_type, None)
    if every.is_empty():
        return every
    return results.attach_names(con, grade.streaks(every, month))


def integrity_flags(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date, entity_type: str = "department"
) -> pl.DataFrame:
    """The integrity flags raised for ``month`` (:func:`grading.serve.integrity.raised`: one row per entity and
    flag, with its sentence and evidence figures; a published month's as frozen with it), names attached.
    Aggregates only."""
    return results.attach_names(con, integrity.raised(con, scheme, month, entity_type))


def component_comparison(con: duckdb.DuckDBPyConnection, scheme: Scheme, department: str, month: date) -> pl.DataFrame:
    """One row per scheme component: this department's points, last month's, the state median among
    ranked departments and the best department's points, for ``month``.
    """
    rows = history(con, scheme, "department")
    now = rows.filter(pl.col("month") == month)
    before = rows.filter((pl.col("month") == previous_month(month)) & (pl.col("department") == department))
    ranked = now.filter("is_ranked")
    out = []
    for c in scheme.components:
        col = f"points_{c.key}"
        mine = now.filter(pl.col("department") == department)[col]
        out.append(
            {
                "key": c.key,
                "label_en": c.label_en,
                "label_hi": c.label_hi,
                "weight": c.weight,
                "points": mine.item() if mine.len() else None,
                "points_last_month": before[col].item() if before.height else None,
                "state_median": ranked[col].median() if ranked.height else None,
                "best": ranked[col].max() if ranked.height else None,
            }
        )
    frame = pl.DataFrame(
        out, schema_overrides=dict.fromkeys(("points", "points_last_month", "state_median", "best"), pl.Float64)
    )
    return frame.with_columns(change=pl.col("points") - pl.col("points_last_month"))


def publication(con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date) -> dict[str, object] | None:
    """The publication of ``month`` under ``scheme`` that stands (what the pages mark as published):
    version, published_at, scheme_version, scheme_sha256; None while the month is provisional."""
    found = published.publications(con, month, scheme=scheme.name, standing=True)
    return None if found.is_empty() else found.row(0, named=True)


def as_of(con: duckdb.DuckDBPyConnection, month: date) -> datetime:
    """The instant a case list describes: the month's cut-off, or the data's end if earlier (the
    latest event, or a snapshot's export time when a load declared one)."""
    latest = database.data_until(con) or database.last_event_time(con)
    return asof.judged_at(month, latest)


def pending_cases(
    con: duckdb.DuckDBPyConnection,
    month: date,
    who: Identity,
    *,
    district: str | None = None,
    department: str | None = None,
) -> pl.DataFrame:
    """Open complaints at :func:`as_of` inside ``who``'s scope (narrowed to ``district`` and
    ``department`` when given), oldest first, one row per complaint; see :func:`open_cases`.
    """
    return open_cases(con, as_of(con, month), who, district=district, department=department)


def open_cases(
    con: duckdb.DuckDBPyConnection,
    when: datetime,
    who: Identity,
    *,
    district: str | None = None,
    department: str | None = None,
) -> pl.DataFrame:
    """Open complaints at the instant ``when`` inside ``who``'s scope (narrowed to ``district`` and
    ``department`` when given), oldest first, one row per complaint.

    Adds ``age_days`` (completed days since registration), ``age_bucket``, ``level`` as ``L1``..``L5``,
    ``is_overdue`` (past the limit of its current level), ``due_soon`` (the limit passes within the
    next 2 days), ``due_date`` and ``days_to_due`` (:func:`grading.rules.asof.days_to_due`: whole calendar
    days from the day of ``when``, negative when overdue), ``is_over_50`` (:func:`grading.rules.asof.is_over_50`);
    names (department, district, category) are attached.
    """
    scope = who.scope(district=district, department=department)
    rows = case_reads.pending_cases(con, when, districts=scope.district_list(), departments=scope.department_list())
    wanted = scope.department_list()
    cases = (
        asof.department_at(rows["complaints"], rows["transfers"], when)
        .filter(asof.is_open_at(when))
        .filter(pl.col("department").is_in(wanted) if wanted is not None else pl.lit(value=True))
        .join(asof.stage_at(rows["stints"], when), on="complaint_key", how="left")
    )
    out = cases.select(
        "complaint_id",
        "registered_at",
        "department",
        "district",
        "category",
        "channel",
        "level",
        "stint_started_at",
        "awaiting_callback",
        "due_at",
        pl.when(asof.has_breached_by(when)).then(pl.col("first_breach_at")).alias("first_breach_at"),
        age_days=asof.age_days(when),
    ).with_columns(
        age_bucket=asof.age_bucket(pl.col("age_days")),
        level=pl.format("L{}", pl.col("level")),
        is_overdue=asof.is_overdue_at(when),
        due_soon=pl.col("due_at").is_between(pl.lit(when), pl.lit(when + DUE_SOON), closed="right").fill_null(False),
        due_date=asof.due_date(pl.col("due_at")),
        days_to_due=asof.days_to_due(pl.col("due_at"), when),
        is_over_50=asof.is_over_50(pl.col("age_days")),
    )
    return results.attach_category_names(con, results.attach_names(con, out)).sort("registered_at", "complaint_id")


def pending_summary(cases: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Counts of :func:`pending_cases` rows by ``by``: pending, overdue, due soon and per age bucket."""
    buckets = [label for _, label, _, _ in asof.PENDING_BUCKETS]
    return (
        cases.group_by(by)
        .agg(
            pending=pl.len(),
            overdue=pl.col("is_overdue").sum(),
            due_soon=pl.col("due_soon").sum(),
            over_50=pl.col("is_over_50").sum(),
            **{f"age_{b}": (pl.col("age_bucket") == b).sum() for b in buckets},
        )
        .sort(by)
    )


def case_timeline(
    con: duckdb.DuckDBPyConnection,
    complaint_id: str,
    who: Identity,
    *,
    district: str | None = None,
    department: str | None = None,
) -> pl.DataFrame:
    """One complaint's events, oldest first, notes masked; empty when the complaint is outside
    ``who``'s scope (narrowed as in :func:`pending_cases`)."""
    scope = who.scope(district=district, department=department)
    events = case_reads.complaint_events(
        con, complaint_id, districts=scope.district_list(), departments=scope.department_list()
    )
    return events.with_columns(note=mask_personal(pl.col("note")))


class DataStatus(TypedDict):
    """What :func:`data_status` reports about the loaded data."""

    #: Row counts of ``events``, ``complaints``, ``quarantine`` and ``ingest_log``.
    counts: dict[str, int]
    #: First and last calendar month with any event (None: an empty store).
    first_month: date | None
    last_month: date | None
    #: The time of the latest stored event (None: an empty store).
    last_event: datetime | None
    #: When the monthly results were last refreshed (ISO text; None: never).
    refreshed_at: str | None
    is_demo: bool
    #: The ingest log, newest first.
    log: pl.DataFrame
    #: Quarantined rows summarised by source, field and reason.
    quarantine: pl.DataFrame
    #: The latest 500 quarantined rows, personal data masked.
    quarantine_rows: pl.DataFrame


def data_status(con: duckdb.DuckDBPyConnection) -> DataStatus:
    """What is loaded: row counts, the month window, last refresh, ingest log and quarantine reasons."""
    bounds = month_reads.month_bounds(con)
    found = database.ingest_status(con)
    return {
        "counts": database.counts(con),
        "first_month": bounds[0] if bounds else None,
        "last_month": bounds[1] if bounds else None,
        "last_event": database.last_event_time(con),
        "refreshed_at": database.get_meta(con, "refreshed_at"),
        "is_demo": database.get_meta(con, "demo") == "true",
        "log": found["log"],
        "quarantine": found["quarantine"],
        "quarantine_rows": found["quarantine_rows"].with_columns(
            value=mask_personal(pl.col("value")), complaint_id=mask_personal(pl.col("complaint_id"))
        ),
    }


def outcome_complaints(con: duckdb.DuckDBPyConnection, month: date, who: Identity, department: str) -> pl.DataFrame:
    """:func:`outcome_lists` of ``department`` for ``month``, read through the store; refuses (raises
    :class:`grading.access.identity.AccessDeniedError`) a department outside ``who``'s scope. District
    and category names are attached."""
    who.scope(department=department)
    start, end, _ = asof.month_window(month)
    found = outcome_lists(case_reads.outcome_cases(con, start, end), month, department)
    return results.attach_category_names(con, results.attach_names(con, found))
