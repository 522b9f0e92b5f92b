"""The importer under stress: fuzzed files, a kill -9 in the middle of a load, repeated loads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading import ingest, store

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
@given(data=export(), order=st.randoms(use_true_random=False), bom=st.booleans(), columns=st.permutations(COLUMNS))
def test_fuzzed_files_lose_no_good_row_and_load_no_bad_row(tmp_path_factory, data, order, bom, columns) -> None:  # type: ignore[no-untyped-def]
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
    report = ingest.ingest(db, [path])
    f = report.files[0]
    bad_lines = {line for line, (i, _) in enumerate(numbered, start=1) if i in broken}
    assert set(f.problems["row_number"].to_list()) == bad_lines
    assert f.rows_loaded == len(rows) - len(broken)
    con = store.connect_readonly(db)
    stored = con.sql("select complaint_id, event, note from events").pl()
    con.close()
    assert stored.height == len(rows) - len(broken)
    kept_notes = sorted(r.get("note") or "" for i, r in enumerate(rows) if i not in broken and r.get("note"))
    assert sorted(n for n in stored["note"].to_list() if n) == kept_notes  # Hindi, quotes, newlines intact


def big_export(path: Path) -> int:
    """A canonical CSV of a few hundred thousand demo events (big enough to take a few seconds)."""
    from grading import demo, reference

    chunks = demo.generate(
        reference.departments(),
        reference.districts(),
        reference.categories(),
        months=3,
        end="2024-08",
        scale=0.05,
        seed=3,
    )
    frame = pl.concat(list(chunks))
    frame.with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f")).write_csv(path)
    return frame.height


def test_a_load_killed_midway_leaves_the_previous_data_and_the_next_run_completes(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    small = tmp_path / "small.csv"
    small.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "S1,2024-06-01T10:00:00,registered,L1,ENERGY,BHOPAL,CAT,P\n",
        encoding="utf-8",
    )
    ingest.ingest(db, [small])
    stamp = store.file_stamp(db)
    big = tmp_path / "big.csv"
    n_events = big_export(big)
    building = db.with_name(db.name + ".building")
    proc = subprocess.Popen(
        [sys.executable, "-m", "grading.cli", "ingest", "--db", str(db), str(big)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not building.exists():  # the writer has started working on its copy
        assert proc.poll() is None, "the load finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert store.file_stamp(db) == stamp  # the previous file was never touched
    con = store.connect_readonly(db)
    assert con.sql("select count(*) from events").fetchall()[0][0] == 1
    con.close()
    report = ingest.ingest(db, [big])  # the next run removes the stale copy and completes the load
    assert report.files[0].rows_loaded == n_events
    assert not building.exists()
    con = store.connect_readonly(db)
    assert con.sql("select count(*) from events").fetchall()[0][0] == n_events + 1
    con.close()


def test_loading_twice_and_an_overlapping_export_change_nothing_twice(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    big = tmp_path / "big.csv"
    n_events = big_export(big)
    ingest.ingest(db, [big])
    con = store.connect_readonly(db)
    before = con.sql("select * from monthly_metrics order by all").pl()
    con.close()
    again = ingest.ingest(db, [big]).files[0]
    assert again.already_loaded
    # The same rows in another file (a re-export): every event is recognised as already stored.
    copy = tmp_path / "copy.csv"
    pl.read_csv(big, infer_schema=False).reverse().write_csv(copy)
    overlap = ingest.ingest(db, [copy]).files[0]
    assert (overlap.rows_loaded, overlap.rows_duplicate) == (0, n_events)
    con = store.connect_readonly(db)
    assert con.sql("select * from monthly_metrics order by all").pl().equals(before)
    con.close()
