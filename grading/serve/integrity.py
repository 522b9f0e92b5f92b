"""The month's integrity flags read through the store: the inputs the pure rules of
:mod:`grading.scoring.flags` need (one read of the month, the month's complaints and ended stints, the
graded metrics), with the thresholds of the scheme version in force that month.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from grading.monthly import results
from grading.rules.asof import month_window
from grading.scoring.flags import raise_flags
from grading.scoring.metrics import complaint_flags
from grading.scoring.schemes import Scheme
from grading.store import case_reads, database


def compute(con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date, by: str = "department") -> pl.DataFrame:
    """Read what the flags need for ``month`` through the store (:mod:`grading.store.database`,
    :mod:`grading.store.case_reads`) and raise them (thresholds: the scheme version in force that month)."""
    start, end, _ = month_window(month)
    inputs = database.read_month_inputs(con, start, end)
    entities, _ = complaint_flags(inputs, month, scheme.metric_settings, database.data_until(con))
    return raise_flags(
        entities=entities.select("complaint_key", "department", "district"),
        complaints=case_reads.flag_complaints(con, start, end),
        stints=case_reads.stints_ended(con, start, end),
        metrics=results.metrics_for(con, scheme, by, until=month),
        month=month,
        by=by,
        settings=scheme.in_force(month).flags,
    )
