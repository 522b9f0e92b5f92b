"""The access file (pseudonym key, session key, password hashes) and the store's files (complaints) are
readable by their owner only (0600), whatever the umask of the process that made them: checked after
``nivaran init``, ``users add`` and a load, run as the command line runs (a child process, umask 022).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVENTS = (
    "complaint_id,event_time,event,level,department,district,category,complainant\n"
    "A,2024-03-01T10:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,P\n"
    "B,2024-03-02T10:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,Q\n"
)
USER = ("c.bhopal", "--role", "collector", "--district", "bhopal", "--password-stdin")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems give a login (group and others may read new files): inherited by the child."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def nivaran(*args: str, stdin: str | None = None) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grading.cli", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def modes(folder: Path, prefix: str) -> dict[str, int]:
    """Every regular file with data in ``folder`` whose name starts with ``prefix`` (name → permission
    bits); the store's lock file and markers are empty."""
    return {
        p.name: stat.S_IMODE(p.stat().st_mode)
        for p in folder.iterdir()
        if p.name.startswith(prefix) and p.is_file() and not p.is_symlink() and p.stat().st_size > 0
    }


def load(db: Path) -> None:
    """``nivaran init`` and one load of two events, as an operator runs them."""
    nivaran("init", "--db", str(db), "--timezone", "Asia/Kolkata", "--reference", "mp")
    events = db.parent / "events.csv"
    events.write_text(EVENTS, encoding="utf-8")
    nivaran("ingest", "--db", str(db), str(events))


def test_the_access_file_is_its_owners_only(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    load(db)
    nivaran("users", "add", "--db", str(db), *USER, stdin="pw-1234567\n")
    found = modes(tmp_path, "n.access.sqlite")
    assert "n.access.sqlite" in found
    assert found == dict.fromkeys(found, 0o600)


def test_an_access_file_left_readable_is_narrowed_when_next_opened(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    nivaran("users", "add", "--db", str(db), *USER, stdin="pw-1234567\n")
    access = tmp_path / "n.access.sqlite"
    access.chmod(0o644)  # as an older Nivaran left it
    nivaran("users", "list", "--db", str(db))
    assert stat.S_IMODE(access.stat().st_mode) == 0o600


def test_the_store_files_are_their_owners_only(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    load(db)
    found = modes(tmp_path, "n.duckdb")
    assert len([name for name in found if name.startswith("n.duckdb.")]) == 2  # current and standby
    assert found == dict.fromkeys(found, 0o600)


def test_store_files_left_readable_are_narrowed_at_the_next_write(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    load(db)
    for name in modes(tmp_path, "n.duckdb"):
        (tmp_path / name).chmod(0o644)  # as an older Nivaran left them
    more = tmp_path / "more.csv"  # a new file: a reload of a loaded one writes nothing
    more.write_text(EVENTS.replace("A,", "C,").replace("B,", "D,"), encoding="utf-8")
    nivaran("ingest", "--db", str(db), str(more))
    found = modes(tmp_path, "n.duckdb")
    assert found == dict.fromkeys(found, 0o600)
