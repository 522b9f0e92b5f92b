"""The store's files by name: the link, its slots and their markers (part of the store; no DuckDB here).

For a database path ``P`` (``--db``), ``P`` is a symbolic link to the current version, ``P.1``, ``P.2``,
... are the slots (complete DuckDB databases), ``P.n.partial`` marks a slot being built from scratch and
``P.lock`` is the writer's lock. :mod:`grading.store.slots` writes versions into the slots and swaps the
link; :mod:`grading.store.faults` names what is wrong with them; this module only finds and names them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


def slot(path: Path, name: str) -> Path:
    return path.with_name(f"{path.name}.{name}")


def marker(slot: Path) -> Path:
    return slot.with_name(slot.name + ".partial")


def current_file(path: Path) -> Path | None:
    """The file holding the current version of the database at ``path`` (None when there is none).

    ``path`` is normally a link to a slot; a plain file (a database written by an older Nivaran, or
    copied by hand) is its own current version.
    """
    if path.is_symlink():
        target = path.parent / os.readlink(path)
        return target if target.exists() else None
    return path if path.exists() else None


def missing_version(path: Path) -> str | None:
    """The sentence for a store whose link names a version that is gone while an earlier version is
    still there (a file deleted by hand, a restore gone wrong); None for any other state.

    Such a store is never replaced by a new one: every reader and writer stops with this sentence, and
    the earlier version stays as it is until someone decides what to recover.
    """
    if not path.is_symlink() or current_file(path) is not None:
        return None
    kept = [s for s in slot_files(path) if not marker(s).exists()]
    if not kept:
        return None
    gone, earlier = os.readlink(path), kept[-1].name
    return (
        f"{path} points at {gone}, which is missing; {earlier} beside it holds an earlier version, and "
        f"nothing was written. Restore {gone} from a backup, or make the earlier version current with "
        f"`ln -sfn {earlier} {path}` (what was written after it is then lost)."
    )


def file_stamp(path: Path) -> tuple[int, int] | None:
    """``(inode, mtime_ns)`` of the current version's file, or None when there is no database.

    Every write swaps the link to the other slot, whose file was just modified: the stamp changes
    with every new version, so a reader compares stamps to know when to reopen.
    """
    try:
        st = path.stat()  # follows the link
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def absolute(file: Path) -> Path:
    return Path(os.path.abspath(file))


def standby_file(path: Path, current: Path | None) -> Path | None:
    """The standby beside the version ``current``, as the next write picks it: the last slot that is not
    the current one, unless it is an unfinished copy (None then, and when there is no other slot)."""
    others = [s for s in slot_files(path) if s.name != (current.name if current else None)]
    return others[-1] if others and not marker(others[-1]).exists() else None


def is_partial(slot: Path) -> bool:
    """Whether ``slot`` is an unfinished copy or fresh build (its ``.partial`` marker is there)."""
    return marker(slot).exists()


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def discard(slot: Path) -> None:
    for stale in (slot, slot.with_name(slot.name + ".wal"), marker(slot)):
        stale.unlink(missing_ok=True)


def slot_files(path: Path) -> list[Path]:
    """The database's slot files ``P.1``, ``P.2``, ... in number order."""
    pattern = re.compile(re.escape(path.name) + r"\.(\d+)$")
    found = [(int(m[1]), p) for p in path.parent.iterdir() if (m := pattern.match(p.name))]
    return [p for _, p in sorted(found)]


def new_slot(path: Path) -> Path:
    """A slot name never used before in this directory (so no process can still hold it under that name)."""
    numbers = [int(p.name.rsplit(".", 1)[1]) for p in slot_files(path)]
    return slot(path, str(max(numbers, default=0) + 1))
