"""Every month of a store on Polars and on another engine, compared value by value (run by hand: the
parity test, ``tests/test_engines.py``, runs on small stores; this is the same comparison at any size).

    uv run python bench/engines_agree.py --db /path/to/state.duckdb --engine spark --remote sc://HOST:PORT --stage DIR

Opens the store read-only and computes every month (default ``MetricSettings``) on Polars, then on the
engine. Prints one JSON line: the rows, and each metric with rows that differ and how many (integers: at
all; decimals: by more than 1e-9; a null against a value differs; ``unmatched``: rows on one side only).
Exits 1 when any differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

from grading.model.registry import METRICS
from grading.monthly import engines, refresh
from grading.rules.asof import calendar_months
from grading.scoring.metrics import MetricSettings
from grading.store import database, month_reads

KEYS = ["entity_type", "department", "district", "month"]


def differing(a: pl.DataFrame, b: pl.DataFrame) -> dict[str, int]:
    """For each metric, the rows of ``a`` and ``b`` (matched on the keys) where it differs."""
    joined = a.join(b, on=KEYS, how="full", nulls_equal=True, suffix="_b")
    out = {"unmatched": 2 * joined.height - a.height - b.height}  # rows on one side only
    for column in METRICS:
        x, y = pl.col(column), pl.col(f"{column}_b")
        if a.schema[column].is_integer():
            differs = ~x.eq_missing(y)
        else:
            differs = (x.is_null() != y.is_null()) | ((x - y).abs() > 1e-9).fill_null(value=False)
        out[column] = int(joined.select(differs.sum()).item())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--engine", choices=engines.ENGINES, required=True)
    parser.add_argument("--remote")
    parser.add_argument("--stage")
    args = parser.parse_args()
    con = database.connect_readonly(args.db)
    bounds = month_reads.month_bounds(con)
    assert bounds is not None
    months = calendar_months(*bounds)
    base = refresh.compute_months(con, months, MetricSettings())
    with engines.opened(args.engine, args.remote, args.stage) as engine:
        other = refresh.compute_months(con, months, MetricSettings(), engine=engine)
    con.close()
    found = differing(base, other)
    differ = {name: n for name, n in found.items() if n}
    print(json.dumps({"rows": base.height, "other_rows": other.height, "metrics": len(METRICS), "differing": differ}))
    sys.exit(1 if any(found.values()) else 0)


if __name__ == "__main__":
    main()
