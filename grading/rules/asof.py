"""As-of rules: what a complaint looked like at an instant, each rule written once (pure Polars).

The metrics (:mod:`grading.scoring.metrics`), the case lists (:func:`grading.store.case_reads.pending_cases`,
:mod:`grading.serve.views`) and the pages all read a complaint "as of" some instant t: the cut-off of a
month, or the latest event. Each rule lives here so that a month's pending count and the case list of
that month cannot disagree.

Months are calendar months of the store's wall-clock time (Asia/Kolkata unless ``nivaran init
--timezone`` chose another zone; times are kept without a zone, see :mod:`grading.rules.timeparse`),
written as the first day of the month (``date``). Ages are **completed** days (``floor``), durations
exact to the microsecond. The rules, in plain words, are in ``docs/reference.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from types import ModuleType
from typing import Final, overload

import narwhals as nw
import polars as pl

DAY_US: Final = 86_400_000_000
MICROSECOND: Final = timedelta(microseconds=1)

#: An instant the rules below read a complaint as of: one ``datetime`` for every row, or a ``Datetime``
#: column (each row its own instant, e.g. the cut-off of the row's month when many months are graded
#: in one frame).
Instant = datetime | pl.Expr
#: The same on an engine-neutral frame (narwhals, :mod:`grading.scoring.metrics`), where every instant is
#: an integer: microseconds since 1970-01-01 of the store's wall-clock time (:func:`micros`). The rules
#: "a complaint at an instant" below are written once and read either kind of instant.
Micros = int | nw.Expr


def micros(when: datetime) -> int:
    """A wall-clock instant as microseconds since 1970-01-01 (no zone: times are kept as read)."""
    return (when - datetime(1970, 1, 1)) // MICROSECOND


def month_number(month: date) -> int:
    """A calendar month as a number that grows by one a month (``year * 12 + month - 1``)."""
    return month.year * 12 + month.month - 1


def _ns(t: Instant | Micros) -> ModuleType:
    """Polars for a Polars instant, narwhals for an integer one."""
    return nw if isinstance(t, int | nw.Expr) else pl


#: Pending age buckets in completed days: (metric column, label, lowest age, highest age or None).
PENDING_BUCKETS: Final = (
    ("pending_0_7", "0-7", 0, 7),
    ("pending_8_15", "8-15", 8, 15),
    ("pending_16_30", "16-30", 16, 30),
    ("pending_31_50", "31-50", 31, 50),
    ("pending_51_100", "51-100", 51, 100),
    ("pending_over_100", ">100", 101, None),
)


# --- month arithmetic ------------------------------------------------------------------------------


def month_of(when: date | datetime) -> date:
    """The calendar month (its first day) that ``when`` falls in."""
    return date(when.year, when.month, 1)


def add_months(month: date, n: int) -> date:
    """The month ``n`` calendar months after ``month`` (before it when ``n`` is negative).

    >>> add_months(date(2024, 12, 1), 1), add_months(date(2024, 1, 1), -1)
    (datetime.date(2025, 1, 1), datetime.date(2023, 12, 1))
    """
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def next_month(month: date) -> date:
    """The calendar month after ``month``."""
    return add_months(month, 1)


def previous_month(month: date) -> date:
    """The calendar month before ``month``."""
    return add_months(month, -1)


def month_window(month: date) -> tuple[datetime, datetime, datetime]:
    """``(start, end, cutoff)`` of a calendar month: ``[start, end)``, and the cut-off C = end - 1 µs.

    >>> month_window(date(2024, 2, 1))[2]
    datetime.datetime(2024, 2, 29, 23, 59, 59, 999999)
    """
    start = datetime(month.year, month.month, 1)
    following = next_month(month)
    end = datetime(following.year, following.month, 1)
    return start, end, end - MICROSECOND


def cutoff(month: date) -> datetime:
    """The cut-off of ``month``: its last instant. Events after it are not seen by that month."""
    return month_window(month)[2]


def judged_at(month: date, until: datetime | None = None) -> datetime:
    """The instant ``month`` is graded as of: its cut-off, or ``until`` when the data stop earlier.

    ``until`` is the store's data horizon (:func:`grading.store.database.data_until`): the export time of a
    snapshot (``exported_at``), or a later event. A request still open in a 2-hour extract is judged as
    of the extract, never counted overdue at a month end the data do not reach.

    >>> judged_at(date(2024, 8, 1), datetime(2024, 8, 15, 10, 0))
    datetime.datetime(2024, 8, 15, 10, 0)
    """
    end = cutoff(month)
    return end if until is None else min(end, until)


def calendar_months(first: date, last: date) -> list[date]:
    """Every calendar month from ``first`` to ``last`` (first days, inclusive; empty when first > last)."""
    out, m = [], month_of(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def parse_month(text: str) -> date | None:
    """``YYYY-MM`` as the month's first day; None when the text is not such a month."""
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    return date(year, month, 1) if 1 <= month <= 12 and year >= 1 else None


