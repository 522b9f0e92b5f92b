"""The store's files: two copies of the database behind an atomically swapped link (part of the store).

:mod:`grading.store.database` is the module the rest of Nivaran talks to; this module is its file layer and,
with it, the only code that opens DuckDB files. Why this layout, and the figures behind the choice,
are in ``docs/storage.md``.

Layout
------
For a database path ``P`` (``--db``)::

    P            a symbolic link to the current version, a slot (swapped with os.replace: atomic)
    P.1, P.2 ... slots: complete DuckDB databases; normally two, the current one and the *standby*
    P.lock       an exclusive flock held by the one writer at a time
    P.n.partial  present while slot n is being built from scratch (a full copy or a fresh build)

A write (:func:`next_version`) happens on the standby, never on the file readers use:

1. take ``P.lock``; open the standby read-write. DuckDB refuses while a reader still holds it (a
   reader that opened it before the last swap and has not reopened since): the writer retries for
   up to :func:`wait_seconds` (``$NIVARAN_WRITE_WAIT``, default 30 s), then gives up on it: it
   unlinks the standby (such readers keep their open file) and writes the next version as a full
   copy of the current one, under a slot name never used before (DuckDB caches open databases by
   path within a process, so a name is reused only by an in-place write, which DuckDB's lock guards).
   A writer never waits for a reader for ever, and never fails because of one.
2. in **one DuckDB transaction**: bring the standby up to the current version (it is one write
   behind: replay that write's delta, see below), then run the caller's block.
3. commit, checkpoint, close; swap ``P`` to the standby. Readers see the new version at their next
   open; the previous one becomes the standby for the next write.

A kill -9 or an exception anywhere before the swap leaves ``P`` and its file untouched; the standby's
transaction rolls back (DuckDB's write-ahead log), or, for a file built from scratch, the
``.partial`` marker makes the next writer discard it. A write that fails because the disk is full
removes what it had built (a full copy, or the standby itself) so that nothing fills the disk.

The delta of a write, which brings the standby up to the current version, is :mod:`grading.store.replay`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import duckdb

from grading.model.schema import NivaranError
from grading.store import replay
from grading.store.sqltext import sql

DEFAULT_WAIT_SECONDS: Final = 30.0


class StoreError(NivaranError):
    """The database is missing, empty, locked, foreign, of an unknown version, or the disk is full."""


class NotADatabaseError(StoreError):
    """The file at the database path is not a Nivaran database (not DuckDB, damaged, or foreign)."""


def wait_seconds() -> float:
    """How long a writer waits for readers to release the standby (``$NIVARAN_WRITE_WAIT``, seconds)."""
    raw = os.environ.get("NIVARAN_WRITE_WAIT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_WAIT_SECONDS
    except ValueError:
        return DEFAULT_WAIT_SECONDS


def _slot(path: Path, name: str) -> Path:
    return path.with_name(f"{path.name}.{name}")


def _marker(slot: Path) -> Path:
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
    kept = [s for s in _slots(path) if not _marker(s).exists()]
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


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    text = str(exc)
    return "Conflicting lock" in text or "different configuration" in text


def _not_duckdb(path: Path, exc: duckdb.Error) -> NotADatabaseError | None:
    """The sentence for a file DuckDB cannot open as a database (None for a lock conflict: retry)."""
    if _is_lock_conflict(exc):
        return None
    return NotADatabaseError(
        f"{path} is not a readable DuckDB database (another kind of file, or truncated or damaged); "
        "Nivaran will neither read nor overwrite it."
    )


def is_nivaran(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an open DuckDB database is a Nivaran store (it has a ``meta`` table with a schema version)."""
    rows = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() and table_name = 'meta'"
    ).fetchall()
    if not rows[0][0]:
        return False
    found = con.execute("select count(*) from meta where key = 'schema_version'").fetchall()
    return bool(found[0][0])


def foreign_message(path: Path) -> str:
    """The sentence for a DuckDB file that is not a Nivaran store."""
    return (
        f"{path} is a DuckDB database of another application (it has no Nivaran schema version); "
        "Nivaran will neither read nor overwrite it."
    )


def open_readonly(path: Path, attempts: int = 20) -> duckdb.DuckDBPyConnection:
    """Open the current version read-only (a consistent snapshot for as long as it stays open).

    Raises :class:`StoreError` with one sentence when there is no database or it is not a DuckDB
    file. The link is resolved once per attempt: if a writer swapped versions between resolving and
    opening, the next attempt opens the newer one.
    """
    for attempt in range(attempts):
        target = current_file(path)
        if target is None:
            msg = missing_version(path) or (
                f"No database at {path}. Create the demo with `uv run nivaran demo --db {path}` "
                f"or load your data with `uv run nivaran ingest --db {path} FILE`."
            )
            raise StoreError(msg)
        try:
            return duckdb.connect(str(target), read_only=True)
        except duckdb.Error as exc:
            foreign = _not_duckdb(path, exc)
            if foreign is not None:
                raise foreign from exc
            if attempt == attempts - 1:
                msg = f"{path}: cannot open the database ({exc})"
                raise StoreError(msg) from exc
            time.sleep(0.05)
    raise AssertionError("unreachable")  # pragma: no cover


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(slot: Path) -> None:
    for stale in (slot, slot.with_name(slot.name + ".wal"), _marker(slot)):
        stale.unlink(missing_ok=True)


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    return isinstance(exc, duckdb.Error) and "No space left on device" in str(exc)


