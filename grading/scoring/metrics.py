"""Monthly metrics per entity (``docs/reference.md`` section 3): frames in and out, written once for any engine.

The rules are narwhals expressions on lazy frames (:class:`grading.scoring.edge.Engine`): the same code
runs on Polars (the default), on DuckDB and on Spark (:mod:`grading.monthly.engines`); nothing is applied
row by row in Python. At the edge (:mod:`grading.scoring.edge`) instants become integers and names codes.
Each as-of test of a complaint becomes once, for all the months of a pass, the first month at which it
holds (:func:`_rows`), so that every count (:mod:`grading.scoring.counts`) holds in one month or in a
range of months (:func:`_counts`); the rows are counted into cells on the engine
(:mod:`grading.scoring.cells`), and the small results come back to Polars, where the codes become names
again.

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
from functools import partial
from typing import Any

import narwhals as nw
import polars as pl

from grading.rules import asof
from grading.scoring.cells import at_anchors, callbacks_and_stints, entity_rows, in_spans, resolution_days
from grading.scoring.counts import CELL_COUNTS, COUNT_FLAGS, ENTITY_KEYS
from grading.scoring.edge import POLARS, Encoded, Engine, decode_names, encode


@dataclass(frozen=True)
class MetricSettings:
    """Settings that change metric values (they come from the grading scheme)."""

    habitual_threshold: int = 10
    long_pending_days: int = 50


def _counts(cutoffs: Sequence[int], settings: MetricSettings) -> dict[str, tuple[str, nw.Expr]]:
    """What each count of a graded complaint holds in, over the months judged as of ``cutoffs`` (in
    order; the columns are those of :func:`_rows`): ``name -> (anchor, rule)``.

    - Anchor ``_r`` (``_k``): the count holds in one month, the one the complaint was registered
      (closed) in, when the rule holds as of that month's instant ``_cr`` (``_ck``).
    - Anchor ``span``: the count holds in a range of months, from the index the rule gives to ``_q``,
      the first month at which the complaint is no longer open (or seen); empty when the index is not
      before ``_q``. Names starting with ``_`` are the ranges the pending age buckets are made from.
    """
    first = partial(asof.first_month, cutoffs=cutoffs)
    cr, ck, p = nw.col("_cr"), nw.col("_ck"), nw.col("_p")
    outcome = nw.col("close_outcome")
    satisfied = outcome == "satisfied"
    closure_us = nw.col("closed_at") - nw.col("registered_at")
    over = settings.long_pending_days

    def aged(days: int) -> nw.Expr:  # from the first month judged at an age of `days` completed days
        return nw.max_horizontal(p, first(lambda t: asof.in_bucket(asof.age_days(t), days, None)))

    return {
        "received": ("_r", nw.lit(value=True)),
        "closed_satisfied": ("_r", asof.is_closed_by(cr) & satisfied),
        "reached_l2": ("_r", asof.reached_by("reached_l2_at", cr)),
        "reached_l3": ("_r", asof.reached_by("reached_l3_at", cr)),
        "reached_l4": ("_r", asof.reached_by("reached_l4_at", cr)),
        "closed": ("_k", nw.lit(value=True)),
        "closed_satisfied_in_month": ("_k", satisfied),
        "closed_force": ("_k", outcome == "force"),
        "closed_special": ("_k", outcome == "special"),
        "closed_other": ("_k", outcome.is_in(("resolved", "withdrawn", "duplicate"))),
        "callback_closed": ("_k", (nw.col("first_feedback_at") <= ck).fill_null(value=False)),
        "on_time": ("_k", ~asof.has_breached_by(ck)),
        "late": ("_k", asof.has_breached_by(ck)),
        "long_pending_closed": ("_k", satisfied & (closure_us // asof.DAY_US > over)),
        "pending": ("span", p),
        "open_overdue": ("span", nw.max_horizontal(p, first(asof.has_breached_by))),
        "long_pending_open": ("span", aged(over + 1)),
        **{f"_aged_{lo}": ("span", aged(lo)) for _, _, lo, _ in asof.PENDING_BUCKETS[1:]},
    }


def _rows(frames: dict[str, nw.LazyFrame[Any]], calendar: pl.DataFrame, settings: MetricSettings) -> nw.LazyFrame[Any]:
    """One row per complaint some month of ``calendar`` sees (:func:`_seen`) and run of those months in
    which its department stays the same (one run unless transferred: :func:`_runs`), with each as-of
    test turned into the month (an index into ``calendar``, 0 the first) from which it holds.

    Columns: the complaint's, with ``department`` the one in force in the run, ``_habitual`` (the
    habitual rule leaves it out), ``_r`` (the month it was registered in, when that month sees it in
    this run; else -1) and ``_cr`` (that month's instant), ``_k`` and ``_ck`` (the same for its closure,
    graded complaints only); in this run it is seen in months ``[_p, _u)`` and open in ``[_p, _q)``.
    """
    starts, cutoffs = calendar["_start"].to_list(), calendar["_cutoff"].to_list()
    n = len(cutoffs)
    first = partial(asof.first_month, cutoffs=cutoffs)
    complaints = (
        frames["complaints"]
        .filter(_seen(starts[0], cutoffs[-1]))
        .join(_runs(frames["transfers"], cutoffs), on="complaint_key", how="left")
    )
    last_event = nw.max_horizontal(*(asof.last_month_started(c, starts) for c in ("closed_at", "last_event_at")))
    indexed = complaints.with_columns(
        department=nw.coalesce("_department", "department"),
        _s=nw.col("_s").fill_null(0),
        _e=nw.col("_e").fill_null(n),
        _habitual=nw.col("complainant_month_count") > settings.habitual_threshold,
        _r0=first(asof.is_registered_by),
        _r1=asof.last_month_started("registered_at", starts),
        _k0=first(asof.is_closed_by),
        _k1=asof.last_month_started("closed_at", starts),
        _hi=nw.when(nw.col("closed_at").is_null()).then(n - 1).otherwise(last_event),
    )
    s, e, r0, k0, hi = (nw.col(c) for c in ("_s", "_e", "_r0", "_k0", "_hi"))
    r1, k1, u = nw.col("_r1"), nw.col("_k1"), nw.col("_u")

    def in_run(m: nw.Expr) -> nw.Expr:
        return (s <= m) & (m < e)

    placed = indexed.with_columns(_p=nw.max_horizontal(r0, s), _u=nw.min_horizontal(hi + 1, e)).with_columns(
        _r=nw.when((r0 == r1) & (r1 <= hi) & in_run(r1)).then(r1).otherwise(-1).cast(nw.Int32),
        _k=nw.when(~nw.col("_habitual") & (k0 == k1) & (k1 >= r0) & in_run(k1)).then(k1).otherwise(-1).cast(nw.Int32),
        _q=nw.min_horizontal(k0, u),
    )
    return placed.with_columns(_cr=_instant("_r", cutoffs), _ck=_instant("_k", cutoffs)).drop(
        "_department", "_s", "_e", "_r0", "_r1", "_k0", "_k1", "_hi", "complainant_month_count", "last_event_at"
    )


def _instant(month: str, cutoffs: Sequence[int]) -> nw.Expr:
    """The instant the month in column ``month`` (an index into ``cutoffs``) is judged as of; null for -1."""
    out = nw.lit(None, nw.Int64)
    for m in reversed(range(len(cutoffs))):
        out = nw.when(nw.col(month) == m).then(nw.lit(cutoffs[m], nw.Int64)).otherwise(out)
    return out


def _runs(transfers: nw.LazyFrame[Any], cutoffs: Sequence[int]) -> nw.LazyFrame[Any]:
    """The runs of months of transferred complaints: one row per complaint transferred by some cut-off
    and run of months ``[_s, _e)`` with one department, ``_department`` (null: the one set at
    registration, before the first transfer). A run starts at each month by whose cut-off a transfer
    happened; its department is the latest transfer's by then (ties in time: the later row, ``_seq``;
    the rule of :func:`grading.rules.asof.department_at`). Transfers are few."""
    n = len(cutoffs)
    moved = (
        transfers.with_columns(_t=asof.first_month(lambda t: nw.col("event_time") <= t, cutoffs))
        .filter(nw.col("_t") < n)
        .group_by("complaint_key", "_t")
        .agg(nw.col("_seq").max())
        .join(transfers.select("_seq", _department=nw.col("department")), on="_seq")
        .drop("_seq")
    )
    later = (
        moved.select("complaint_key", "_t")
        .join(moved.select("complaint_key", _u=nw.col("_t")), on="complaint_key")
        .filter(nw.col("_u") > nw.col("_t"))
        .group_by("complaint_key", "_t")
        .agg(_e=nw.col("_u").min())
    )
    columns = ["complaint_key", "_s", "_e", "_department"]
    runs = moved.join(later, on=["complaint_key", "_t"], how="left").with_columns(
        _s=nw.col("_t"), _e=nw.col("_e").fill_null(n)
    )
    before = (
        moved.group_by("complaint_key")
        .agg(_e=nw.col("_t").min())
        .with_columns(_s=nw.lit(0, nw.Int32), _department=nw.lit(None, nw.Int32))
    )
    return (
        nw.concat([before.select(columns), runs.select(columns)], how="vertical")
        .filter(nw.col("_s") < nw.col("_e"))
        .with_columns(nw.col("_s", "_e").cast(nw.Int32))
    )


def _seen(start: asof.Micros, cutoff: asof.Micros) -> nw.Expr:
    """The complaints a month sees: registered by its cut-off and still alive in it (registered in it,
    closed in it, open at its cut-off, or with any event in it: a call-back after a closure)."""
    return asof.is_registered_by(cutoff) & (
        nw.col("closed_at").is_null() | (nw.col("closed_at") >= start) | (nw.col("last_event_at") >= start)
    )


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

    Each complaint of ``inputs`` is read once (once per run of months with one department, when
    transferred): each as-of test becomes the first asked month at which it holds, each month being
    judged as of its own instant, so a month's rows never depend on the others asked for
    (:func:`_rows`, :func:`_counts`). The cost is that of the complaints, call-backs and stints, each
    test costing a comparison per asked month (:func:`month_passes` cuts a long history into passes).
    """
    return encoded_months_metrics(encode(inputs, engine), months, settings, until, engine)