# --- durations and ages ----------------------------------------------------------------------------


def days(duration: pl.Expr) -> pl.Expr:
    """A duration as decimal days (exact)."""
    return duration.dt.total_microseconds() / DAY_US


def limit_duration(limit_days: pl.Expr) -> pl.Expr:
    """A time limit in (possibly fractional) days as an exact duration, to the microsecond.

    An 8-hour limit (``limit_days`` 0.3333…) is 8 hours, never a whole day: due times imported from a
    311 export are kept to the second.
    """
    return pl.duration(microseconds=(limit_days.cast(pl.Float64) * DAY_US).round().cast(pl.Int64))


def due_at(started: pl.Expr, limit_days: pl.Expr) -> pl.Expr:
    """When a stint that started at ``started`` with a limit of ``limit_days`` becomes overdue."""
    return started + limit_duration(limit_days)


def completed_days(later: pl.Expr, earlier: pl.Expr) -> pl.Expr:
    """Whole days completed from ``earlier`` to ``later`` (``floor``): 6 days 23 hours is 6."""
    return days(later - earlier).floor().cast(pl.Int32)


def due_date(due_at: pl.Expr) -> pl.Expr:
    """The calendar day on which a limit passes (``Date``); null without a limit."""
    return due_at.dt.date()


def days_to_due(due_at: pl.Expr, t: datetime) -> pl.Expr:
    """Calendar days from the day of ``t`` to :func:`due_date` (``Int32``): 0 = falls due that day,
    negative = overdue by that many days, null without a limit. Whole days, as a meeting counts them."""
    return (due_date(due_at) - pl.lit(t.date())).dt.total_days().cast(pl.Int32)


@overload
def age_days(t: Instant) -> pl.Expr: ...
@overload
def age_days(t: Micros) -> nw.Expr: ...
def age_days(t: Instant | Micros) -> pl.Expr | nw.Expr:
    """A complaint's age at ``t`` in completed days since ``registered_at``."""
    if isinstance(t, int | nw.Expr):  # integer instants: the same floor, on whole microseconds
        return (t - nw.col("registered_at")) // DAY_US
    return completed_days(t if isinstance(t, pl.Expr) else pl.lit(t), pl.col("registered_at"))


def age_bucket(age: pl.Expr) -> pl.Expr:
    """The pending bucket label (``0-7`` … ``>100``) of an age in completed days."""
    out = pl.lit(None, pl.String)
    for _, label, lo, hi in reversed(PENDING_BUCKETS):
        out = pl.when(in_bucket(age, lo, hi)).then(pl.lit(label)).otherwise(out)
    return out


def is_over_50(age: pl.Expr) -> pl.Expr:
    """Pending over 50 days: from the 51st completed day, i.e. the two oldest buckets (the metric
    ``pending_over_50`` = ``pending_51_100`` + ``pending_over_100``)."""
    return age >= PENDING_BUCKETS[-2][2]


