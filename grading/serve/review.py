"""The collector's weekly review as of any day: pending cases, their summary, and what changed since the
last review (pure Polars over rows read through :mod:`grading.store.database`; the as-of rules are
:mod:`grading.rules.asof`'s, the scope is :class:`grading.access.identity.Identity`'s).

A review **day** D means the end of that day, 23:59:59.999999 Asia/Kolkata wall-clock time: the list a
collector sees on the morning of D+1. Every count in whole days:

- ``days_at_level``: completed days since the current level's stint started;
- ``due_date``: the calendar day the current level's limit passes; ``days_to_due`` = due_date - D in
  calendar days (0 = falls due on the review day, negative = overdue by that many days);
- ``is_overdue``: the limit passed before the end of D (the as-of rule :func:`grading.rules.asof.is_overdue_at`).

"Since the last review" (day S < D) compares the pending list at the end of S with the one at the end of
D: **new** (pending at D, registered after S), **cleared** (pending at S, closed by D), **newly overdue**
(overdue at D, not overdue at S or not yet registered), **escalated** (at L3 or above at D, below L3 or not
registered at S). Pending at S - cleared - moved out + new + moved in = pending at D (a transfer moves a
complaint between departments, so only a department's list sees the last two).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

import duckdb
import polars as pl

from grading.access.identity import Identity
from grading.rules import asof
from grading.serve import views
from grading.store import database

LEVELS: Final = ("L1", "L2", "L3", "L4", "L5")
#: The kinds of change since the last review, in the order the meeting reads them.
CHANGES: Final = ("new", "newly_overdue", "escalated", "cleared", "moved_out")
#: The level from which an escalation is reported ("escalated to L3/L4": L3 and above).
ESCALATION_LEVEL: Final = 3


def end_of(day: date) -> datetime:
    """The last instant of ``day`` (the instant a review of that day describes)."""
    return datetime(day.year, day.month, day.day) + timedelta(days=1) - asof.MICROSECOND


def latest_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The day of the latest stored event: the default review day ("today" for the data)."""
    latest = database.last_event_time(con)
    return latest.date() if latest is not None else None


def _last_actions(con: duckdb.DuckDBPyConnection, ids: pl.Series, when: datetime) -> pl.DataFrame:
    """One row per complaint of ``ids``: its latest event at or before ``when`` (``last_action``,
    ``last_action_at``, ``last_outcome``)."""
    return (
        database.read_events(con, ids)
        .filter(pl.col("event_time") <= when)
        .sort("complaint_id", "event_time", maintain_order=True)
        .group_by("complaint_id", maintain_order=True)
        .last()
        .select(
            "complaint_id",
            pl.col("event").alias("last_action"),
            pl.col("event_time").alias("last_action_at"),
            pl.col("outcome").alias("last_outcome"),
        )
    )


@dataclass
class LastActions:
    """Each complaint's latest event at or before an instant (:func:`_last_actions`), kept once read.

    A page reads its own district's cases; a run of digests reads every district's, and each read finds
    its complaints' events by one pass over the event log's keys. :meth:`read` reads ahead for many
    complaints in one pass (the digests read every case pending in the state at once); :meth:`of` answers
    from what was read, reading only the complaints not read yet.
    """

    con: duckdb.DuckDBPyConnection
    #: By instant: the rows read, and every complaint id asked for (with or without an event by then).
    rows: dict[datetime, pl.DataFrame] = field(default_factory=dict)
    asked: dict[datetime, pl.DataFrame] = field(default_factory=dict)

    def read(self, ids: pl.Series, when: datetime) -> None:
        """Read the last actions of those of ``ids`` not read yet as of ``when``, in one pass."""
        wanted = ids.unique().to_frame("complaint_id")
        if when in self.asked:
            wanted = wanted.join(self.asked[when], on="complaint_id", how="anti")
        if wanted.is_empty() and when in self.rows:
            return
        found = _last_actions(self.con, wanted["complaint_id"], when)
        self.rows[when] = pl.concat([self.rows[when], found]) if when in self.rows else found
        self.asked[when] = pl.concat([self.asked[when], wanted]) if when in self.asked else wanted

    def of(self, ids: pl.Series, when: datetime) -> pl.DataFrame:
        """The last actions of ``ids`` as of ``when``: one row per complaint with an event by then."""
        self.read(ids, when)
        return self.rows[when].join(ids.unique().to_frame("complaint_id"), on="complaint_id", how="semi")


