"""What the monthly metrics count, and the percentages made of those counts (``docs/reference.md``
section 3): the counts of a cell (a month, a department and a district) add up to any entity and to the
state, and every percentage is computed again from added counts (:func:`percentages`, :func:`totals`),
never averaged."""

from __future__ import annotations

from typing import Final, TypeVar

import narwhals as nw
import polars as pl

from grading.rules import asof

ENTITY_TYPES: Final = ("department", "district", "department_district")


ENTITY_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "department": ("department",),
    "district": ("district",),
    "department_district": ("department", "district"),
}


def _pct(num: str, den: str) -> nw.Expr:
    """``num / den * 100``, null when the denominator is zero."""
    return nw.when(nw.col(den) > 0).then(nw.col(num) / nw.col(den) * 100.0)


COUNT_FLAGS: Final = (
    "received",
    "closed_satisfied",
    "closed",
    "closed_satisfied_in_month",
    "closed_force",
    "closed_special",
    "closed_other",
    "callback_closed",
    "on_time",
    "late",
    "open_overdue",
    "pending",
    "long_pending_closed",
    "long_pending_open",
    "reached_l2",
    "reached_l3",
    "reached_l4",
)


EVENT_COUNTS: Final = ("feedback_satisfied", "feedback_dissatisfied", "feedback_unreachable", "reopened")


STINT_COUNTS: Final = ("stints_started", "stints_non_attended")


#: Every additive count of a cell (month, department, district), in the order of the result.
CELL_COUNTS: Final = (
    *COUNT_FLAGS,
    *(name for name, _, _, _ in asof.PENDING_BUCKETS),
    "excluded_habitual",
    *EVENT_COUNTS,
    *STINT_COUNTS,
)


FrameT = TypeVar("FrameT")


def percentages(counts: FrameT) -> FrameT:
    """Add (or recompute) every percentage from the counts (the formulas of ``docs/reference.md`` section 3).

    ``counts`` is any frame narwhals takes (a Polars frame, a DuckDB relation, a Spark DataFrame, or a
    narwhals frame); the result is of the same kind."""
    frame = nw.from_native(counts)  # type: ignore[call-overload]
    out = (
        frame.with_columns(
            pending_over_50=nw.col("pending_51_100") + nw.col("pending_over_100"),
            feedback_rated=nw.col("feedback_satisfied") + nw.col("feedback_dissatisfied"),
            sla_base=nw.col("on_time") + nw.col("late") + nw.col("open_overdue"),
            long_pending_base=nw.col("long_pending_closed") + nw.col("long_pending_open"),
        )
        .with_columns(
            satisfied_closure_pct=_pct("closed_satisfied", "received"),
            force_close_pct=_pct("closed_force", "closed"),
            satisfaction_pct=_pct("feedback_satisfied", "feedback_rated"),
            callback_coverage_pct=_pct("callback_closed", "closed"),
            reopen_pct=_pct("reopened", "feedback_rated"),
            sla_compliance_pct=_pct("on_time", "sla_base"),
            on_time_closure_pct=_pct("on_time", "closed"),
            overdue_pending_pct=_pct("open_overdue", "pending"),
            non_attended_pct=_pct("stints_non_attended", "stints_started"),
            long_pending_disposal_pct=_pct("long_pending_closed", "long_pending_base").fill_null(100.0),
            reached_l2_pct=_pct("reached_l2", "received"),
            reached_l3_pct=_pct("reached_l3", "received"),
            reached_l4_pct=_pct("reached_l4", "received"),
        )
        .drop("sla_base", "long_pending_base")
    )
    return out if isinstance(counts, nw.DataFrame | nw.LazyFrame) else out.to_native()  # type: ignore[no-any-return]


def totals(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Roll metric rows up to ``by`` (e.g. ``["month"]`` for statewide): counts add, percentages are
    recomputed from the added counts; the resolution-day statistics do not add and are left out.

    Give rows of one entity type only (department rows partition every graded complaint once).
    """
    counts = [c for c in CELL_COUNTS if c in frame.columns]
    summed = frame.group_by(by).agg(pl.col(counts).sum())
    return percentages(summed).sort(by)


def total(column: str | nw.Expr) -> nw.Expr:
    """The sum of a count (a column) or of a 0/1 flag (an expression: added as bytes) as an ``Int64`` on
    every engine (DuckDB sums to a 128-bit integer)."""
    expr = nw.col(column) if isinstance(column, str) else column
    return expr.cast(nw.Int8 if isinstance(column, nw.Expr) else nw.Int64).sum().cast(nw.Int64)
