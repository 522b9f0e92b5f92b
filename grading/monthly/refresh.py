"""Orchestration: build the demo, refresh the precomputed monthly tables, read graded results.

This module wires :mod:`grading.store.database` (DuckDB) to the pure steps (:mod:`grading.rules.derive`,
:mod:`grading.scoring.metrics` on the engine of :mod:`grading.monthly.engines`, :mod:`grading.scoring.grade`);
it never writes SQL itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

import duckdb
import polars as pl

from grading.rules.asof import calendar_months, month_window, next_month
from grading.scoring.edge import POLARS, Engine, encode
from grading.scoring.metrics import MetricSettings, encoded_months_metrics
from grading.store import database, month_reads

Progress = Callable[[str, int, int], None]
SETTINGS_KEY = "metric_settings"
#: Months read from the store at a time by :func:`compute_months`, at most (past ``LIGHT_READ``): memory
#: grows with the window, not with the length of the history (a read holds the complaints alive in it
#: and their stints and call-backs); one read per month would repeat the complaints open across months.
MONTHS_PER_READ = 6
#: Complaints registered in the months of one read, at most (a month above it is read alone): keeps a
#: read's memory bounded by the state's volume too. At Madhya Pradesh's volume (about 4 lakh
#: complaints a month) a read covers ``MONTHS_PER_READ`` months; at ten times that volume, one month.
READ_COMPLAINTS = 3_000_000
#: A read of light months covers more than ``MONTHS_PER_READ`` months while the complaints registered
#: in them stay within this: a small helpline's whole history is one read, not one per six months.
LIGHT_READ = 250_000


def compute_months(
    con: duckdb.DuckDBPyConnection,
    months: list[date],
    settings: MetricSettings,
    progress: Progress | None = None,
    engine: Engine = POLARS,
) -> pl.DataFrame:
    """Every metric for ``months`` (oldest first), all entity types, one row per entity and month,
    computed on ``engine`` (:mod:`grading.monthly.engines`; default: Polars in this process).

    The store is read a few consecutive months at a time (at most ``MONTHS_PER_READ`` months and
    ``READ_COMPLAINTS`` complaints registered in them, or more light months within ``LIGHT_READ``:
    reading is the slow part, and one read per month would repeat the open complaints), and the
    months of a read are graded together in one pass (:func:`grading.scoring.metrics.months_metrics`:
    its work and memory follow the read's complaints, call-backs and stints, not the months), each as
    of its own cut-off: the answer for a month never depends on which other months are asked for, and a
    long history of a small helpline costs about its data, not a fixed price per month.
    """
    frames: list[pl.DataFrame] = []
    done = 0
    until = database.data_until(con)  # a snapshot's export time: its month is judged as of it
    # (one month, e.g. a daily load's refresh, needs no sizing)
    registered = month_reads.registered_per_month(con, min(months), max(months)) if len(set(months)) > 1 else {}
    for chunk in _consecutive(months, MONTHS_PER_READ, registered, READ_COMPLAINTS, LIGHT_READ):
        inputs = month_reads.read_month_inputs(con, month_window(chunk[0])[0], month_window(chunk[-1])[1])
        encoded = encode(inputs, engine)
        del inputs
        frames.append(encoded_months_metrics(encoded, chunk, settings, until, engine))
        del encoded
        done += len(chunk)
        if progress:
            progress("monthly results", done, len(months))
    return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()


def _consecutive(
    months: list[date],
    size: int,
    weights: dict[date, int] | None = None,
    budget: int | None = None,
    light: int | None = None,
) -> list[list[date]]:
    """``months`` cut into runs of consecutive calendar months, each of at most ``size`` months and, with
    ``weights`` (a number per month, 0 when absent), of at most ``budget`` in total; a month above the
    budget is a run of its own. With ``light``, a run grows past ``size`` months while its total stays
    within ``light``."""
    weights = weights or {}
    runs: list[list[date]] = []
    total = 0
    for month in sorted(set(months)):
        weight = weights.get(month, 0)
        fits = budget is None or total + weight <= budget
        room = bool(runs) and (len(runs[-1]) < size or (light is not None and total + weight <= light))
        if room and next_month(runs[-1][-1]) == month and fits:
            runs[-1].append(month)
            total += weight
        else:
            runs.append([month])
            total = weight
    return runs


def refresh_monthly(
    con: duckdb.DuckDBPyConnection,
    since: date | None = None,
    settings: MetricSettings | None = None,
    progress: Progress | None = None,
    *,
    until: date | None = None,
    engine: Engine = POLARS,
) -> list[date]:
    """Recompute ``monthly_metrics`` for every month from ``since`` (default: the first) to the last.

    Months before ``since`` cannot change when the new events are all at or after ``since``: a month
    is computed as of its cut-off and ignores later events. Months never computed before (a gap with
    no events between two loads, whose open complaints still count) are computed too.

    ``until`` is the month of the latest new event (a load knows it): with ``since`` and months already
    computed, the last month is then the later of ``until`` and the last computed month (events are only
    appended), and the store's whole event log is not scanned for its first and last month.
    ``engine`` computes the metrics (:func:`compute_months`).
    """
    settings = settings or MetricSettings()
    computed = database.last_computed_month(con)
    if since is not None and until is not None and computed is not None:
        # A month after the last computed one was never computed (no event in it before this load).
        months = calendar_months(min(since, next_month(computed)), max(until, computed))
    else:
        bounds = month_reads.month_bounds(con)
        if bounds is None:
            return []
        first = bounds[0]
        if since is not None and computed is not None:
            first = max(first, min(since, next_month(computed)))
        months = calendar_months(first, bounds[1])
    database.replace_monthly_metrics(con, compute_months(con, months, settings, progress, engine), months)
    database.set_meta(con, SETTINGS_KEY, json.dumps(settings.__dict__, sort_keys=True))
    database.set_meta(con, "refreshed_at", datetime.now().isoformat(timespec="seconds"))
    return months


def stored_settings(con: duckdb.DuckDBPyConnection) -> MetricSettings | None:
    """The metric settings the precomputed ``monthly_metrics`` were computed with."""
    raw = database.get_meta(con, SETTINGS_KEY)
    return MetricSettings(**json.loads(raw)) if raw else None
