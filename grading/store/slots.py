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

Faults
------
A damaged version (a block that fails its checksum, a file shorter than its data) and a store that cannot
be written (a read-only folder, file or file system) end in one sentence naming the file, what is wrong
and what to do (:func:`fault`): :class:`DamagedError` and :class:`ReadOnlyError`. DuckDB verifies a
block's checksum only when a query reads it, so damage can surface in any query; :mod:`grading.store.check`
(``nivaran check``) reads every table in full. A write whose replay meets damage reads the current version
in full before copying it: a damaged current version is never copied into the next one.
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
from collections.abc import Callable, Iterator
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


class DamagedError(NotADatabaseError):
    """A version of the store is damaged: a block fails its checksum, or the file ends before its data.
    Never written to nor replaced by a command (``nivaran demo`` included): a person restores it."""


class ReadOnlyError(StoreError):
    """The store cannot be written: its folder or files are read-only for this user, or its file system is."""


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


def is_lock_conflict(exc: duckdb.Error) -> bool:
    """Whether DuckDB refused to open a file because another connection holds it (retry later)."""
    text = str(exc)
    return "Conflicting lock" in text or "different configuration" in text


def cannot_open(path: Path, file: Path, exc: duckdb.Error) -> StoreError | None:
    """The sentence for a version ``file`` DuckDB cannot open (None for a lock conflict: retry): one this
    user may not read, a damaged version of a store in slots, or a file that is not a database."""
    if is_lock_conflict(exc):
        return None
    if _DENIED.search(str(exc)):
        return StoreError(
            f"{path}: cannot read {file.name} in {_absolute(file).parent}: permission denied; run the command as a "
            "user who may read the store, or make its files readable for this user."
        )
    what = damage(exc)
    if path.is_symlink() and (what is not None or _NOT_DUCKDB in str(exc)):  # a version Nivaran wrote
        return damaged_error(path, file, what or "its header is not a DuckDB database header")
    return NotADatabaseError(
        f"{path} is not a readable DuckDB database (another kind of file, or truncated or damaged); "
        "Nivaran will neither read nor overwrite it."
    )


_CHECKSUM: Final = re.compile(r"Corrupt database file: .*?block at location (\d+)")
_SHORT: Final = re.compile(r'Could not read enough bytes from file "(.+?)": attempted to read \d+ bytes')
_NOT_DUCKDB: Final = "is not a valid DuckDB database file"
_DENIED: Final = re.compile(r'"([^"]+)": (?:Permission denied|Read-only file system)')
_UNWRITABLE: Final = (errno.EACCES, errno.EPERM, errno.EROFS)


def damage(exc: BaseException) -> str | None:
    """What an error of DuckDB says is wrong with a database file it was reading (a block failing its
    checksum, a file shorter than its data); None for any other error."""
    if not isinstance(exc, duckdb.Error):
        return None
    text = str(exc)
    if found := _CHECKSUM.search(text):
        return f"the block at byte {int(found[1]):,} fails its checksum"
    if "Corrupt database file" in text:
        return "a block fails its checksum"
    if found := _SHORT.search(text):
        try:
            size = f" at byte {Path(found[1]).stat().st_size:,}"
        except OSError:
            size = ""
        return f"it ends{size} but holds data past it (truncated)"
    return None


def _absolute(file: Path) -> Path:
    return Path(os.path.abspath(file))


def standby_file(path: Path, current: Path | None) -> Path | None:
    """The standby beside the version ``current``, as the next write picks it: the last slot that is not
    the current one, unless it is an unfinished copy (None then, and when there is no other slot)."""
    others = [s for s in _slots(path) if s.name != (current.name if current else None)]
    return others[-1] if others and not _marker(others[-1]).exists() else None


def slot_files(path: Path) -> list[Path]:
    """The slot files ``P.1``, ``P.2``, ... of the database at ``path``, in number order."""
    return _slots(path)


def is_partial(slot: Path) -> bool:
    """Whether ``slot`` is an unfinished copy or fresh build (its ``.partial`` marker is there)."""
    return _marker(slot).exists()


