"""``nivaran export`` on a demo store, beside a bare DuckDB partitioned COPY (run by hand; figures go to
BENCHMARKS.md).

    uv run python bench/bench_export.py --scale 0.05 --months 12 --work bench/results/export-small
    uv run python bench/bench_export.py --scale 0.5 --months 12 --work bench/results/export-medium

In ``--work``: ``store.duckdb`` (built once by ``nivaran demo``, seed 181, ending 2026-10), ``lake/``
(the export) and ``floor/`` (the bare COPY). Steps, each in its own child process (wall seconds, CPU
seconds of the whole child: user + system, all threads, imports included; peak memory; partitions
written). ``seconds`` is the export (or the COPY) alone, ``process_seconds`` the whole child:

- ``full``: the first export into an empty lake (every partition written).
- ``rerun``: the same again, no load between: the store is the version last exported, nothing is read.
- ``scan``: after ``nivaran migrate`` (a new version with the same rows): every table's partition
  digests computed, nothing written. This is the fixed price of an export after any load.
- ``day``: after loading a day's file (``closures`` open complaints, picked at random, closed on
  1 November 2026, the day after the demo ends, plus one new complaint): the digests, then only the changed partitions.
- ``floor``: DuckDB alone writes the same tables and columns, partitioned by helpline and month, in
  one ``write_parquet(partition_by=...)`` per table (no digests, no sorting, no per-partition files).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
from pathlib import Path
began = time.perf_counter()
work = None
step, db, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
written = None
if step == "floor":
    import duckdb
    started = time.perf_counter()
    from grading.store import lake
    from grading.store.sqltext import sql
    con = duckdb.connect(str(db), read_only=True)
    out.mkdir(parents=True, exist_ok=True)
    for table, key in lake.MONTH_KEYS.items():
        cols = [c for c in lake._columns(con, table)]
        month = sql("strftime(date_trunc('month', {k}), '%Y-%m') as month", k=key)
        rel = con.sql(sql("select {c}, 'demo' as helpline, ", c=tuple(cols)) + month + sql(" from {t}", t=table))
        rel.write_parquet(str(out / table), partition_by=["helpline", "month"], compression="zstd", overwrite=True)
    for table in lake.WHOLE:
        (out / table).mkdir(parents=True, exist_ok=True)
        rel = con.sql(sql("select * from {t}", t=table))
        rel.write_parquet(str(out / table / "part-0.parquet"), compression="zstd")
    con.close()
    work = round(time.perf_counter() - started, 2)
else:
    from grading.store import lake
    started = time.perf_counter()
    report = lake.export(db, out, "demo")
    work = round(time.perf_counter() - started, 2)
    written = len(report.written) if len(report.written) > 12 else report.written
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"step": step, "seconds": work, "process_seconds": round(time.perf_counter() - began, 2),
    "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2), "peak_mib": usage.ru_maxrss // 1024,
    "partitions_written": written}))
"""


def run(*args: str) -> None:
    subprocess.run(["uv", "run", *args], cwd=ROOT, check=True, capture_output=True)  # noqa: S603, S607 - nivaran itself


def child(step: str, db: Path, out: Path) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", CHILD, step, str(db), str(out)], cwd=ROOT, check=True, capture_output=True, text=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["lake_mib"] = round(sum(p.stat().st_size for p in out.rglob("*.parquet")) / 2**20, 1)
    return result


def day_file(db: Path, path: Path, closures: int) -> None:
    """The day after the demo: ``closures`` open complaints closed, one complaint registered."""
    con = duckdb.connect(str(db), read_only=True)
    open_ids = con.sql("select complaint_id from complaints where closed_at is null order by hash(complaint_id)").pl()
    con.close()
    ids = open_ids["complaint_id"].head(closures)
    closed = pl.DataFrame(
        {
            "complaint_id": ids,
            "event_time": [f"2026-11-01T{10 + i % 8:02d}:{i % 60:02d}:00" for i in range(ids.len())],
            "event": "closed",
            "outcome": "resolved",
        }
    )
    new = pl.DataFrame(
        {
            "complaint_id": ["BENCH-NEW-1"],
            "event_time": ["2026-11-01T09:00:00"],
            "event": ["registered"],
            "level": ["L1"],
            "department": ["ENERGY"],
            "district": ["BHOPAL"],
            "category": ["POWER_SUPPLY_INTERRUPTION"],
            "complainant": ["bench-complainant"],
        }
    )
    pl.concat([new, closed], how="diagonal").write_csv(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--closures", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "export")
    args = parser.parse_args()
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    db = work / "store.duckdb"
    if not db.exists():
        run("nivaran", "demo", "--db", str(db), "--scale", str(args.scale), "--months", str(args.months))
    for folder in ("lake", "floor"):
        shutil.rmtree(work / folder, ignore_errors=True)
    con = duckdb.connect(str(db), read_only=True)
    sizes = {t: con.sql(f"select count(*) from {t}").fetchall()[0][0] for t in ("events", "complaints", "stints")}  # noqa: S608 - fixed names
    con.close()
    summary: dict[str, object] = {
        "date": datetime.now().isoformat(timespec="minutes"),
        "machine": f"{platform.processor() or platform.machine()}, {platform.python_version()}",
        "scale": args.scale,
        "months": args.months,
        "rows": sizes,
    }
    print(json.dumps(summary), flush=True)
    results: list[dict[str, object]] = []

    def measured(step: str, out: Path) -> None:
        results.append(child(step, db, out))
        print(json.dumps(results[-1]), flush=True)  # each step as it ends: a later failure keeps it
        (work / "results.json").write_text(json.dumps({**summary, "results": results}, indent=2) + "\n")

    measured("full", work / "lake")
    measured("rerun", work / "lake")
    run("nivaran", "migrate", "--db", str(db))
    measured("scan", work / "lake")
    day_file(db, work / "day.csv", args.closures)
    run("nivaran", "ingest", "--db", str(db), str(work / "day.csv"))
    measured("day", work / "lake")
    measured("floor", work / "floor")


if __name__ == "__main__":
    main()
