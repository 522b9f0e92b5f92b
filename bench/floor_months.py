"""A single-pass Polars floor for all months: what ``compute_months`` on the Polars engine is held to.

:func:`grading.monthly.refresh.compute_months` runs the engine-neutral rules (:mod:`grading.scoring.metrics`,
narwhals lazy frames). :func:`floor_months` computes the same rows from the same reads (the same read
windows, :func:`grading.store.month_reads.read_month_inputs`) with every trick a hand-written, Polars-only,
single-pass version can use, and none of the neutrality:

- every as-of test of a complaint becomes, once per read window, **the first month index at which it
  holds** (``search_sorted`` on the window's cut-offs and starts): registered, closed, breached,
  called back, each level reached, and each age threshold (8, 16, 31, 51, 101 days and the
  long-pending limit);
- the counts of a single month (received, closed, the levels reached, …) are counted once, by
  (entity, month of registration, month of closure); the counts of a range of months (pending,
  overdue, each pending age bucket, long pending) are counted by interval: each complaint is grouped by
  its entity and the first index of each range, and a month's count is the number of ranges begun by
  it and not ended;
- a complaint's department as of each cut-off: its index range is split at its transfers (only for
  complaints with a transfer seen by a cut-off of the window); a call-back's or stint's entity is
  attached once per read window (one join with the complaints, not one per month);
- names are integer codes from the start; counting and grouping never touch text.

Grain and units as :func:`grading.scoring.metrics.months_metrics`. ``tests/test_floor_months.py`` checks
that it gives the same rows as ``compute_months`` on the demo store; ``bench/bench_engines.py`` measures both.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

import duckdb
import polars as pl

from grading.model.registry import METRICS
from grading.monthly import refresh
from grading.rules import asof
from grading.scoring.counts import CELL_COUNTS, ENTITY_KEYS, percentages
from grading.scoring.metrics import MetricSettings
from grading.store import database, month_reads

I32: Final = pl.Int32
KEYS: Final = ["i", "dep", "dis"]
#: The pending buckets by their lowest age: a bucket holds from its age to the next bucket's.
AGES: Final = tuple(lo for _, _, lo, _ in asof.PENDING_BUCKETS)


def floor_months(con: duckdb.DuckDBPyConnection, months: list[date], settings: MetricSettings) -> pl.DataFrame:
    """Every metric of ``months`` (consecutive or not), read as ``compute_months`` reads them."""
    until = database.data_until(con)
    registered = month_reads.registered_per_month(con, min(months), max(months)) if len(set(months)) > 1 else {}
    frames = []
    chunks = refresh._consecutive(
        months, refresh.MONTHS_PER_READ, registered, refresh.READ_COMPLAINTS, refresh.LIGHT_READ
    )
    for chunk in chunks:
        inputs = month_reads.read_month_inputs(con, asof.month_window(chunk[0])[0], asof.month_window(chunk[-1])[1])
        frames.append(window_metrics(inputs, chunk, settings, until))
        del inputs
    return pl.concat(frames, how="vertical_relaxed")


class _Months:
    """Month indices of instants in a window of consecutive months ``chunk`` judged as of ``until``:
    a binary search of the months' first instants and cut-offs (``search_sorted``)."""

    def __init__(self, chunk: list[date], until: datetime | None) -> None:
        self.n = len(chunk)
        self.starts = pl.Series([asof.month_window(m)[0] for m in chunk], dtype=pl.Datetime("us"))
        self.cutoffs = pl.Series([asof.judged_at(m, until) for m in chunk], dtype=pl.Datetime("us"))

    def first(self, t: pl.Expr, *, strictly: bool = False) -> pl.Expr:
        """The first month judged as of an instant at or after ``t`` (after it, with ``strictly``): n
        when none is, or ``t`` is null."""
        side = "right" if strictly else "left"
        found = pl.lit(self.cutoffs).search_sorted(t, side=side).cast(I32)
        return pl.when(t.is_null()).then(self.n).otherwise(found)

    def at(self, index: pl.Expr) -> pl.Expr:
        """The instant the month ``index`` is judged as of (null for -1)."""
        return pl.when(index >= 0).then(pl.lit(self.cutoffs).gather(index.clip(0, None)))

    def last_start(self, t: pl.Expr) -> pl.Expr:
        """The last month that starts at or before ``t`` (-1: none, or ``t`` is null)."""
        found = pl.lit(self.starts).search_sorted(t, side="right").cast(I32) - 1
        return pl.when(t.is_null()).then(-1).otherwise(found)


