"""A store that cannot be written, or is damaged, ends in one sentence naming the file, what is wrong and
what to do (exit code 2, no traceback), on the command line and on every dashboard page.

Read-only stores are made three ways: a tmpfs remounted read-only (needs root), slot files chmod 0444 in
a folder chmod 0555 (as root, run without the capabilities that let root write anyway), and in-process
with DuckDB, the lock file and SQLite raising what they raise for a read-only folder (found by
experiment: ``duckdb.IOException('... Cannot open file "F": Permission denied')``, a ``TransactionException``
for the write-ahead log, ``PermissionError`` / ``OSError(EROFS)`` for the lock file, and
``sqlite3.OperationalError('attempt to write a readonly database')`` for the access file).

Damaged stores: the current version truncated to half its size, random bytes over its middle, and the
data blocks of ``monthly_metrics`` overwritten (a fault DuckDB meets only when a query reads them).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from grading.access import accessfile
from grading.store import layout
from tests.damage import (
    DAMAGES,
    EVENTS,
    cli,
    copy_store,
    current,
    folder_state,
    one_sentence,
    overwrite_blocks_of,
    truncate_half,
    two_slot_store,
)
from tests.test_faults import nivaran

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def two_slots(tmp_path_factory: pytest.TempPathFactory, demo_db: Path, demo_users: dict[str, tuple[str, str]]) -> Path:
    """The demo store (with the test accounts) and one more load: a current version and its standby."""
    return two_slot_store(demo_db, tmp_path_factory.mktemp("two") / "store")


@pytest.fixture
def store(two_slots: Path, tmp_path: Path) -> Path:
    """A fresh copy of :func:`two_slots` for one test."""
    return copy_store(two_slots, tmp_path / "store")


# -- damaged stores ---------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("command", ["grade", "ingest"])
def test_a_damaged_current_version_is_one_sentence_naming_it(
    store: Path, tmp_path: Path, damage: str, command: str
) -> None:
    damaged = current(store)
    sound = cli("grade", "--db", store, "--month", "2024-07").stdout if command == "grade" else ""
    DAMAGES[damage](damaged)
    before = folder_state(store.parent)
    if command == "grade":
        run = cli("grade", "--db", store, "--month", "2024-07")
        if run.returncode == 0:  # random bytes may miss every block a month's read needs (it skips the rest):
            assert damage == "random bytes over the middle"  # then the answer is the sound store's
            assert run.stdout == sound
            assert run.stderr == ""
            return
    else:
        more = tmp_path / "next.csv"
        more.write_text(EVENTS.replace("F-1", "F-2"), encoding="utf-8")
        run = cli("ingest", "--db", store, more)
    said = one_sentence(run)
    assert said.startswith(f"{damaged} (the current version of {store}) is damaged: ")
    assert f"`nivaran check --db {store}`" in said
    standby = next(s for s in layout.slot_files(store) if s != damaged)
    assert f"`ln -sfn {standby.name} {store}`" in said
    assert said.endswith(f"else restore {damaged.name} from a backup.")
    assert folder_state(store.parent) == before  # nothing written, no damaged copy left behind


def test_the_sentence_says_what_is_wrong(two_slots: Path, tmp_path: Path) -> None:
    short = copy_store(two_slots, tmp_path / "short")
    size = current(short).stat().st_size
    truncate_half(current(short))
    said = one_sentence(cli("grade", "--db", short, "--month", "2024-07"))
    assert f"is damaged: it ends at byte {size // 2:,} but holds data past it (truncated);" in said
    overwritten = copy_store(two_slots, tmp_path / "overwritten")
    overwrite_blocks_of("monthly_metrics")(current(overwritten))
    said = one_sentence(cli("grade", "--db", overwritten, "--month", "2024-07"))
    assert "is damaged: the block at byte " in said
    assert " fails its checksum;" in said


def test_a_damaged_store_without_a_standby_says_restore_it(demo_db: Path, tmp_path: Path) -> None:
    db = copy_store(demo_db, tmp_path / "one")
    damaged = current(db)
    for slot in layout.slot_files(db):  # the demo made a standby: remove it
        if slot != damaged:
            slot.unlink()
    overwrite_blocks_of("monthly_metrics")(damaged)  # what `grade` reads (a month read skips what it need not)
    said = one_sentence(cli("grade", "--db", db, "--month", "2024-07"))
    assert said.startswith(f"{damaged} (the current version of {db}) is damaged: ")
    assert "restore it from a backup (there is no standby beside it" in said


def test_a_damaged_demo_store_names_the_standby_it_built(demo_db: Path, tmp_path: Path) -> None:
    db = copy_store(demo_db, tmp_path / "two")
    damaged = current(db)
    standby = next(s for s in layout.slot_files(db) if s != damaged)
    overwrite_blocks_of("monthly_metrics")(damaged)
    said = one_sentence(cli("grade", "--db", db, "--month", "2024-07"))
    assert said.startswith(f"{damaged} (the current version of {db}) is damaged: ")
    assert f"if the standby {standby.name} is sound make it current with `ln -sfn {standby.name} {db}`" in said


def test_a_damaged_standby_met_by_a_load_is_one_sentence_naming_it(store: Path, tmp_path: Path) -> None:
    standby = next(s for s in layout.slot_files(store) if s != current(store))
    overwrite_blocks_of("monthly_metrics")(standby)
    before = folder_state(store.parent)
    more = tmp_path / "next.csv"
    more.write_text(EVENTS.replace("F-1", "F-2"), encoding="utf-8")
    run = cli("ingest", "--db", store, more)
    if run.returncode == 0:  # the replay met the damage and fell back to a full copy of the sound current
        assert not standby.exists() or standby == current(store)
        return
    said = one_sentence(run)
    assert said.startswith(f"{standby} (the standby of {store}) is damaged: ")
    assert folder_state(store.parent) == before


# -- the dashboard ----------------------------------------------------------------------------------

PAGES = [
    "pages/public_summary.py",
    "pages/methodology.py",
    "pages/trends.py",
    "pages/department.py",
    "pages/collector.py",
    "pages/data_status.py",
    "pages/audit.py",
]


def damaged_sentences(at: AppTest) -> list[str]:
    assert not at.exception, [e.message for e in at.exception]
    return [i.value for i in at.info if "is damaged" in i.value]


@pytest.mark.parametrize("damage", DAMAGES)
def test_the_dashboard_explains_a_damaged_store_in_one_sentence(
    store: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page runs navigation.py first, which reads the store's settings, months and freshness: a
    damaged catalogue, meta table or monthly_metrics is met there, for whichever page is asked for."""
    damaged = current(store)
    DAMAGES[damage](damaged)
    monkeypatch.setenv("NIVARAN_DB", str(store))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    said = damaged_sentences(at.run())  # no exception in any case
    if not said and damage == "random bytes over the middle":  # bytes that miss every block navigation reads
        assert at.title or at.markdown  # the page drew itself from the sound blocks
        return
    assert len(said) == 1, [i.value for i in at.info]
    assert said[0].startswith(f"{damaged} (the current version of {store}) is damaged: ")
    assert f"`nivaran check --db {store}`" in said[0]


