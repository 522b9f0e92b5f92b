"""Derive per-complaint facts and stints from the canonical event log (pure Polars, frames in and out).

Why derived tables
------------------
Grading month *m* means replaying every event up to the cut-off C (the last instant of *m*). Events of
one complaint are in time order, so "as of C" is a truncation, and every metric of ``docs/reference.md`` (section 3)
can be read from a few timestamps per complaint and per stint compared with C:

- a stint **breaches as of C** exactly when ``breach_at < C``, where ``breach_at = started_at + limit``
  for a stint that lasted longer than its limit or never ended, and null otherwise. (If it ended by C
  having lasted longer than the limit, ``started_at + limit < ended_at <= C``; if it is running at C,
  "older than its limit" is ``C - started_at > limit``.) A complaint breaches as of C when
  ``first_breach_at < C``.
- a stint is **non-attended as of C** exactly when ``nonattended_at < C``, where ``nonattended_at =
  started_at + limit`` when its first action (attended/resolved/closed within the stint) came after the
  limit or never came, and null otherwise.

So the store keeps these derived rows, and grading any month is a filter, not a replay: re-grading an
old month gives the same answer however many events arrived since.

Event order: by ``event_time``, ties broken by lifecycle order (``grading.model.schema.EVENTS``).
Durations are exact (microseconds); limits are calendar days, fractions kept (8 hours = 0.3333 days).
"""

from __future__ import annotations

from typing import Final

import polars as pl

from grading.model.schema import EVENT_COLUMNS, LEVELS, level_number_of
from grading.rules.asof import limit_duration

STINT_START: Final = ("registered", "escalated", "reopened")
STINT_END: Final = ("resolved", "escalated", "reopened", "closed")
STINT_ACTION: Final = ("attended", "resolved", "closed")

COMPLAINT_SCHEMA: Final = pl.Schema(
    {  # type: ignore[arg-type]  # see grading/model/schema.py
        "complaint_key": pl.Int64,
        "complaint_id": pl.String,
        "registered_at": pl.Datetime("us"),
        "department": pl.String,
        "district": pl.String,
        "category": pl.String,
        "complainant": pl.String,
        "channel": pl.String,
        "closed_at": pl.Datetime("us"),
        "close_outcome": pl.String,
        "first_feedback_at": pl.Datetime("us"),
        "reached_l2_at": pl.Datetime("us"),
        "reached_l3_at": pl.Datetime("us"),
        "reached_l4_at": pl.Datetime("us"),
        "first_breach_at": pl.Datetime("us"),
        "last_event_at": pl.Datetime("us"),
        "current_level": pl.Int8,
        "has_transfer": pl.Boolean,
        "complainant_month_count": pl.Int32,
    }
)
STINT_SCHEMA: Final = pl.Schema(
    {  # type: ignore[arg-type]
        "complaint_key": pl.Int64,
        "started_at": pl.Datetime("us"),
        "ended_at": pl.Datetime("us"),
        "level": pl.Int8,
        "limit_days": pl.Float64,
        "first_action_at": pl.Datetime("us"),
        "breach_at": pl.Datetime("us"),
        "nonattended_at": pl.Datetime("us"),
    }
)
FEEDBACK_SCHEMA: Final = pl.Schema({"complaint_key": pl.Int64, "event_time": pl.Datetime("us"), "kind": pl.String})  # type: ignore[arg-type]
TRANSFER_SCHEMA: Final = pl.Schema(
    {"complaint_key": pl.Int64, "event_time": pl.Datetime("us"), "department": pl.String}  # type: ignore[arg-type]
)


def limits_long(categories: pl.DataFrame) -> pl.DataFrame:
    """One row per (category, level 1-5) with ``limit_days`` from the categories table."""
    return (
        categories.select("code", *[f"limit_{lv.lower()}_days" for lv in LEVELS])
        .unpivot(index="code", variable_name="level", value_name="limit_days")
        .select(
            pl.col("code").alias("category"),
            pl.col("level").str.extract(r"limit_l(\d)_days").cast(pl.Int8),
            pl.col("limit_days").cast(pl.Int32),
        )
    )


