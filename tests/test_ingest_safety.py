"""The importer under stress: fuzzed files, a kill -9 in the middle of a load, repeated loads."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading.access import accessfile
from grading.intake import ingest
from grading.store import database
from tests.stores import mp_store

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = [
    "complaint_id",
    "event_time",
    "event",
    "level",
    "department",
    "district",
    "category",
    "complainant",
    "outcome",
    "note",
]
NOTES = st.sampled_from(["", "बिजली कटौती", 'quote " and, comma', "line\nbreak", "ऊर्जा विभाग — ग्राम"])
BREAKS = {
    "event_time": ["not-a-time", "2024-13-40T10:00:00", "31/12/2024"],
    "event": ["bogus", "attend"],
    "level": ["L9", "level one"],
    "complaint_id": [""],
}


@st.composite
def export(draw: st.DrawFn) -> tuple[list[dict[str, str]], set[int]]:
    """Valid histories (registered → attended → resolved → feedback → closed, possibly cut short),
    with some middle events broken; returns the rows and the indices of the broken ones."""
    rows: list[dict[str, str]] = []
    broken: set[int] = set()
    start = datetime(2024, 3, 1, 9)
    for n in range(draw(st.integers(1, 6))):
        cid = f"F{n}"
        t = start + timedelta(hours=draw(st.integers(0, 24 * 40)))
        rows.append(
            {
                "complaint_id": cid,
                "event_time": t.isoformat(),
                "event": "registered",
                "level": "L1",
                "department": draw(st.sampled_from(["D1", "D2"])),
                "district": "X",
                "category": "CAT",
                "complainant": f"P{n}",
                "note": draw(NOTES),
            }
        )
        steps = draw(st.integers(0, 4))
        for event, extra in [
            ("attended", {"level": "L1"}),
            ("resolved", {"level": "L1"}),
            ("feedback", {"outcome": "satisfied"}),
            ("closed", {"outcome": "satisfied"}),
        ][:steps]:
            t += timedelta(minutes=draw(st.integers(1, 60 * 24 * 9)))
            row = {"complaint_id": cid, "event_time": t.isoformat(), "event": event, **extra}
            if event in ("attended", "feedback") and draw(st.booleans()):
                field = draw(st.sampled_from(sorted(BREAKS)))
                if field != "level" or event == "attended":
                    row[field] = draw(st.sampled_from(BREAKS[field]))
                    broken.add(len(rows))
            rows.append(row)
    return rows, broken


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=export(),
    order=st.randoms(use_true_random=False),
    layout=st.tuples(st.booleans(), st.permutations(COLUMNS)),
    sizes=st.sampled_from([(ingest.BATCH_ROWS, ingest.CHUNK_ROWS), (2, 3), (5, 1000), (1, 1)]),
)
def test_fuzzed_files_lose_no_good_row_and_load_no_bad_row(tmp_path_factory, data, order, layout, sizes) -> None:  # type: ignore[no-untyped-def]
    """With or without BOM, any column order, and also streamed in tiny batches and held on disk in
    tiny chunks: a complaint's events then arrive in different batches, out of order, and must
    still be checked together."""
    bom, columns = layout
    rows, broken = data
    numbered = list(enumerate(rows))
    order.shuffle(numbered)  # out-of-order events: the importer orders by time, not by line
    path = tmp_path_factory.mktemp("fuzz") / "export.csv"
    frame = pl.DataFrame(
        [{c: r.get(c) for c in columns} for _, r in numbered], schema=dict.fromkeys(columns, pl.String)
    )
    text = frame.write_csv()
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    db = path.with_suffix(".duckdb")
    mp_store(db)
    report = ingest.ingest(db, [path], batch_rows=sizes[0], chunk_rows=sizes[1])
    f = report.files[0]
    bad_lines = {line for line, (i, _) in enumerate(numbered, start=1) if i in broken}
    assert set(f.problems["row_number"].to_list()) == bad_lines
    assert f.rows_loaded == len(rows) - len(broken)
    con = database.connect_readonly(db)
    stored = con.sql("select complaint_id, event, note from events").pl()
    con.close()
    assert stored.height == len(rows) - len(broken)
    kept_notes = sorted(r.get("note") or "" for i, r in enumerate(rows) if i not in broken and r.get("note"))
    assert sorted(n for n in stored["note"].to_list() if n) == kept_notes  # Hindi, quotes, newlines intact


def big_export(path: Path) -> int:
    """A canonical CSV of a few hundred thousand demo events (big enough to take a few seconds)."""
    from grading.demo import simulate
    from grading.store import reference

    chunks = simulate.generate(
        reference.departments(),
        reference.districts(),
        reference.categories(),
        months=3,
        end="2024-08",
        scale=0.05,
        seed=3,
        default_limit_days=7,
    )
    frame = pl.concat(list(chunks))
    frame.with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f")).write_csv(path)
    return frame.height


def writer_holds_lock(db: Path) -> bool:
    """Whether a writer holds the database's writer lock (a non-blocking attempt to take it fails)."""
    lock_path = db.with_name(db.name + ".lock")
    if not lock_path.exists():
        return False
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
    return False