def damaged_error(path: Path, file: Path, what: str) -> DamagedError:
    """The sentence for the damaged version ``file`` of the store at ``path``: what is wrong (``what``)
    and what to do, which depends on whether it is the current version or the standby."""
    current = current_file(path)
    if not path.is_symlink():  # one plain file (written by an older Nivaran, or copied by hand)
        return DamagedError(
            f"{path} is damaged: {what}; nothing was changed: restore it from a backup "
            f"(`nivaran check --db {path}` reads what is left)."
        )
    if current is not None and file.name != current.name:
        return DamagedError(
            f"{file} (the standby of {path}) is damaged: {what}; nothing was changed: run `nivaran check --db {path}`, "
            f"and if the current version {current.name} is sound remove {file.name}: the next load then writes a "
            "full copy of the current version."
        )
    standby = standby_file(path, current)
    if standby is None:
        return DamagedError(
            f"{file} (the current version of {path}) is damaged: {what}; nothing was changed: restore it from a "
            f"backup (there is no standby beside it to go back to; `nivaran check --db {path}` reads what is left)."
        )
    return DamagedError(
        f"{file} (the current version of {path}) is damaged: {what}; nothing was changed: run "
        f"`nivaran check --db {path}`, and if the standby {standby.name} is sound make it current with "
        f"`ln -sfn {standby.name} {path}` (the last write is then lost, unless `nivaran check` says the standby "
        f"holds the same version), else restore {file.name} from a backup."
    )


def read_only_error(path: Path, file: Path) -> ReadOnlyError:
    """The sentence for a store whose file ``file`` (or folder) cannot be written: a read-only file
    system, or permissions that deny this user."""
    folder = _absolute(path).parent
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    if read_only:
        why = "the file system is read-only"
        todo = "remount it read-write, or copy the store to a writable folder and name that one with --db"
    else:
        why = "permission denied"
        todo = (
            f"run the command as the user who owns the store, or make {folder} and the store's files writable "
            "for this user"
        )
    name = file.name if _absolute(file) != folder else "files"
    return ReadOnlyError(
        f"{path}: cannot write {name} in {folder}: {why}; nothing was written and the stored data are intact: {todo}."
    )


def _in_store(path: Path, file: Path) -> bool:
    """Whether ``file`` is one of the store's files (link, slots, lock, markers, write-ahead logs) or its folder."""
    mine, theirs = _absolute(path), _absolute(file)
    if theirs == mine.parent:
        return True
    return theirs.parent == mine.parent and (theirs.name == mine.name or theirs.name.startswith(mine.name + "."))


def _raise_fault(path: Path, exc: BaseException, file: Path | None = None) -> None:
    """Raise the sentence for ``exc`` when it is a store fault (:func:`fault`); return otherwise."""
    found = fault(path, exc, file)
    if found is not None:
        raise found from exc


def fault(path: Path, exc: BaseException, file: Path | None = None) -> StoreError | None:
    """The one sentence for an error that says the store at ``path`` is damaged (:class:`DamagedError`)
    or cannot be written (:class:`ReadOnlyError`); None for any other error, which is raised as it is.

    ``file`` is the version that was being read (default: the current one); DuckDB names the file only
    when it ends too soon, not when a block fails its checksum.
    """
    what = damage(exc)
    if what is not None:
        short = _SHORT.search(str(exc))
        named = Path(short[1]) if short else file or current_file(path) or path
        return damaged_error(path, named, what)
    unwritable: Path | None = None
    if isinstance(exc, OSError) and exc.errno in _UNWRITABLE and exc.filename is not None:
        unwritable = Path(os.fsdecode(exc.filename))
    elif isinstance(exc, duckdb.Error) and (denied := _DENIED.search(str(exc))):
        unwritable = Path(denied[1])
    if unwritable is not None and _in_store(path, unwritable):
        return read_only_error(path, unwritable)
    return None


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
            foreign = cannot_open(path, target, exc)
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
        foreign = cannot_open(path, current, exc)
        if foreign is not None:
            raise foreign from exc
        return  # a lock conflict: opened by this process already (as a Nivaran store) or by a reader
    try:
        if not is_nivaran(con):
            raise NotADatabaseError(foreign_message(path))
    finally:
        con.close()