def encoded_months_metrics(
    encoded: Encoded,
    months: Sequence[date],
    settings: MetricSettings | None = None,
    until: datetime | None = None,
    engine: Engine = POLARS,
) -> pl.DataFrame:
    """:func:`months_metrics` of inputs already encoded on ``engine`` (:func:`grading.scoring.edge.encode`,
    :func:`grading.scoring.edge.encode_frames`): inputs encoded once serve every pass over their months
    (:func:`grading.monthly.national.helpline_metrics`)."""
    settings = settings or MetricSettings()
    if not months:
        return _decode(pl.DataFrame(), encoded.names)
    frames = {name: nw.from_native(frame).lazy() for name, frame in encoded.frames.items()}
    calendar = _calendar(months, until)
    cutoffs = calendar["_cutoff"].to_list()
    # every count below reads these rows: the engine keeps them rather than computing them for each use
    rows = nw.from_native(engine.keep(_rows(frames, calendar, settings).to_native()))
    counts = _counts(cutoffs, settings)
    # Small results leave the engine (counts per month, department and district; resolution statistics per
    # month and entity), and the entity rows are made from them in Polars, the same code for every engine.
    parts = [
        *at_anchors(rows, counts),
        in_spans(rows, counts, len(cutoffs)),
        callbacks_and_stints(rows, frames, calendar),
    ]
    month = pl.col("_i").replace_strict(range(len(cutoffs)), calendar["_month"], return_dtype=pl.Int32)
    cells = (
        pl.concat(parts, how="diagonal")
        .group_by("_i", "department", "district")
        .agg(pl.col(CELL_COUNTS).fill_null(0).sum())
        .select(month.alias("_month"), "department", "district", *CELL_COUNTS)
    )
    resolved = rows.filter(nw.col("_k") >= 0).select(
        "department", "district", _i="_k", resolution_us=nw.col("closed_at") - nw.col("registered_at")
    )
    both = ("department", "district")
    typed = [
        resolution_days(resolved, keys)
        .with_columns(_entity=nw.lit(name), **{k: nw.lit(None, nw.Int32) for k in both if k not in keys})
        .select("_entity", "_i", *both, "_median_us", "_total_us", "_resolved", "_p90_us")
        for name, keys in ENTITY_KEYS.items()
    ]
    every = nw.concat(typed, how="vertical").collect("polars").to_native()  # one plan: `resolved` may be shared
    every = every.with_columns(month.alias("_month"))
    days = {
        name: nw.from_native(every.filter(pl.col("_entity") == name).drop("_entity", "_i", *absent).lazy())
        for name, absent in ((name, [k for k in both if k not in keys]) for name, keys in ENTITY_KEYS.items())
    }
    out = entity_rows(nw.from_native(cells.lazy()), days).collect("polars").to_native()
    return _decode(out, encoded.names)


