"""Grading benchmark at state scale (run by hand; figures go to BENCHMARKS.md).

    uv run python bench/bench_grading.py --db bench/state.duckdb --build   # build + measure (~15 min)
    uv run python bench/bench_grading.py --db bench/state.duckdb           # measure an existing build

Each step runs in its own child process so that its wall time and peak memory (``ru_maxrss`` of that
child) are its own. Steps:

- ``build``: ``nivaran demo --scale 1 --months 24`` (about 10 million complaints);
- ``one_month``: read the month's derived rows from DuckDB, compute every metric for every entity
  (Polars) and grade departments and districts with the default scheme, ranks and streaks included;
- ``all_months``: the same for every month of the history (what a refresh after a full reload does);
- ``pandas``: the naive pandas version of one month's department metrics (replaying each complaint's
  events with ``groupby().apply``), from the raw events;
- ``sql``: one hand-written DuckDB SQL query for the same month's department metrics, from the raw
  events;
- ``sql_floor``: every metric of every month in one hand-written DuckDB query over the same derived
  tables that ``all_months`` reads (``bench/floor.py``): the floor ``all_months`` is held to;
- ``floor_check``: both in one process; the number of (entity, month, metric) values that differ.

``--side-by-side N`` runs ``all_months`` and ``sql_floor`` alternately N times each (one child process
per run) and prints wall and CPU seconds (user + system of the child) and peak memory of every run:
the machine's other work then weighs on both alike.

The last two are in ``bench/baselines_pandas.py`` and ``bench/baselines_sql.py``; ``bench/check_baselines.py``
checks that they agree with the Polars pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _month_arg(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def step_one_month(db: Path, month: date) -> dict[str, object]:
    """Grade one month twice in one process: the first run pays for imports, the connection and
    cold reads (a CLI call); the second is what a running dashboard or service sees."""
    from grading.rules.asof import month_window
    from grading.scoring import schemes
    from grading.scoring.grade import grade
    from grading.scoring.metrics import month_metrics
    from grading.store import database, month_reads

    out: dict[str, object] = {}
    began = time.perf_counter()
    scheme = schemes.load()
    con = database.connect_readonly(db)
    start, end, _ = month_window(month)
    for run in ("cold", "warm"):
        t0 = time.perf_counter()
        inputs = month_reads.read_month_inputs(con, start, end)
        t1 = time.perf_counter()
        metrics = month_metrics(inputs, month)
        t2 = time.perf_counter()
        graded = grade(metrics, scheme)
        t3 = time.perf_counter()
        out[run] = {
            "seconds": (t3 - began) if run == "cold" else (t3 - t0),
            "read": t1 - t0,
            "metrics": t2 - t1,
            "grade": t3 - t2,
        }
    out["rows_read"] = sum(f.height for f in inputs.values())
    out["entities"] = graded.height
    return out


def step_all_months(db: Path) -> dict[str, object]:
    from grading.monthly.refresh import compute_months
    from grading.rules.asof import calendar_months
    from grading.scoring import schemes
    from grading.scoring.grade import grade
    from grading.scoring.metrics import MetricSettings
    from grading.store import database, month_reads

    scheme = schemes.load()
    began = time.perf_counter()
    con = database.connect_readonly(db)
    bounds = month_reads.month_bounds(con)
    assert bounds is not None
    months = calendar_months(*bounds)
    graded = grade(compute_months(con, months, MetricSettings()), scheme)
    return {"seconds": time.perf_counter() - began, "months": len(months), "rows": graded.height}


def step_sql_floor(db: Path) -> dict[str, object]:
    from bench.floor import sql_all_months
    from grading.store import database, month_reads

    began = time.perf_counter()
    con = database.connect_readonly(db)
    bounds = month_reads.month_bounds(con)
    assert bounds is not None
    out = sql_all_months(con, *bounds)
    return {"seconds": time.perf_counter() - began, "rows": out.height}


def step_floor_check(db: Path) -> dict[str, object]:
    from bench.floor import differences, sql_all_months
    from grading.monthly.refresh import compute_months
    from grading.rules.asof import calendar_months
    from grading.scoring.metrics import MetricSettings
    from grading.store import database, month_reads

    con = database.connect_readonly(db)
    bounds = month_reads.month_bounds(con)
    assert bounds is not None
    floor = sql_all_months(con, *bounds)
    pipeline = compute_months(con, calendar_months(*bounds), MetricSettings())
    found = differences(floor, pipeline)
    return {"rows": floor.height, "pipeline_rows": pipeline.height, "differences": found.height}


def step_precomputed(db: Path, month: date) -> dict[str, object]:
    from grading.monthly import results
    from grading.scoring import schemes
    from grading.store import database

    began = time.perf_counter()
    con = database.connect_readonly(db)
    rows = results.graded(con, schemes.load(), "department", month)
    return {"seconds": time.perf_counter() - began, "rows": rows.height}


def step_pandas(db: Path, month: date) -> dict[str, object]:
    import duckdb

    from bench.baselines_pandas import limits_from_store, pandas_month
    from grading.rules.asof import month_window

    _, end, _ = month_window(month)
    began = time.perf_counter()
    con = duckdb.connect(str(db), read_only=True)
    # Naive, but not absurd: read only the complaints the month can see, plus their complainants'
    # other complaints of the same registration month (the habitual rule counts those).
    events = con.sql(
        """
        select * exclude (ingest_id) from events
        where complaint_id in (
            select b.complaint_id from complaints a
            join complaints b on b.complainant = a.complainant
             and date_trunc('month', b.registered_at) = date_trunc('month', a.registered_at)
            where a.registered_at < $end and (a.closed_at is null or a.closed_at >= $start))
        """,
        params={"end": end, "start": month_window(month)[0]},
    ).df()
    load_s = time.perf_counter() - began
    out = pandas_month(events, month, limits=limits_from_store(con))
    return {"seconds": time.perf_counter() - began, "load_seconds": load_s, "events": len(events), "rows": len(out)}


def step_sql(db: Path, month: date) -> dict[str, object]:
    import duckdb

    from bench.baselines_sql import duckdb_month

    began = time.perf_counter()
    con = duckdb.connect(str(db), read_only=True)
    out = duckdb_month(con, month)
    return {"seconds": time.perf_counter() - began, "rows": out.height}


def step_build(db: Path, scale: float, months: int, end: str) -> dict[str, object]:
    from grading.demo.build import DemoSpec, build_demo

    began = time.perf_counter()
    result = build_demo(db, DemoSpec(months=months, end=end, scale=scale, seed=1))
    return {"seconds": time.perf_counter() - began, **result}


STEPS = {
    "build": step_build,
    "one_month": step_one_month,
    "all_months": step_all_months,
    "precomputed": step_precomputed,
    "pandas": step_pandas,
    "sql": step_sql,
    "sql_floor": step_sql_floor,
    "floor_check": step_floor_check,
}
WHOLE_STORE = ("all_months", "sql_floor", "floor_check")


def run_child(args: list[str]) -> dict[str, object]:
    """Run one step in a child process; return its JSON result plus wall time and peak RSS."""
    began = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, __file__, "--child", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read() if proc.stdout else ""
    if status != 0:
        msg = f"step {args} failed (status {status})"
        raise RuntimeError(msg)
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - began
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    result["peak_rss_gb"] = usage.ru_maxrss / 1024 / 1024  # KiB on Linux
    return result


def side_by_side(db: Path, runs: int) -> None:
    """``all_months`` and ``sql_floor`` alternately, ``runs`` times each, with the load average."""
    rows = []
    for run in range(1, runs + 1):
        for name in ("all_months", "sql_floor"):
            load = os.getloadavg()[0]
            result = run_child([name, str(db)])
            row = {"run": run, "step": name, "load_avg": load, **result}
            rows.append(row)
            print(json.dumps(row, default=str), flush=True)
    for name in ("all_months", "sql_floor"):
        mine = [r for r in rows if r["step"] == name]
        for key in ("wall_seconds", "cpu_seconds", "peak_rss_gb"):
            values = sorted(float(r[key]) for r in mine)  # type: ignore[arg-type]
            print(f"{name} {key}: median {values[len(values) // 2]:.2f}, all {[round(v, 2) for v in values]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "state.duckdb")
    parser.add_argument("--build", action="store_true", help="(re)build the state-scale demo first")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--end", default="2026-10")
    parser.add_argument("--month", help="month to grade (default: the last)")
    parser.add_argument("--skip", nargs="*", default=[], choices=list(STEPS))
    parser.add_argument("--side-by-side", type=int, metavar="N", help="all_months and sql_floor, N runs each")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side_by_side:
        side_by_side(args.db, args.side_by_side)
        return

    if args.child:
        name, db, *rest = args.child
        fn = STEPS[name]
        if name == "build":
            result = fn(Path(db), float(rest[0]), int(rest[1]), rest[2])
        elif name in WHOLE_STORE:
            result = fn(Path(db))
        else:
            result = fn(Path(db), _month_arg(rest[0]))
        print(json.dumps(result, default=str))
        return

    results: dict[str, dict[str, object]] = {}
    if args.build or not args.db.exists():
        results["build"] = run_child(["build", str(args.db), str(args.scale), str(args.months), args.end])
    month = args.month or args.end
    for name in ("one_month", "precomputed", "all_months", "sql_floor", "sql", "pandas"):
        if name in args.skip:
            continue
        child = [name, str(args.db)] if name in WHOLE_STORE else [name, str(args.db), month]
        results[name] = run_child(child)
        print(f"{name}: {json.dumps(results[name], default=str)}", file=sys.stderr)
    memory_gib = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    machine = f"{platform.node()} · {os.cpu_count()} cores · {memory_gib:.0f} GiB · Python {platform.python_version()}"
    report = {
        "machine": machine,
        "date": time.strftime("%Y-%m-%d"),
        "db": str(args.db),
        "month": month,
        "results": results,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"grading-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(report, indent=1, default=str))
    print(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
