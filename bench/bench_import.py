"""The canonical CSV import beside a bare DuckDB ``read_csv`` of the same file (run by hand; BENCHMARKS.md).

    uv run python bench/bench_import.py [--scale 0.05] [--months 12] [--runs 3] [--csv events.csv]

Floor: DuckDB reads the CSV into a typed ``events`` table (the store's column types) and nothing else:
no checks, no histories, no derived tables. Nivaran: ``grading.ingest.ingest`` of the same file into an
empty store, end to end. Each is run ``--runs`` times, alternating, each into a fresh file; the ratio is
Nivaran's median over the floor's median.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from bench.bench_ingest import write_demo_csv
from grading import ingest

TYPED_EVENTS = """
create table events (
    complaint_id varchar not null, event_time timestamp not null, event varchar not null,
    level varchar, department varchar, district varchar, category varchar, complainant varchar,
    channel varchar, outcome varchar, note varchar, limit_days double
)
"""
COLUMNS = {
    "complaint_id": "varchar",
    "event_time": "timestamp",
    "event": "varchar",
    "level": "varchar",
    "department": "varchar",
    "district": "varchar",
    "category": "varchar",
    "complainant": "varchar",
    "channel": "varchar",
    "outcome": "varchar",
    "note": "varchar",
    "limit_days": "double",
}


def floor(csv: Path, db: Path) -> float:
    """Seconds for DuckDB to read ``csv`` into a typed table of a new file and close it."""
    began = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(TYPED_EVENTS)
    con.execute(
        "insert into events by name select * from read_csv(?, header = true, columns = ?)", [str(csv), COLUMNS]
    )
    con.execute("checkpoint")
    con.close()
    return time.perf_counter() - began


def nivaran(csv: Path, db: Path) -> float:
    """Seconds for Nivaran's whole import of ``csv`` into a new store."""
    began = time.perf_counter()
    ingest.ingest(db, [csv])
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--csv", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nivaran-import-"))
    csv = args.csv or work / "events.csv"
    if not args.csv:
        child = multiprocessing.get_context("spawn").Process(target=write_demo_csv, args=(csv, args.scale, args.months))
        child.start()
        child.join()
    bare, full = [], []
    for run in range(args.runs):
        bare.append(floor(csv, work / f"floor-{run}.duckdb"))
        full.append(nivaran(csv, work / f"nivaran-{run}.duckdb"))
        print(f"run {run + 1}: duckdb read_csv {bare[-1]:.2f} s, nivaran ingest {full[-1]:.2f} s")
    low, high = statistics.median(bare), statistics.median(full)
    print(f"median: duckdb {low:.2f} s, nivaran {high:.2f} s, ratio {high / low:.1f}x")


if __name__ == "__main__":
    main()
