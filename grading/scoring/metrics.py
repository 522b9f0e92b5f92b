"""Monthly metrics per entity (``docs/reference.md`` section 3): frames in and out, written once for any engine.

The rules are narwhals expressions on lazy frames (:class:`Engine`): the same code runs on Polars (the
default), on DuckDB and on Spark (:mod:`grading.monthly.engines`); nothing is applied row by row in Python.
At the edge (:func:`encode`) instants become integers (microseconds of the store's wall-clock time) and
department and district names integer codes, so that no engine's time zone or text handling can touch a
rule; each month's start and cut-off are constants of the plan (:func:`_each_month`). The small results
(cells, resolution statistics) come back to Polars, where the entity rows are made and the codes become
names again.

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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Protocol, TypeVar

import narwhals as nw
import polars as pl

from grading.rules import asof

ENTITY_TYPES: Final = ("department", "district", "department_district")
ENTITY_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "department": ("department",),
    "district": ("district",),
    "department_district": ("department", "district"),
}
#: Instants of the inputs (:func:`grading.store.month_reads.read_month_inputs`) the rules read, by frame.
INSTANTS: Final[dict[str, tuple[str, ...]]] = {
    "complaints": (
        "registered_at",
        "closed_at",
        "first_feedback_at",
        "reached_l2_at",
        "reached_l3_at",
        "reached_l4_at",
        "first_breach_at",
        "last_event_at",
    ),
    "transfers": ("event_time",),
    "stints": ("started_at", "nonattended_at"),
    "feedback_events": ("event_time",),
}
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "complaints": (
        "complaint_key",
        "department",
        "district",
        "close_outcome",
        "complainant_month_count",
        *INSTANTS["complaints"],
    ),
    "transfers": ("complaint_key", "department", "event_time"),
    "stints": ("complaint_key", "started_at", "nonattended_at"),
    "feedback_events": ("complaint_key", "kind", "event_time"),
}


@dataclass(frozen=True)
class MetricSettings:
    """Settings that change metric values (they come from the grading scheme)."""

    habitual_threshold: int = 10
    long_pending_days: int = 50


class Engine(Protocol):
    """Where the rules run: turns a Polars frame of the encoded inputs into the engine's own lazy frame
    (a ``pl.LazyFrame``, a DuckDB relation, a Spark DataFrame: anything ``narwhals.from_native`` takes)."""

    def frame(self, data: pl.DataFrame) -> Any:
        """The engine's lazy frame holding ``data``."""
        ...


class PolarsEngine:
    """The embedded default: Polars lazy frames in this process."""

    def frame(self, data: pl.DataFrame) -> pl.LazyFrame:
        """``data`` as a lazy frame."""
        return data.lazy()


POLARS: Final = PolarsEngine()


@dataclass(frozen=True)
class Encoded:
    """The inputs at the edge (:func:`encode`): instants as microseconds, names as codes.

    ``frames`` hold the columns of :data:`COLUMNS` (transfers also ``_seq``, their order in time) with
    every instant of :data:`INSTANTS` an ``Int64`` of microseconds (:func:`grading.rules.asof.micros`) and
    ``department`` and ``district`` as the position of the name in ``names``.
    """

    frames: dict[str, pl.DataFrame]
    names: list[str]


def encode(inputs: dict[str, pl.DataFrame]) -> Encoded:
    """The inputs of the rules from :func:`grading.store.month_reads.read_month_inputs` (or
    :func:`grading.rules.derive.derive`): see :class:`Encoded`. Only their representation changes."""
    complaints, transfers = inputs["complaints"], inputs["transfers"]
    names = _names_of(complaints["department"], complaints["district"], transfers["department"])
    code = pl.Enum(names)  # a name's code is its position in names
    frames = {name: _encode_frame(name, inputs[name], code) for name in COLUMNS}
    return Encoded(frames, names)


def _names_of(*columns: pl.Series) -> list[str]:
    """The names in ``columns``, sorted (a missing name stays null)."""
    return pl.concat([column.drop_nulls().unique() for column in columns]).unique().sort().to_list()


