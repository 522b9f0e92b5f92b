"""The rules a complaint's history must follow, checked on every load (pure Polars).

:func:`lifecycle_problems` checks each new event against its complaint's whole history, stored
events included, and reports only the rows that break a rule, each with the rule named
(``PROBLEM_SCHEMA``): a fault stays with its own row. The rules in plain words are in
``docs/reference.md`` section 1.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from grading.model.problems import Rule, find
from grading.model.schema import level_number, level_number_of


def lifecycle_problems(new: pl.DataFrame, stored: pl.DataFrame, *, new_sorted: bool = False) -> pl.DataFrame:
    """Check each new event against its complaint's whole history (stored events plus new ones).

    ``new`` has ``EVENT_SCHEMA`` plus ``row_number``; ``stored`` has ``EVENT_SCHEMA`` (the stored events
    of the same complaints). Only new rows are reported (``PROBLEM_SCHEMA``). Rules, in lifecycle order
    (ties in time broken by :data:`grading.model.schema.EVENTS`):

    - a complaint has exactly one ``registered`` event and nothing comes before it;
    - ``closed`` is the last event: events after the first lawful closure are rejected, and so is a
      new ``closed`` with a stored event after it;
    - ``escalated`` moves exactly one level up from the level the complaint is at.

    Each rule names the row that breaks it and only that row: a ``closed`` dated before the
    registration is rejected as "before the complaint's registration" and the registration stays.

    ``new_sorted`` says that ``new`` is already sorted by complaint, time and event (as
    ``grading.intake.ingest`` hands it over), which saves sorting it again when nothing is stored.
    """
    if stored.is_empty() and new_sorted:
        history = new
    else:
        history = pl.concat([stored.with_columns(row_number=pl.lit(None, pl.Int64)), new], how="diagonal_relaxed").sort(
            "complaint_id", "event_time", "event"
        )
    # Sorted by complaint: each complaint is one run of rows, and every per-complaint running count is
    # a running count over the whole frame minus its value where the run starts (no group-by).
    history = history.with_columns(complaint=pl.col("complaint_id").rle_id())
    is_reg = pl.col("event") == "registered"
    is_close = pl.col("event") == "closed"
    is_stored = pl.col("row_number").is_null().cast(pl.Int32)
    starts_stint = pl.col("event").is_in(("registered", "escalated", "reopened"))
    level = level_number_of("level", history.schema["level"])
    # A closure counts as "the complaint was closed" only when it is itself lawful (after the
    # registration, nothing stored after it): a fault stays with its own row.
    lawful_close = (is_close & (pl.col("registrations_so_far") > 0) & (pl.col("stored_after") == 0)).cast(pl.Int32)
    checked = (
        _levels_before(history.with_columns(level_before=_previous_in_run(pl.when(starts_stint).then(level))))
        .with_columns(
            registrations_so_far=_count_in_run(is_reg),
            registrations=_count_in_run(is_reg, whole=True),
            stored_after=_count_in_run(is_stored, whole=True) - _count_in_run(is_stored),
        )
        .with_columns(closures_before=_count_in_run(lawful_close) - lawful_close)
        .filter(pl.col("row_number").is_not_null())
    )
    rules: list[Rule] = [
        ("complaint_id", "complaint_id", pl.col("registrations") == 0, "no 'registered' event for this complaint"),
        ("event", "event", is_reg & (pl.col("registrations_so_far") > 1), "the complaint is already registered"),
        (
            "event_time",
            "event_time",
            ~is_reg & (pl.col("registrations") > 0) & (pl.col("registrations_so_far") == 0),
            "before the complaint's registration",
        ),
        (
            "event",
            "event",
            pl.col("closures_before") > 0,
            "after the complaint was closed (closed must be the last event)",
        ),
        ("event", "event", is_close & (pl.col("stored_after") > 0), "a stored event comes after this closure"),
        (
            "level",
            "level",
            (pl.col("event") == "escalated") & (level != pl.col("level_before") + 1),
            "an escalation moves exactly one level up from the complaint's level",
        ),
    ]
    return find(checked, rules)


_RUN: Final = pl.col("complaint")
_RUN_STARTS: Final = (_RUN.shift(1) != _RUN).fill_null(True)
_RUN_ENDS: Final = (_RUN.shift(-1) != _RUN).fill_null(True)


def _count_in_run(flag: pl.Expr, *, whole: bool = False) -> pl.Expr:
    """How many rows of the complaint so far (this one included) have ``flag``; with ``whole``, how
    many of all its rows. On a frame sorted by ``complaint``; the same as ``cum_sum().over`` and
    ``sum().over``, without grouping."""
    running = flag.cast(pl.Int64).cum_sum()
    before_run = pl.when(_RUN_STARTS).then(running - flag.cast(pl.Int64)).forward_fill()
    upto = pl.when(_RUN_ENDS).then(running).backward_fill() if whole else running
    return upto - before_run


def _previous_in_run(value: pl.Expr) -> pl.Expr:
    """The last non-null ``value`` on an earlier row of the same complaint (null for none): the same as
    ``value.shift(1).forward_fill().over("complaint")`` on a frame sorted by ``complaint``."""
    shifted = pl.when(_RUN_STARTS).then(None).otherwise(value.shift(1))
    owner = pl.when(shifted.is_not_null()).then(_RUN).forward_fill()
    return pl.when(owner == _RUN).then(shifted.forward_fill())


#: Rounds of re-reading levels past rejected escalations (a chain of wrong escalations is rare).
_LEVEL_ROUNDS: Final = 5


def _levels_before(history: pl.DataFrame) -> pl.DataFrame:
    """Recompute ``level_before`` so that a rejected escalation does not move the complaint's level.

    ``history`` is sorted by complaint and time with a first ``level_before`` that counts every stint
    start. A wrong escalation (say L1 to L3) is rejected; the next escalation is then judged against
    the level the complaint really is at (L1), so a lawful L1 to L2 after it is kept. Only complaints
    with a wrong escalation are re-read, a few rounds at most.
    """
    level = level_number(pl.col("level"))
    escalated = pl.col("event") == "escalated"
    wrong = (escalated & (level != pl.col("level_before") + 1)).fill_null(False)
    suspects = history.filter(wrong)["complaint"].unique()
    if suspects.is_empty():
        return history
    part = history.filter(pl.col("complaint").is_in(suspects.implode())).with_columns(_wrong=wrong)
    starts = pl.col("event").is_in(("registered", "escalated", "reopened"))
    for _ in range(_LEVEL_ROUNDS):
        part = part.with_columns(
            level_before=pl.when(starts & ~pl.col("_wrong")).then(level).shift(1).forward_fill().over("complaint")
        )
        again = part.select(wrong)[:, 0]
        if again.equals(part["_wrong"]):
            break
        part = part.with_columns(_wrong=again)
    rest = history.filter(~pl.col("complaint").is_in(suspects.implode()))
    return pl.concat([rest, part.drop("_wrong")]).sort("complaint", maintain_order=True)