@overload
def in_bucket(age: pl.Expr, lo: int, hi: int | None) -> pl.Expr: ...
@overload
def in_bucket(age: nw.Expr, lo: int, hi: int | None) -> nw.Expr: ...
def in_bucket(age: pl.Expr | nw.Expr, lo: int, hi: int | None) -> pl.Expr | nw.Expr:
    """Whether an age in completed days falls in the bucket ``[lo, hi]`` (``hi`` None = no top)."""
    return age >= lo if hi is None else age.is_between(lo, hi)


# --- a complaint at an instant ---------------------------------------------------------------------


@overload
def is_registered_by(t: Instant) -> pl.Expr: ...
@overload
def is_registered_by(t: Micros) -> nw.Expr: ...
def is_registered_by(t: Instant | Micros) -> pl.Expr | nw.Expr:
    """The complaint exists at ``t``."""
    col = _ns(t).col
    return col("registered_at") <= t  # type: ignore[no-any-return]


@overload
def is_closed_by(t: Instant) -> pl.Expr: ...
@overload
def is_closed_by(t: Micros) -> nw.Expr: ...
def is_closed_by(t: Instant | Micros) -> pl.Expr | nw.Expr:
    """The complaint's ``closed`` event is at or before ``t``."""
    col = _ns(t).col
    return ~col("closed_at").is_null() & (col("closed_at") <= t)  # type: ignore[no-any-return]


@overload
def is_open_at(t: Instant) -> pl.Expr: ...
@overload
def is_open_at(t: Micros) -> nw.Expr: ...
def is_open_at(t: Instant | Micros) -> pl.Expr | nw.Expr:
    """Registered at or before ``t`` and not closed by ``t``."""
    return is_registered_by(t) & ~is_closed_by(t)


@overload
def has_breached_by(t: Instant) -> pl.Expr: ...
@overload
def has_breached_by(t: Micros) -> nw.Expr: ...
def has_breached_by(t: Instant | Micros) -> pl.Expr | nw.Expr:
    """Some stint of the complaint breached its limit before ``t`` (``first_breach_at`` < t).

    ``first_breach_at`` is the earliest instant at which a stint was over its limit (see
    :mod:`grading.rules.derive`), so the rule holds for any ``t`` without replaying events.
    """
    col = _ns(t).col
    return ~col("first_breach_at").is_null() & (col("first_breach_at") < t)  # type: ignore[no-any-return]


@overload
def reached_by(column: str, t: Instant) -> pl.Expr: ...
@overload
def reached_by(column: str, t: Micros) -> nw.Expr: ...
def reached_by(column: str, t: Instant | Micros) -> pl.Expr | nw.Expr:
    """The complaint had reached a level (``reached_l2_at`` …) by ``t``."""
    col = _ns(t).col
    return ~col(column).is_null() & (col(column) <= t)  # type: ignore[no-any-return]


# --- the same rules over many months: the month index from which a rule holds -----------------------
#
# Months graded together are numbered 0, 1, ... in calendar order; each is judged as of its own instant
# (its cut-off, :func:`judged_at`), and those instants never decrease. A rule of this section that holds
# at one instant holds at every later one (registered, closed, breached, a level reached, an age
# reached), so over the months it holds from one index on: that index describes the complaint for every
# month at once, and "holds in month m" is a comparison of m with it. Integer instants (microseconds,
# :func:`micros`), as on an engine-neutral frame.


def first_month(holds: Callable[[int], nw.Expr], cutoffs: Sequence[int]) -> nw.Expr:
    """The first month at which a rule that stays true once true holds: ``holds(t)`` is the rule at
    the instant ``t`` (e.g. :func:`is_closed_by`), ``cutoffs`` the instants the months are judged as of,
    in order. The number of months at which the rule does not hold yet, ``len(cutoffs)`` when it never
    holds (a rule that is null, e.g. on a missing instant, does not hold); an ``Int32``. E.g. with
    cut-offs 10, 20, 30, ``registered_at`` 15 is registered from month 1, 20 from month 1, 31 never (3).
    """
    # the months at which it holds are the last ones: as many as the sum of the rule over them
    return len(cutoffs) - nw.sum_horizontal(*[holds(t).cast(nw.Int32) for t in cutoffs])


