"""Monthly metrics per entity (``docs/reference.md`` section 3): pure Polars, frames in and out.

Grain: one row per (entity_type, department, district, month), where ``entity_type`` is
``department`` (district null), ``district`` (department null) or ``department_district``.
Units: counts are complaints (or events, where the name says so); percentages are 0-100; days are
calendar days as decimals. A percentage whose denominator is zero is null, except
``long_pending_disposal_pct`` (100 when nothing is long pending: a reading of MP's 50-day component).

Nivaran's readings where the helplines' rules leave room (also on the methodology page):

- **Cut-off.** Month m is computed as of C, the last microsecond of m (Asia/Kolkata). Nothing after C
  is seen, so a month's figures never change once it is over.
- **Entity.** A complaint belongs to the department set at registration or by its latest ``transferred``
  event at or before C, and to the district of registration. Feedback, reopen and stint counts follow
  their complaint.
- **Habitual complainants.** A complaint whose complainant registered more than
  ``habitual_threshold`` complaints (statewide) in the complaint's registration month is left out of
  the grading entirely (every metric), as MP leaves them "out of the grading"; those registered in m
  are counted in ``excluded_habitual``.
- **Ages** in the pending buckets and the 50-day rule are *completed* days (``floor``): a complaint is
  "over 50 days" from its 51st day, so ``pending_51_100 + pending_over_100 == pending_over_50``.
- **Resolution days** are exact (``closed_at - registered_at`` in days); ``resolution_days_p90`` uses
  linear interpolation between order statistics.
- Extra metrics beside the helplines' own: the counts behind each percentage, ``closed_satisfied_in_month``
  (so that satisfied + force + special + other = closed), ``on_time_closure_pct`` and
  ``overdue_pending_pct`` (used by the CPGRAMS scheme).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

import polars as pl

from grading.rules import asof

ENTITY_TYPES: Final = ("department", "district", "department_district")
ENTITY_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "department": ("department",),
    "district": ("district",),
    "department_district": ("department", "district"),
}


@dataclass(frozen=True)
class MetricSettings:
    """Settings that change metric values (they come from the grading scheme)."""

    habitual_threshold: int = 10
    long_pending_days: int = 50


def _pct(num: str, den: str) -> pl.Expr:
    """``num / den * 100``, null when the denominator is zero."""
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den) * 100.0)


def _flag_columns(start: pl.Expr, cutoff: pl.Expr, settings: MetricSettings) -> dict[str, pl.Expr]:
    """The 0/1 flags (and ages) of a complaint in the month that starts at ``start`` and is judged as of
    ``cutoff``: one instant for every row (one month) or a column (each row its own month)."""
    received = pl.col("registered_at") >= start
    closed_by_c = asof.is_closed_by(cutoff)
    closed_in_m = closed_by_c & (pl.col("closed_at") >= start)
    is_open = asof.is_open_at(cutoff)
    breached = asof.has_breached_by(cutoff)
    outcome = pl.col("close_outcome")
    age_days = asof.age_days(cutoff)
    closure_age = asof.days(pl.col("closed_at") - pl.col("registered_at"))
    over = settings.long_pending_days

    def reached(col: str) -> pl.Expr:
        return received & asof.reached_by(col, cutoff)

    return {
        "received": received,
        "closed_satisfied": received & closed_by_c & (outcome == "satisfied"),
        "closed": closed_in_m,
        "closed_satisfied_in_month": closed_in_m & (outcome == "satisfied"),
        "closed_force": closed_in_m & (outcome == "force"),
        "closed_special": closed_in_m & (outcome == "special"),
        "closed_other": closed_in_m & outcome.is_in(("resolved", "withdrawn", "duplicate")),
        "callback_closed": closed_in_m & (pl.col("first_feedback_at") <= cutoff).fill_null(False),
        "on_time": closed_in_m & ~breached,
        "late": closed_in_m & breached,
        "open_overdue": is_open & breached,
        "pending": is_open,
        "age_days": pl.when(is_open).then(age_days),
        "resolution_days": pl.when(closed_in_m).then(closure_age),
        "long_pending_closed": closed_in_m & (outcome == "satisfied") & (closure_age.floor() > over),
        "long_pending_open": is_open & (age_days > over),
        "reached_l2": reached("reached_l2_at"),
        "reached_l3": reached("reached_l3_at"),
        "reached_l4": reached("reached_l4_at"),
    }


def _seen(start: asof.Instant, cutoff: asof.Instant) -> pl.Expr:
    """The complaints a month sees: registered by its cut-off and still alive in it (registered in it,
    closed in it, open at its cut-off, or with any event in it: a call-back after a closure)."""
    return asof.is_registered_by(cutoff) & (
        pl.col("closed_at").is_null() | (pl.col("closed_at") >= start) | (pl.col("last_event_at") >= start)
    )


def complaint_flags(
    inputs: dict[str, pl.DataFrame], month: date, settings: MetricSettings, until: datetime | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per-complaint flags as of the month's cut-off (or ``until``, the data's horizon, when earlier:
    :func:`grading.rules.asof.judged_at`).

    Returns ``(flags, habitual)``: ``flags`` has one row per graded complaint relevant to the month
    (registered in it, closed in it, or open at its cut-off) with its entity and 0/1 flags;
    ``habitual`` has one row per complaint registered in the month that the habitual rule leaves out.
    """
    start, cutoff = asof.month_window(month)[0], asof.judged_at(month, until)
    c = asof.department_at(inputs["complaints"].filter(_seen(start, cutoff)), inputs["transfers"], cutoff)

    is_habitual = pl.col("complainant_month_count") > settings.habitual_threshold
    habitual = c.filter(is_habitual & (pl.col("registered_at") >= start)).select(
        "complaint_key", "department", "district"
    )
    flags = c.filter(~is_habitual).select(
        "complaint_key", "department", "district", **_flag_columns(pl.lit(start), pl.lit(cutoff), settings)
    )
    return flags, habitual


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


