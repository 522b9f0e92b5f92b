"""Every month of a store on each engine, against the single-pass floor (run by hand; figures go to
BENCHMARKS.md, section "Engines").

    uv run python bench/bench_engines.py --db /path/to/state.duckdb --runs 3     # polars and floor, alternately
    uv run python bench/bench_engines.py --db /path/to/state.duckdb --runs 1 --steps duckdb spark

Each run is a child process (``--step``) that opens the store read-only and computes every month of it
(the store's settings are not needed: the default ``MetricSettings``); its CPU time is the child's
user + system time and its memory the child's peak resident set (both from ``os.wait4``). Steps:

- ``polars``: :func:`grading.monthly.refresh.compute_months` on the Polars engine (what a refresh runs);
- ``floor``: :func:`bench.floor_months.floor_months`, the single-pass Polars floor, from the same reads;
- ``duckdb`` and ``spark`` (a local Sail server started in the child): ``compute_months`` on those engines.

The steps alternate run by run, so that the machine's other work weighs on all of them alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("polars", "floor", "duckdb", "spark")


def step(db: Path, name: str) -> dict[str, object]:
    """One step in this process: every month of ``db``."""
    sys.path.insert(0, str(ROOT))
    from bench.floor_months import floor_months
    from grading.monthly import engines, refresh
    from grading.rules.asof import calendar_months
    from grading.scoring.metrics import MetricSettings
    from grading.store import database, month_reads

    con = database.connect_readonly(db)
    bounds = month_reads.month_bounds(con)
    assert bounds is not None
    months = calendar_months(*bounds)
    began = time.perf_counter()
    if name == "floor":
        out = floor_months(con, months, MetricSettings())
    else:
        with engines.opened(name) as engine:
            out = refresh.compute_months(con, months, MetricSettings(), engine=engine)
    return {"months": len(months), "rows": out.height, "seconds_inside": round(time.perf_counter() - began, 2)}


def run_child(db: Path, name: str) -> dict[str, object]:
    """``name`` in a child process: its wall, CPU seconds and peak memory."""
    began = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - this interpreter, this file
        [sys.executable, __file__, "--db", str(db), "--step", name],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "RUST_LOG": "error"},
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - began
    if child.returncode != 0:
        msg = f"step {name} failed (exit {child.returncode})"
        raise RuntimeError(msg)
    inside = json.loads(output.strip().splitlines()[-1])
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "step": name,
        "wall": round(wall, 2),
        "cpu": round(cpu, 2),
        "peak_gib": round(usage.ru_maxrss / 2**20, 2),
        **inside,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=["polars", "floor"])
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.db, args.step)))
        return
    print(json.dumps({"machine": platform.platform(), "cpus": os.cpu_count(), "load": os.getloadavg()}))
    for run in range(args.runs):
        for name in args.steps:
            print(
                json.dumps({"run": run + 1, "load": round(os.getloadavg()[0], 1), **run_child(args.db, name)}),
                flush=True,
            )


if __name__ == "__main__":
    main()
