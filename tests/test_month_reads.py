"""A month's read costs what the month holds, not the length of the history (issue 26).

Two stores hold the same kind of helpline, one with twice the history of the other, both ending with the
same month. Grading that month reads the complaints active in it and the ones still open; DuckDB's
profiler counts the ``complaints`` rows each read scans. The stores are written straight with SQL (150,000
complaints a month, more than a DuckDB row group, so that zone maps have row groups to skip) and laid out
as ``demo`` and ``compact`` lay a store out (:func:`grading.store.month_reads.cluster`).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from grading.rules import asof
from grading.store import database, month_reads
from tests.stores import mp_store

#: Complaints registered a month; every 40th stays open for good (a backlog that grows with the history).
PER_MONTH = 150_000
OPEN_EVERY = 40
LAST = datetime(2026, 10, 1)  # the month graded: October 2026
#: DuckDB's rows per row group: a zone map skips or reads whole row groups.
ROW_GROUP = 122_880


def build(db: Path, months: int, *, shuffled: bool = False) -> None:
    """``months`` months of :data:`PER_MONTH` complaints each, ending with October 2026, registered evenly
    over their month, each closed 1-20 days after it was registered (its last event) but every
    ``OPEN_EVERY``-th, open with no event since its registration. ``shuffled``: stored in no useful order
    (as a store of an older Nivaran, never compacted, may be), instead of a build's order."""
    first = datetime.combine(asof.add_months(LAST.date(), 1 - months), datetime.min.time())
    mp_store(db)
    with database.writing(db) as con:
        con.execute("create temp table written as from complaints limit 0")
        con.execute(
            """
            insert into written
            select i, 'K' || i, r, 'D1', 'X', 'C1', 'p' || (i % 5000), 'web',
                   case when i % $open_every <> 0 then r + to_days(1 + i % 20) end, 'satisfied',
                   null, null, null, null, null,
                   case when i % $open_every <> 0 then r + to_days(1 + i % 20) else r end,
                   1, false, 1, hash_of_id('K' || i)
            from (
                select m * $per + j + 1 as i,
                       $first + to_months(m)
                       + to_microseconds(j * (epoch_us($first + to_months(m + 1)) - epoch_us($first + to_months(m)))
                                         // $per) as r
                from range(0, $months) a(m), range(0, $per) b(j)
            )
            """,
            {"open_every": OPEN_EVERY, "first": first, "months": months, "per": PER_MONTH},
        )
        if shuffled:
            con.execute("insert into complaints select * from written order by hash(complaint_key)")
        else:
            month_reads.cluster(con, "complaints", "temp", "written")


def scanned(db: Path, start: datetime, end: datetime) -> tuple[int, int, int]:
    """Rows of ``complaints`` the month's read scans, rows it returns, rows stored."""
    con = database.connect_readonly(db)
    try:
        profile = db.with_name(db.name + ".profile.json")
        con.execute("pragma enable_profiling = 'json'")
        con.execute(f"pragma profiling_output = '{profile}'")
        rows = month_reads.month_complaints(con, start, end).height
        con.execute("pragma disable_profiling")
        stored = con.sql("select count(*) from complaints").fetchall()[0][0]
    finally:
        con.close()
    query = json.loads(profile.read_text(encoding="utf-8"))["query"]
    return int(query["total_rows_scanned"]), rows, int(stored)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("month_reads")
    made = {}
    for months in (6, 12):
        made[months] = folder / f"h{months}.duckdb"
        build(made[months], months)
    return made


def test_a_month_read_on_twice_the_history_scans_no_more_than_it_needs_more(stores: dict[int, Path]) -> None:
    start, end = LAST, datetime(2026, 11, 1)
    short_scanned, short_rows, short_stored = scanned(stores[6], start, end)
    long_scanned, long_rows, long_stored = scanned(stores[12], start, end)
    assert long_stored == 2 * short_stored == 2 * 6 * PER_MONTH
    # The month needs October's complaints, September's closed in October, and the open backlog, which
    # is twice as long on twice the history: worked out from the fixture.
    backlog_short, backlog_long = 6 * PER_MONTH // OPEN_EVERY, 12 * PER_MONTH // OPEN_EVERY
    assert long_rows - short_rows == pytest.approx(backlog_long - backlog_short, abs=2)
    # What the read scans beyond what it returns does not grow with the history ...
    assert long_scanned - long_rows <= short_scanned - short_rows + ROW_GROUP
    # ... and it scans a small share of either store, not every stored complaint.
    assert long_scanned < long_stored / 3
    assert short_scanned < short_stored * 2 / 3


def test_the_month_read_returns_exactly_the_rule_s_complaints(stores: dict[int, Path]) -> None:
    start, end = datetime(2026, 8, 1), datetime(2026, 9, 1)  # an earlier month: later complaints left out
    con = database.connect_readonly(stores[12])
    try:
        got = month_reads.month_complaints(con, start, end)
        rule = con.sql(
            """
            select complaint_key from complaints
            where registered_at < $end and (closed_at is null or last_event_at >= $start)
            order by complaint_key
            """,
            params={"start": start, "end": end},
        ).pl()
    finally:
        con.close()
    assert got["complaint_key"].sort().to_list() == rule["complaint_key"].to_list()
    assert got.height > PER_MONTH  # August's own complaints and the open backlog


def test_compacting_lays_out_a_store_in_no_order_for_month_reads(tmp_path: Path) -> None:
    db = tmp_path / "shuffled.duckdb"
    build(db, 6, shuffled=True)
    start, end = LAST, datetime(2026, 11, 1)
    before, rows, stored = scanned(db, start, end)
    assert before >= stored  # every row group holds every month: nothing to skip (each part reads it all)
    database.compact(db)
    after, rows_after, _ = scanned(db, start, end)
    assert rows_after == rows  # the same complaints
    assert after < stored / 2