def _cell_counts(
    flags: pl.DataFrame,
    habitual: pl.DataFrame,
    events: pl.DataFrame,
    stints: pl.DataFrame,
) -> pl.DataFrame:
    """Additive counts at the finest grain, one row per (department, district)."""
    keys = ["department", "district"]
    buckets = [asof.in_bucket(pl.col("age_days"), lo, hi).sum().alias(name) for name, _, lo, hi in asof.PENDING_BUCKETS]
    from_flags = flags.group_by(keys).agg(*[pl.col(f).sum().cast(pl.Int64) for f in COUNT_FLAGS], *buckets)
    from_habitual = habitual.group_by(keys).agg(excluded_habitual=pl.len())
    from_events = events.group_by(keys).agg(
        feedback_satisfied=(pl.col("kind") == "satisfied").sum(),
        feedback_dissatisfied=(pl.col("kind") == "dissatisfied").sum(),
        feedback_unreachable=(pl.col("kind") == "unreachable").sum(),
        reopened=(pl.col("kind") == "reopened").sum(),
    )
    from_stints = stints.group_by(keys).agg(
        stints_started=pl.len(), stints_non_attended=pl.col("is_non_attended").sum()
    )
    out = from_flags
    for other in (from_habitual, from_events, from_stints):
        out = out.join(other, on=keys, how="full", coalesce=True)
    return out.with_columns(pl.exclude(keys).fill_null(0).cast(pl.Int64))


