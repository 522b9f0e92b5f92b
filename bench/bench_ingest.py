"""Import throughput for the canonical CSV (run by hand; figures go to BENCHMARKS.md).

    uv run python bench/bench_ingest.py [--scale 0.1] [--months 12]

Writes the demo history as one canonical event-log CSV, then loads it into an empty store with
`grading.intake.ingest.ingest` and reports events per second, end to end (read, check every row, check
every history, write, derive, refresh the monthly results) and per phase.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import pstats
import resource
import tempfile
import time
from pathlib import Path

import polars as pl

from bench.baselines import DEFAULT_LIMIT_DAYS
from grading.demo import simulate
from grading.intake import ingest
from grading.store import helpline, reference


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--csv", type=Path, help="load this canonical CSV instead of generating one")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nivaran-ingest-"))
    csv = args.csv or work / "events.csv"
    if not args.csv:  # in a child process, so that the peak memory below is the load's alone
        child = multiprocessing.get_context("spawn").Process(target=write_demo_csv, args=(csv, args.scale, args.months))
        child.start()
        child.join()
    phases = Phases()
    new_store(work / "db.duckdb")  # a load never creates a store (`nivaran init` first)
    began = time.perf_counter()
    if args.profile:
        with cProfile.Profile() as prof:
            report = ingest.ingest(work / "db.duckdb", [csv], progress=phases)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    else:
        report = ingest.ingest(work / "db.duckdb", [csv], progress=phases)
    seconds = time.perf_counter() - began
    phases.report(began)
    loaded = report.files[0].rows_loaded
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"loaded {loaded:,} events in {seconds:.1f} s: {loaded / seconds:,.0f} events/s end to end")
    print(f"peak memory (RSS) {peak:.2f} GiB")


class Phases:
    """Progress callback that notes when each phase of the load last reported."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        self.last[phase] = time.perf_counter()

    def report(self, began: float) -> None:
        previous = began
        for phase, at in self.last.items():
            print(f"  {phase:<24} until {at - began:6.2f} s  ({at - previous:.2f} s)")
            previous = at


def new_store(db: Path) -> Path:
    """An empty store at ``db`` for the MP helpline (``nivaran init``: a load never creates one)."""
    helpline.init(db, timezone="Asia/Kolkata", name="Import bench", reference_choice="mp")
    return db


def write_demo_csv(csv: Path, scale: float, months: int) -> None:
    """The demo history as one canonical event-log CSV."""
    frame = pl.concat(
        list(
            simulate.generate(
                reference.departments(),
                reference.districts(),
                reference.categories(),
                months=months,
                end="2026-10",
                scale=scale,
                seed=7,
                default_limit_days=DEFAULT_LIMIT_DAYS,
            )
        )
    )
    frame.with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f")).write_csv(csv)
    print(f"{frame.height:,} events, {csv.stat().st_size / 2**20:.0f} MiB CSV")


if __name__ == "__main__":
    main()
