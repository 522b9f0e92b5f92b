"""Page-data timings on the default demo (run by hand; figures go to BENCHMARKS.md).

    uv run python bench/bench_pages.py [--db bench/default.duckdb]

Times, uncached, the core functions each page calls for one render (what a page costs when
Streamlit's cache is cold, e.g. after a new load swapped the database in). The target is 2 s a page.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from grading.access.identity import Identity
from grading.demo import build
from grading.rules import asof
from grading.scoring import schemes
from grading.serve import public, views
from grading.store import database, month_reads

ROOT = Path(__file__).resolve().parent.parent


def pages(con, month):  # type: ignore[no-untyped-def]
    scheme = schemes.load()
    district = Identity("bench", "collector", districts=("INDORE",))
    department = Identity("bench", "department_head", departments=("REVENUE",))
    work: dict[str, list[Callable[[], object]]] = {
        "public summary": [
            lambda: public.state_headline(con, scheme, month),
            lambda: public.ranking(con, scheme, "department", month),
            lambda: public.ranking(con, scheme, "district", month),
            lambda: public.state_trend(con, scheme),
            lambda: public.cells(con, scheme, month, "satisfied_closure_pct"),
        ],
        "methodology": [schemes.load],
        "trends": [lambda: public.history(con, scheme, "department"), lambda: public.state_trend(con, scheme)],
        "department": [
            lambda: views.ranking(con, scheme, "department", month),
            lambda: views.ranking(con, scheme, "department", asof.previous_month(month)),
            lambda: views.history(con, scheme, "department"),
            lambda: views.component_comparison(con, scheme, "REVENUE", month),
            lambda: views.pending_cases(con, month, department),
        ],
        "district review": [
            lambda: views.pending_cases(con, month, district),
            lambda: views.case_timeline(con, "MP2610-0000001", district),
        ],
        "data loaded": [lambda: views.data_status(con)],
    }
    return work


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "default.duckdb")
    args = parser.parse_args()
    if not args.db.exists():
        began = time.perf_counter()
        build.build_demo(args.db)
        print(f"built the default demo in {time.perf_counter() - began:.1f} s")
    con = database.connect_readonly(args.db)
    bounds = month_reads.month_bounds(con)
    assert bounds is not None
    month = bounds[1]
    print(f"| page | seconds (uncached, {month:%Y-%m}) |\n|---|---|")
    for name, calls in pages(con, month).items():
        began = time.perf_counter()
        for call in calls:
            call()
        print(f"| {name} | {time.perf_counter() - began:.3f} |")


if __name__ == "__main__":
    main()