def _disk_full_error(path: Path) -> StoreError:
    free = shutil.disk_usage(path.parent).free
    return StoreError(
        f"{path}: the disk is full ({free / 2**20:,.0f} MiB free); nothing was loaded, "
        "the previous data are intact and the unfinished copy was removed."
    )


def _check_current(path: Path, current: Path) -> None:
    """Refuse to write over anything but a Nivaran store."""
    try:
        con = duckdb.connect(str(current), read_only=True)
    except duckdb.Error as exc:
        foreign = _not_duckdb(path, exc)
        if foreign is not None:
            raise foreign from exc
        return  # a lock conflict: opened by this process already (as a Nivaran store) or by a reader
    try:
        if not is_nivaran(con):
            raise NotADatabaseError(foreign_message(path))
    finally:
        con.close()


def _connect_writable(slot: Path, deadline: float) -> duckdb.DuckDBPyConnection | None:
    """Open ``slot`` read-write, retrying while readers hold it; None when they still do at ``deadline``
    or it cannot be opened at all."""
    while True:
        try:
            return duckdb.connect(str(slot))
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc) or time.monotonic() >= deadline:
                return None  # held for too long, or not a database any more: the caller copies
            time.sleep(0.1)


def _full_copy(current: Path, slot: Path) -> duckdb.DuckDBPyConnection:
    """Build ``slot`` as a copy of ``current`` (O(store)); the marker makes a killed copy harmless, and a
    failed one (a full disk) is removed at once."""
    _discard(slot)
    _marker(slot).touch()
    try:
        shutil.copyfile(current, slot)
        con = duckdb.connect(str(slot))
    except BaseException:
        _discard(slot)
        raise
    _marker(slot).unlink()
    return con