def _categories(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return database.read_table(con, "categories").select(
        pl.col("code").alias("category"),
        pl.col("name_en").alias("category_name"),
        pl.col("name_hi").alias("category_name_hi"),
    )


def cases(
    con: duckdb.DuckDBPyConnection,
    day: date,
    who: Identity,
    *,
    district: str | None = None,
    department: str | None = None,
    last_actions: LastActions | None = None,
) -> pl.DataFrame:
    """The review list of ``day``: one row per complaint pending at the end of ``day`` inside ``who``'s
    scope (narrowed to ``district``/``department``), **overdue first** (most days overdue first), then
    the soonest due, then the oldest.

    Columns: complaint_id, department (+ ``_name``, ``_name_hi``), district (+ names), category (+
    ``category_name``, ``category_name_hi``), level (``L1``..``L5``), days_at_level, registered_at,
    age_days, due_date (Date), days_to_due (Int32, calendar days), is_over_50, is_overdue, due_soon (due within 2 days),
    awaiting_callback, last_action, last_action_at. All counts are whole days. ``last_actions``: complaints'
    last actions read ahead (:class:`LastActions`), shared with the caller's other reads.
    """
    when = end_of(day)
    found = views.open_cases(con, when, who, district=district, department=department)
    last = (last_actions or LastActions(con)).of(found["complaint_id"], when).drop("last_outcome")
    out = (
        found.join(last, on="complaint_id", how="left", maintain_order="left")
        .join(_categories(con), on="category", how="left", maintain_order="left")
        .with_columns(
            days_at_level=asof.completed_days(pl.lit(when), pl.col("stint_started_at")),
        )
    )
    return out.select(
        "complaint_id",
        "department",
        "department_name",
        "department_name_hi",
        "district",
        "district_name",
        "district_name_hi",
        "category",
        "category_name",
        "category_name_hi",
        "level",
        "days_at_level",
        "registered_at",
        "age_days",
        "due_date",
        "days_to_due",
        "is_over_50",
        "is_overdue",
        "due_soon",
        "awaiting_callback",
        "last_action",
        "last_action_at",
    ).sort(
        ["is_overdue", "days_to_due", "registered_at", "complaint_id"],
        descending=[True, False, False, False],
        nulls_last=True,
    )


def summary(review: pl.DataFrame) -> pl.DataFrame:
    """Pending by department and level with totals, from :func:`cases` rows.

    One row per department, then a last row ``department`` = null (the total of all departments);
    columns: department, department_name, department_name_hi, ``L1``..``L5`` (pending at each level),
    pending, overdue, due_soon, over_50 (pending over 50 days old). Departments sorted by overdue, then
    pending (both descending), then code. Every column of the total row is the sum of the rows above.
    """
    counts = [
        *(((pl.col("level") == lv).sum().alias(lv)) for lv in LEVELS),
        pl.len().alias("pending"),
        pl.col("is_overdue").sum().alias("overdue"),
        pl.col("due_soon").sum().alias("due_soon"),
        pl.col("is_over_50").sum().alias("over_50"),
    ]
    names = ["department", "department_name", "department_name_hi"]
    by_dept = (
        review.group_by(names)
        .agg(counts)
        .with_columns(pl.col(c).cast(pl.Int64) for c in [*LEVELS, "pending", "overdue", "due_soon", "over_50"])
        .sort(["overdue", "pending", "department"], descending=[True, True, False])
    )
    total = by_dept.select(
        *(pl.lit(None, pl.String).alias(n) for n in names),
        *(pl.col(c).sum() for c in by_dept.columns[len(names) :]),
    )
    return pl.concat([by_dept, total])


def changes(
    con: duckdb.DuckDBPyConnection,
    day: date,
    since: date,
    who: Identity,
    *,
    district: str | None = None,
    department: str | None = None,
    last_actions: LastActions | None = None,
    now: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """What changed between the end of ``since`` (the last review) and the end of ``day``.

    One row per (complaint, change); a complaint can carry several changes (a new case may also be
    newly overdue). ``change`` is one of :data:`CHANGES`. Columns: change, complaint_id, department
    (+ names), category_name, level_then, level_now (null when not pending then / now), registered_at,
    due_date (now), last_action, last_action_at (at the end of ``day``; for a cleared case its
    ``closed`` event, with ``last_outcome``). Sorted by change (in :data:`CHANGES` order), then
    registered_at.

    Raises ``ValueError`` when ``since`` is not before ``day``. ``last_actions``: complaints' last actions
    read ahead (:class:`LastActions`), shared with the caller's other reads; ``now``: the same scope's
    :func:`cases` of ``day`` when the caller read them already.
    """
    if since >= day:
        msg = f"the last review ({since:%d-%m-%Y}) must be before the review day ({day:%d-%m-%Y})"
        raise ValueError(msg)
    then_at, now_at = end_of(since), end_of(day)
    last_actions = last_actions or LastActions(con)
    if now is None:
        now = cases(con, day, who, district=district, department=department, last_actions=last_actions)
    kept = ["department", "department_name", "department_name_hi", "category_name", "registered_at"]
    then = (
        views.open_cases(con, then_at, who, district=district, department=department)
        .join(_categories(con), on="category", how="left", maintain_order="left")
        .select(
            "complaint_id",
            pl.col("level").alias("level_then"),
            pl.col("is_overdue").alias("overdue_then"),
            *kept,
        )
    )
    both = now.join(then, on="complaint_id", how="full", coalesce=True, suffix="_then")
    both = both.with_columns(pl.coalesce(c, f"{c}_then").alias(c) for c in kept)
    gone_ids = both.filter(pl.col("level").is_null())["complaint_id"]
    gone = last_actions.of(gone_ids, now_at)
    both = both.join(gone, on="complaint_id", how="left", suffix="_gone").with_columns(
        pl.coalesce("last_action", "last_action_gone").alias("last_action"),
        pl.coalesce("last_action_at", "last_action_at_gone").alias("last_action_at"),
    )
    is_now = pl.col("level").is_not_null()
    level_no = pl.col("level").str.slice(1).cast(pl.Int32)
    then_no = pl.col("level_then").str.slice(1).cast(pl.Int32)
    rules = {
        "new": is_now & (pl.col("registered_at") > then_at),
        "newly_overdue": is_now & pl.col("is_overdue") & ~pl.col("overdue_then").fill_null(False),
        "escalated": is_now & (level_no >= ESCALATION_LEVEL) & ~(then_no >= ESCALATION_LEVEL).fill_null(False),
        "cleared": ~is_now & (pl.col("last_action") == "closed"),
        "moved_out": ~is_now & (pl.col("last_action") != "closed"),
    }
    parts = [both.filter(rule.fill_null(False)).with_columns(change=pl.lit(name)) for name, rule in rules.items()]
    order = pl.Enum(CHANGES)
    out = pl.concat(parts, how="diagonal_relaxed").select(
        pl.col("change").cast(order),
        "complaint_id",
        "department",
        "department_name",
        "department_name_hi",
        "category_name",
        "level_then",
        pl.col("level").alias("level_now"),
        "registered_at",
        "due_date",
        "last_action",
        "last_action_at",
        "last_outcome",
    )
    return out.sort(["change", "registered_at", "complaint_id"], nulls_last=True)


def change_counts(found: pl.DataFrame) -> dict[str, int]:
    """How many complaints each change of :func:`changes` holds (every kind present, 0 when none)."""
    got = dict(found.group_by("change").len().select(pl.col("change").cast(pl.String), "len").iter_rows())
    return {name: int(got.get(name, 0)) for name in CHANGES}