def percentages(counts: pl.DataFrame) -> pl.DataFrame:
    """Add (or recompute) every percentage from the counts (the formulas of ``docs/reference.md`` section 3)."""
    return (
        counts.with_columns(
            pending_over_50=pl.col("pending_51_100") + pl.col("pending_over_100"),
            feedback_rated=pl.col("feedback_satisfied") + pl.col("feedback_dissatisfied"),
            sla_base=pl.col("on_time") + pl.col("late") + pl.col("open_overdue"),
            long_pending_base=pl.col("long_pending_closed") + pl.col("long_pending_open"),
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


def totals(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Roll metric rows up to ``by`` (e.g. ``["month"]`` for statewide): counts add, percentages are
    recomputed from the added counts; the resolution-day statistics do not add and are left out.

    Give rows of one entity type only (department rows partition every graded complaint once).
    """
    counts = [c for c in COUNT_FLAGS if c in frame.columns] + [
        c
        for c in frame.columns
        if c.startswith("pending_") or c in ("excluded_habitual", "stints_started", "stints_non_attended")
    ]
    counts += ["feedback_satisfied", "feedback_dissatisfied", "feedback_unreachable", "reopened"]
    counts = list(dict.fromkeys(c for c in counts if c in frame.columns and c != "pending_over_50"))
    summed = frame.group_by(by).agg(pl.col(counts).sum())
    return percentages(summed).sort(by)


def month_metrics(
    inputs: dict[str, pl.DataFrame], month: date, settings: MetricSettings | None = None, until: datetime | None = None
) -> pl.DataFrame:
    """Every metric of ``docs/reference.md`` section 3 for one month, for all three entity types.

    Parameters
    ----------
    inputs : frames from :func:`grading.store.database.read_month_inputs` for this month (or any superset:
        rows outside the month's window are filtered here too).
    month : the first day of the calendar month.
    settings : the habitual threshold and long-pending days (default 10 and 50).
    until : the store's data horizon (:func:`grading.store.database.data_until`): a month that reaches past it
        is judged as of it instead of its cut-off (None: the cut-off).

    Returns
    -------
    One row per (entity_type, department, district) with ``month`` and every column of
    :data:`grading.model.registry.METRICS`, in that order. Entities with no activity in the month are absent.

    This is the definition, month by month; :func:`months_metrics` computes many months in one pass
    and gives the same rows (``tests/test_refresh_months.py``).
    """
    settings = settings or MetricSettings()
    start, cutoff = asof.month_window(month)[0], asof.judged_at(month, until)
    flags, habitual = complaint_flags(inputs, month, settings, until)
    entity = flags.select("complaint_key", "department", "district")
    events = (
        inputs["feedback_events"]
        .filter(pl.col("event_time").is_between(start, cutoff))
        .join(entity, on="complaint_key", how="inner")
    )
    stints = (
        inputs["stints"]
        .filter(pl.col("started_at").is_between(start, cutoff))
        .join(entity, on="complaint_key", how="inner")
        .with_columns(is_non_attended=pl.col("nonattended_at").is_not_null() & (pl.col("nonattended_at") < cutoff))
    )
    in_month = pl.lit(month).alias("month")
    cells = _cell_counts(flags, habitual, events, stints).with_columns(in_month)
    resolved = flags.filter(pl.col("resolution_days").is_not_null()).with_columns(in_month)
    return _entity_rows(cells, resolved)


def months_metrics(
    inputs: dict[str, pl.DataFrame],
    months: Sequence[date],
    settings: MetricSettings | None = None,
    until: datetime | None = None,
) -> pl.DataFrame:
    """:func:`month_metrics` for each of ``months`` (first days, any order, gaps allowed), computed in one
    pass: the rows of every month, oldest first.

    Each complaint of ``inputs`` becomes one row per month it may be alive in (from the month of its
    registration to the month of its closure or last event; still open: every later month), each row
    carrying its month's start and the instant the month is judged as of; the rules of
    :func:`complaint_flags` then apply row by row, so a month's rows never depend on the others asked
    for. The cost is that of the complaint-months, not of the number of months: a long history of a
    small helpline costs about its data (:func:`month_passes` bounds the rows of one pass).
    """
    settings = settings or MetricSettings()
    if len(set(months)) == 1:  # one month: the definition itself (the same rows, at its own cost)
        return month_metrics(inputs, months[0], settings, until)
    calendar = _calendar(months, until)
    c = _complaint_months(inputs["complaints"], calendar).filter(_seen(pl.col("_start"), pl.col("_cutoff")))
    c = asof.departments_at(c, inputs["transfers"], "_cutoff")

    keys = ["month", "department", "district"]
    is_habitual = pl.col("complainant_month_count") > settings.habitual_threshold
    habitual = (
        c.filter(is_habitual & (pl.col("registered_at") >= pl.col("_start")))
        .group_by(keys)
        .agg(excluded_habitual=pl.len())
    )
    flags = c.filter(~is_habitual).select("_cm", *keys, **_flag_columns(pl.col("_start"), pl.col("_cutoff"), settings))
    # Call-backs and stints in the month, counted per complaint-month; those of a complaint-month
    # not graded (not alive, habitual) are left out, as :func:`month_metrics` joins them to its flags.
    events = (
        _complaint_month_rows(inputs["feedback_events"], "event_time", calendar)
        .group_by("_cm")
        .agg(
            feedback_satisfied=(pl.col("kind") == "satisfied").sum(),
            feedback_dissatisfied=(pl.col("kind") == "dissatisfied").sum(),
            feedback_unreachable=(pl.col("kind") == "unreachable").sum(),
            reopened=(pl.col("kind") == "reopened").sum(),
        )
    )
    stints = (
        _complaint_month_rows(inputs["stints"], "started_at", calendar)
        .group_by("_cm")
        .agg(
            stints_started=pl.len(),
            stints_non_attended=(
                pl.col("nonattended_at").is_not_null() & (pl.col("nonattended_at") < pl.col("_cutoff"))
            ).sum(),
        )
    )
    counted = flags.join(events, on="_cm", how="left").join(stints, on="_cm", how="left")
    extra = [name for name in (*events.columns, *stints.columns) if name != "_cm"]
    buckets = [asof.in_bucket(pl.col("age_days"), lo, hi).sum().alias(name) for name, _, lo, hi in asof.PENDING_BUCKETS]
    cells = (
        counted.group_by(keys)
        .agg(*[pl.col(f).sum() for f in (*COUNT_FLAGS, *extra)], *buckets)
        .join(habitual, on=keys, how="full", coalesce=True)
    )
    cells = cells.with_columns(pl.exclude(keys).fill_null(0).cast(pl.Int64))
    return _entity_rows(cells, flags.filter(pl.col("resolution_days").is_not_null()))


def month_passes(complaints: pl.DataFrame, months: Sequence[date], max_rows: int) -> list[list[date]]:
    """``months`` (sorted) cut into runs for :func:`months_metrics`, each of at most ``max_rows``
    complaint-months (a complaint of ``complaints`` and a month it may be alive in; a month above it is
    a run of its own): memory is bounded by ``max_rows``, whatever the length of the history."""
    calendar = _calendar(months, None)
    spans = complaints.select(_alive_span(calendar)).filter(pl.col("_lo") <= pl.col("_hi"))
    # complaints alive in the i-th month: +1 at lo, -1 after hi, summed from the first month
    steps = pl.concat([spans.select(at="_lo", step=pl.lit(1)), spans.select(at=pl.col("_hi") + 1, step=pl.lit(-1))])
    alive = (
        calendar.with_row_index("at")
        .join(steps.group_by("at").agg(pl.col("step").sum()), on="at", how="left", coalesce=True)
        .select("month", "_asked", alive=pl.col("step").fill_null(0).cum_sum())
        .filter("_asked")
    )
    runs: list[list[date]] = []
    total = 0
    for month, _, count in alive.iter_rows():
        if runs and total + count <= max_rows:
            runs[-1].append(month)
            total += count
        else:
            runs.append([month])
            total = count
    return runs


def _calendar(months: Sequence[date], until: datetime | None) -> pl.DataFrame:
    """One row per calendar month from the first of ``months`` to the last (row ``i`` is the ``i``-th
    month): ``month``, ``_asked`` (one of ``months``), ``_start`` and ``_cutoff`` (the instant the month is
    judged as of, :func:`grading.rules.asof.judged_at`). No month asked: one month, not asked."""
    asked = set(months)
    every = asof.calendar_months(min(asked), max(asked)) if asked else [date(2000, 1, 1)]
    return pl.DataFrame(
        {
            "month": every,
            "_asked": [m in asked for m in every],
            "_start": [asof.month_window(m)[0] for m in every],
            "_cutoff": [asof.judged_at(m, until) for m in every],
        },
        schema={"month": pl.Date, "_asked": pl.Boolean, "_start": pl.Datetime("us"), "_cutoff": pl.Datetime("us")},
    )


def _at(when: pl.Expr, calendar: pl.DataFrame) -> pl.Expr:
    """The row of ``calendar`` whose month ``when`` falls in (``Int32``): -1 before the first month, the
    number of months after the last."""
    last = asof.month_window(calendar["month"][-1])[1]
    bounds = pl.concat([calendar["_start"], pl.Series([last], dtype=pl.Datetime("us"))])
    return pl.lit(bounds).search_sorted(when, side="right").cast(pl.Int32) - 1


def _alive_span(calendar: pl.DataFrame) -> list[pl.Expr]:
    """``_lo`` and ``_hi``: the first and last month of ``calendar`` (its rows) a complaint may be alive
    in: from its registration month to the month of its closure or last event, the last month while
    open. A superset of the months :func:`complaint_flags` sees it in (registered by the cut-off, not
    closed before the month's start or with an event in it)."""
    end = _at(pl.max_horizontal("closed_at", "last_event_at"), calendar)
    last = pl.lit(calendar.height - 1, pl.Int32)
    return [
        pl.max_horizontal(_at(pl.col("registered_at"), calendar), pl.lit(0, pl.Int32)).alias("_lo"),
        pl.when(pl.col("closed_at").is_null()).then(last).otherwise(pl.min_horizontal(end, last)).alias("_hi"),
    ]


def _complaint_months(complaints: pl.DataFrame, calendar: pl.DataFrame) -> pl.DataFrame:
    """One row per complaint and asked month of ``calendar`` it may be alive in (:func:`_alive_span`),
    complaints in their order, months ascending: the complaint's columns, the month's (``month``,
    ``_start``, ``_cutoff``) and ``_cm``, a number for the complaint-month (:func:`_complaint_month_rows`)."""
    complaints = complaints.filter(_seen(_earliest(calendar), _latest(calendar)))  # seen by some month
    spans = (
        complaints.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), *_alive_span(calendar))
        .filter(pl.col("_lo") <= pl.col("_hi"))
        .select("_row", _at=pl.int_ranges("_lo", pl.col("_hi") + 1, dtype=pl.UInt32))
        .explode("_at")
    )
    months = calendar.select(pl.all().gather(spans["_at"])).with_columns(spans["_at"])
    rows = pl.concat([complaints.select(pl.all().gather(spans["_row"])), months], how="horizontal")
    return rows.filter("_asked").select(pl.exclude("_asked", "_at"), _cm=_complaint_month(calendar.height))


def _complaint_month_rows(rows: pl.DataFrame, column: str, calendar: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (of complaints: ``complaint_key``) whose ``column`` falls in an asked month of ``calendar``
    between its start and the instant it is judged as of (both included), with the month's ``_cutoff``
    and the complaint-month's ``_cm``."""
    inside = rows.filter(pl.col(column).is_between(_earliest(calendar), _latest(calendar)))
    at = inside.select(_at=_at(pl.col(column), calendar).cast(pl.UInt32)).to_series()
    months = calendar.select(pl.all().gather(at)).with_columns(at)
    return (
        pl.concat([inside, months], how="horizontal")
        .filter(pl.col("_asked") & pl.col(column).is_between(pl.col("_start"), pl.col("_cutoff")))
        .with_columns(_cm=_complaint_month(calendar.height))
    )


def _earliest(calendar: pl.DataFrame) -> datetime:
    """The start of the first month of ``calendar``."""
    return calendar["_start"].min()  # type: ignore[return-value]


def _latest(calendar: pl.DataFrame) -> datetime:
    """The latest instant a month of ``calendar`` is judged as of."""
    return calendar["_cutoff"].max()  # type: ignore[return-value]


def _complaint_month(months: int) -> pl.Expr:
    """A number for a complaint (``complaint_key``) and a month (``_at``, its row in a calendar of ``months``
    months): the key of a complaint-month."""
    return pl.col("complaint_key") * months + pl.col("_at").cast(pl.Int64)


def _entity_rows(cells: pl.DataFrame, resolved: pl.DataFrame) -> pl.DataFrame:
    """The rows of the three entity types from the finest cells (counts per month, department and
    district) and the resolved complaints (their ``resolution_days``): counts add up, percentages and day statistics are
    computed per entity and month. Sorted by month, entity type, department, district (nulls first)."""
    from grading.model.registry import METRICS

    frames = []
    for entity_type, keys in ENTITY_KEYS.items():
        group = ["month", *keys]
        counts = cells.group_by(group).agg(pl.exclude("month", "department", "district").sum())
        days = resolved.group_by(group).agg(
            resolution_days_median=pl.col("resolution_days").median(),
            resolution_days_mean=pl.col("resolution_days").mean(),
            resolution_days_p90=pl.col("resolution_days").quantile(0.9, interpolation="linear"),
        )
        frame = percentages(counts).join(days, on=group, how="left")
        for missing in {"department", "district"} - set(keys):
            frame = frame.with_columns(pl.lit(None, pl.String).alias(missing))
        frames.append(frame.with_columns(entity_type=pl.lit(entity_type)))
    out = pl.concat(frames, how="diagonal_relaxed")
    return out.select("entity_type", "department", "district", "month", *METRICS).sort(
        "month", "entity_type", "department", "district", nulls_last=False
    )
