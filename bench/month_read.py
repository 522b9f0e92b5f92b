"""One month's read on stores of different history lengths, side by side (issue 26; run by hand).

    uv run python bench/month_read.py --month 2026-10 STORE_24 STORE_48 [--runs 5]

For each run, alternating between the stores: :func:`grading.store.month_reads.read_month_inputs` of the
month (what grading one month reads: complaints alive in it, their transfers, its stints and call-backs),
timed in wall and CPU seconds in a fresh read-only connection, and the ``complaints`` rows DuckDB's
profiler says the complaints part scanned. The month's read should cost what the month holds, not the
length of the history: the same month on twice the history within 10 %.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from grading.rules import asof
from grading.store import database, month_reads


def one(db: Path, start: datetime, end: datetime) -> dict[str, float]:
    """One read of the month in a fresh connection: wall and CPU seconds, rows returned and scanned."""
    con = database.connect_readonly(db)
    try:
        began, cpu = time.perf_counter(), time.process_time()
        inputs = month_reads.read_month_inputs(con, start, end)
        wall, used = time.perf_counter() - began, time.process_time() - cpu
        with tempfile.TemporaryDirectory() as tmp:
            profile = Path(tmp) / "profile.json"
            con.execute("pragma enable_profiling = 'json'")
            con.execute("pragma profiling_output = '" + str(profile) + "'")
            month_reads.month_complaints(con, start, end)
            con.execute("pragma disable_profiling")
            scanned = json.loads(profile.read_text(encoding="utf-8"))["query"]["total_rows_scanned"]
    finally:
        con.close()
    return {"wall": wall, "cpu": used, "complaints": inputs["complaints"].height, "scanned": scanned}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stores", type=Path, nargs="+")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    month = datetime.strptime(args.month, "%Y-%m").date()
    start = datetime.combine(month, datetime.min.time())
    end = datetime.combine(asof.add_months(month, 1), datetime.min.time())
    runs: dict[Path, list[dict[str, float]]] = {db: [] for db in args.stores}
    for _ in range(args.runs):
        for db in args.stores:  # alternating, so that both meet the same machine
            runs[db].append(one(db, start, end))
    for db, found in runs.items():
        print(
            f"{db}: {found[0]['complaints']:,} complaints read, {found[0]['scanned']:,} complaint rows scanned; "
            f"wall median {statistics.median(r['wall'] for r in found):.3f} s "
            f"(min {min(r['wall'] for r in found):.3f}), CPU median {statistics.median(r['cpu'] for r in found):.3f} s"
        )


if __name__ == "__main__":
    main()