def window_metrics(
    inputs: dict[str, pl.DataFrame], chunk: list[date], settings: MetricSettings, until: datetime | None
) -> pl.DataFrame:
    """The rows of the consecutive months ``chunk`` from one read."""
    months = _Months(chunk, until)
    n = months.n
    complaints, transfers = inputs["complaints"], inputs["transfers"]
    names = (
        pl.concat([complaints["department"], complaints["district"], transfers["department"]])
        .drop_nulls()
        .unique()
        .sort()
    )
    code = pl.Enum(names.to_list())
    reg, closed = pl.col("registered_at"), pl.col("closed_at")
    closure_us = (closed - reg).dt.total_microseconds()
    c = (
        complaints.lazy()
        .select(
            "complaint_key",
            "registered_at",
            "first_breach_at",
            "reached_l2_at",
            "reached_l3_at",
            "reached_l4_at",
            "first_feedback_at",
            pl.col("department").cast(code).to_physical().cast(I32).alias("dep"),
            pl.col("district").cast(code).to_physical().cast(I32).alias("dis"),
            r0=months.first(reg),
            r1=months.last_start(reg),
            k0=months.first(closed),
            k1=months.last_start(closed),
            hi=pl.when(closed.is_null())
            .then(n - 1)
            .otherwise(pl.max_horizontal(months.last_start(closed), months.last_start(pl.col("last_event_at")))),
            outcome=pl.col("close_outcome"),
            closure_us=closure_us,
            long=closure_us // asof.DAY_US > settings.long_pending_days,
            habitual=pl.col("complainant_month_count") > settings.habitual_threshold,
        )
        .filter(pl.col("r0") <= pl.col("hi"))
    )

    # runs of months with one department, for complaints with a transfer seen by a cut-off of the window
    moves = (
        transfers.sort("event_time", maintain_order=True)
        .select("complaint_key", s=months.first(pl.col("event_time")), moved=pl.col("department").cast(code))
        .filter(pl.col("s") < n)
        .group_by("complaint_key", "s")
        .agg(pl.col("moved").last().to_physical().cast(I32))
        .sort("complaint_key", "s")
    )
    runs = pl.concat(
        [
            moves.group_by("complaint_key")
            .agg(e=pl.col("s").min())
            .select("complaint_key", s=pl.lit(0, I32), e="e", moved=pl.lit(None, I32)),
            moves.select(
                "complaint_key", "s", e=pl.col("s").shift(-1, fill_value=n).over("complaint_key"), moved="moved"
            ),
        ],
        how="vertical_relaxed",
    ).filter(pl.col("s") < pl.col("e"))
    s, e, r0, k0, hi, r1, k1 = (pl.col(x) for x in ("s", "e", "r0", "k0", "hi", "r1", "k1"))
    rows = (
        c.join(runs.lazy(), on="complaint_key", how="left")
        .with_columns(run=s.is_not_null(), dep=pl.coalesce("moved", "dep"), s=s.fill_null(0), e=e.fill_null(n))
        .with_columns(p=pl.max_horizontal(r0, s), u=pl.min_horizontal(hi + 1, e))
        .with_columns(
            r=pl.when((r0 == r1) & (r1 <= hi) & (s <= r1) & (r1 < e)).then(r1).otherwise(-1),
            k=pl.when(~pl.col("habitual") & (k0 == k1) & (k1 >= r0) & (s <= k1) & (k1 < e)).then(k1).otherwise(-1),
            q=pl.min_horizontal(k0, pl.col("u")),
        )
        .with_columns(cr=months.at(pl.col("r")), ck=months.at(pl.col("k")))
        .collect()
    )
    graded = rows.lazy().filter(~pl.col("habitual"))
    cells = pl.concat(
        [*_single_months(rows), _ranges(graded, months, settings), _events(inputs, rows, months)],
        how="diagonal_relaxed",
    )
    cells = cells.group_by(KEYS).agg(pl.col(CELL_COUNTS).fill_null(0).sum())
    resolved = graded.filter(pl.col("k") >= 0).select("dep", "dis", "closure_us", i="k").collect()
    return _entity_rows(cells, resolved, names, chunk)