def _encode_frame(name: str, frame: pl.DataFrame, code: pl.Enum) -> pl.DataFrame:
    """One frame of :func:`encode`."""
    frame = frame.select(COLUMNS[name])
    if name == "transfers":  # "the later row of transfers in time order" wins a tie: its order, kept
        frame = frame.sort("event_time", maintain_order=True).with_row_index("_seq").cast({"_seq": pl.Int64})
    names = [
        pl.col(c).cast(code).to_physical().cast(pl.Int32) for c in ("department", "district") if c in frame.columns
    ]
    return frame.with_columns(*[pl.col(c).dt.epoch("us") for c in INSTANTS[name]], *names)


def _pct(num: str, den: str) -> nw.Expr:
    """``num / den * 100``, null when the denominator is zero."""
    return nw.when(nw.col(den) > 0).then(nw.col(num) / nw.col(den) * 100.0)


def _flag_columns(settings: MetricSettings) -> dict[str, nw.Expr]:
    """The 0/1 flags (and ages) of a complaint in the month of its row, which starts at ``_start`` and is
    judged as of ``_cutoff`` (each row its own month; instants are microseconds)."""
    start, cutoff = nw.col("_start"), nw.col("_cutoff")
    received = nw.col("registered_at") >= start
    closed_by_c = asof.is_closed_by(cutoff)
    closed_in_m = closed_by_c & (nw.col("closed_at") >= start)
    is_open = asof.is_open_at(cutoff)
    breached = asof.has_breached_by(cutoff)
    outcome = nw.col("close_outcome")
    age_days = asof.age_days(cutoff)
    closure_us = nw.col("closed_at") - nw.col("registered_at")
    over = settings.long_pending_days

    def reached(col: str) -> nw.Expr:
        return received & asof.reached_by(col, cutoff)

    return {
        "received": received,
        "closed_satisfied": received & closed_by_c & (outcome == "satisfied"),
        "closed": closed_in_m,
        "closed_satisfied_in_month": closed_in_m & (outcome == "satisfied"),
        "closed_force": closed_in_m & (outcome == "force"),
        "closed_special": closed_in_m & (outcome == "special"),
        "closed_other": closed_in_m & outcome.is_in(("resolved", "withdrawn", "duplicate")),
        "callback_closed": closed_in_m & (nw.col("first_feedback_at") <= cutoff).fill_null(value=False),
        "on_time": closed_in_m & ~breached,
        "late": closed_in_m & breached,
        "open_overdue": is_open & breached,
        "pending": is_open,
        "age_days": nw.when(is_open).then(age_days),
        # in microseconds: sums of whole numbers do not depend on the order an engine adds them in
        "resolution_us": nw.when(closed_in_m).then(closure_us),
        "long_pending_closed": closed_in_m & (outcome == "satisfied") & (closure_us // asof.DAY_US > over),
        "long_pending_open": is_open & (age_days > over),
        "reached_l2": reached("reached_l2_at"),
        "reached_l3": reached("reached_l3_at"),
        "reached_l4": reached("reached_l4_at"),
    }


def _seen(start: asof.Micros, cutoff: asof.Micros) -> nw.Expr:
    """The complaints a month sees: registered by its cut-off and still alive in it (registered in it,
    closed in it, open at its cut-off, or with any event in it: a call-back after a closure)."""
    return asof.is_registered_by(cutoff) & (
        nw.col("closed_at").is_null() | (nw.col("closed_at") >= start) | (nw.col("last_event_at") >= start)
    )


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


def month_metrics(
    inputs: dict[str, pl.DataFrame],
    month: date,
    settings: MetricSettings | None = None,
    until: datetime | None = None,
    engine: Engine = POLARS,
) -> pl.DataFrame:
    """Every metric of ``docs/reference.md`` section 3 for one month, for all three entity types.

    Parameters
    ----------
    inputs : frames from :func:`grading.store.month_reads.read_month_inputs` for this month (or any superset:
        rows outside the month's window are filtered here too).
    month : the first day of the calendar month.
    settings : the habitual threshold and long-pending days (default 10 and 50).
    until : the store's data horizon (:func:`grading.store.database.data_until`): a month that reaches past it
        is judged as of it instead of its cut-off (None: the cut-off).
    engine : where the rules run (default: Polars in this process; :mod:`grading.monthly.engines`).

    Returns
    -------
    One row per (entity_type, department, district) with ``month`` and every column of
    :data:`grading.model.registry.METRICS`, in that order. Entities with no activity in the month are absent.

    The same rules as :func:`months_metrics`, for one month.
    """
    return months_metrics(inputs, [month], settings, until, engine)


def months_metrics(
    inputs: dict[str, pl.DataFrame],
    months: Sequence[date],
    settings: MetricSettings | None = None,
    until: datetime | None = None,
    engine: Engine = POLARS,
) -> pl.DataFrame:
    """:func:`month_metrics` for each of ``months`` (first days, any order, gaps allowed), computed in one
    pass on ``engine``: the rows of every month, oldest first.

    Each complaint of ``inputs`` becomes one row per asked month it may be alive in (from the month of
    its registration to the month of its closure or last event; still open: every later month), each
    row carrying its month's start and the instant the month is judged as of; the rules then apply row
    by row, so a month's rows never depend on the others asked for. The cost is that of the
    complaint-months, not of the number of months (:func:`month_passes` bounds the rows of one pass).
    """
    return encoded_months_metrics(encode(inputs), months, settings, until, engine)


def encoded_months_metrics(
    encoded: Encoded,
    months: Sequence[date],
    settings: MetricSettings | None = None,
    until: datetime | None = None,
    engine: Engine = POLARS,
) -> pl.DataFrame:
    """:func:`months_metrics` of inputs already encoded (:func:`encode`): a read encoded once serves
    every pass over its months (:func:`grading.monthly.refresh.compute_months`)."""
    settings = settings or MetricSettings()
    if not months:
        return _decode(pl.DataFrame(), encoded.names)
    frames = {name: nw.from_native(engine.frame(frame)) for name, frame in encoded.frames.items()}
    calendar = _calendar(months, until)
    complaints, moves = _window(frames, calendar, settings)
    rows = _complaint_months(complaints.filter(~nw.col("_habitual")), moves, calendar)
    # Two small results leave the engine (one row per month and cell; per month and entity), and the
    # entity rows are made from them in Polars, the same code for every engine: a lazy plan that used
    # the cells three times would compute them three times on an engine that does not share subplans.
    cells = _cells(rows, complaints, moves, frames, calendar, settings=settings).collect("polars").lazy()
    resolved = _resolved(complaints, moves, calendar)
    both = ("department", "district")
    typed = [
        _days(resolved, keys)
        .with_columns(_entity=nw.lit(name), **{k: nw.lit(None, nw.Int32) for k in both if k not in keys})
        .select("_entity", "_month", *both, "_median_us", "_total_us", "_resolved", "_p90_us")
        for name, keys in ENTITY_KEYS.items()
    ]
    every = nw.concat(typed, how="vertical").collect("polars")  # one plan: the engine may share `resolved`
    days = {
        name: every.filter(nw.col("_entity") == name).drop("_entity", *(k for k in both if k not in keys)).lazy()
        for name, keys in ENTITY_KEYS.items()
    }
    return _decode(_entity_rows(cells, days).collect("polars").to_native(), encoded.names)


def complaint_flags(
    inputs: dict[str, pl.DataFrame],
    month: date,
    settings: MetricSettings,
    until: datetime | None = None,
    engine: Engine = POLARS,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per-complaint flags as of the month's cut-off (or ``until``, the data's horizon, when earlier:
    :func:`grading.rules.asof.judged_at`).

    Returns ``(flags, habitual)``: ``flags`` has one row per graded complaint relevant to the month
    (registered in it, closed in it, or open at its cut-off) with its entity and flags (``age_days`` in
    completed days while open, ``resolution_days`` exact days when closed in the month); ``habitual`` has
    one row per complaint registered in the month that the habitual rule leaves out. Both with
    ``complaint_key``, ``department`` and ``district``.
    """
    encoded = encode(inputs)
    frames = {name: nw.from_native(engine.frame(frame)) for name, frame in encoded.frames.items()}
    calendar = _calendar([month], until)
    complaints, moves = _window(frames, calendar, settings)
    graded = _complaint_months(complaints.filter(~nw.col("_habitual")), moves, calendar)
    flags = graded.select("complaint_key", "department", "district", **_flag_columns(settings))
    left_out = _complaint_months(complaints.filter(nw.col("_habitual")), moves, calendar)
    registered = left_out.filter(nw.col("registered_at") >= nw.col("_start"))
    out = []
    for frame in (flags, registered.select("complaint_key", "department", "district")):
        native = frame.drop("_month", strict=False).collect("polars").to_native()
        out.append(_names(native, encoded.names).sort("complaint_key"))
    # resolution times in days, as the metrics give them (eager Polars: the same division as _decode)
    days = pl.col("resolution_us") / asof.DAY_US
    return out[0].with_columns(days.alias("resolution_days")).drop("resolution_us"), out[1]


def _window(
    frames: dict[str, nw.LazyFrame[Any]], calendar: pl.DataFrame, settings: MetricSettings
) -> tuple[nw.LazyFrame[Any], nw.LazyFrame[Any]]:
    """``(complaints, moves)`` of a pass: the complaints some month of ``calendar`` sees, with
    ``_habitual`` (the habitual rule leaves them out), and the departments set by transfers as of each
    month's cut-off (:func:`_moves`)."""
    earliest, latest = calendar["_start"].to_list()[0], max(calendar["_cutoff"].to_list())
    complaints = (
        frames["complaints"]
        .filter(_seen(earliest, latest))
        .with_columns(_habitual=nw.col("complainant_month_count") > settings.habitual_threshold)
    )
    return complaints, _moves(frames["transfers"], calendar)


def _each_month(
    rows: nw.LazyFrame[Any], calendar: pl.DataFrame, keep: Callable[[int, int], nw.Expr]
) -> nw.LazyFrame[Any]:
    """The rows each month of ``calendar`` (:func:`_calendar`) keeps, with the month's ``_month``,
    ``_start`` and ``_cutoff``: ``keep(start, cutoff)`` decides, the month's instants being constants of
    the plan (every as-of test is then a comparison with a number). A union of one filter per month:
    a row kept by several months comes once for each."""
    return nw.concat(
        [
            rows.filter(keep(start, cutoff)).with_columns(
                _month=nw.lit(month, nw.Int32), _start=nw.lit(start, nw.Int64), _cutoff=nw.lit(cutoff, nw.Int64)
            )
            for month, start, cutoff in calendar.select("_month", "_start", "_cutoff").iter_rows()
        ],
        how="vertical",
    )


def _moves(transfers: nw.LazyFrame[Any], calendar: pl.DataFrame) -> nw.LazyFrame[Any]:
    """One row per complaint and month of ``calendar`` by whose cut-off it was transferred:
    ``complaint_key``, ``_month`` and ``_department_at``, the department of the latest ``transferred``
    event at or before the cut-off (ties in time: the later row, ``_seq``; the rule of
    :func:`grading.rules.asof.department_at`). Transfers are few: they meet the months, not the
    complaint-months."""
    return (
        _each_month(transfers, calendar, lambda _, cutoff: nw.col("event_time") <= cutoff)
        .group_by("complaint_key", "_month")
        .agg(nw.col("_seq").max())
        .join(transfers.select("_seq", _department_at=nw.col("department")), on="_seq")
        .drop("_seq")
    )


def _placed(rows: nw.LazyFrame[Any], moves: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """``rows`` (``complaint_key``, ``_month``) with ``department`` the one in force at the month's
    cut-off: the transfer's (:func:`_moves`), else the department set at registration."""
    return (
        rows.join(moves, on=["complaint_key", "_month"], how="left")
        .with_columns(department=nw.coalesce("_department_at", "department"))
        .drop("_department_at")
    )


def _complaint_months(
    complaints: nw.LazyFrame[Any], moves: nw.LazyFrame[Any], calendar: pl.DataFrame
) -> nw.LazyFrame[Any]:
    """One row per complaint and month of ``calendar`` that sees it (:func:`_seen`), with the month's
    ``_month``, ``_start`` and ``_cutoff`` and the complaint's department as of the cut-off; only the
    months of complaints that were transferred meet the transfers, the others keep their department."""
    moved = moves.select("complaint_key").unique()
    plain = _each_month(complaints.join(moved, on="complaint_key", how="anti"), calendar, _seen)
    columns = plain.collect_schema().names()
    placed = _placed(_each_month(complaints.join(moved, on="complaint_key", how="semi"), calendar, _seen), moves)
    return nw.concat([plain, placed.select(columns)], how="vertical")


def _left_out(complaints: nw.LazyFrame[Any], moves: nw.LazyFrame[Any], calendar: pl.DataFrame) -> nw.LazyFrame[Any]:
    """``excluded_habitual`` per (``_month``, department, district): the complaints the habitual rule
    leaves out that were registered in the month (by the instant it is judged as of)."""
    registered = _each_month(
        complaints.filter(nw.col("_habitual")),
        calendar,
        lambda start, cutoff: nw.col("registered_at").is_between(start, cutoff),
    )
    return (
        _placed(registered, moves)
        .group_by("_month", "department", "district")
        .agg(excluded_habitual=nw.len().cast(nw.Int64))
    )


def _cells(
    rows: nw.LazyFrame[Any],
    complaints: nw.LazyFrame[Any],
    moves: nw.LazyFrame[Any],
    frames: dict[str, nw.LazyFrame[Any]],
    calendar: pl.DataFrame,
    *,
    settings: MetricSettings,
) -> nw.LazyFrame[Any]:
    """Additive counts at the finest grain: one row per (``_month``, department, district) with a graded
    complaint (``rows``: :func:`_complaint_months` of the graded complaints) or a left-out one registered
    in the month; every count of :data:`CELL_COUNTS`.

    Call-backs and stints count in the month they fall in (between its start and the instant it is
    judged as of), for their complaint's entity in that month; those of a complaint the month does not
    grade (not alive, habitual) are left out. They meet the complaints once, not the complaint-months."""
    keys = ["_month", "department", "district"]
    flags = rows.select(*keys, **_flag_columns(settings))
    buckets = {
        name: _total(asof.in_bucket(nw.col("age_days"), lo, hi).fill_null(value=False))
        for name, _, lo, hi in asof.PENDING_BUCKETS
    }
    from_flags = flags.group_by(keys).agg(*[_total(f).alias(f) for f in COUNT_FLAGS], **buckets)
    kind = nw.col("kind")
    non_attended = ~nw.col("nonattended_at").is_null() & (nw.col("nonattended_at") < nw.col("_cutoff"))
    one, none = nw.lit(1, nw.Int8), nw.lit(0, nw.Int8)
    within = ["complaint_key", "_month", "_start", "_cutoff"]
    callbacks = _in_months(frames["feedback_events"], "event_time", calendar).select(
        *within,
        feedback_satisfied=(kind == "satisfied").cast(nw.Int8),
        feedback_dissatisfied=(kind == "dissatisfied").cast(nw.Int8),
        feedback_unreachable=(kind == "unreachable").cast(nw.Int8),
        reopened=(kind == "reopened").cast(nw.Int8),
        stints_started=none,
        stints_non_attended=none,
    )
    stints = _in_months(frames["stints"], "started_at", calendar).select(
        *within,
        **dict.fromkeys(EVENT_COUNTS, none),
        stints_started=one,
        stints_non_attended=non_attended.cast(nw.Int8),
    )
    # one meeting with the complaints for both
    events = (
        _attached(nw.concat([callbacks, stints], how="vertical"), complaints, moves)
        .group_by(keys)
        .agg(*[_total(c) for c in (*EVENT_COUNTS, *STINT_COUNTS)])
    )
    columns = [*keys, *CELL_COUNTS]
    parts = []
    for part in (from_flags, _left_out(complaints, moves, calendar), events):
        present = part.collect_schema().names()
        zero = {name: nw.lit(0, nw.Int64) for name in CELL_COUNTS if name not in present}
        parts.append(part.with_columns(**zero).select(columns))
    return nw.concat(parts, how="vertical").group_by(keys).agg(*[_total(c) for c in CELL_COUNTS])


def _attached(rows: nw.LazyFrame[Any], complaints: nw.LazyFrame[Any], moves: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """``rows`` (call-backs, stints: ``complaint_key`` and the month they fall in, :func:`_in_months`) of
    graded complaints that month sees, with the complaint's entity in that month."""
    entity = complaints.select(
        "complaint_key", "department", "district", "registered_at", "closed_at", "last_event_at", "_habitual"
    )
    joined = rows.join(entity, on="complaint_key").filter(
        ~nw.col("_habitual"), _seen(nw.col("_start"), nw.col("_cutoff"))
    )
    return _placed(joined, moves)


def _resolved(complaints: nw.LazyFrame[Any], moves: nw.LazyFrame[Any], calendar: pl.DataFrame) -> nw.LazyFrame[Any]:
    """One row per graded complaint closed in a month of ``calendar`` (between its start and the instant
    it is judged as of): ``_month``, its entity in that month, ``resolution_us`` (registration to closure)."""
    closed = _each_month(
        complaints.filter(~nw.col("_habitual")),
        calendar,
        lambda start, cutoff: asof.is_closed_by(cutoff) & (nw.col("closed_at") >= start),
    )
    return _placed(closed, moves).select(
        "_month", "department", "district", resolution_us=nw.col("closed_at") - nw.col("registered_at")
    )


def _total(column: str | nw.Expr) -> nw.Expr:
    """The sum of a count (a column) or of a 0/1 flag (an expression: added as bytes) as an ``Int64`` on
    every engine (DuckDB sums to a 128-bit integer)."""
    expr = nw.col(column) if isinstance(column, str) else column
    return expr.cast(nw.Int8 if isinstance(column, nw.Expr) else nw.Int64).sum().cast(nw.Int64)


def _in_months(rows: nw.LazyFrame[Any], column: str, calendar: pl.DataFrame) -> nw.LazyFrame[Any]:
    """``rows`` whose instant ``column`` falls in a month of ``calendar`` between its start and the
    instant it is judged as of (both included), with the month's ``_month``, ``_start`` and ``_cutoff``."""
    return _each_month(rows, calendar, lambda start, cutoff: nw.col(column).is_between(start, cutoff))


def _days(resolved: nw.LazyFrame[Any], keys: tuple[str, ...]) -> nw.LazyFrame[Any]:
    """The statistics of resolution times per month and entity (``keys``), in microseconds (the 90th
    percentile: linear interpolation between order statistics; :func:`_decode` makes them days)."""
    return resolved.group_by("_month", *keys).agg(
        _median_us=nw.col("resolution_us").median(),
        _total_us=_total("resolution_us"),
        _resolved=nw.len(),
        _p90_us=nw.col("resolution_us").quantile(0.9, interpolation="linear"),
    )


def _entity_rows(cells: nw.LazyFrame[Any], days: dict[str, nw.LazyFrame[Any]]) -> nw.LazyFrame[Any]:
    """The rows of the three entity types from the finest cells (counts per month, department and
    district) and each type's resolution statistics (:func:`_days`): counts add up, percentages are
    computed per entity and month."""
    frames = []
    for entity_type, keys in ENTITY_KEYS.items():
        group = ["_month", *keys]
        counts = cells.group_by(group).agg(*[_total(c) for c in CELL_COUNTS])
        frame = percentages(counts).join(days[entity_type], on=group, how="left")
        absent = {key: nw.lit(None, nw.Int32) for key in ("department", "district") if key not in keys}
        frames.append(frame.with_columns(**absent, entity_type=nw.lit(entity_type)))
    columns = frames[-1].collect_schema().names()
    return nw.concat([frame.select(columns) for frame in frames], how="vertical")


def _names(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """``department`` and ``district`` codes of ``frame`` back to their names (:func:`encode`)."""
    codes = list(range(len(names)))
    return frame.with_columns(
        pl.col(c).replace_strict(codes, names, return_dtype=pl.String)
        for c in ("department", "district")
        if c in frame.columns
    )


def _decode(rows: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """The engine's rows as the result of :func:`months_metrics`: names, the month's first day, resolution
    times in days, the
    columns of :data:`grading.model.registry.METRICS` typed and in order, sorted by month, entity type,
    department, district (nulls first)."""
    from grading.model.registry import METRICS

    counts = dict.fromkeys((*CELL_COUNTS, "pending_over_50", "feedback_rated"), pl.Int64)
    schema = {
        "entity_type": pl.String,
        "department": pl.String,
        "district": pl.String,
        "month": pl.Date,
        **{m: counts.get(m, pl.Float64) for m in METRICS},
    }
    if rows.is_empty():
        return pl.DataFrame(schema=schema)
    number = pl.col("_month")
    month = pl.date(number // 12, number % 12 + 1, 1)
    # eager Polars divides the same way whatever the engine that gave the microseconds
    days = {
        "resolution_days_median": pl.col("_median_us") / asof.DAY_US,
        "resolution_days_mean": pl.col("_total_us") / pl.col("_resolved") / asof.DAY_US,
        "resolution_days_p90": pl.col("_p90_us") / asof.DAY_US,
    }
    return (
        _names(rows, names)
        .with_columns(month=month, **days)
        .select([pl.col(c).cast(t) for c, t in schema.items()])
        .sort("month", "entity_type", "department", "district", nulls_last=False)
    )


def _alive_span(last: int) -> list[nw.Expr]:
    """``_lo`` and ``_hi``: the first and last month (month numbers: ``<column>_month`` of
    ``registered_at``, ``closed_at`` and ``last_event_at``) a complaint may be alive in, up to ``last``:
    from its registration month to the month of its closure or last event, ``last`` while open. A
    superset of the months that see it (:func:`_seen`), to size passes (:func:`month_passes`)."""
    end = nw.max_horizontal("closed_at_month", "last_event_at_month")
    return [
        nw.col("registered_at_month").alias("_lo"),
        nw.when(nw.col("closed_at").is_null()).then(last).otherwise(nw.min_horizontal(end, nw.lit(last))).alias("_hi"),
    ]


def _calendar(months: Sequence[date], until: datetime | None) -> pl.DataFrame:
    """One row per asked month: ``_month`` (:func:`grading.rules.asof.month_number`), ``_start`` and
    ``_cutoff`` (the instant the month is judged as of, :func:`grading.rules.asof.judged_at`), both in
    microseconds."""
    asked = sorted(set(months))
    return pl.DataFrame(
        {
            "_month": [asof.month_number(m) for m in asked],
            "_start": [asof.micros(asof.month_window(m)[0]) for m in asked],
            "_cutoff": [asof.micros(asof.judged_at(m, until)) for m in asked],
        },
        schema={"_month": pl.Int32, "_start": pl.Int64, "_cutoff": pl.Int64},
    )


def month_passes(complaints: pl.DataFrame, months: Sequence[date], max_rows: int) -> list[list[date]]:
    """``months`` (sorted) cut into runs for :func:`months_metrics`, each of at most ``max_rows``
    complaint-months (a complaint of ``complaints`` and a month it may be alive in; a month above it is
    a run of its own): memory is bounded by ``max_rows``, whatever the length of the history."""
    asked = sorted(set(months))
    if not asked:
        return []
    first, last = asof.month_number(asked[0]), asof.month_number(asked[-1])
    months_of = complaints.select(
        "closed_at",
        *[
            (pl.col(c).dt.year() * 12 + pl.col(c).dt.month() - 1).cast(pl.Int32).alias(f"{c}_month")
            for c in ("registered_at", "closed_at", "last_event_at")
        ],
    )
    spans = (
        nw.from_native(months_of.lazy())
        .select(*_alive_span(last))
        .filter(nw.col("_lo") <= nw.col("_hi"))
        .collect("polars")
        .to_native()
    )
    # complaints alive in each month: +1 at lo, -1 after hi, summed from the first month
    steps = pl.concat([spans.select(at="_lo", step=pl.lit(1)), spans.select(at=pl.col("_hi") + 1, step=pl.lit(-1))])
    alive = (
        pl.DataFrame({"at": range(first, last + 1)}, schema={"at": pl.Int32})
        .join(steps.group_by("at").agg(pl.col("step").sum()), on="at", how="left")
        .with_columns(alive=pl.col("step").fill_null(0).cum_sum() + steps.filter(pl.col("at") < first)["step"].sum())
    )
    count = dict(zip(alive["at"].to_list(), alive["alive"].to_list(), strict=True))
    runs: list[list[date]] = []
    total = 0
    for month in asked:
        n = count[asof.month_number(month)]
        if runs and total + n <= max_rows:
            runs[-1].append(month)
            total += n
        else:
            runs.append([month])
            total = n
    return runs
