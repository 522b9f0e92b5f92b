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

The delta of a write, which brings the standby up to the current version, is :mod:`grading.store.replay`;
the names of the files and how the current one is found, :mod:`grading.store.layout`.

Faults
------
A damaged version (a block that fails its checksum, a file shorter than its data) and a store that cannot
be written (a read-only folder, file or file system) end in one sentence naming the file, what is wrong
and what to do (:mod:`grading.store.faults`: ``DamagedError`` and ``ReadOnlyError``). DuckDB verifies a
block's checksum only when a query reads it, so damage can surface in any query; :mod:`grading.store.check`
(``nivaran check``) reads every table in full. A write whose replay meets damage reads the current version
in full before copying it: a damaged current version is never copied into the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import duckdb

from grading.store import faults, layout, replay
from grading.store.sqltext import sql

DEFAULT_WAIT_SECONDS: Final = 30.0


def wait_seconds() -> float:
    """How long a writer waits for readers to release the standby (``$NIVARAN_WRITE_WAIT``, seconds)."""
    raw = os.environ.get("NIVARAN_WRITE_WAIT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_WAIT_SECONDS
    except ValueError:
        return DEFAULT_WAIT_SECONDS


def open_readonly(path: Path, attempts: int = 20) -> duckdb.DuckDBPyConnection:
    """Open the current version read-only (a consistent snapshot for as long as it stays open).

    Raises :class:`~grading.store.faults.StoreError` with one sentence when there is no database or it is not a DuckDB
    file. The link is resolved once per attempt: if a writer swapped versions between resolving and
    opening, the next attempt opens the newer one.
    """
    for attempt in range(attempts):
        target = layout.current_file(path)
        if target is None:
            msg = layout.missing_version(path) or (
                f"No database at {path}. Create the demo with `uv run nivaran demo --db {path}` "
                f"or load your data with `uv run nivaran ingest --db {path} FILE`."
            )
            raise faults.StoreError(msg)
        try:
            return duckdb.connect(str(target), read_only=True)
        except duckdb.Error as exc:
            foreign = faults.cannot_open(path, target, exc)
            if foreign is not None:
                raise foreign from exc
            if attempt == attempts - 1:
                msg = f"{path}: cannot open the database ({exc})"
                raise faults.StoreError(msg) from exc
            time.sleep(0.05)
    raise AssertionError("unreachable")  # pragma: no cover


def _connect_writable(slot: Path, deadline: float) -> duckdb.DuckDBPyConnection | None:
    """Open ``slot`` read-write, retrying while readers hold it; None when they still do at ``deadline``
    or it cannot be opened at all."""
    while True:
        try:
            return duckdb.connect(str(slot))
        except duckdb.Error as exc:
            if not faults.is_lock_conflict(exc) or time.monotonic() >= deadline:
                return None  # held for too long, or not a database any more: the caller copies
            time.sleep(0.1)


def _full_copy(current: Path, slot: Path) -> duckdb.DuckDBPyConnection:
    """Build ``slot`` as a copy of ``current`` (O(store)); the marker makes a killed copy harmless, and a
    failed one (a full disk) is removed at once."""
    layout.discard(slot)
    layout.marker(slot).touch()
    try:
        copy_file(current, slot)
        con = duckdb.connect(str(slot))
    except BaseException:
        layout.discard(slot)
        raise
    layout.marker(slot).unlink()
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
    standby = layout.new_slot(path)
    layout.marker(standby).touch()
    try:
        copy_file(built, standby)
    except OSError:
        layout.discard(standby)
        return
    layout.marker(standby).unlink()


@contextlib.contextmanager
def next_version(
    path: Path,
    *,
    fresh: bool = False,
    compact: bool = False,
    cluster: Clustering | None = None,
    committed: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to the next version of the database at ``path``.

    ``committed`` is called with the same connection once the version is committed, before it is closed
    and swapped in: what a write reports about the committed version is read without opening it again.

    The block runs inside one DuckDB transaction on the standby (``fresh``, a full copy or
    ``compact``, a rewrite of the current version without superseded rows: on a new file guarded by a
    ``.partial`` marker); on a normal exit the new version is committed and swapped in atomically.
    Raises :class:`~grading.store.faults.StoreError` (one sentence) for a foreign file, a full disk, a
    damaged version (``DamagedError``) or a store that cannot be written (``ReadOnlyError``).
    """
    with _writer_lock(path), _owner_only(path):
        current = layout.current_file(path)
        try:
            con, target, rebuilt, read = _begin(path, current, fresh=fresh, compact=compact, cluster=cluster)
        except (OSError, duckdb.Error) as exc:
            if faults.disk_full(exc):
                raise faults.disk_full_error(path) from exc
            faults.raise_fault(path, exc, current)
            raise
        try:
            yield con
            if not rebuilt:
                con.execute("commit")
            con.execute("checkpoint")
            if committed is not None:
                committed(con)
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):
                con.execute("rollback")
            con.close()
            damaged = faults.damage(exc) is not None
            if rebuilt or faults.disk_full(exc) or (damaged and read != target):  # never keep a copy of damage
                layout.discard(target)
            if faults.disk_full(exc):
                raise faults.disk_full_error(path) from exc
            faults.raise_fault(path, exc, read)
            raise
        con.close()
        layout.marker(target).unlink(missing_ok=True)
        if rebuilt:  # its standby now, at build time, not in the next load
            _make_standby(path, target)
        link = path.with_name(path.name + ".swap")
        link.unlink(missing_ok=True)
        os.symlink(target.name, link)
        os.replace(link, path)
        layout.fsync_dir(path.parent)


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
        for slot in layout.slot_files(path):
            with contextlib.suppress(FileNotFoundError, PermissionError):
                slot.chmod(0o600)


@contextlib.contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """Hold ``P.lock``, the one writer's lock (a folder that cannot be written: one sentence)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = path.with_name(path.name + ".lock").open("w")
    except OSError as exc:
        faults.raise_fault(path, exc)
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
    layout.discard(path.with_name(path.name + ".building"))  # left by an older Nivaran
    if current is not None:
        faults.check_current(path, current)
    elif not fresh and (gone := layout.missing_version(path)) is not None:  # never a new store over the old
        raise faults.StoreError(gone)
    if current is not None and not path.is_symlink():  # a plain file: keep it as the first slot
        first = layout.new_slot(path)
        os.link(current, first)
        current = first
    existing = set(layout.slot_files(path))
    if compact and current is not None:
        (con, target), rebuilt = _compacted(path, current, cluster), True
    else:
        con, target, rebuilt = _open_standby(path, current, fresh=fresh)
    return con, target, rebuilt, target if target in existing else current


def _open_standby(path: Path, current: Path | None, *, fresh: bool) -> tuple[duckdb.DuckDBPyConnection, Path, bool]:
    """The file the next version is written to, opened read-write and made equal to ``current``.

    Returns the connection, the file, and whether the file is built from scratch (fresh or first
    write: no transaction; the ``.partial`` marker guards it until the swap). A full copy runs in a
    transaction like a delta once the copy is made.
    """
    others = [s for s in layout.slot_files(path) if s != current]
    standby = others[-1] if others else None
    target = layout.new_slot(path)
    for extra in others[:-1]:
        layout.discard(extra)
    if fresh or current is None:
        if standby is not None:
            layout.discard(standby)
        layout.discard(target)
        layout.marker(target).touch()
        con = duckdb.connect(str(target))
        _start(con, parent=None, mode="fresh")
        return con, target, True
    if standby is not None and not layout.marker(standby).exists():
        replayed = _replayed(path, standby, current)
        if replayed is not None:
            return replayed, standby, False
    # No usable standby (none, partial, of another generation, or still held by readers): readers that
    # hold it keep their open file; the next version is a full copy of the current one, under a new name.
    if standby is not None:
        layout.discard(standby)
    identity = _identity(current)
    con = _full_copy(current, target)
    try:
        con.execute("begin transaction")
        _start(con, parent=replay.read_meta(con, "generation", "main") or identity, mode="full copy")
    except BaseException:
        con.close()
        layout.discard(target)
        raise
    return con, target, False


def _replayed(path: Path, standby: Path, current: Path) -> duckdb.DuckDBPyConnection | None:
    """The standby opened read-write and brought up to ``current`` by replaying the last write, in an
    open transaction; None when it cannot be (held by readers for too long, of another history, a replay
    that fails): the caller then copies the current version. A replay that meets a damaged block reads
    the current version in full first: when the damage is there, the write stops
    (:class:`~grading.store.faults.DamagedError`) instead of copying it."""
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
        if faults.disk_full(exc):
            layout.discard(standby)
            raise
        if faults.damage(exc) is not None:  # the standby or the current version is damaged: which one?
            faults.verify(path, current)  # the current one: stop here rather than copy it
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


def bring_standby_up(path: Path, wait: float | None = None, *, copy: bool = False) -> str:
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
    be written) raises :class:`~grading.store.faults.StoreError` like any write.

    With ``copy``, a standby that cannot be replayed (another history, or a write that changed the schema:
    ``nivaran migrate``) is replaced by a copy of the current version now (``copied``), so that the next
    load does not make that copy while its caller waits.
    """
    deadline = time.monotonic() + (wait_seconds() if wait is None else wait)
    while True:
        with _writer_lock(path), _owner_only(path):
            done = _bring_up_once(path, copy=copy)
        if done != "busy" or time.monotonic() >= deadline:
            return done
        time.sleep(0.2)


def _bring_up_once(path: Path, *, copy: bool = False) -> str:
    """One try of :func:`bring_standby_up`, the writer lock held; ``busy`` at once when readers hold it."""
    current = layout.current_file(path)
    if current is None or not path.is_symlink():  # none, or an older Nivaran's one file: the next write
        return "left"
    others = [s for s in layout.slot_files(path) if s != current]
    standby = others[-1] if others else None
    if standby is None or layout.marker(standby).exists():
        if standby is not None:
            layout.discard(standby)
        _make_standby(path, current)
        return "copied"
    identity = _identity(standby)
    try:
        con = duckdb.connect(str(standby))
    except duckdb.Error as exc:  # readers hold it, or it is no database: the next write copies
        return "busy" if faults.is_lock_conflict(exc) else "left"
    failed: duckdb.Error | None = None
    try:
        con.execute("set max_vacuum_tasks = 0")  # as in every write (:func:`_start`)
        _attach_source(con, current)
        _, replayed = _replay_last_write(con, identity)
        con.execute("commit")
        con.execute("detach src")
        con.execute("checkpoint")
    except duckdb.Error as exc:
        failed = exc
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
    finally:
        con.close()
    if failed is None:
        return "replayed" if replayed else "up to date"
    if copy and isinstance(failed, duckdb.InvalidInputException):  # not one write behind: copy it now
        layout.discard(standby)
        _make_standby(path, current)
        return "copied"
    return "left"


def _attach_source(con: duckdb.DuckDBPyConnection, current: Path) -> None:
    """Attach the current version read-only as ``src``, where a replay or a compaction reads it from."""
    con.execute("attach '" + str(current).replace("'", "''") + "' as src (read_only)")


def _compacted(path: Path, current: Path, cluster: Clustering | None) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A new slot (guarded by its ``.partial`` marker) holding a copy of ``current`` without superseded
    rows, stamped as not replayable (see :func:`compact`). With ``cluster``, every table is copied by it
    (``cluster(con, table, "src", table)`` fills the empty table, in the order it chooses)."""
    for old in layout.slot_files(path):
        if old != current:
            layout.discard(old)
    target = layout.new_slot(path)
    layout.marker(target).touch()
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
        layout.discard(target)
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
