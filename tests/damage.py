"""Damaged stores for tests: copies of a store, and the damage done to them (see tests/test_store_faults.py)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from grading.access import accessfile
from grading.intake import ingest
from grading.store import layout

EVENTS = """complaint_id,event_time,event,level,department,district,category,complainant,channel
F-1,2024-08-03T10:00:00,registered,L1,ENERGY,BHOPAL,BILLING_EXCESS,F-P1,call
"""

ROOT = Path(__file__).resolve().parent.parent
#: DuckDB's file layout: three header blocks of 4 KiB, then blocks of 256 KiB.
HEADER_BYTES = 3 * 4096
BLOCK_BYTES = 256 * 1024


def copy_store(db: Path, folder: Path) -> Path:
    """A copy of the store ``db`` (its link, slot files and access file) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in db.parent.iterdir():
        if item.name.startswith(db.name + ".") and item.suffix != ".lock":
            shutil.copy2(item, folder / item.name)
    access = accessfile.access_path(db)
    if access.exists():
        shutil.copy2(access, folder / access.name)
    copy = folder / db.name
    if db.is_symlink():
        os.symlink(os.readlink(db), copy)
    return copy


def current(db: Path) -> Path:
    found = layout.current_file(db)
    assert found is not None
    return found


def truncate_half(file: Path) -> None:
    os.truncate(file, file.stat().st_size // 2)


def overwrite_middle(file: Path) -> None:
    """Random bytes (seeded) over the middle fifth of the file."""
    size = file.stat().st_size
    with file.open("r+b") as fh:
        fh.seek(size * 2 // 5)
        fh.write(random.Random(7).randbytes(size // 5))


def overwrite_blocks_of(table: str) -> Callable[[Path], None]:
    """Overwrite the first 4 KiB of every data block that holds rows of ``table``: the file opens, and
    the damage shows when a query reads the table."""

    def damage(file: Path) -> None:
        con = duckdb.connect(str(file), read_only=True)
        try:
            blocks = con.execute(
                "select distinct block_id from pragma_storage_info(?) where block_id >= 0 order by block_id", [table]
            ).fetchall()
        finally:
            con.close()
        assert blocks, table
        with file.open("r+b") as fh:
            for (block,) in blocks:
                fh.seek(HEADER_BYTES + block * BLOCK_BYTES)
                fh.write(b"\xa5" * 4096)

    return damage


DAMAGES = {
    "truncated to half": truncate_half,
    "random bytes over the middle": overwrite_middle,
    "the blocks of monthly_metrics overwritten": overwrite_blocks_of("monthly_metrics"),
}


def cli(*args: str | Path, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """``python -m grading.cli ARGS`` as a process of its own (what a shell would see)."""
    command = [*prefix, sys.executable, "-m", "grading.cli", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def one_sentence(run: subprocess.CompletedProcess[str]) -> str:
    """The error sentence of a command that failed as it should: exit code 2, one line, no traceback."""
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, run.stderr
    assert run.stderr.endswith(errors[0] + "\n"), run.stderr  # the last line; before it, progress labels only
    return errors[0].removeprefix("error: ")


def folder_state(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file of a folder (links not followed) with its inode, size and modification time."""
    return {
        p.name: (st.st_ino, st.st_size, st.st_mtime_ns)
        for p in folder.iterdir()
        if not p.name.endswith(".lock") and ".access.sqlite" not in p.name  # the store's own files
        for st in [p.lstat()]
    }


def two_slot_store(demo_db: Path, folder: Path) -> Path:
    """A copy of the demo store in ``folder`` with one more load: a current version and its standby, one
    write behind."""
    db = copy_store(demo_db, folder)
    events = folder / "more.csv"
    events.write_text(EVENTS, encoding="utf-8")
    ingest.ingest(db, [events])
    events.unlink()
    assert len(layout.slot_files(db)) == 2
    return db