def test_a_page_that_meets_a_damaged_block_explains_it_in_one_sentence(
    store: Path, demo_users: dict[str, tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Damage in the case-level tables, which only some pages read: each page either shows its data or
    the one sentence, never an exception."""
    from tests.test_app import sign_in

    damaged = current(store)
    for table in ("complaints", "stints_closed", "events"):  # stints: a view, its closed complaints' table
        overwrite_blocks_of(table)(damaged)
    monkeypatch.setenv("NIVARAN_DB", str(store))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    assert damaged_sentences(at.run()) == []  # the pages' shared figures are precomputed: not damaged
    sign_in(at, *demo_users["admin"])
    told = []
    for page in PAGES:
        said = damaged_sentences(at.switch_page(page).run())
        assert len(said) <= 1, (page, said)
        if said:
            assert said[0].startswith(f"{damaged} (the current version of {store}) is damaged: "), said
            told.append(page)
    assert told, "no page read the damaged tables"


# -- stores that cannot be written --------------------------------------------------------------------


def new_events(tmp_path: Path) -> Path:
    more = tmp_path / "new.csv"
    more.write_text(EVENTS.replace("F-1", "F-9"), encoding="utf-8")
    return more


WRITES = {
    "ingest": lambda db, tmp: ["ingest", "--db", db, new_events(tmp)],
    "users list": lambda db, tmp: ["users", "list", "--db", db],
    "publish": lambda db, tmp: ["publish", "--db", db, "--month", "2024-07", "--out", tmp / "package"],
}


def assert_access_file(said: str, db: Path) -> None:
    """The access file's own sentence (grading.access.accessfile.AccessFileError): it names the file."""
    assert said.startswith(f"{accessfile.access_path(db)}: the access file cannot be "), said


def assert_cannot_write(said: str, db: Path, why: str) -> None:
    assert said.startswith(f"{db}: cannot write "), said
    assert f" in {db.parent}: {why}; nothing was written and the stored data are intact: " in said, said
    assert said.endswith(".")


def can_mount_tmpfs(where: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(where)]
    return subprocess.run(mount, check=False, capture_output=True).returncode == 0


@pytest.fixture
def read_only_fs(store: Path, tmp_path: Path) -> Iterator[Path]:
    """The store on a file system mounted read-only (even root cannot write there)."""
    disk = tmp_path / "disk"
    if not can_mount_tmpfs(disk):
        pytest.skip("needs root and tmpfs to mount a read-only file system")
    try:
        db = copy_store(store, disk)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        yield db
    finally:
        subprocess.run(["umount", str(disk)], check=False)


@pytest.mark.parametrize("command", WRITES)
def test_a_store_on_a_read_only_file_system_is_one_sentence(read_only_fs: Path, tmp_path: Path, command: str) -> None:
    said = one_sentence(cli(*WRITES[command](read_only_fs, tmp_path)))
    if command == "users list":  # accounts live in the access file, not in the DuckDB store
        assert_access_file(said, read_only_fs)
        return
    assert_cannot_write(said, read_only_fs, "the file system is read-only")
    assert "remount it read-write, or copy the store to a writable folder" in said


#: Run a command without the capabilities that let root write whatever the permissions say.
NO_OVERRIDE = (
    "setpriv",
    "--bounding-set",
    "-dac_override,-dac_read_search",
    "--inh-caps",
    "-dac_override,-dac_read_search",
)


@pytest.fixture
def read_only_files(store: Path) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """The store's slot and access files chmod 0444 in a folder chmod 0555, and the prefix that runs a
    command as a user these permissions bind (root without its override capabilities)."""
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root ignores file permissions, and setpriv is not here to drop that power")
        prefix = NO_OVERRIDE
    folder = store.parent
    files = [p for p in folder.iterdir() if not p.is_symlink()]
    try:
        for p in files:
            p.chmod(0o444)
        folder.chmod(0o555)
        probe = [*prefix, sys.executable, "-c", f"open({str(folder / 'x')!r}, 'w')"]
        if subprocess.run(probe, check=False, capture_output=True).returncode == 0:
            pytest.skip("chmod does not bind this user")
        yield store, prefix
    finally:
        folder.chmod(0o755)
        for p in files:
            p.chmod(0o644)


@pytest.mark.parametrize("command", WRITES)
def test_a_store_in_a_read_only_folder_is_one_sentence(
    read_only_files: tuple[Path, tuple[str, ...]], tmp_path: Path, command: str
) -> None:
    db, prefix = read_only_files
    before = folder_state(db.parent)
    said = one_sentence(cli(*WRITES[command](db, tmp_path), prefix=prefix))
    assert folder_state(db.parent) == before
    if command == "users list":  # accounts live in the access file, not in the DuckDB store
        assert_access_file(said, db)
        return
    assert_cannot_write(said, db, "permission denied")
    assert f"make {db.parent} and the store's files writable for this user" in said


def deny(message: Callable[[str], BaseException], *, when: Callable[[str], bool]) -> Callable[..., object]:
    """A stand-in for ``duckdb.connect`` that raises ``message(path)`` for the paths ``when`` picks."""
    real = duckdb.connect

    def connect(database: str = ":memory:", read_only: bool = False, **kwargs: object) -> object:
        if not read_only and when(str(database)):
            raise message(str(database))
        return real(database, read_only=read_only, **kwargs)  # type: ignore[arg-type]

    return connect


def test_what_a_read_only_folder_raises_in_process_is_one_sentence(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same faults without root or tmpfs: each exception a read-only folder makes DuckDB, the lock
    file and SQLite raise (see the module docstring), raised in-process where they arise. (The access
    file's sentence is grading.access.accounts's: checked here only to be one line naming the file.)"""
    events = new_events(tmp_path)
    base = ["--db", str(store)]

    # DuckDB cannot open the standby, nor create the new copy, read-write.
    with monkeypatch.context() as m:
        m.setattr(
            duckdb,
            "connect",
            deny(
                lambda p: duckdb.IOException(f'IO Error: Cannot open file "{p}": Permission denied'),
                when=lambda p: p.startswith(str(store)),
            ),
        )
        code, err = nivaran(m, capsys, "ingest", *base, str(events))
    assert code == 2, err
    assert_cannot_write(err.removeprefix("error: ").strip(), store, "permission denied")
    assert err.count("\n") == 1

    # The lock file cannot be opened for writing.
    real_open = Path.open

    def open_denied(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if self.name.endswith(".lock") and "w" in mode:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]

    with monkeypatch.context() as m:
        m.setattr(Path, "open", open_denied)
        code, err = nivaran(m, capsys, "publish", *base, "--month", "2024-07", "--out", str(tmp_path / "p"))
    assert code == 2, err
    said = err.removeprefix("error: ").strip()
    assert_cannot_write(said, store, "permission denied")
    assert said.startswith(f"{store}: cannot write {store.name}.lock in {store.parent}: ")

    # The access file (SQLite) cannot be written.
    def readonly(*args: object, **kwargs: object) -> object:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    with monkeypatch.context() as m:
        m.setattr(sqlite3, "connect", readonly)
        code, err = nivaran(m, capsys, "users", "list", *base)
    assert code == 2, err
    assert err.count("\n") == 1
    assert_access_file(err.removeprefix("error: ").strip(), store)
    assert stat.S_ISLNK(store.lstat().st_mode)