def kill_load_midway(db: Path, path: Path, after: float = 0.3) -> None:
    """Start ``nivaran ingest --db DB PATH`` and kill -9 it ``after`` seconds into its write."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "grading.cli", "ingest", "--db", str(db), str(path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not writer_holds_lock(db):  # the writer has started working on the standby copy
        assert proc.poll() is None, "the load finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(after)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_a_load_killed_midway_leaves_the_previous_data_and_the_next_run_completes(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    small = tmp_path / "small.csv"
    small.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "S1,2024-06-01T10:00:00,registered,L1,ENERGY,BHOPAL,CAT,P\n",
        encoding="utf-8",
    )
    mp_store(db)
    ingest.ingest(db, [small])
    stamp = database.file_stamp(db)
    big = tmp_path / "big.csv"
    n_events = big_export(big)
    kill_load_midway(db, big)
    assert database.file_stamp(db) == stamp  # the previous file was never touched
    con = database.connect_readonly(db)
    assert con.sql("select count(*) from events").fetchall()[0][0] == 1
    con.close()
    report = ingest.ingest(db, [big])  # the next run removes the stale copy and completes the load
    assert report.files[0].rows_loaded == n_events
    assert list(tmp_path.glob("*.partial")) == []
    con = database.connect_readonly(db)
    assert con.sql("select count(*) from events").fetchall()[0][0] == n_events + 1
    con.close()


def test_loading_twice_and_an_overlapping_export_change_nothing_twice(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    big = tmp_path / "big.csv"
    n_events = big_export(big)
    mp_store(db)
    ingest.ingest(db, [big])
    con = database.connect_readonly(db)
    before = con.sql("select * from monthly_metrics order by all").pl()
    con.close()
    again = ingest.ingest(db, [big]).files[0]
    assert again.already_loaded
    # The same rows in another file (a re-export): every event is recognised as already stored.
    copy = tmp_path / "copy.csv"
    pl.read_csv(big, infer_schema=False).reverse().write_csv(copy)
    overlap = ingest.ingest(db, [copy]).files[0]
    assert (overlap.rows_loaded, overlap.rows_duplicate) == (0, n_events)
    con = database.connect_readonly(db)
    assert con.sql("select * from monthly_metrics order by all").pl().equals(before)
    con.close()


TABLES = ("events", "quarantine", "complaints", "stints", "monthly_metrics")


def _tables(db: Path) -> dict[str, pl.DataFrame]:
    con = database.connect_readonly(db)
    try:
        return {t: con.sql(f"select * exclude (ingest_id) from {t} order by all").pl() for t in TABLES[:2]} | {
            t: con.sql(f"select * from {t} order by all").pl() for t in TABLES[2:]
        }
    finally:
        con.close()


def test_a_file_streamed_in_batches_loads_exactly_like_one_read_whole(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Batches of 20,000 rows, chunks of 50,000 held on disk and derivation 3,000 complaints at a
    time give the same store as one pass in memory, for a shuffled export with repeated rows (also
    across batches) and broken rows."""
    big = tmp_path / "big.csv"
    big_export(big)
    rows = pl.read_csv(big, infer_schema=False)
    broken = rows.head(40).with_columns(event_time=pl.lit("not-a-time"))
    shuffled = pl.concat([rows, rows.slice(1000, 30_000), broken]).sample(fraction=1.0, shuffle=True, seed=5)
    shuffled.write_csv(big)
    whole = ingest.ingest(mp_store(tmp_path / "whole.duckdb"), [big]).files[0]
    # The same pseudonym key for both stores, so that complainants compare equal.
    mp_store(tmp_path / "streamed.duckdb")
    shutil.copyfile(
        accessfile.access_path(tmp_path / "whole.duckdb"), accessfile.access_path(tmp_path / "streamed.duckdb")
    )
    monkeypatch.setattr(ingest, "DERIVE_COMPLAINTS", 3000)
    streamed = ingest.ingest(tmp_path / "streamed.duckdb", [big], batch_rows=20_000, chunk_rows=50_000).files[0]
    assert streamed.rows_duplicate == whole.rows_duplicate >= 30_000
    assert streamed.rows_quarantined == whole.rows_quarantined >= 40
    assert streamed.problems.equals(whole.problems)
    a, b = _tables(tmp_path / "whole.duckdb"), _tables(tmp_path / "streamed.duckdb")
    for table in TABLES:
        assert a[table].height > 0, table
        assert a[table].equals(b[table]), table
