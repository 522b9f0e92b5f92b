"""Import throughput for the canonical CSV (run by hand; figures go to BENCHMARKS.md).

    uv run python bench/bench_ingest.py [--scale 0.1] [--months 12]

Writes the demo history as one canonical event-log CSV, then loads it into an empty store with
`grading.ingest.ingest` and reports events per second, end to end (read, check every row, check
every history, write, derive, refresh the monthly results) and per phase.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

import polars as pl

from grading import demo, ingest, reference


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nivaran-ingest-"))
    csv = work / "events.csv"
    frame = pl.concat(
        list(
            demo.generate(
                reference.departments(),
                reference.districts(),
                reference.categories(),
                months=args.months,
                end="2026-10",
                scale=args.scale,
                seed=7,
            )
        )
    )
    frame.with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f")).write_csv(csv)
    print(f"{frame.height:,} events, {csv.stat().st_size / 2**20:.0f} MiB CSV")
    del frame
    began = time.perf_counter()
    if args.profile:
        with cProfile.Profile() as prof:
            report = ingest.ingest(work / "db.duckdb", [csv])
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    else:
        report = ingest.ingest(work / "db.duckdb", [csv])
    seconds = time.perf_counter() - began
    loaded = report.files[0].rows_loaded
    print(f"loaded {loaded:,} events in {seconds:.1f} s: {loaded / seconds:,.0f} events/s end to end")


if __name__ == "__main__":
    main()