def _single_months(rows: pl.DataFrame) -> list[pl.DataFrame]:
    """Counts that hold in one month: at registration (``r``) and at closure (``k``), one group-by."""
    r, k, habitual, outcome = pl.col("r"), pl.col("k"), pl.col("habitual"), pl.col("outcome")
    at_r = (r >= 0) & ~habitual
    at_k = k >= 0
    satisfied = outcome == "satisfied"
    cr, ck = pl.col("cr"), pl.col("ck")
    breached = (pl.col("first_breach_at") < ck).fill_null(value=False)
    closed_in = {
        "closed": at_k,
        "closed_satisfied_in_month": at_k & satisfied,
        "closed_force": at_k & (outcome == "force"),
        "closed_special": at_k & (outcome == "special"),
        "closed_other": at_k & outcome.is_in(("resolved", "withdrawn", "duplicate")),
        "callback_closed": at_k & (pl.col("first_feedback_at") <= ck).fill_null(value=False),
        "on_time": at_k & ~breached,
        "late": at_k & breached,
        "long_pending_closed": at_k & satisfied & pl.col("long"),
    }
    received = {
        "received": at_r,
        "closed_satisfied": at_r & (pl.col("k0") <= r) & satisfied,
        **{f"reached_l{n}": at_r & (pl.col(f"reached_l{n}_at") <= cr).fill_null(value=False) for n in (2, 3, 4)},
        "excluded_habitual": (r >= 0) & habitual,
    }
    both = (
        rows.lazy()
        .filter((r >= 0) | (k >= 0))
        .group_by("dep", "dis", "r", "k")
        .agg(**{name: f.sum() for name, f in {**received, **closed_in}.items()})
        .collect()
    )
    return [
        both.filter(pl.col(at) >= 0).group_by(at, "dep", "dis").agg(pl.col(list(group)).sum()).rename({at: "i"})
        for at, group in (("r", received), ("k", closed_in))
    ]


def _ranges(graded: pl.LazyFrame, months: _Months, settings: MetricSettings) -> pl.DataFrame:
    """Counts that hold in a range of months, per (i, dep, dis), with a row wherever a graded complaint
    is seen. Open in ``[p, q)``; each count from its first index (overdue: breached; an age bucket: its
    age reached) to ``q``; seen after the month of its closure in ``[after, u)``. Complaints are grouped
    by entity and these indices, and each month's counts added up from the groups."""
    p, q, u = pl.col("p"), pl.col("q"), pl.col("u")
    reg = pl.col("registered_at")

    def from_(first: pl.Expr) -> pl.Expr:
        return pl.min_horizontal(pl.max_horizontal(p, first), q)

    aged = {f"a{lo}": from_(months.first(reg + pl.duration(days=lo))) for lo in AGES[1:]}
    after = pl.max_horizontal(p, q, pl.col("k") + 1)
    groups = (
        graded.filter((p < q) | (after < u))
        .select(
            "dep",
            "dis",
            "q",
            "u",
            pending=pl.min_horizontal(p, q),
            after=pl.min_horizontal(after, u),
            overdue=from_(months.first(pl.col("first_breach_at"), strictly=True)),
            long=from_(months.first(reg + pl.duration(days=settings.long_pending_days + 1))),
            **aged,
        )
        .group_by(pl.all())
        .len()
        .collect()
    )
    starts = ["pending", *aged]
    out = []
    for m in range(months.n):
        open_m = q > m

        def held(first: str, m: int = m, open_m: pl.Expr = open_m) -> pl.Expr:
            return ((pl.col(first) <= m) & open_m).cast(pl.Int64) * pl.col("len")

        buckets = {
            name: held(starts[j]) - (held(starts[j + 1]) if j + 1 < len(starts) else 0)
            for j, (name, _, _, _) in enumerate(asof.PENDING_BUCKETS)
        }
        seen = ((pl.col("pending") <= m) & open_m) | ((pl.col("after") <= m) & (u > m))
        out.append(
            groups.filter(seen)
            .group_by("dep", "dis")
            .agg(
                pl.lit(m, I32).alias("i"),
                pending=held("pending").sum(),
                open_overdue=held("overdue").sum(),
                long_pending_open=held("long").sum(),
                **{name: f.sum() for name, f in buckets.items()},
            )
        )
    return pl.concat(out, how="vertical")


