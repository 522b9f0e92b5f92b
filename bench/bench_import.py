"""The canonical CSV import beside a bare DuckDB ``read_csv`` of the same file (run by hand; BENCHMARKS.md).

    uv run python -m bench.bench_import [--scale 0.05] [--months 12] [--runs 3] [--csv events.csv] [--phases]

Floor: DuckDB reads the CSV into a typed ``events`` table (the store's column types) and nothing else:
no checks, no histories, no derived tables. Nivaran: ``grading.intake.ingest.ingest`` of the same file into an
empty store, end to end. Each is run ``--runs`` times, alternating, each into a fresh file; the ratio is
Nivaran's median over the floor's median. Each run also reports its CPU seconds (user + system of
the whole process, every thread, ``time.process_time``): on a shared machine the wall clock waits for
other work, the CPU time much less.
"""

from __future__ import annotations

import argparse
import collections
import functools
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from bench.bench_ingest import new_store, write_demo_csv
from grading.intake import ingest
from grading.monthly import refresh
from grading.rules import privacy
from grading.store import derived_rows, writes

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


Timing = tuple[float, float]  # (wall seconds, CPU seconds)


def floor(csv: Path, db: Path) -> Timing:
    """Seconds (wall, CPU) for DuckDB to read ``csv`` into a typed table of a new file and close it."""
    began, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect(str(db))
    con.execute(TYPED_EVENTS)
    con.execute("insert into events by name select * from read_csv(?, header = true, columns = ?)", [str(csv), COLUMNS])
    con.execute("checkpoint")
    con.close()
    return time.perf_counter() - began, time.process_time() - cpu


def nivaran(csv: Path, db: Path) -> Timing:
    """Seconds (wall, CPU) for Nivaran's whole import of ``csv`` into a new store (made before the clock
    starts: ``init`` is not part of an import)."""
    new_store(db)
    began, cpu = time.perf_counter(), time.process_time()
    ingest.ingest(db, [csv])
    return time.perf_counter() - began, time.process_time() - cpu


#: The phases of an import, as (module, function): each is timed alone by :func:`phases`.
PHASES = (
    (ingest, "content_hash"),
    (ingest, "_check_batches"),
    (derived_rows, "assign_keys"),
    (ingest, "split_repeats"),
    (ingest, "lifecycle_problems"),
    (privacy, "pseudonymise"),
    (privacy, "mask_each"),
    (writes, "append_events"),
    (ingest, "_derive_touched"),
    (ingest, "derive"),
    (derived_rows, "replace_derived"),
    (derived_rows, "refresh_complainant_counts"),
    (refresh, "refresh_monthly"),
)


def phases(csv: Path, db: Path) -> None:
    """Print the CPU seconds of each phase of one import of ``csv`` (functions wrapped in place)."""
    spent: collections.Counter[str] = collections.Counter()

    def timed(name: str, fn: object) -> object:
        @functools.wraps(fn)  # type: ignore[arg-type]
        def run(*args: object, **kwargs: object) -> object:
            began = time.process_time()
            try:
                return fn(*args, **kwargs)  # type: ignore[operator]
            finally:
                spent[name] += time.process_time() - began

        return run

    for module, name in PHASES:
        setattr(module, name, timed(name, getattr(module, name)))
    _, cpu = nivaran(csv, db)
    for name, seconds in spent.items():
        print(f"{name:22s} {seconds:6.2f} CPU s")
    print(f"{'whole import':22s} {cpu:6.2f} CPU s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--phases", action="store_true", help="Time each phase of one import instead.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nivaran-import-"))
    csv = args.csv or work / "events.csv"
    if not args.csv:
        child = multiprocessing.get_context("spawn").Process(target=write_demo_csv, args=(csv, args.scale, args.months))
        child.start()
        child.join()
    ingest.ingest(new_store(work / "warm.duckdb"), [csv])  # imports and first-call costs out of the measured runs
    if args.phases:
        phases(csv, work / "phases.duckdb")
        return
    bare: list[Timing] = []
    full: list[Timing] = []
    for run in range(args.runs):
        bare.append(floor(csv, work / f"floor-{run}.duckdb"))
        full.append(nivaran(csv, work / f"nivaran-{run}.duckdb"))
        print(
            f"run {run + 1}: duckdb read_csv {bare[-1][0]:.2f} s ({bare[-1][1]:.2f} CPU s), "
            f"nivaran ingest {full[-1][0]:.2f} s ({full[-1][1]:.2f} CPU s)"
        )
    for i, what in enumerate(("wall", "CPU")):
        low, high = statistics.median(b[i] for b in bare), statistics.median(f[i] for f in full)
        print(f"median {what}: duckdb {low:.2f} s, nivaran {high:.2f} s, ratio {high / low:.1f}x")


if __name__ == "__main__":
    main()