def verify(path: Path, file: Path) -> None:
    """Read every table of the version ``file`` in full (DuckDB verifies each block's checksum as it
    reads it); a damaged one raises :class:`DamagedError` naming the table."""
    try:
        con = duckdb.connect(str(file), read_only=True)
    except duckdb.Error as exc:
        raise (cannot_open(path, file, exc) or StoreError(f"{file}: cannot open ({exc})")) from exc
    table = ""
    try:
        for table in replay.tables(con, replay.current_database(con)):
            replay.read_in_full(con, table)
    except duckdb.Error as exc:
        what = damage(exc)
        if what is None:
            raise
        raise damaged_error(path, file, f"{what}, in table {table}") from exc
    finally:
        con.close()


def _connect_writable(slot: Path, deadline: float) -> duckdb.DuckDBPyConnection | None:
    """Open ``slot`` read-write, retrying while readers hold it; None when they still do at ``deadline``
    or it cannot be opened at all."""
    while True:
        try:
            return duckdb.connect(str(slot))
        except duckdb.Error as exc:
            if not is_lock_conflict(exc) or time.monotonic() >= deadline:
                return None  # held for too long, or not a database any more: the caller copies
            time.sleep(0.1)


def _full_copy(current: Path, slot: Path) -> duckdb.DuckDBPyConnection:
    """Build ``slot`` as a copy of ``current`` (O(store)); the marker makes a killed copy harmless, and a
    failed one (a full disk) is removed at once."""
    _discard(slot)
    _marker(slot).touch()
    try:
        copy_file(current, slot)
        con = duckdb.connect(str(slot))
    except BaseException:
        _discard(slot)
        raise
    _marker(slot).unlink()
    return con


#: DuckDB's memory while ``compact`` writes the store again: ordering the state-scale tables spills to
#: disk past it instead of holding them (10.9 GB for a 48-month state store without it).
COMPACT_GIB: Final = 3.0

#: Fills an empty table of the open version from a table of another (table, schema, source), in the
#: order it chooses: :func:`grading.store.month_reads.cluster`.
Clustering = Callable[[duckdb.DuckDBPyConnection, str, str, str], None]

#: Linux's ``FICLONE`` request: a copy-on-write clone of a whole file (btrfs, XFS, bcachefs; not ext4).
_FICLONE: Final = 0x40049409


