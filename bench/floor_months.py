"""A single-pass Polars floor for all months: what ``compute_months`` on the Polars engine is held to.

:func:`grading.monthly.refresh.compute_months` runs the engine-neutral rules (:mod:`grading.scoring.metrics`,
narwhals lazy frames). :func:`floor_months` computes the same rows from the same reads (the same read
windows, :func:`grading.store.month_reads.read_month_inputs`) with every trick a hand-written, Polars-only,
single-pass version can use, and none of the neutrality:

- every as-of test of a complaint becomes, once per read window, **the first month index at which it
  holds** (``search_sorted`` on the window's cut-offs and starts): registered, closed, breached, called
  back, each level reached, and each age threshold (8, 16, 31, 51, 101 days and the long-pending
  limit); the flags of a complaint-month are then comparisons of small integers;
- the complaint-months are made by ``int_ranges`` + ``explode`` over integer columns only;
- a complaint's department as of each cut-off is worked out only for complaints with a transfer in
  the window (month segments exploded once), and a call-back's or stint's entity is attached once per
  read window (a join with the complaints, not with the complaint-months);
- names are integer codes from the start; counting and grouping never touch text.

Grain and units as :func:`grading.scoring.metrics.months_metrics`. ``tests/test_floor_months.py`` checks
that it gives the same rows as ``compute_months`` on the demo store; ``bench/bench_engines.py`` measures both.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

import duckdb
import polars as pl

from grading.monthly import refresh
from grading.rules import asof
from grading.scoring.metrics import CELL_COUNTS, ENTITY_KEYS, MetricSettings, percentages
from grading.store import database, month_reads

DAY: Final = pl.duration(days=1)
U32 = pl.UInt32


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


def window_metrics(  # noqa: PLR0915 - the floor is one pass, written out in one place
    inputs: dict[str, pl.DataFrame], chunk: list[date], settings: MetricSettings, until: datetime | None
) -> pl.DataFrame:
    """The rows of the consecutive months ``chunk`` from one read."""
    n = len(chunk)
    starts = pl.Series([asof.month_window(m)[0] for m in chunk], dtype=pl.Datetime("us"))
    cutoffs = pl.Series([asof.judged_at(m, until) for m in chunk], dtype=pl.Datetime("us"))
    never = pl.lit(n, U32)

    def first_le(t: pl.Expr) -> pl.Expr:
        """The first month whose cut-off is at or after ``t`` (n: none; a missing t: none)."""
        return pl.when(t.is_null()).then(never).otherwise(pl.lit(cutoffs).search_sorted(t, side="left").cast(U32))

    def first_lt(t: pl.Expr) -> pl.Expr:
        """The first month whose cut-off is after ``t``."""
        return pl.when(t.is_null()).then(never).otherwise(pl.lit(cutoffs).search_sorted(t, side="right").cast(U32))

    def last_start(t: pl.Expr) -> pl.Expr:
        """The last month that starts at or before ``t`` (-1: none, also for a missing t)."""
        return pl.when(t.is_null()).then(-1).otherwise(pl.lit(starts).search_sorted(t, side="right").cast(pl.Int32) - 1)

    complaints, transfers = inputs["complaints"], inputs["transfers"]
    names = (
        pl.concat([complaints["department"], complaints["district"], transfers["department"]])
        .drop_nulls()
        .unique()
        .sort()
        .to_list()
    )
    code = pl.Enum(names)
    text = pl.Series(names, dtype=pl.String)
    reg = pl.col("registered_at")
    over = settings.long_pending_days
    ages = (8, 16, 31, 51, 101, over + 1)
    outcome = pl.col("close_outcome")
    closure_us = (pl.col("closed_at") - reg).dt.total_microseconds()
    c = complaints.select(
        "complaint_key",
        pl.col("department").cast(code).to_physical().alias("dep"),
        pl.col("district").cast(code).to_physical().alias("dis"),
        reg_i=first_le(reg),
        rec_i=last_start(reg),
        cl_i=first_le(pl.col("closed_at")),
        cs_i=last_start(pl.col("closed_at")),
        le_i=last_start(pl.col("last_event_at")),
        br_i=first_lt(pl.col("first_breach_at")),
        fb_i=first_le(pl.col("first_feedback_at")),
        l2_i=first_le(pl.col("reached_l2_at")),
        l3_i=first_le(pl.col("reached_l3_at")),
        l4_i=first_le(pl.col("reached_l4_at")),
        **{f"a{k}": first_le(reg + DAY * k) for k in ages},
        satisfied=outcome == "satisfied",
        force=outcome == "force",
        special=outcome == "special",
        other=outcome.is_in(("resolved", "withdrawn", "duplicate")),
        long_closed=closure_us // asof.DAY_US > over,
        closure_us=closure_us,
        habitual=pl.col("complainant_month_count") > settings.habitual_threshold,
        is_open_now=pl.col("closed_at").is_null(),
    )
    # seen in month i: registered by its cut-off, and open at its start or closed or touched in it
    lo = pl.col("reg_i").cast(pl.Int32)
    hi = pl.when("is_open_now").then(n - 1).otherwise(pl.min_horizontal(pl.max_horizontal("cs_i", "le_i"), n - 1))
    c = c.with_columns(lo=lo, hi=hi).filter(pl.col("lo") <= pl.col("hi"))

    # departments as of each cut-off, for complaints with a transfer seen by some cut-off of the window
    moves = (
        transfers.sort("event_time", maintain_order=True)
        .select("complaint_key", t_i=first_le(pl.col("event_time")), dep=pl.col("department").cast(code).to_physical())
        .filter(pl.col("t_i") < n)
        .group_by("complaint_key", "t_i")
        .agg(pl.col("dep").last())
    )
    segments = (
        moves.join(c.select("complaint_key"), on="complaint_key", how="semi")
        .sort("complaint_key", "t_i")
        .with_columns(t_end=pl.col("t_i").shift(-1, fill_value=n).over("complaint_key"))
        .select("complaint_key", "dep", i=pl.int_ranges("t_i", "t_end", dtype=U32))
        .explode("i")
    )
    moved_keys = segments.select("complaint_key").unique()

    def place(rows: pl.DataFrame, month: str) -> pl.DataFrame:
        """``dep`` of ``rows`` set to the department as of the cut-off of the month in column ``month``."""
        moved = rows.join(moved_keys, on="complaint_key", how="semi")
        if moved.is_empty():
            return rows
        plain = rows.join(moved_keys, on="complaint_key", how="anti")
        placed = moved.join(
            segments.rename({"i": month, "dep": "_dep"}), on=["complaint_key", month], how="left"
        ).with_columns(dep=pl.coalesce("_dep", "dep"))
        return pl.concat([plain, placed.drop("_dep")], how="vertical")

    def flags_at(m: int) -> dict[str, pl.Expr]:
        """The counts of month ``m`` over complaints it sees: comparisons of ``m`` with first indices."""
        received = pl.col("rec_i") >= m
        closed_by = pl.col("cl_i") <= m
        closed_in = closed_by & (pl.col("cs_i") >= m)
        is_open = ~closed_by
        breached = pl.col("br_i") <= m

        def age_at_least(k: int) -> pl.Expr:
            return pl.col(f"a{k}") <= m

        return {
            "received": received,
            "closed_satisfied": received & closed_by & pl.col("satisfied"),
            "closed": closed_in,
            "closed_satisfied_in_month": closed_in & pl.col("satisfied"),
            "closed_force": closed_in & pl.col("force"),
            "closed_special": closed_in & pl.col("special"),
            "closed_other": closed_in & pl.col("other"),
            "callback_closed": closed_in & (pl.col("fb_i") <= m),
            "on_time": closed_in & ~breached,
            "late": closed_in & breached,
            "open_overdue": is_open & breached,
            "pending": is_open,
            "long_pending_closed": closed_in & pl.col("satisfied") & pl.col("long_closed"),
            "long_pending_open": is_open & age_at_least(over + 1),
            "reached_l2": received & (pl.col("l2_i") <= m),
            "reached_l3": received & (pl.col("l3_i") <= m),
            "reached_l4": received & (pl.col("l4_i") <= m),
            "pending_0_7": is_open & ~age_at_least(8),
            "pending_8_15": is_open & age_at_least(8) & ~age_at_least(16),
            "pending_16_30": is_open & age_at_least(16) & ~age_at_least(31),
            "pending_31_50": is_open & age_at_least(31) & ~age_at_least(51),
            "pending_51_100": is_open & age_at_least(51) & ~age_at_least(101),
            "pending_over_100": is_open & age_at_least(101),
        }

    keys = ["i", "dep", "dis"]
    graded_c = c.filter(~pl.col("habitual")).drop("closure_us")
    plain = graded_c.join(moved_keys, on="complaint_key", how="anti").lazy()
    moved = graded_c.join(moved_keys, on="complaint_key", how="semi").lazy()
    per_month = []
    for m in range(n):
        alive = (pl.col("lo") <= m) & (pl.col("hi") >= m)
        moved_m = (
            moved.filter(alive)
            .join(segments.lazy().filter(pl.col("i") == m).drop("i"), on="complaint_key", how="left", suffix="_t")
            .with_columns(dep=pl.coalesce("dep_t", "dep"))
            .drop("dep_t")
        )
        seen = pl.concat([plain.filter(alive), moved_m], how="vertical")
        per_month.append(
            seen.group_by("dep", "dis")
            .agg(**{name: f.sum() for name, f in flags_at(m).items()})
            .with_columns(i=pl.lit(m, U32))
        )
    from_flags = pl.concat(per_month, how="vertical").collect()
    habitual_received = c.filter(
        pl.col("habitual") & (pl.col("rec_i") >= 0) & (pl.col("reg_i").cast(pl.Int32) == pl.col("rec_i"))
    )
    left_out = (
        place(habitual_received.select("complaint_key", "dep", "dis", i=pl.col("reg_i")), "i")
        .group_by(keys)
        .agg(excluded_habitual=pl.len())
    )

    # call-backs and stints: their month, their complaint's entity in it (one join per read window)
    entity = c.filter(~pl.col("habitual")).select("complaint_key", "dep", "dis")

    def in_month(rows: pl.DataFrame, column: str) -> pl.DataFrame:
        t = pl.col(column)
        return (
            rows.with_columns(i=last_start(t), _first=first_le(t))
            .filter((pl.col("i") >= 0) & (pl.col("i").cast(U32) == pl.col("_first")))
            .with_columns(pl.col("i").cast(U32))
            .join(entity, on="complaint_key", how="inner")
        )

    kind = pl.col("kind")
    events = (
        place(in_month(inputs["feedback_events"], "event_time"), "i")
        .group_by(keys)
        .agg(
            feedback_satisfied=(kind == "satisfied").sum(),
            feedback_dissatisfied=(kind == "dissatisfied").sum(),
            feedback_unreachable=(kind == "unreachable").sum(),
            reopened=(kind == "reopened").sum(),
        )
    )
    stints = in_month(inputs["stints"], "started_at")
    cutoff_of = cutoffs.gather(stints["i"])
    stints = place(stints.with_columns(_cutoff=cutoff_of), "i")
    from_stints = stints.group_by(keys).agg(
        stints_started=pl.len(),
        stints_non_attended=(
            pl.col("nonattended_at").is_not_null() & (pl.col("nonattended_at") < pl.col("_cutoff"))
        ).sum(),
    )
    cells = (
        pl.concat([from_flags, left_out, events, from_stints], how="diagonal_relaxed")
        .group_by(keys)
        .agg(pl.all().sum())
        .select(*keys, *[pl.col(name).fill_null(0).cast(pl.Int64) for name in CELL_COUNTS])
    )
    # resolution times: each complaint closed in a month of the window, in that month
    resolved = place(
        c.filter(~pl.col("habitual") & (pl.col("cl_i").cast(pl.Int32) == pl.col("cs_i"))).select(
            "complaint_key", "dep", "dis", "closure_us", i="cl_i"
        ),
        "i",
    )
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
    from grading.model.registry import METRICS

    out = pl.concat(rows, how="diagonal_relaxed").select("entity_type", "department", "district", "month", *METRICS)
    return out.sort("month", "entity_type", "department", "district", nulls_last=False)
