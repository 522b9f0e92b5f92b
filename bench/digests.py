"""Digests for every account of a state-scale demo: one collector per district, one head per department.

    uv run nivaran demo --db bench/state.duckdb --scale 1          # a few minutes
    uv run python bench/digests.py --db bench/state.duckdb --accounts   # make the 55 + 52 accounts once
    /usr/bin/time -v uv run nivaran digest --db bench/state.duckdb --as-of 2026-10-31 --outbox /tmp/digests

``--accounts`` (re)creates ``bench.c.<district>`` and ``bench.h.<department>`` with example.org addresses
(half of them in Hindi) and clears the outbox, so each timed run builds every digest again. BENCHMARKS.md
holds the figures.
"""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from grading.access.accounts import Accounts
from grading.store import database


def make_accounts(db: Path) -> tuple[int, int]:
    """One collector per district and one head per department, each with an address; (collectors, heads)."""
    with closing(database.connect_readonly(db)) as con:
        districts = database.read_table(con, "districts")["code"].to_list()
        departments = database.read_table(con, "departments")["code"].to_list()
    store = Accounts(db)
    for i, code in enumerate(districts):
        store.add(f"bench.c.{code.lower()}", "collector", districts=(code,), replace=True,
                  email=f"collector.{code.lower()}@example.org", lang="hi" if i % 2 else "en")  # fmt: skip
    for i, code in enumerate(departments):
        store.add(f"bench.h.{code.lower()}", "department_head", departments=(code,), replace=True,
                  email=f"head.{code.lower()}@example.org", lang="hi" if i % 2 else "en")  # fmt: skip
    return len(districts), len(departments)


def clear_outbox(db: Path) -> None:
    with Accounts(db).connection() as con:
        con.execute("drop table if exists outbox")  # grading.outputs.outbox makes it again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--accounts", action="store_true", help="(Re)create the bench accounts.")
    args = parser.parse_args()
    if args.accounts:
        print("collectors, heads:", make_accounts(args.db))
    clear_outbox(args.db)


if __name__ == "__main__":
    main()
