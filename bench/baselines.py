"""Two independent baselines for one month's department metrics (the "before" of the benchmark).

This module holds what both share (the output columns, the month's bounds, the comparison); the
baselines themselves are in :mod:`bench.baselines_pandas` and :mod:`bench.baselines_sql`.

Both compute, from the raw event log, the same figures as the Polars pipeline
(:func:`grading.scoring.metrics.month_metrics`, ``entity_type == "department"``), by the definitions of
``docs/reference.md`` section 3 and Nivaran's readings in the docstrings of :mod:`grading.scoring.metrics` and
:mod:`grading.rules.derive`:

- :func:`bench.baselines_pandas.pandas_month`: the straightforward pandas way: truncate the log at the
  cut-off, sort, replay each complaint's events in a Python loop over ``groupby("complaint_id")`` to
  build complaint facts and stints, then aggregate per department. Slow on purpose, but correct.
- :data:`bench.baselines_sql.SQL_MONTH` / :func:`bench.baselines_sql.duckdb_month`: one hand-written
  DuckDB query over the ``events`` and ``categories`` tables of a Nivaran database.

Grain of both results: one row per department with any activity in the month (a complaint received,
closed or open at the cut-off, a feedback or reopen event or a stint in the month, or a complaint left
out by the habitual rule). Units: counts are complaints (``received`` .. ``pending_over_50``);
percentages are 0-100 and null when the denominator is zero (``long_pending_disposal_pct``: 100);
``resolution_days_*`` are calendar days as decimals (median, mean, linear p90).

Readings shared with the pipeline: the cut-off C is the last microsecond of the month (Asia/Kolkata
wall-clock time, as stored) and later events are ignored; events of one complaint are ordered by
``event_time``, then by lifecycle order (:data:`grading.model.schema.EVENTS`); a complaint belongs to its
registration department or that of its latest ``transferred`` event at or before C; a complaint whose
complainant registered more than ``habitual_threshold`` complaints (statewide) in its registration
month is left out of every metric; ages are completed days.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Final

import numpy as np

from grading.scoring import schemes

#: The output columns, in order (one row per department).
COLUMNS: Final = (
    "department",
    "received",
    "excluded_habitual",
    "closed_satisfied",
    "satisfied_closure_pct",
    "closed",
    "closed_force",
    "closed_special",
    "closed_other",
    "force_close_pct",
    "satisfaction_pct",
    "callback_coverage_pct",
    "reopen_pct",
    "resolution_days_median",
    "resolution_days_mean",
    "resolution_days_p90",
    "on_time",
    "late",
    "open_overdue",
    "sla_compliance_pct",
    "non_attended_pct",
    "pending",
    "pending_over_50",
    "long_pending_disposal_pct",
    "reached_l2_pct",
    "reached_l3_pct",
    "reached_l4_pct",
)
#: ``pending_over_50`` is a fixed age bucket (51 completed days and more), whatever the settings.
PENDING_OVER_DAYS: Final = 50
#: The time limit of a category the reference lacks: the default scheme's (the demo store's scheme).
DEFAULT_LIMIT_DAYS: Final = schemes.load(schemes.DEFAULT_SCHEME).default_limit_days


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """``(start, cutoff)`` of a calendar month: its first instant and its last microsecond."""
    start = datetime(month.year, month.month, 1)
    end = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, end - timedelta(microseconds=1)


def is_close(a: object, b: object, tol: float = 1e-9) -> bool:
    """Whether two metric values agree: both null (None or NaN), or numbers within ``tol``."""
    a_null = a is None or (isinstance(a, float) and math.isnan(a))
    b_null = b is None or (isinstance(b, float) and math.isnan(b))
    if a_null or b_null:
        return a_null and b_null
    return bool(np.isclose(float(a), float(b), rtol=0.0, atol=tol))  # type: ignore[arg-type]
