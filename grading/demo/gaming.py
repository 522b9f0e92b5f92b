"""The demo's gaming department: what the integrity flags (:mod:`grading.scoring.flags`) should catch.

In the last :data:`GAMING_DAYS` days before the demo's final cut-off, :data:`GAMING_DEPARTMENT`
bulk-closes :data:`GAMING_SHARE` % of its complaints still open, half force-closed and half closed as
resolved, none called back: a closure spike before the cut-off, force closures far above its own
history and closures without call-back. Grain: one row per event, :data:`grading.model.schema.EVENT_SCHEMA`.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from grading.demo.setup import DAY
from grading.model.schema import EVENT_SCHEMA, EventEnum, OutcomeEnum, check_frame

GAMING_DEPARTMENT: Final = "REVENUE"
GAMING_DAYS: Final = 3
GAMING_SHARE: Final = 70  # % of its open complaints it bulk-closes


def plant_gaming(events: pl.DataFrame, cutoff: int, seed: int) -> pl.DataFrame:
    """Close :data:`GAMING_SHARE` % of :data:`GAMING_DEPARTMENT`'s complaints still open
    :data:`GAMING_DAYS` days before the cut-off at a time in those days, without any call-back: the
    complaint's later events are dropped and a ``closed`` event (``force`` or ``resolved``) ends it."""
    end = pl.lit(cutoff).cast(pl.Datetime("us"))
    window = GAMING_DAYS * DAY
    start = end - pl.duration(microseconds=window)
    draw = pl.col("complaint_id").hash(seed)
    per = events.group_by("complaint_id").agg(
        department=pl.col("department").drop_nulls().last(),
        registered_at=pl.col("event_time").first(),
        closed_at=pl.col("event_time").filter(pl.col("event") == "closed").first(),
    )
    gamed = per.filter(
        (pl.col("department") == GAMING_DEPARTMENT) & (pl.col("registered_at") < start) & (draw % 100 < GAMING_SHARE)
    ).select(
        "complaint_id",
        "closed_at",
        close_at=start + pl.duration(microseconds=(draw // 100) % window),
        outcome=pl.when(draw // 7 % 2 == 0).then(pl.lit("force")).otherwise(pl.lit("resolved")).cast(OutcomeEnum),
    )
    gamed = gamed.filter(pl.col("closed_at").is_null() | (pl.col("closed_at") >= pl.col("close_at")))
    if gamed.is_empty():
        return events
    kept = (
        events.join(gamed.select("complaint_id", "close_at"), on="complaint_id", how="left")
        .filter(pl.col("close_at").is_null() | (pl.col("event_time") < pl.col("close_at")))
        .drop("close_at")
    )
    closing = gamed.select(
        "complaint_id",
        pl.col("close_at").alias("event_time"),
        pl.lit("closed").cast(EventEnum).alias("event"),
        "outcome",
    )
    return check_frame(
        pl.concat([kept, closing], how="diagonal")
        .select(EVENT_SCHEMA.names())
        .sort("complaint_id", "event_time", "event"),
        EVENT_SCHEMA,
        "demo events",
    )
