"""The warm loader, ``nivaran ingest --watch DIR`` (issue 26): files load as they arrive, once each, in order;
a file still being written waits; a bad file is set aside with its sentence; the store is the same as one
loaded file by file."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from grading.cli import main
from grading.intake import ingest, watch
from grading.store import database, layout, slots
from tests.stores import mp_store
from tests.test_metrics import STORY
from tests.test_storage import write_mode
from tests.test_store_ingest import write_csv


def _complaints(db: Path) -> list[tuple[str, object]]:
    con = database.connect_readonly(db)
    try:
        return con.sql("select complaint_id, closed_at from complaints order by all").fetchall()
    finally:
        con.close()


def _halves(folder: Path) -> tuple[Path, Path]:
    """The story in two time-ordered files: the first half of its events, then the rest."""
    ordered = sorted(STORY, key=lambda r: str(r["event_time"]))
    middle = len(ordered) // 2
    return write_csv(ordered[:middle], folder / "a.csv"), write_csv(ordered[middle:], folder / "b.csv")


def test_once_loads_every_file_in_order_and_equals_loading_them_by_hand(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first, second = _halves(inbox)
    second.touch()  # the later file is also the newer one
    watched, by_hand = tmp_path / "w.duckdb", tmp_path / "h.duckdb"
    mp_store(watched)
    mp_store(by_hand)
    ingest.ingest(by_hand, [first, second])
    said: list[str] = []
    assert watch.watch(watched, inbox, once=True, say=said.append) == 2
    assert sorted(p.name for p in (inbox / "loaded").iterdir()) == ["a.csv", "b.csv"]
    assert not list(inbox.glob("*.csv"))
    assert _complaints(watched) == _complaints(by_hand)
    assert said[0].startswith("a.csv: ")
    assert said[1].startswith("b.csv: ")
    # Nothing new: a second look takes nothing and writes no new version.
    stamp = database.file_stamp(watched)
    assert watch.watch(watched, inbox, once=True, say=said.append) == 0
    assert database.file_stamp(watched) == stamp


def test_a_file_still_being_written_waits_for_the_next_look(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "n.duckdb"
    mp_store(db)
    watcher = watch.Watcher(db, inbox, say=lambda _: None)
    (inbox / "day.csv.part").write_text("complaint_id\n", encoding="utf-8")  # a transfer's temporary name
    first, _ = _halves(tmp_path)
    growing = inbox / "a.csv"
    growing.write_bytes(first.read_bytes()[:40])
    assert watcher.look() == 0  # first seen: not yet known to be complete
    growing.write_bytes(first.read_bytes())  # the copy finishes
    assert watcher.look() == 0  # changed since the last look
    assert watcher.look() == 1  # unchanged: complete
    assert (inbox / "loaded" / "a.csv").exists()
    assert (inbox / "day.csv.part").exists()  # never taken


def test_a_bad_file_is_set_aside_with_its_sentence_and_the_next_one_loads(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "n.duckdb"
    mp_store(db)
    bad = inbox / "bad.xlsx"
    bad.write_bytes(b"this is not a workbook")
    first, _ = _halves(tmp_path)
    good = inbox / "good.csv"
    good.write_bytes(first.read_bytes())
    said: list[str] = []
    watch.watch(db, inbox, once=True, say=said.append)
    reason = (inbox / "failed" / "bad.xlsx.reason.txt").read_text(encoding="utf-8")
    assert reason.startswith(str(bad)) or "bad.xlsx" in reason
    assert "Traceback" not in reason
    assert reason.count("\n") == 1
    assert (inbox / "failed" / "bad.xlsx").exists()
    assert (inbox / "loaded" / "good.csv").exists()
    assert any(s.startswith("bad.xlsx: not loaded, moved to failed/") for s in said)
    assert _complaints(db)  # the good file's complaints


def test_a_running_watcher_loads_a_file_dropped_later(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "n.duckdb"
    mp_store(db)
    done = threading.Event()
    taken: list[int] = []
    thread = threading.Thread(
        target=lambda: taken.append(watch.watch(db, inbox, interval=0.1, say=lambda _: None, stop=done.is_set))
    )
    thread.start()
    try:
        first, _ = _halves(tmp_path)
        (inbox / "a.csv").write_bytes(first.read_bytes())
        deadline = time.monotonic() + 60
        while not (inbox / "loaded" / "a.csv").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        done.set()
        thread.join(timeout=60)
    assert taken == [1]
    assert _complaints(db)


def test_the_command_line(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "n.duckdb"
    mp_store(db)
    _halves(inbox)
    run = CliRunner().invoke(main, ["ingest", "--db", str(db), "--watch", str(inbox), "--once"])
    assert run.exit_code == 0, run.output
    assert [line.split(":")[0] for line in run.output.splitlines() if line.endswith("quarantined")] == [
        "a.csv",
        "b.csv",
    ]
    neither = CliRunner().invoke(main, ["ingest", "--db", str(db)])
    assert neither.exit_code == 2
    assert "give the files to load, or --watch DIR" in neither.output
    missing = CliRunner().invoke(main, ["ingest", "--db", str(db), "--watch", str(tmp_path / "nowhere"), "--once"])
    assert missing.exit_code != 0  # the command line's wrapper prints a NivaranError as its one sentence
    assert "no such folder to watch" in str(missing.exception)


@pytest.mark.parametrize("name", [".hidden.csv", "x.csv.tmp"])
def test_names_of_transfers_in_progress_are_never_taken(tmp_path: Path, name: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "n.duckdb"
    mp_store(db)
    (inbox / name).write_text("complaint_id\n", encoding="utf-8")
    assert watch.watch(db, inbox, once=True, say=lambda _: None) == 0


def _thirds(folder: Path) -> list[Path]:
    """The story in three time-ordered files."""
    ordered = sorted(STORY, key=lambda r: str(r["event_time"]))
    cut = len(ordered) // 3
    parts = [ordered[:cut], ordered[cut : 2 * cut], ordered[2 * cut :]]
    return [write_csv(part, folder / f"{name}.csv") for name, part in zip("abc", parts, strict=True)]


def test_the_version_kept_open_between_files_is_never_the_one_a_write_needs(tmp_path: Path, monkeypatch) -> None:
    """The watcher keeps the current version open while it waits (the next load's opens find it open);
    it lets go of it before its own standby replay and of a version another writer replaced, so every
    load stays a delta and the standby is brought up. A writer that met the kept file would wait, then
    copy the whole store: with no waiting allowed, that shows as a ``full copy``."""
    monkeypatch.setenv("NIVARAN_WRITE_WAIT", "0")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    parts = _thirds(tmp_path)
    db, by_hand = tmp_path / "n.duckdb", tmp_path / "h.duckdb"
    mp_store(db)
    mp_store(by_hand)
    ingest.ingest(by_hand, parts)
    watcher = watch.Watcher(db, inbox, say=lambda _: None)
    watcher.rest()
    assert watcher.kept is not None
    assert watcher.kept.file == layout.current_file(db)

    (inbox / "a.csv").write_bytes(parts[0].read_bytes())
    assert watcher.look(settled=True) == 1
    assert write_mode(db) == "delta"
    assert watcher.kept.file is None  # let go before the standby's replay, which then ran in the look
    assert slots.bring_standby_up(db, wait=0) == "up to date"

    watcher.rest()
    kept = watcher.kept.file
    assert kept == layout.current_file(db)
    ingest.ingest(db, [parts[1]])  # another writer: the version kept open is its standby now
    assert layout.current_file(db) != kept
    (inbox / "c.csv").write_bytes(parts[2].read_bytes())
    assert watcher.look(settled=True) == 1
    assert write_mode(db) == "delta"  # the kept version was let go before the load replayed on it
    watcher.rest()
    assert watcher.kept.file == layout.current_file(db)
    watcher.stop()
    assert watcher.kept.file is None
    assert _complaints(db) == _complaints(by_hand)
