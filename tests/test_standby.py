"""The standby brought up to date between writes (grading/store/standby.py, ``slots.bring_standby_up``):
a load no longer begins by replaying the previous one, and the standby then equals the current version."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from grading.intake import ingest
from grading.store import check, database, layout, replay, slots, standby
from tests.damage import overwrite_blocks_of
from tests.stores import mp_store
from tests.test_storage import LOADS, write_mode
from tests.test_store_ingest import write_csv

ROOT = Path(__file__).resolve().parent.parent


def tables(file: Path) -> dict[str, tuple[int, int]]:
    """Each table of one slot file: its row count and an order-free sum of its rows' hashes."""
    con = duckdb.connect(str(file), read_only=True)
    try:
        names = [t for t in replay.tables(con, replay.current_database(con)) if t != replay.CHANGED_KEYS]
        return {
            t: con.sql(f"select count(*), coalesce(sum(hash(r)::hugeint), 0) from {t} as r").fetchall()[0]
            for t in names
        }
    finally:
        con.close()


def generation(file: Path) -> str | None:
    con = duckdb.connect(str(file), read_only=True)
    try:
        return replay.read_meta(con, "generation")
    finally:
        con.close()


def the_standby(db: Path) -> Path:
    found = layout.standby_file(db, layout.current_file(db))
    assert found is not None
    return found


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    """A store after two loads (the library's load leaves the standby one write behind)."""
    db = mp_store(tmp_path / "n.duckdb")
    for i, rows in enumerate(LOADS[:2]):
        ingest.ingest(db, [write_csv(rows, tmp_path / f"load{i}.csv")])
    return db


def test_bringing_the_standby_up_replays_the_last_write_once(loaded: Path, tmp_path: Path, monkeypatch) -> None:
    current = layout.current_file(loaded)
    assert current is not None
    behind = the_standby(loaded)
    assert tables(behind) != tables(current)  # one write behind: the second load is not in it
    assert slots.bring_standby_up(loaded) == "replayed"
    assert tables(behind) == tables(current)  # every table, row for row (meta included)
    assert generation(behind) == generation(current)
    assert slots.bring_standby_up(loaded) == "up to date"

    # The next load starts from the standby as it is: no replay (one would fail here), a delta.
    def no_replay(con: duckdb.DuckDBPyConnection) -> None:
        raise AssertionError("the standby was replayed again")

    monkeypatch.setattr(replay, "catch_up", no_replay)
    ingest.ingest(loaded, [write_csv(LOADS[2], tmp_path / "load2.csv")])
    assert write_mode(loaded) == "delta"
    con = database.connect_readonly(loaded)
    assert con.sql("select count(*) from complaints").fetchall()[0][0] == 4  # A1-A4
    con.close()


def test_a_standby_a_reader_holds_is_left_for_the_next_write(loaded: Path, tmp_path: Path) -> None:
    reader = duckdb.connect(str(the_standby(loaded)), read_only=True)  # opened before the last swap
    try:
        assert slots.bring_standby_up(loaded, wait=0.2) == "busy"
    finally:
        reader.close()
    before = tables(the_standby(loaded))
    ingest.ingest(loaded, [write_csv(LOADS[2], tmp_path / "load2.csv")])  # replays first, as before
    assert write_mode(loaded) == "delta"
    assert before != tables(layout.current_file(loaded))


def test_a_missing_or_unfinished_standby_is_copied(loaded: Path) -> None:
    the_standby(loaded).unlink()
    assert layout.standby_file(loaded, layout.current_file(loaded)) is None
    assert slots.bring_standby_up(loaded) == "copied"
    assert tables(the_standby(loaded)) == tables(layout.current_file(loaded))
    unfinished = the_standby(loaded)
    Path(str(unfinished) + ".partial").touch()
    assert slots.bring_standby_up(loaded) == "copied"
    assert not Path(str(unfinished) + ".partial").exists()
    assert tables(the_standby(loaded)) == tables(layout.current_file(loaded))


