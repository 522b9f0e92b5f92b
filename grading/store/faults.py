"""What can be wrong with a store's files, in one sentence each (part of the store).

A damaged version (a block that fails its checksum, a file shorter than its data), a store that cannot be
written (a read-only folder, file or file system), a full disk, and a file that is not a Nivaran store:
each ends in one sentence naming the file, what is wrong and what to do, raised as a :class:`StoreError`.
:mod:`grading.store.slots` and :mod:`grading.store.database` turn DuckDB's and the OS's errors into them
here (:func:`fault`); :mod:`grading.store.check` (``nivaran check``) reads every table in full and uses
the same words.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path
from typing import Final

import duckdb

from grading.model.schema import NivaranError
from grading.store import layout, replay


class StoreError(NivaranError):
    """The database is missing, empty, locked, foreign, of an unknown version, or the disk is full."""


class NotADatabaseError(StoreError):
    """The file at the database path is not a Nivaran database (not DuckDB, damaged, or foreign)."""


class DamagedError(NotADatabaseError):
    """A version of the store is damaged: a block fails its checksum, or the file ends before its data.
    Never written to nor replaced by a command (``nivaran demo`` included): a person restores it."""


class ReadOnlyError(StoreError):
    """The store cannot be written: its folder or files are read-only for this user, or its file system is."""


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
            f"{path}: cannot read {file.name} in {layout.absolute(file).parent}: permission denied; run the command "
            "as a user who may read the store, or make its files readable for this user."
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


def damaged_error(path: Path, file: Path, what: str) -> DamagedError:
    """The sentence for the damaged version ``file`` of the store at ``path``: what is wrong (``what``)
    and what to do, which depends on whether it is the current version or the standby."""
    current = layout.current_file(path)
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
    standby = layout.standby_file(path, current)
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
    folder = layout.absolute(path).parent
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
    name = file.name if layout.absolute(file) != folder else "files"
    return ReadOnlyError(
        f"{path}: cannot write {name} in {folder}: {why}; nothing was written and the stored data are intact: {todo}."
    )


def _in_store(path: Path, file: Path) -> bool:
    """Whether ``file`` is one of the store's files (link, slots, lock, markers, write-ahead logs) or its folder."""
    mine, theirs = layout.absolute(path), layout.absolute(file)
    if theirs == mine.parent:
        return True
    return theirs.parent == mine.parent and (theirs.name == mine.name or theirs.name.startswith(mine.name + "."))


def raise_fault(path: Path, exc: BaseException, file: Path | None = None) -> None:
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
        named = Path(short[1]) if short else file or layout.current_file(path) or path
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


def disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    return isinstance(exc, duckdb.Error) and "No space left on device" in str(exc)


def disk_full_error(path: Path) -> StoreError:
    free = shutil.disk_usage(path.parent).free
    return StoreError(
        f"{path}: the disk is full ({free / 2**20:,.0f} MiB free); nothing was loaded, "
        "the previous data are intact and the unfinished copy was removed."
    )


def check_current(path: Path, current: Path) -> None:
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