def copy_file(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target``: a copy-on-write clone where the file system makes one (instant, no
    bytes written), else a plain copy (O(file)). Returns how: ``clone`` or ``copy``."""
    with source.open("rb") as src, target.open("wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
        except OSError:  # no clones on this file system (ext4, tmpfs) or across file systems
            pass
        else:
            return "clone"
    shutil.copyfile(source, target)
    return "copy"


def _make_standby(path: Path, built: Path) -> None:
    """Copy a version just built whole (``demo``, ``init``, ``compact``) into a new slot, its standby, so
    that the next write starts from an equal copy instead of copying the store inside a user's load
    (issue 26). Best effort: a copy that fails (a full disk) is removed and the next write copies."""
    standby = _new_slot(path)
    _marker(standby).touch()
    try:
        copy_file(built, standby)
    except OSError:
        _discard(standby)
        return
    _marker(standby).unlink()


@contextlib.contextmanager
def next_version(
    path: Path, *, fresh: bool = False, compact: bool = False, cluster: Clustering | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to the next version of the database at ``path``.

    The block runs inside one DuckDB transaction on the standby (``fresh``, a full copy or
    ``compact``, a rewrite of the current version without superseded rows: on a new file guarded by a
    ``.partial`` marker); on a normal exit the new version is committed and swapped in atomically.
    Raises :class:`StoreError` (one sentence) for a foreign file, a full disk, a damaged version
    (:class:`DamagedError`) or a store that cannot be written (:class:`ReadOnlyError`).
    """
    with _writer_lock(path), _owner_only(path):
        current = current_file(path)
        try:
            con, target, rebuilt, read = _begin(path, current, fresh=fresh, compact=compact, cluster=cluster)
        except (OSError, duckdb.Error) as exc:
            if _disk_full(exc):
                raise _disk_full_error(path) from exc
            _raise_fault(path, exc, current)
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
            damaged = damage(exc) is not None
            if rebuilt or _disk_full(exc) or (damaged and read != target):  # never keep a copy of damage
                _discard(target)
            if _disk_full(exc):
                raise _disk_full_error(path) from exc
            _raise_fault(path, exc, read)
            raise
        con.close()
        _marker(target).unlink(missing_ok=True)
        if rebuilt:  # its standby now, at build time, not in the next load
            _make_standby(path, target)
        link = path.with_name(path.name + ".swap")
        link.unlink(missing_ok=True)
        os.symlink(target.name, link)
        os.replace(link, path)
        _fsync_dir(path.parent)


@contextlib.contextmanager
def _owner_only(path: Path) -> Iterator[None]:
    """Every file a write makes (the new slot, DuckDB's write-ahead log, the markers) is readable by its
    owner only (0600), and after the write so is every slot (one an older Nivaran left readable too):
    the store holds complaints. The umask is the process's: files other threads make meanwhile are
    owner-only as well, which only narrows them."""
    before = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(before)
        for slot in _slots(path):
            with contextlib.suppress(FileNotFoundError, PermissionError):
                slot.chmod(0o600)


@contextlib.contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """Hold ``P.lock``, the one writer's lock (a folder that cannot be written: one sentence)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = path.with_name(path.name + ".lock").open("w")
    except OSError as exc:
        _raise_fault(path, exc)
        raise
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _begin(
    path: Path, current: Path | None, *, fresh: bool, compact: bool, cluster: Clustering | None
) -> tuple[duckdb.DuckDBPyConnection, Path, bool, Path | None]:
    """Open the file the next version is written to (see :func:`next_version`): the connection, the
    file, whether it is built from scratch, and the version the write's block reads (the standby on a
    delta, else the current version, of which the new file is a copy)."""
    _discard(path.with_name(path.name + ".building"))  # left by an older Nivaran
    if current is not None:
        _check_current(path, current)
    elif not fresh and (gone := missing_version(path)) is not None:  # never a new store over the old
        raise StoreError(gone)
    if current is not None and not path.is_symlink():  # a plain file: keep it as the first slot
        first = _new_slot(path)
        os.link(current, first)
        current = first
    existing = set(_slots(path))
    if compact and current is not None:
        (con, target), rebuilt = _compacted(path, current, cluster), True
    else:
        con, target, rebuilt = _open_standby(path, current, fresh=fresh)
    return con, target, rebuilt, target if target in existing else current


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
        replayed = _replayed(path, standby, current)
        if replayed is not None:
            return replayed, standby, False
    # No usable standby (none, partial, of another generation, or still held by readers): readers that
    # hold it keep their open file; the next version is a full copy of the current one, under a new name.
    if standby is not None:
        _discard(standby)
    identity = _identity(current)
    con = _full_copy(current, target)
    try:
        con.execute("begin transaction")
        _start(con, parent=replay.read_meta(con, "generation", "main") or identity, mode="full copy")
    except BaseException:
        con.close()
        _discard(target)
        raise
    return con, target, False


def _replayed(path: Path, standby: Path, current: Path) -> duckdb.DuckDBPyConnection | None:
    """The standby opened read-write and brought up to ``current`` by replaying the last write, in an
    open transaction; None when it cannot be (held by readers for too long, of another history, a replay
    that fails): the caller then copies the current version. A replay that meets a damaged block reads
    the current version in full first: when the damage is there, the write stops (:class:`DamagedError`)
    instead of copying it."""
    identity = _identity(standby)  # before opening it: a file of an older Nivaran has no generation
    con = _connect_writable(standby, time.monotonic() + wait_seconds())
    if con is None:
        return None
    try:
        _attach_source(con, current)
        head, _ = _replay_last_write(con, identity)
        _start(con, parent=head, mode="delta")
    except duckdb.Error as exc:
        con.close()
        if _disk_full(exc):
            _discard(standby)
            raise
        if damage(exc) is not None:  # the standby or the current version is damaged: which one?
            verify(path, current)  # the current one: stop here rather than copy it
        return None
    return con


def _replay_last_write(con: duckdb.DuckDBPyConnection, identity: str) -> tuple[str | None, bool]:
    """Begin a transaction on the standby open as ``con`` (the current version attached as ``src``) and
    replay in it the write that made the current version, unless the standby already is that version.
    Returns the current version's generation and whether a write was replayed. Raises DuckDB's
    ``InvalidInputException`` when the standby is not one write behind (another history, a write that
    cannot be replayed) or the replay left a different catalog: the standby must then be copied."""
    mine = replay.read_meta(con, "generation", "main") or identity
    head = replay.read_meta(con, "generation", "src")
    con.execute("begin transaction")
    if mine == head:
        return head, False
    if mine != replay.read_meta(con, "parent", "src") or replay.read_meta(con, "replayable", "src") == "false":
        raise duckdb.InvalidInputException("the standby is not one write behind")
    replay.catch_up(con)
    if replay.catalog(con, replay.current_database(con)) != replay.catalog(con, "src"):
        raise duckdb.InvalidInputException("the replay left a different catalog")
    return head, True


def bring_standby_up(path: Path, wait: float | None = None) -> str:
    """Make the standby the current version's equal now, between writes, so that the next write starts
    from it without replaying anything (issue 26: a load no longer pays for the previous one's replay).

    Under the writer lock: a standby one write behind gets the last write replayed and committed; a
    missing or unfinished one is replaced by a copy of the current version; one of another history, or
    whose replay fails, is left as it is (the next write copies, as it always has). Readers still holding
    the standby (they opened the store before the last swap) are waited for up to ``wait`` seconds
    (default :func:`wait_seconds`) with the writer lock let go between tries, so that no write waits
    behind them; then the standby is left to the next write. Returns what was done: ``replayed``,
    ``up to date``, ``copied``, ``busy`` or ``left`` (no current version, or a standby that cannot be
    replayed). Never raises for the standby's state; a fault of the store itself (a folder that cannot
    be written) raises :class:`StoreError` like any write.
    """
    deadline = time.monotonic() + (wait_seconds() if wait is None else wait)
    while True:
        with _writer_lock(path), _owner_only(path):
            done = _bring_up_once(path)
        if done != "busy" or time.monotonic() >= deadline:
            return done
        time.sleep(0.2)


def _bring_up_once(path: Path) -> str:
    """One try of :func:`bring_standby_up`, the writer lock held; ``busy`` at once when readers hold it."""
    current = current_file(path)
    if current is None or not path.is_symlink():  # none, or an older Nivaran's one file: the next write
        return "left"
    others = [s for s in _slots(path) if s != current]
    standby = others[-1] if others else None
    if standby is None or _marker(standby).exists():
        if standby is not None:
            _discard(standby)
        _make_standby(path, current)
        return "copied"
    identity = _identity(standby)
    try:
        con = duckdb.connect(str(standby))
    except duckdb.Error as exc:  # readers hold it, or it is no database: the next write copies
        return "busy" if is_lock_conflict(exc) else "left"
    try:
        con.execute("set max_vacuum_tasks = 0")  # as in every write (:func:`_start`)
        _attach_source(con, current)
        _, replayed = _replay_last_write(con, identity)
        con.execute("commit")
        con.execute("detach src")
        con.execute("checkpoint")
    except duckdb.Error:
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        return "left"
    finally:
        con.close()
    return "replayed" if replayed else "up to date"


def _attach_source(con: duckdb.DuckDBPyConnection, current: Path) -> None:
    """Attach the current version read-only as ``src``, where a replay or a compaction reads it from."""
    con.execute("attach '" + str(current).replace("'", "''") + "' as src (read_only)")


def _compacted(path: Path, current: Path, cluster: Clustering | None) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A new slot (guarded by its ``.partial`` marker) holding a copy of ``current`` without superseded
    rows, stamped as not replayable (see :func:`compact`). With ``cluster``, every table is copied by it
    (``cluster(con, table, "src", table)`` fills the empty table, in the order it chooses)."""
    for old in _slots(path):
        if old != current:
            _discard(old)
    target = _new_slot(path)
    _marker(target).touch()
    con = duckdb.connect(str(target))
    try:
        con.execute("set memory_limit = ?", [f"{COMPACT_GIB}GiB"])  # an ordered copy spills past it
        _attach_source(con, current)
        into = '"' + replay.current_database(con).replace('"', '""') + '"'
        if cluster is None:
            con.execute("copy from database src to " + into)
        else:  # the catalogue first, then every table's rows, complaints in the given order
            con.execute("copy from database src to " + into + " (schema)")
            for table in replay.tables(con, "src"):
                cluster(con, table, "src", table)
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