def test_a_standby_of_another_history_is_left_alone(loaded: Path) -> None:
    other = the_standby(loaded)
    con = duckdb.connect(str(other))
    con.execute("update meta set value = 'elsewhere' where key = 'generation'")
    con.close()
    before = tables(other)
    assert slots.bring_standby_up(loaded) == "left"
    assert tables(other) == before  # the next write copies, as it always has


def run_cli(args: list[str], mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, standby.MODE_VARIABLE: mode}
    return subprocess.run(
        [sys.executable, "-m", "grading.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_nivaran_ingest_brings_the_standby_up_in_the_background(loaded: Path, tmp_path: Path) -> None:
    done = run_cli(["ingest", "--db", str(loaded), str(write_csv(LOADS[2], tmp_path / "load2.csv"))], "background")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    deadline = time.monotonic() + 60
    while not caught_up(loaded):
        assert time.monotonic() < deadline, "the background process did not bring the standby up"
        time.sleep(0.2)
    assert tables(the_standby(loaded)) == tables(layout.current_file(loaded))


def caught_up(db: Path) -> bool:
    try:  # the background process holds the standby while it writes
        return generation(the_standby(db)) == generation(layout.current_file(db))
    except duckdb.IOException:
        return False


def test_next_mode_leaves_the_standby_one_write_behind(loaded: Path, tmp_path: Path) -> None:
    done = run_cli(["ingest", "--db", str(loaded), str(write_csv(LOADS[2], tmp_path / "load2.csv"))], "next")
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(layout.current_file(loaded)), read_only=True)
    parent = replay.read_meta(con, "parent")
    con.close()
    assert generation(the_standby(loaded)) == parent


def test_an_unknown_mode_is_one_sentence_and_loads_nothing(loaded: Path, tmp_path: Path) -> None:
    before = generation(layout.current_file(loaded))
    done = run_cli(["ingest", "--db", str(loaded), str(write_csv(LOADS[2], tmp_path / "load2.csv"))], "sometimes")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "$NIVARAN_STANDBY is 'sometimes'" in done.stderr
    assert generation(layout.current_file(loaded)) == before


def test_check_says_the_standby_holds_the_same_version_and_losing_the_current_one_loses_nothing(
    loaded: Path,
) -> None:
    assert slots.bring_standby_up(loaded) == "replayed"
    health = check.check(loaded)
    assert health.healthy
    assert any(line.startswith("the standby holds the same version as the current one") for line in health.lines)
    damaged, kept = layout.current_file(loaded), the_standby(loaded)
    assert damaged is not None
    overwrite_blocks_of("events")(damaged)
    health = check.check(loaded)
    assert not health.healthy
    assert health.verdict.endswith(
        f"; the standby {kept.name} reads in full and holds the same version: make it current with "
        f"`ln -sfn {kept.name} {loaded}` (nothing is lost), or restore {damaged.name} from a backup."
    ), health.verdict


def test_waiting_for_a_reader_of_the_standby_holds_no_write_back(
    loaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = duckdb.connect(str(the_standby(loaded)), read_only=True)
    monkeypatch.setenv("NIVARAN_WRITE_WAIT", "0.2")  # the load gives up on the held standby and copies
    outcome: list[str] = []
    waiting = threading.Thread(target=lambda: outcome.append(slots.bring_standby_up(loaded, wait=30)))
    waiting.start()
    try:
        time.sleep(0.5)  # the replay is waiting for the reader
        ingest.ingest(loaded, [write_csv(LOADS[2], tmp_path / "load2.csv")])
        assert waiting.is_alive()  # the load ran while the replay still waited: it held no lock
        assert write_mode(loaded) == "full copy"
    finally:
        reader.close()
        waiting.join(timeout=60)
    assert outcome
    assert outcome[0] in {"replayed", "up to date"}
    assert tables(the_standby(loaded)) == tables(layout.current_file(loaded))