def complaint_flags(
    inputs: dict[str, pl.DataFrame] | Encoded,
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
    ``complaint_key``, ``department`` and ``district``. The rules of the counts (:func:`_counts`).
    ``inputs``: a read (:func:`grading.store.month_reads.read_month_inputs`, encoded here on ``engine``)
    or inputs already encoded on it (:func:`grading.scoring.edge.encode_frames`).
    """
    encoded = inputs if isinstance(inputs, Encoded) else encode(inputs, engine)
    frames = {name: nw.from_native(frame).lazy() for name, frame in encoded.frames.items()}
    calendar = _calendar([month], until)
    cutoffs = calendar["_cutoff"].to_list()
    rows = _rows(frames, calendar, settings).filter((nw.col("_p") <= 0) & (nw.col("_u") > 0))
    q = nw.col("_q")
    held = {
        name: ((nw.col(anchor) == 0) & rule if anchor != "span" else (rule <= 0) & (q > 0)).fill_null(value=False)
        for name, (anchor, rule) in _counts(cutoffs, settings).items()
    }
    flags = rows.filter(~nw.col("_habitual")).select(
        "complaint_key",
        "department",
        "district",
        **{name: held[name] for name in COUNT_FLAGS},
        age_days=nw.when(held["pending"]).then(asof.age_days(cutoffs[0])),
        resolution_us=nw.when(held["closed"]).then(nw.col("closed_at") - nw.col("registered_at")),
    )
    registered = rows.filter(nw.col("_habitual") & (nw.col("_r") == 0))
    out = []
    for frame in (flags, registered.select("complaint_key", "department", "district")):
        native = frame.collect("polars").to_native()
        out.append(decode_names(native, encoded.names).sort("complaint_key"))
    # resolution times in days, as the metrics give them (eager Polars: the same division as _decode)
    days = pl.col("resolution_us") / asof.DAY_US
    return out[0].with_columns(days.alias("resolution_days")).drop("resolution_us"), out[1]


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
        decode_names(rows, names)
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


def month_passes(complaints: Any, months: Sequence[date], max_rows: int) -> list[list[date]]:
    """``months`` (sorted) cut into runs for :func:`months_metrics`, each of at most ``max_rows``
    complaint-months (a complaint of ``complaints`` and a month it may be alive in; a month above it is
    a run of its own): memory is bounded by ``max_rows``, whatever the length of the history.

    ``complaints``: any frame narwhals takes (a Polars frame, a lake read on the engine) with
    ``registered_at``, ``closed_at`` and ``last_event_at`` as timestamps; only the number of complaints
    per span of months leaves the engine."""
    asked = sorted(set(months))
    if not asked:
        return []
    first, last = asof.month_number(asked[0]), asof.month_number(asked[-1])
    frame = nw.from_native(complaints).lazy()
    months_of = frame.select(
        "closed_at",
        *[
            (nw.col(c).dt.year().cast(nw.Int32) * 12 + nw.col(c).dt.month().cast(nw.Int32) - 1).alias(f"{c}_month")
            for c in ("registered_at", "closed_at", "last_event_at")
        ],
    )
    spans = (
        months_of.select(*_alive_span(last))
        .filter(nw.col("_lo") <= nw.col("_hi"))
        .group_by("_lo", "_hi")
        .agg(_n=nw.len())
        .collect("polars")
        .to_native()
        .with_columns(pl.col("_lo", "_hi").cast(pl.Int32), pl.col("_n").cast(pl.Int64))
    )
    # complaints alive in each month: +n at lo, -n after hi, summed from the first month
    steps = pl.concat([spans.select(at="_lo", step="_n"), spans.select(at=pl.col("_hi") + 1, step=-pl.col("_n"))])
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