def _next_in_group(is_kind: pl.Expr, value: pl.Expr) -> pl.Expr:
    """For each row, ``value`` at the first later row of the same complaint where ``is_kind`` holds.

    Works on the whole frame sorted by complaint (no per-group window): carry the value and its
    complaint backwards, then keep it only where the complaint matches.
    """
    carried = pl.when(is_kind).then(value).shift(-1).backward_fill()
    owner = pl.when(is_kind).then(pl.col("complaint_key")).shift(-1).backward_fill()
    return pl.when(owner == pl.col("complaint_key")).then(carried)


def still_open(complaints: pl.DataFrame) -> pl.DataFrame:
    """The ``complaint_key`` of the derived complaints not closed (``closed_at`` empty): the open backlog,
    whose events (``open_events``) and stints and call-backs the store keeps apart."""
    return complaints.filter(pl.col("closed_at").is_null()).select("complaint_key")


def derive(
    events: pl.DataFrame, categories: pl.DataFrame, keys: pl.DataFrame | None = None, *, default_limit_days: int
) -> dict[str, pl.DataFrame]:
    """Derive the ``complaints``, ``stints``, ``feedback_events``, ``transfers`` and ``open_events`` frames.

    Parameters
    ----------
    events : canonical events (``grading.model.schema.EVENT_SCHEMA``) holding the complete history of each
        complaint present; complaints without a ``registered`` event are dropped.
    categories : the categories table (time limits per level).
    default_limit_days : the limit at every level of a complaint whose category the table lacks and
        that brings no limit of its own: the store's scheme's ``default_limit_days``.
    keys : ``complaint_id`` → ``complaint_key`` (Int64) for every complaint in ``events``, as assigned
        by the store (:func:`grading.store.derived_rows.assign_keys`); when None, keys number the complaints in
        ``complaint_id`` order from 1 (for tests and one-off use).

    Returns
    -------
    dict of frames: ``complaints`` (one row per complaint, ``COMPLAINT_SCHEMA``), ``stints`` (one row
    per stay at a level, ``STINT_SCHEMA``), ``feedback_events`` (one row per feedback or reopen event;
    ``kind`` is the feedback outcome or ``reopened``), ``transfers`` (one row per transfer),
    ``open_events`` (the events of every complaint not closed, ``EVENT_SCHEMA`` and ``complaint_key``: what a
    load reads a complaint's history from while the complaint is open).
    ``complainant_month_count`` counts the complainant's complaints registered in the same calendar
    month *within this input*; :func:`grading.store.database` refreshes it across the whole store after a load.
    """
    if keys is None:
        ids = events["complaint_id"].unique().sort()
        keys = pl.DataFrame({"complaint_id": ids, "complaint_key": pl.int_range(1, ids.len() + 1, eager=True)})
    ev = (
        events.join(keys.select("complaint_id", pl.col("complaint_key").cast(pl.Int64)), on="complaint_id", how="left")
        .sort("complaint_key", "event_time", "event")
        .with_row_index("idx")
        .with_columns(ev=pl.col("event"), lv=level_number_of("level", events.schema["level"]))
    )
    is_start = pl.col("ev").is_in(STINT_START)
    is_end = pl.col("ev").is_in(STINT_END)
    is_action = pl.col("ev").is_in(STINT_ACTION)
    ev = ev.with_columns(
        end_idx=_next_in_group(is_end, pl.col("idx")),
        ended_at=_next_in_group(is_end, pl.col("event_time")),
        action_idx=_next_in_group(is_action, pl.col("idx")),
        action_at=_next_in_group(is_action, pl.col("event_time")),
    )

    limits = limits_long(categories)
    registered = ev.filter(pl.col("ev") == "registered").unique("complaint_key", keep="first")
    category_of = registered.select("complaint_key", "category", pl.col("limit_days").alias("own_limit"))

    limit_ns = limit_duration(pl.col("limit_days"))
    stints = (
        ev.filter(is_start)
        .drop("limit_days")  # the per-complaint limit comes with the registration (own_limit)
        .join(category_of, on="complaint_key", how="inner", suffix="_reg")
        .join(
            limits,
            left_on=["category_reg", "lv"],
            right_on=["category", "level"],
            how="left",
        )
        .select(
            "complaint_key",
            pl.col("event_time").alias("started_at"),
            "ended_at",
            pl.col("lv").alias("level"),
            pl.coalesce("own_limit", "limit_days", pl.lit(default_limit_days)).cast(pl.Float64).alias("limit_days"),
            # The first action counts only inside the stint (at or before the event that ends it).
            pl.when(pl.col("end_idx").is_null() | (pl.col("action_idx") <= pl.col("end_idx")))
            .then(pl.col("action_at"))
            .alias("first_action_at"),
        )
        .with_columns(
            breach_at=pl.when(
                pl.col("ended_at").is_null() | ((pl.col("ended_at") - pl.col("started_at")) > limit_ns)
            ).then(pl.col("started_at") + limit_ns),
            nonattended_at=pl.when(
                pl.col("first_action_at").is_null() | ((pl.col("first_action_at") - pl.col("started_at")) > limit_ns)
            ).then(pl.col("started_at") + limit_ns),
        )
        .select(STINT_SCHEMA.names())
        .cast(STINT_SCHEMA)
    )

    per_stint = stints.group_by("complaint_key").agg(
        first_breach_at=pl.col("breach_at").min(),
        reached_l2_at=pl.col("started_at").filter(pl.col("level") >= 2).min(),
        reached_l3_at=pl.col("started_at").filter(pl.col("level") >= 3).min(),
        reached_l4_at=pl.col("started_at").filter(pl.col("level") >= 4).min(),
        current_level=pl.col("level").sort_by("started_at").last(),
    )
    per_event = ev.group_by("complaint_key").agg(
        closed_at=pl.col("event_time").filter(pl.col("ev") == "closed").first(),
        close_outcome=pl.col("outcome").filter(pl.col("ev") == "closed").first().cast(pl.String),
        first_feedback_at=pl.col("event_time").filter(pl.col("ev") == "feedback").min(),
        has_transfer=(pl.col("ev") == "transferred").any(),
        last_event_at=pl.col("event_time").max(),
    )
    complaints = (
        registered.select(
            "complaint_key",
            "complaint_id",
            pl.col("event_time").alias("registered_at"),
            "department",
            "district",
            "category",
            "complainant",
            pl.col("channel").cast(pl.String),
        )
        .join(per_event, on="complaint_key", how="left")
        .join(per_stint, on="complaint_key", how="left")
        .with_columns(
            complainant_month_count=pl.len()
            .over("complainant", pl.col("registered_at").dt.truncate("1mo"))
            .cast(pl.Int32)
        )
        .select(COMPLAINT_SCHEMA.names())
        .cast(COMPLAINT_SCHEMA)
        .sort("complaint_key")
    )
    feedback = (
        ev.filter(pl.col("ev").is_in(("feedback", "reopened")))
        .select(
            "complaint_key",
            "event_time",
            kind=pl.when(pl.col("ev") == "feedback")
            .then(pl.col("outcome").cast(pl.String))
            .otherwise(pl.lit("reopened")),
        )
        .cast(FEEDBACK_SCHEMA)
    )
    transfers = (
        ev.filter(pl.col("ev") == "transferred")
        .select("complaint_key", "event_time", "department")
        .cast(TRANSFER_SCHEMA)
    )
    known = complaints.select("complaint_key")
    backlog = ev.join(still_open(complaints), on="complaint_key", how="semi")
    return {
        "complaints": complaints,
        "stints": stints.join(known, on="complaint_key", how="semi"),
        "feedback_events": feedback.join(known, on="complaint_key", how="semi"),
        "transfers": transfers.join(known, on="complaint_key", how="semi"),
        "open_events": backlog.select(*EVENT_COLUMNS, "complaint_key"),
    }
