"""A newer snapshot of requests already stored: its changes become events, never silently dropped.

A per-request export (:mod:`grading.intake.mapping`) says where each request stands *now*. Loading a newer
export of the same requests turns what changed into the event log's own terms (pure Polars):

- **agency changed** → a ``transferred`` event to the new department. Its time is the request's
  closing time when the snapshot closes it (a transfer sorts before a closure at the same instant),
  else the latest time the snapshot file shows (the nearest thing to its export time);
- **closing time changed** → a **correction**: the stored ``closed`` event is replaced by the new one,
  whose ``note`` keeps the old value (``closing time corrected; was 2024-08-02 09:00:00``).

Everything else (the registration, an unchanged closure) is a repeat and is not stored twice.
"""

from __future__ import annotations

import polars as pl

from grading.model.schema import EVENT_SCHEMA

_KEY = ["complaint_id", "event_time", "event"]


def changes(new: pl.DataFrame, stored: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return ``(events to add, stored closed events to replace)`` for a snapshot's rows.

    ``new``: the snapshot's events (``EVENT_SCHEMA`` plus ``row_number``), repeats included;
    ``stored``: the stored events of the same requests. The first frame has ``new``'s schema (with
    transfers added and corrected closures annotated); the second holds the stored ``closed`` events
    (``complaint_id``, ``event_time``, ``event``) that the corrections replace.
    """
    if stored.is_empty() or new.is_empty():
        return new, stored.select(_KEY).clear()
    ev = pl.col("event").cast(pl.String)
    stored_reg = stored.filter(ev.is_in(("registered", "transferred"))).sort("event_time")
    department_now = stored_reg.group_by("complaint_id").agg(pl.col("department").drop_nulls().last().alias("was"))
    stored_closed = stored.filter(ev == "closed").select("complaint_id", pl.col("event_time").alias("closed_was"))
    new_reg = new.filter(ev == "registered")
    new_closed = new.filter(ev == "closed").select("complaint_id", pl.col("event_time").alias("closed_now"))
    horizon = new["event_time"].max()
    moved = (
        new_reg.join(department_now, on="complaint_id", how="inner")
        .filter(pl.col("department") != pl.col("was"))
        .join(new_closed, on="complaint_id", how="left")
        .join(stored_closed, on="complaint_id", how="left")
        .select(
            "row_number",
            "complaint_id",
            event_time=pl.coalesce("closed_now", "closed_was", pl.lit(horizon)),
            event=pl.lit("transferred").cast(EVENT_SCHEMA["event"]),
            department=pl.col("department"),
            note=pl.format("agency changed in a newer export; was {}", "was"),
        )
    )
    corrected = new_closed.join(stored_closed, on="complaint_id", how="inner").filter(
        pl.col("closed_now") != pl.col("closed_was")
    )
    kept = (
        new.join(corrected.select("complaint_id", "closed_was"), on="complaint_id", how="left")
        .with_columns(
            note=pl.when((pl.col("event").cast(pl.String) == "closed") & pl.col("closed_was").is_not_null())
            .then(pl.format("closing time corrected; was {}", pl.col("closed_was").dt.strftime("%Y-%m-%d %H:%M:%S")))
            .otherwise(pl.col("note"))
        )
        .drop("closed_was")
    )
    # A corrected closure's feedback event moves with it: the stored one is kept, the new one dropped.
    is_moved_feedback = (ev == "feedback") & pl.col("complaint_id").is_in(corrected["complaint_id"].implode())
    kept = kept.filter(~is_moved_feedback)
    added = pl.concat([kept, moved], how="diagonal_relaxed").select(new.columns).cast(new.schema)
    replaced = corrected.select(
        "complaint_id", pl.col("closed_was").alias("event_time"), event=pl.lit("closed").cast(EVENT_SCHEMA["event"])
    )
    return added.sort(*_KEY), replaced