def _events(inputs: dict[str, pl.DataFrame], rows: pl.DataFrame, months: _Months) -> pl.DataFrame:
    """Call-backs and stints per (i, dep, dis): each in the month it falls in (between its start and the
    instant the month is judged as of), for its complaint's entity then; those of a complaint the month
    does not see or grade are left out. Attached once per read window: one join with the complaints'
    rows (a transferred complaint has one row a run of months)."""

    def in_month(frame: pl.DataFrame, column: str) -> pl.LazyFrame:
        t = pl.col(column)
        return (
            frame.lazy()
            .with_columns(i=months.last_start(t))
            .filter((pl.col("i") >= 0) & (months.first(t) == pl.col("i")))
        )

    kind = pl.col("kind")
    callbacks = in_month(inputs["feedback_events"], "event_time").select(
        "complaint_key",
        "i",
        feedback_satisfied=kind == "satisfied",
        feedback_dissatisfied=kind == "dissatisfied",
        feedback_unreachable=kind == "unreachable",
        reopened=kind == "reopened",
    )
    stints = in_month(inputs["stints"], "started_at").select(
        "complaint_key",
        "i",
        stints_started=pl.lit(value=True),
        stints_non_attended=months.first(pl.col("nonattended_at"), strictly=True) <= pl.col("i"),
    )
    entity = rows.lazy().filter(~pl.col("habitual") & (pl.col("p") < pl.col("u")))
    i = pl.col("i")
    return (
        pl.concat([callbacks, stints], how="diagonal")
        .join(entity.select("complaint_key", "dep", "dis", "p", "u"), on="complaint_key")
        .filter((pl.col("p") <= i) & (i < pl.col("u")))
        .group_by(KEYS)
        .agg(pl.exclude("complaint_key", "p", "u").fill_null(value=False).sum())
        .collect()
    )


def _entity_rows(cells: pl.DataFrame, resolved: pl.DataFrame, names: pl.Series, chunk: list[date]) -> pl.DataFrame:
    """The rows of the three entity types: counts added up from the cells, percentages, resolution days."""
    text = names.cast(pl.String)
    rows = []
    for entity_type, entity_keys in ENTITY_KEYS.items():
        group = ["i", *("dep" if k == "department" else "dis" for k in entity_keys)]
        counts = cells.group_by(group).agg(pl.col(CELL_COUNTS).sum())
        days = resolved.group_by(group).agg(
            _median=pl.col("closure_us").median(),
            _total=pl.col("closure_us").sum(),
            _n=pl.len(),
            _p90=pl.col("closure_us").quantile(0.9, interpolation="linear"),
        )
        frame = percentages(counts).join(days, on=group, how="left")
        rows.append(
            frame.with_columns(
                entity_type=pl.lit(entity_type),
                department=pl.lit(text).gather(pl.col("dep")) if "dep" in group else pl.lit(None, pl.String),
                district=pl.lit(text).gather(pl.col("dis")) if "dis" in group else pl.lit(None, pl.String),
                month=pl.lit(pl.Series(chunk, dtype=pl.Date)).gather(pl.col("i")),
                resolution_days_median=pl.col("_median") / asof.DAY_US,
                resolution_days_mean=pl.col("_total") / pl.col("_n") / asof.DAY_US,
                resolution_days_p90=pl.col("_p90") / asof.DAY_US,
            )
        )
    out = pl.concat(rows, how="diagonal_relaxed").select("entity_type", "department", "district", "month", *METRICS)
    return out.sort("month", "entity_type", "department", "district", nulls_last=False)