@contextlib.contextmanager
def next_version(path: Path, *, fresh: bool = False, compact: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to the next version of the database at ``path``.

    The block runs inside one DuckDB transaction on the standby (``fresh``, a full copy or
    ``compact``, a rewrite of the current version without superseded rows: on a new file guarded by a
    ``.partial`` marker); on a normal exit the new version is committed and swapped in atomically.
    Raises :class:`StoreError` (one sentence) for a foreign file or a full disk.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(path.name + ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _discard(path.with_name(path.name + ".building"))  # left by an older Nivaran
        current = current_file(path)
        if current is not None:
            _check_current(path, current)
        elif not fresh and (gone := missing_version(path)) is not None:  # never a new store over the old
            raise StoreError(gone)
        try:
            if current is not None and not path.is_symlink():  # a plain file: keep it as the first slot
                first = _new_slot(path)
                os.link(current, first)
                current = first
            if compact and current is not None:
                (con, target), rebuilt = _compacted(path, current), True
            else:
                con, target, rebuilt = _open_standby(path, current, fresh=fresh)
        except (OSError, duckdb.Error) as exc:
            if _disk_full(exc):
                raise _disk_full_error(path) from exc
            raise
        try:
            yield con
            if not rebuilt:
                con.execute("commit")
            con.execute("checkpoint")
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):
                con.execute("rollback")
            con.close()
            if rebuilt or _disk_full(exc):
                _discard(target)
            if _disk_full(exc):
                raise _disk_full_error(path) from exc
            raise
        con.close()
        _marker(target).unlink(missing_ok=True)
        link = path.with_name(path.name + ".swap")
        link.unlink(missing_ok=True)
        os.symlink(target.name, link)
        os.replace(link, path)
        _fsync_dir(path.parent)


def _slots(path: Path) -> list[Path]:
    """The database's slot files ``P.1``, ``P.2``, ... in number order."""
    pattern = re.compile(re.escape(path.name) + r"\.(\d+)$")
    found = [(int(m[1]), p) for p in path.parent.iterdir() if (m := pattern.match(p.name))]
    return [p for _, p in sorted(found)]


def _new_slot(path: Path) -> Path:
    """A slot name never used before in this directory (so no process can still hold it under that name)."""
    numbers = [int(p.name.rsplit(".", 1)[1]) for p in _slots(path)]
    return _slot(path, str(max(numbers, default=0) + 1))


def _open_standby(path: Path, current: Path | None, *, fresh: bool) -> tuple[duckdb.DuckDBPyConnection, Path, bool]:
    """The file the next version is written to, opened read-write and made equal to ``current``.

    Returns the connection, the file, and whether the file is built from scratch (fresh or first
    write: no transaction; the ``.partial`` marker guards it until the swap). A full copy runs in a
    transaction like a delta once the copy is made.
    """
    others = [s for s in _slots(path) if s != current]
    standby = others[-1] if others else None
    target = _new_slot(path)
    for extra in others[:-1]:
        _discard(extra)
    if fresh or current is None:
        if standby is not None:
            _discard(standby)
        _discard(target)
        _marker(target).touch()
        con = duckdb.connect(str(target))
        _start(con, parent=None, mode="fresh")
        return con, target, True
    if standby is not None and not _marker(standby).exists():
        identity = _identity(standby)  # before opening it: a file of an older Nivaran has no generation
        held = _connect_writable(standby, time.monotonic() + wait_seconds())
        if held is not None:
            con = held
            _attach_source(con, current)
            try:
                mine = replay.read_meta(con, "generation", "main") or identity
                head = replay.read_meta(con, "generation", "src")
                con.execute("begin transaction")
                if mine != head:
                    if (
                        mine != replay.read_meta(con, "parent", "src")
                        or replay.read_meta(con, "replayable", "src") == "false"
                    ):
                        raise duckdb.InvalidInputException("the standby is not one write behind")
                    replay.catch_up(con)
                    if replay.catalog(con, replay.current_database(con)) != replay.catalog(con, "src"):
                        raise duckdb.InvalidInputException("the replay left a different catalog")
                _start(con, parent=head, mode="delta")
                return con, standby, False
            except duckdb.Error as exc:
                con.close()
                if _disk_full(exc):
                    _discard(standby)
                    raise
    # No usable standby (none, partial, of another generation, or still held by readers): readers that
    # hold it keep their open file; the next version is a full copy of the current one, under a new name.
    if standby is not None:
        _discard(standby)
    identity = _identity(current)
    con = _full_copy(current, target)
    con.execute("begin transaction")
    _start(con, parent=replay.read_meta(con, "generation", "main") or identity, mode="full copy")
    return con, target, False


def _attach_source(con: duckdb.DuckDBPyConnection, current: Path) -> None:
    """Attach the current version read-only as ``src``, where a replay or a compaction reads it from."""
    con.execute("attach '" + str(current).replace("'", "''") + "' as src (read_only)")


def _compacted(path: Path, current: Path) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A new slot (guarded by its ``.partial`` marker) holding a copy of ``current`` without superseded
    rows, stamped as not replayable (see :func:`compact`)."""
    for old in _slots(path):
        if old != current:
            _discard(old)
    target = _new_slot(path)
    _marker(target).touch()
    con = duckdb.connect(str(target))
    try:
        _attach_source(con, current)
        con.execute('copy from database src to "' + replay.current_database(con).replace('"', '""') + '"')
        parent = replay.read_meta(con, "generation", "src") or _identity(current)
        con.execute("detach src")
        _start(con, parent=parent, mode="compacted")
        replay.not_replayable(con)
    except BaseException:
        con.close()
        _discard(target)
        raise
    return con, target


def _identity(path: Path) -> str:
    """Stands in for the generation of a file written by an older Nivaran (which has none): such a file
    is never written again under its name, so its inode, size and modification time identify it."""
    st = path.stat()
    return f"file:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def _start(con: duckdb.DuckDBPyConnection, *, parent: str | None, mode: str) -> None:
    """Stamp the new version's generation, parent and how it was made (``write_mode``: fresh, delta,
    full copy or compacted), and start its list of changed complaints.

    The write's checkpoint does not vacuum (``max_vacuum_tasks = 0``): replacing a complaint's derived
    rows leaves its old rows as superseded rows in their row groups, and DuckDB's vacuum of a few
    superseded rows scattered over every row group rewrote most of them (0.45 s of a 0.5 s checkpoint
    for 30,000 closures at state scale, ``docs/storage.md``). They are dropped by :func:`compact`.
    """
    con.execute("set max_vacuum_tasks = 0")
    con.execute("create table if not exists meta (key varchar primary key, value varchar not null)")
    con.execute("insert or replace into meta values ('generation', ?)", [uuid.uuid4().hex])
    con.execute("insert or replace into meta values ('write_mode', ?)", [mode])
    con.execute("delete from meta where key = 'replayable'")
    if parent is None:
        con.execute("delete from meta where key = 'parent'")
    else:
        con.execute("insert or replace into meta values ('parent', ?)", [parent])
    con.execute(sql("create table if not exists {k} (complaint_key bigint not null)", k=replay.CHANGED_KEYS))
    con.execute(sql("delete from {k}", k=replay.CHANGED_KEYS))