def last_month_started(column: str, starts: Sequence[int]) -> nw.Expr:
    """The last month that starts at or before the instant in ``column`` (``starts``: the months' first
    instants, ascending): -1 when none does or the instant is missing; an ``Int32``."""
    return nw.sum_horizontal(*[(nw.col(column) >= t).cast(nw.Int32) for t in starts]) - 1


def department_at(complaints: pl.DataFrame, transfers: pl.DataFrame, t: datetime) -> pl.DataFrame:
    """``complaints`` with ``department`` set to the one in force at ``t``.

    The department is the one of the latest ``transferred`` event at or before ``t`` (ties in time: the
    later row of ``transfers`` in time order wins), else the one set at registration. ``transfers``
    has ``complaint_key``, ``event_time``, ``department``; other rows of ``complaints`` are untouched.
    """
    moved = transfers.filter(pl.col("event_time") <= t)
    if moved.is_empty():
        return complaints
    latest = (
        moved.sort("event_time", maintain_order=True)
        .group_by("complaint_key")
        .agg(pl.col("department").last().alias("_department_at"))
    )
    return (
        complaints.join(latest, on="complaint_key", how="left", maintain_order="left")
        .with_columns(pl.coalesce("_department_at", "department").alias("department"))
        .drop("_department_at")
    )


def departments_at(rows: pl.DataFrame, transfers: pl.DataFrame, at: str) -> pl.DataFrame:
    """:func:`department_at` for many instants at once: ``rows`` (a complaint may come many times) with
    ``department`` set to the one in force at each row's own instant, the ``Datetime`` column ``at``.

    The same rule: the latest ``transferred`` event at or before the instant (ties in time: the later
    row of ``transfers`` in time order), else the department set at registration. Row order is kept.
    """
    if transfers.is_empty():
        return rows
    ordered = transfers.sort("event_time", maintain_order=True).with_row_index("_order")
    rows = rows.with_row_index("_row")
    latest = (
        rows.select("_row", "complaint_key", at)
        .join(ordered, on="complaint_key", how="inner")
        .filter(pl.col("event_time") <= pl.col(at))
        .group_by("_row")
        .agg(pl.col("department").sort_by("_order").last().alias("_department_at"))
    )
    return (
        rows.join(latest, on="_row", how="left", maintain_order="left")
        .with_columns(pl.coalesce("_department_at", "department").alias("department"))
        .drop("_row", "_department_at")
    )


def stage_at(stints: pl.DataFrame, t: datetime) -> pl.DataFrame:
    """Each complaint's stage at ``t``: one row per complaint with a stint started by ``t``.

    Columns: ``complaint_key``, ``level`` (1-5, the level of the latest stint started at or before
    ``t``), ``stint_started_at``, ``awaiting_callback`` (that stint ended by ``t`` with a resolution:
    the complaint waits for the call-back), ``due_at`` (start of the stint + its limit; null while
    awaiting the call-back).
    """
    current = (
        stints.filter(pl.col("started_at") <= t)
        .sort("complaint_key", "started_at")
        .group_by("complaint_key", maintain_order=True)
        .last()
    )
    ended = pl.col("ended_at").is_not_null() & (pl.col("ended_at") <= t)
    return current.select(
        "complaint_key",
        "level",
        pl.col("started_at").alias("stint_started_at"),
        awaiting_callback=ended,
        due_at=pl.when(~ended).then(due_at(pl.col("started_at"), pl.col("limit_days"))),
    )


def is_overdue_at(t: datetime) -> pl.Expr:
    """The current stint (from :func:`stage_at`) is past its limit at ``t`` (false while awaiting the
    call-back)."""
    return (pl.col("due_at") < t).fill_null(False)
