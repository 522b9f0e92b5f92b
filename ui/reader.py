"""The database version a page reads: one shared read-only connection, reopened when a new file is swapped in.

Live data: a writer swaps a new database file in with ``os.replace`` (see :mod:`grading.store.database`).
Every run of a page starts from the file's stamp (:func:`grading.store.database.file_stamp`) and reads only
that version: results are cached per stamp, and every read goes through :class:`SharedReader`,
which opens the new file when a newer stamp is asked for and closes the old connection first.
Closing matters: DuckDB keeps one database instance per path while any connection to it is open,
so reopening the path with the old connection alive hands back the old, already replaced file;
and an open connection keeps the old file's disk space in use. A run that asks for a stamp that is
no longer the file on disk is rerun from the start on the new one, so a page never mixes two
versions.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st

from grading.store import database

Stamp = tuple[int, int]


T = TypeVar("T")


def db_path() -> Path:
    """The database the dashboard reads ($NIVARAN_DB, else data/nivaran.duckdb)."""
    return database.resolve_path()


class Stale(Exception):  # noqa: N818 - a signal, not an error
    """The stamp a read asked for is no longer the database file on disk."""


class SharedReader:
    """One read-only connection to the current version of the database, shared by every session.

    :meth:`reading` lends a cursor (one per use: cursors are not thread-safe). A read for a newer
    stamp waits until the reads in flight on the old connection are done (at most ``drain_seconds``),
    closes the old connection and opens the new file; a read for an older stamp raises
    :class:`Stale`.
    """

    def __init__(
        self,
        drain_seconds: float = 30.0,
        poll_seconds: float = 2.0,
        on_new_version: Callable[[Stamp], None] | None = None,
    ) -> None:
        self._changed = threading.Condition()
        self.on_new_version = on_new_version  # called by the watcher thread with each new stamp it sees
        self._key: tuple[Path, Stamp] | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._leases = 0
        self._path: Path | None = None  # the database this reader reads (kept when the connection closes)
        self._seen: Stamp | None = None  # the newest stamp the watcher has reported
        self.drain_seconds = drain_seconds
        self.poll_seconds = poll_seconds
        self._watcher: threading.Thread | None = None

    def release_if_replaced(self) -> bool:
        """Close the connection when its version has been replaced and no read is in flight.

        Called every ``poll_seconds`` by a watcher thread, so that an idle dashboard lets go of the old
        version within seconds: the store's next write reuses that file as its standby (a small delta)
        instead of waiting for it and then copying the whole store (see :mod:`grading.store.slots`).
        """
        with self._changed:
            if self._key is None or self._leases or database.file_stamp(self._key[0]) == self._key[1]:
                return False
            self.close()
            return True

    def new_version(self) -> Stamp | None:
        """The stamp of the file on disk when it differs from the last one seen here (None otherwise)."""
        if self._path is None:
            return None
        stamp = database.file_stamp(self._path)
        if stamp is None or stamp == self._seen:
            return None
        self._seen = stamp
        return stamp

    @staticmethod
    def _watch(ref: weakref.ref[SharedReader], poll_seconds: float) -> None:
        # A weak reference: the watcher never keeps a reader (and its connection) alive by itself.
        while True:
            time.sleep(poll_seconds)
            reader = ref()
            if reader is None:
                return
            reader.release_if_replaced()
            stamp = reader.new_version()
            if stamp is not None and reader.on_new_version is not None:
                reader.on_new_version(stamp)  # e.g. warm the caches before readers ask
            del reader

    @contextmanager
    def reading(self, path: Path, stamp: Stamp) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on version ``stamp`` of ``path``; :class:`Stale` when the file has moved on."""
        with self._changed:
            if database.file_stamp(path) != stamp:
                raise Stale
            if self._key != (path, stamp):
                self._changed.wait_for(lambda: self._leases == 0, timeout=self.drain_seconds)
                if self._key != (path, stamp):  # no other thread opened it while this one waited
                    self._open(path, stamp)
            assert self._con is not None
            cur = self._con.cursor()
            self._leases += 1
        try:
            yield cur
        finally:
            cur.close()
            with self._changed:
                self._leases -= 1
                self._changed.notify_all()

    def _open(self, path: Path, stamp: Stamp) -> None:
        self.close()
        con = database.connect_readonly(path)
        if database.file_stamp(path) != stamp:  # replaced again between the check and the open
            con.close()
            raise Stale
        self._key, self._con = (path, stamp), con
        self._path, self._seen = path, stamp  # a version a reader opened is not news to the watcher
        if self._watcher is None:
            self._watcher = threading.Thread(
                target=self._watch,
                args=(weakref.ref(self), self.poll_seconds),
                name="nivaran-reader-watch",
                daemon=True,
            )
            self._watcher.start()

    def close(self) -> None:
        """Close the connection (the next read opens the file again)."""
        if self._con is not None:
            self._con.close()
        self._key, self._con = None, None


READER = SharedReader()


atexit.register(READER.close)  # close the database before the interpreter (and DuckDB's bindings) go


@contextmanager
def reading(stamp: Stamp) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the database version ``stamp``; when the file has been replaced since, the page
    reruns on the new version (never a half state); a missing, unreadable or damaged file is explained
    in one sentence (a damaged block may surface in any query a page makes)."""
    path = db_path()
    try:
        with READER.reading(path, stamp) as cur:
            yield cur
    except Stale:
        st.rerun()
    except database.StoreError as exc:
        st.info(str(exc))
        st.stop()
    except duckdb.Error as exc:
        found = database.fault(path, exc)
        if found is None:
            raise
        st.info(str(found))
        st.stop()


def read(stamp: Stamp, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(cursor, *args, **kwargs)`` on the database version ``stamp`` (see :func:`reading`)."""
    with reading(stamp) as cur:
        return fn(cur, *args, **kwargs)
