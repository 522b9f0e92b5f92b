"""The store's files: versions written on a standby and swapped in, replayed deltas, faults."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from streamlit.testing.v1 import AppTest

from grading.intake import ingest
from grading.store import database, faults, layout, replay
from tests.conftest import ev, reg
from tests.stores import mp_store
from tests.test_store_ingest import write_csv

ROOT = Path(__file__).resolve().parent.parent

#: Tables compared between stores; ingest_log without its clock column.
COMPARED = (
    "events",
    "complaints",
    "stints",
    "feedback_events",
    "transfers",
    "monthly_metrics",
    "quarantine",
    "departments",
    "districts",
    "categories",
)


def snapshot(db: Path) -> dict[str, pl.DataFrame]:
    con = database.connect_readonly(db)
    try:
        # Complainants are keyed pseudonyms, and each store has its own key: compared without them.
        out = {
            t: con.sql(f"select * exclude (complainant) from {t} order by all").pl()
            if t in ("events", "complaints")
            else con.sql(f"select * from {t} order by all").pl()
            for t in COMPARED
        }
        out["ingest_log"] = con.sql("select * exclude (finished_at) from ingest_log order by all").pl()
        return out
    finally:
        con.close()


def write_mode(db: Path) -> str | None:
    con = database.connect_readonly(db)
    try:
        return database.get_meta(con, "write_mode")
    finally:
        con.close()


# Three loads into March 2024 that touch each other's complaints: a closure of a complaint of the first
# load, a transfer, a feedback, an escalation, new complaints of a complainant seen before.
LOADS = [
    [
        reg("A1", "2024-03-01 10:00", complainant="P"),
        reg("A2", "2024-03-02 10:00", department="D2", complainant="Q"),
        ev("A1", "2024-03-03 10:00", "attended", level="L1"),
    ],
    [
        ev("A1", "2024-03-05 10:00", "resolved", level="L1"),
        ev("A1", "2024-03-06 10:00", "feedback", outcome="satisfied"),
        ev("A2", "2024-03-06 11:00", "transferred", department="D1"),
        reg("A3", "2024-03-07 10:00", complainant="P"),
        ev("A9", "2024-03-07 10:00", "attended", level="L1"),  # no registration: quarantined
    ],
    [
        ev("A1", "2024-03-08 10:00", "closed", outcome="satisfied"),
        ev("A2", "2024-03-20 10:00", "escalated", level="L2"),
        reg("A4", "2024-04-02 10:00", complainant="P"),
    ],
]


def load_all(db: Path, tmp_path: Path, *, full_copies: bool) -> list[str | None]:
    """Load :data:`LOADS` one file at a time; with ``full_copies``, remove the standby before each
    load so that every version is a full copy of the previous one."""
    modes = []
    if not db.exists():
        mp_store(db)  # the first write: `init` builds the file
    for i, rows in enumerate(LOADS):
        if full_copies and db.exists():
            current = layout.current_file(db)
            for slot in layout.slot_files(db):
                if slot != current:
                    slot.unlink()
        ingest.ingest(db, [write_csv(rows, tmp_path / f"load{i}.csv")])
        modes.append(write_mode(db))
    return modes


def test_replaying_deltas_on_the_standby_equals_full_copies(tmp_path: Path) -> None:
    (tmp_path / "delta").mkdir()
    (tmp_path / "copy").mkdir()
    delta_db, copy_db = tmp_path / "delta" / "n.duckdb", tmp_path / "copy" / "n.duckdb"
    # `init` builds a new file and its standby (issue 26): the first load writes on that equal copy, the
    # second and third replay the previous write's delta on the standby.
    assert load_all(delta_db, tmp_path, full_copies=False) == ["delta", "delta", "delta"]
    assert load_all(copy_db, tmp_path, full_copies=True) == ["full copy", "full copy", "full copy"]
    delta, copied = snapshot(delta_db), snapshot(copy_db)
    for table in delta:
        assert_frame_equal(delta[table], copied[table], check_row_order=False)
    assert delta["quarantine"]["complaint_id"].to_list() == ["A9"]
    assert delta["events"].height == 10  # 11 rows, one quarantined
    # A fourth load replays the third: the standby becomes equal to the current version again.
    ingest.ingest(delta_db, [write_csv([reg("A5", "2024-04-03 10:00")], tmp_path / "load3.csv")])
    ingest.ingest(copy_db, [tmp_path / "load3.csv"])
    assert write_mode(delta_db) == "delta"
    assert snapshot(delta_db)["complaints"].equals(snapshot(copy_db)["complaints"])
    assert len(layout.slot_files(delta_db)) == 2  # the current version and the standby, nothing else


def test_a_writer_copies_when_a_reader_holds_the_standby_for_too_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "n.duckdb"
    mp_store(db)
    ingest.ingest(db, [write_csv(LOADS[0], tmp_path / "l0.csv")])
    ingest.ingest(db, [write_csv(LOADS[1], tmp_path / "l1.csv")])
    old = layout.current_file(db)
    reader = database.connect_readonly(db)  # a dashboard that has not reopened since
    ingest.ingest(db, [write_csv(LOADS[2], tmp_path / "l2.csv")])
    assert write_mode(db) == "delta"  # the reader holds the current file, not the standby
    monkeypatch.setenv("NIVARAN_WRITE_WAIT", "0.2")
    # The reader now holds the standby: the writer gives up waiting, and copies under a new name.
    ingest.ingest(db, [write_csv([reg("A5", "2024-04-03 10:00")], tmp_path / "l3.csv")])
    assert write_mode(db) == "full copy"
    assert reader.sql("select count(*) from complaints").fetchall()[0][0] == 3  # A1-A3: its snapshot holds
    reader.close()
    assert layout.current_file(db) != old
    assert not old.exists()  # unlinked while held; the reader kept its open file
    con = database.connect_readonly(db)
    assert con.sql("select count(*) from complaints").fetchall()[0][0] == 5
    con.close()


def test_recounting_touched_complainant_months_equals_a_full_recount(tmp_path: Path) -> None:
    # Complainant P registers 6 complaints in March 2024 in the first load and 5 more in the second:
    # 11 in the month, more than 10, so all 11 are habitual, including the 6 of the first load that the
    # second load does not touch otherwise. P's April complaint counts 1; Q's March complaint 1.
    # R registers 11 in May in the first load; the second load only adds an event to R0, which is
    # derived again from its own events alone and must keep its count of 11.
    first = [reg(f"P{i}", f"2024-03-{i + 1:02d} 10:00", complainant="P") for i in range(6)]
    first += [reg("Q1", "2024-03-01 11:00", complainant="Q"), reg("P-APR", "2024-04-01 10:00", complainant="P")]
    first += [reg(f"R{i}", f"2024-05-{i + 1:02d} 10:00", complainant="R") for i in range(11)]
    second = [reg(f"P{i}", f"2024-03-{i + 1:02d} 10:00", complainant="P") for i in range(6, 11)]
    second += [ev("R0", "2024-05-20 10:00", "attended", level="L1")]
    db = tmp_path / "n.duckdb"
    mp_store(db)
    ingest.ingest(db, [write_csv(first, tmp_path / "first.csv")])
    con = database.connect_readonly(db)
    before = dict(con.sql("select complaint_id, complainant_month_count from complaints").fetchall())
    con.close()
    assert before["P0"] == 6
    ingest.ingest(db, [write_csv(second, tmp_path / "second.csv")])
    con = database.connect_readonly(db)
    counts = dict(con.sql("select complaint_id, complainant_month_count from complaints").fetchall())
    full = dict(
        con.sql(
            """
            select complaint_id,
                   count(*) over (partition by complainant, date_trunc('month', registered_at)) as n
            from complaints
            """
        ).fetchall()
    )
    march = database.read_monthly_metrics(con, "department", [date(2024, 3, 1)]).filter(pl.col("department") == "D1")
    con.close()
    assert counts == full
    assert {counts[f"P{i}"] for i in range(11)} == {11}
    assert (counts["Q1"], counts["P-APR"]) == (1, 1)
    assert {counts[f"R{i}"] for i in range(11)} == {11}
    # D1 in March: 12 registered, P's 11 left out as habitual, Q's 1 received.
    assert march.select("received", "excluded_habitual").row(0) == (1, 11)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def foreign_files(tmp_path: Path) -> dict[str, Path]:
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database\n" * 100, encoding="utf-8")
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table invoices (id integer, amount double); insert into invoices values (1, 9.5)")
    con.close()
    return {"not DuckDB": text, "another application": other}


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        ("not DuckDB", "is not a readable DuckDB database"),
        ("another application", "is a DuckDB database of another application"),
    ],
)
def test_a_foreign_database_is_refused_for_readers_and_writers_and_never_overwritten(
    tmp_path: Path, foreign_files: dict[str, Path], kind: str, sentence: str
) -> None:
    db = foreign_files[kind]
    digest = sha(db)
    with pytest.raises(database.StoreError, match=sentence):
        database.connect_readonly(db)
    with pytest.raises(database.StoreError, match=sentence):
        ingest.ingest(db, [write_csv(LOADS[0], tmp_path / "l0.csv")])
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from grading.cli import run; run()",
            "ingest",
            "--db",
            str(db),
            str(tmp_path / "l0.csv"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert sentence in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sha(db) == digest
    assert not db.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(db.name + ".")) == [db.name + ".lock"]


def can_mount_tmpfs(where: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(where)]
    return subprocess.run(mount, check=False, capture_output=True).returncode == 0


@pytest.mark.parametrize("loads_before", [1, 2], ids=["full copy", "delta on the standby"])
def test_a_full_disk_leaves_the_previous_data_and_nothing_else(tmp_path: Path, loads_before: int) -> None:
    small = tmp_path / "disk"
    if not can_mount_tmpfs(small):
        pytest.skip("needs root and tmpfs to make a small disk (the simulated test below covers the logic)")
    try:
        db = small / "n.duckdb"
        mp_store(db)
        for i in range(loads_before):
            ingest.ingest(db, [write_csv(LOADS[i], tmp_path / f"l{i}.csv")])
        before = snapshot(db)
        current = layout.current_file(db)
        # Fill the disk but for 1 MiB: the next version (a full copy when there is no standby yet, else
        # a delta on the standby) cannot be written.
        filler = small / "filler"
        filler.write_bytes(b"\0" * (shutil.disk_usage(small).free - (1 << 20)))
        rows = [reg(f"B{i}", "2024-03-05 10:00", note="x" * 500) for i in range(3000)]
        big = write_csv(rows, tmp_path / "big.csv")
        with pytest.raises(database.StoreError, match="the disk is full") as failure:
            ingest.ingest(db, [big])
        assert "\n" not in str(failure.value)
        assert layout.current_file(db) == current
        leftovers = {p.name for p in small.iterdir()} - {
            "filler",
            db.name,
            current.name,
            db.name + ".lock",
            "n.access.sqlite",
        }
        assert leftovers == set()  # no partial copy, no standby filling the disk
        filler.unlink()
        for table, frame in snapshot(db).items():
            assert_frame_equal(frame, before[table])
        ingest.ingest(db, [big])  # with room again, the load completes
        assert snapshot(db)["complaints"].height == before["complaints"].height + 3000
    finally:
        subprocess.run(["umount", str(small)], check=False)


def test_a_full_disk_during_the_copy_is_one_sentence_and_removes_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "n.duckdb"
    mp_store(db)
    current = layout.current_file(db)
    assert current is not None
    for slot in layout.slot_files(db):  # no standby: the load copies the current version
        if slot != current:
            slot.unlink()
    before = sha(current)

    def copy_until_full(src: Path, dst: Path) -> None:
        Path(dst).write_bytes(Path(src).read_bytes()[:4096])  # a partial copy, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", copy_until_full)
    with pytest.raises(database.StoreError, match="the disk is full"):
        ingest.ingest(db, [write_csv(LOADS[0], tmp_path / "l0.csv")])
    assert layout.current_file(db) == current
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(db.name)) == sorted(
        [db.name, current.name, db.name + ".lock"]
    )
    assert sha(current) == before


def test_a_load_killed_on_the_standby_rolls_back_and_the_next_load_is_still_a_delta(tmp_path: Path) -> None:
    from tests.test_ingest_safety import big_export, kill_load_midway

    db = tmp_path / "k.duckdb"
    mp_store(db)
    for i in range(2):  # the second load leaves a standby one write behind
        ingest.ingest(db, [write_csv(LOADS[i], tmp_path / f"l{i}.csv")])
    stamp, current = database.file_stamp(db), layout.current_file(db)
    before = snapshot(db)
    big = tmp_path / "big.csv"
    n_events = big_export(big)
    kill_load_midway(db, big, after=0.5)
    assert (database.file_stamp(db), layout.current_file(db)) == (stamp, current)
    for table, frame in snapshot(db).items():
        assert_frame_equal(frame, before[table])
    report = ingest.ingest(db, [big])  # the standby's transaction was rolled back: still one write behind
    assert write_mode(db) == "delta"
    assert report.files[0].rows_loaded == n_events
    assert snapshot(db)["events"].height == before["events"].height + n_events


def views(db: Path) -> list[str]:
    con = database.connect_readonly(db)
    try:
        return [
            r[0] for r in con.sql("select view_name from duckdb_views() where not internal order by all").fetchall()
        ]
    finally:
        con.close()


def test_what_a_replay_cannot_reproduce_makes_the_next_write_a_full_copy(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    mp_store(db)
    for i in range(2):
        ingest.ingest(db, [write_csv(LOADS[i], tmp_path / f"l{i}.csv")])
    # A schema change (here a view) is not replayed: the catalogs differ after the replay.
    with database.writing(db) as con:
        con.execute("create view open_complaints as select * from complaints where closed_at is null")
    ingest.ingest(db, [write_csv(LOADS[2], tmp_path / "l2.csv")])
    assert write_mode(db) == "full copy"
    assert views(db) == sorted(["open_complaints", "stints", "feedback_events"])  # the store's own, and this one
    # A write that changes rows behind the store's back says so, and is not replayed either.
    with database.writing(db) as con:
        con.execute("update complaints set channel = 'web'")
        replay.not_replayable(con)
    ingest.ingest(db, [write_csv([reg("A5", "2024-04-03 10:00")], tmp_path / "l3.csv")])
    assert write_mode(db) == "full copy"
    assert set(snapshot(db)["complaints"]["channel"].to_list()) == {"web", None}  # A5 has no channel
    # A standby that is no database any more is replaced, not fatal.
    current = layout.current_file(db)
    (standby,) = [s for s in layout.slot_files(db) if s != current]
    standby.write_text("garbage", encoding="utf-8")
    ingest.ingest(db, [write_csv([reg("A6", "2024-04-04 10:00")], tmp_path / "l4.csv")])
    assert write_mode(db) == "full copy"
    assert snapshot(db)["complaints"].height == 6
    ingest.ingest(db, [write_csv([reg("A7", "2024-04-05 10:00")], tmp_path / "l5.csv")])
    assert write_mode(db) == "delta"


def superseded(db: Path) -> dict[str, float]:
    con = database.connect_readonly(db)
    try:
        return database.superseded(con)
    finally:
        con.close()


#: More than one DuckDB row group (122,880 rows): deletes in a full row group that a write does not
#: append to stay in the file as superseded rows; a small table's only row group is rewritten whole.
BIG = 130_000


def big_store(db: Path, deleted: int) -> None:
    """A store with :data:`BIG` closed 2023 complaints written straight to ``complaints``, then a
    second write that replaces the derived rows of the first ``deleted`` of them by deleting them (as a
    load that touched them would, recording them as changed)."""
    with database.writing(db) as con:
        con.execute(
            f"""
            insert into complaints
            select i, 'B' || i, timestamp '2023-01-01' + to_minutes(i), 'D1', 'DI1', 'C1', 'p' || i, 'web',
                   timestamp '2023-01-02' + to_minutes(i), 'satisfied', null, null, null, null, null,
                   timestamp '2023-01-02' + to_minutes(i), 1, false, 1, hash_of_id('B' || i)
            from range(1, {BIG + 1}) t(i)
            """
        )
    with database.writing(db) as con:
        con.execute(f"delete from complaints where complaint_key <= {deleted}")
        con.execute(f"insert into changed_keys select i from range(1, {deleted + 1}) t(i)")


def test_compacting_drops_superseded_rows_and_changes_nothing_a_reader_sees(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    big_store(db, deleted=1_000)
    load_all(db, tmp_path, full_copies=False)
    # The deleted rows stay in the file (a write does not vacuum, docs/storage.md) until compacted.
    assert superseded(db)["complaints"] == pytest.approx(1_000 / (BIG + 4))
    before = snapshot(db)
    assert before["complaints"].height == BIG - 1_000 + 4
    reader = database.connect_readonly(db)  # a reader of the old version keeps it
    database.compact(db)
    assert write_mode(db) == "compacted"
    assert superseded(db) == {}
    after = snapshot(db)
    for table in before:
        assert_frame_equal(after[table], before[table])
    assert reader.sql("select count(*) from complaints").fetchall() == [(BIG - 1_000 + 4,)]
    reader.close()
    # The compaction made its own standby (issue 26): the next write starts from that equal copy, not
    # from a full copy inside the load, and the one after replays it as usual.
    ingest.ingest(db, [write_csv([reg("A5", "2024-04-03 10:00")], tmp_path / "l5.csv")])
    assert write_mode(db) == "delta"
    ingest.ingest(db, [write_csv([reg("A6", "2024-04-04 10:00")], tmp_path / "l6.csv")])
    assert write_mode(db) == "delta"
    assert snapshot(db)["complaints"].height == before["complaints"].height + 2
    assert superseded(db) == {}
    assert len(layout.slot_files(db)) == 2


def test_a_load_says_when_compacting_is_worth_it(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    big_store(db, deleted=1_000)
    quiet = ingest.ingest(db, [write_csv([reg("C1", "2024-03-02 10:00")], tmp_path / "a.csv")])
    assert quiet.superseded["complaints"] == pytest.approx(1_000 / (BIG + 1))
    assert "nivaran compact" not in quiet.summary()
    big_store(tmp_path / "m.duckdb", deleted=20_000)
    report = ingest.ingest(tmp_path / "m.duckdb", [tmp_path / "a.csv"])
    assert report.superseded["complaints"] == pytest.approx(20_000 / (BIG + 1))
    assert report.summary().endswith(
        "15% of the rows stored in complaints were replaced by later loads; `nivaran compact` rewrites the "
        "store without them (reads get faster, the file smaller)"
    )


def compact_cli(db: Path) -> subprocess.CompletedProcess[str]:
    """``nivaran compact --db DB`` as a process of its own (what a shell would see)."""
    args = [sys.executable, "-m", "grading.cli", "compact", "--db", str(db)]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_nivaran_compact_says_what_it_did_in_one_sentence(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    big_store(db, deleted=20_000)
    run = compact_cli(db)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"{db}: rewritten without superseded rows (up to 15% of a table before)\n"
    assert superseded(db) == {}
    missing = compact_cli(tmp_path / "none.duckdb")
    assert missing.returncode != 0
    assert "Traceback" not in missing.stderr
    assert f"No database at {tmp_path / 'none.duckdb'}." in missing.stderr


def test_a_missing_current_version_is_refused_and_the_earlier_one_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_faults import nivaran

    db = tmp_path / "m.duckdb"
    load_all(db, tmp_path, full_copies=False)
    current = layout.current_file(db)
    assert current is not None
    standby = next(s for s in layout.slot_files(db) if s != current)
    con = duckdb.connect(str(standby), read_only=True)
    kept = con.sql("select count(*) from events").fetchall()[0][0]  # one write behind: loads 1 and 2
    con.close()
    assert kept > 0
    current.unlink()  # the current version deleted by hand

    # A load, a reader, the command line and the dashboard's start all stop with the same sentence ...
    with pytest.raises(faults.StoreError, match=rf"points at {current.name}, which is missing; {standby.name}"):
        ingest.ingest(db, [write_csv([reg("B1", "2024-04-03 10:00")], tmp_path / "more.csv")])
    with pytest.raises(faults.StoreError, match="which is missing"):
        database.connect_readonly(db)
    for args in (["grade", "--db", str(db), "--month", "2024-03"], ["migrate", "--db", str(db)]):
        code, said = nivaran(monkeypatch, capsys, *args)
        assert code == 2, said
        assert "which is missing" in said
        assert "Traceback" not in said
    monkeypatch.setenv("NIVARAN_DB", str(db))
    page = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60).run()
    assert not page.exception
    assert any("which is missing" in e.value for e in page.error)
    # ... and nothing replaced the earlier version: it is whole, and it can be made current again.
    assert standby.exists()
    os.unlink(db)
    os.symlink(standby.name, db)
    con = database.connect_readonly(db)
    try:
        assert con.sql("select count(*) from events").fetchall()[0][0] == kept
    finally:
        con.close()


def test_a_store_built_whole_has_its_standby_at_once(tmp_path: Path) -> None:
    """`init` (and `demo`, `compact`) make the standby when they build the store, so the first load is a
    delta like any other day's, never a copy of the whole store while readers wait (issue 26)."""
    db = tmp_path / "n.duckdb"
    mp_store(db)
    current = layout.current_file(db)
    (standby,) = [s for s in layout.slot_files(db) if s != current]
    assert current is not None
    assert not layout.is_partial(standby)
    ingest.ingest(db, [write_csv(LOADS[0], tmp_path / "l0.csv")])
    assert write_mode(db) == "delta"
    assert layout.current_file(db) == standby  # written on the standby, swapped in
    assert len(layout.slot_files(db)) == 2
