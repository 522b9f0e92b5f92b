"""Database access for the pages: one shared read-only connection, cached page data, first start.

Live data: a writer swaps a new database file in with ``os.replace`` (see :mod:`grading.store.database`).
Every run of a page starts from the file's stamp (:func:`grading.store.database.file_stamp`) and reads only
that version: results are cached per stamp, and every read goes through :class:`SharedReader`,
which opens the new file when a newer stamp is asked for and closes the old connection first.
Closing matters: DuckDB keeps one database instance per path while any connection to it is open,
so reopening the path with the old connection alive hands back the old, already replaced file;
and an open connection keeps the old file's disk space in use. A run that asks for a stamp that is
no longer the file on disk is rerun from the start on the new one, so a page never mixes two
versions.

Caching for many sessions at once: results every session shares (rankings, trends, headline
figures, reference tables) are kept with ``st.cache_resource`` per stamp: one object handed to every
session, never pickled and unpickled on each read as ``st.cache_data`` does. Polars frames are
immutable (every operation returns a new frame), so sharing them is safe; nothing may change them
in place. Case lists stay in ``st.cache_data(scope="session")``: never shared between users.
:func:`shared` keeps anything built from them (a Plotly figure, a formatted table) the same way, and
:func:`warm` computes the public pages' data of a new version once, when it appears, so the first
readers do not all wait for it.
"""

from __future__ import annotations

import atexit
import sys
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl
import streamlit as st

from grading.access.accounts import Accounts
from grading.access.decisions import Decisions
from grading.access.identity import Identity
from grading.demo import build
from grading.outputs import geo, meeting, publish
from grading.scoring import fit, plan, schemes
from grading.serve import decisions, duesource, public, review, views
from grading.store import database, helpline

Stamp = tuple[int, int]
T = TypeVar("T")


def db_path() -> Path:
    """The database the dashboard reads ($NIVARAN_DB, else data/nivaran.duckdb)."""
    return database.resolve_path()


def ensure_database() -> Stamp:
    """Return the database's stamp; build the demo on first start, or explain and stop.

    The default database is built from the demo generator on first start, with a progress bar. A
    database named by ``$NIVARAN_DB`` that does not exist is not invented: the page says how to create
    or import one.
    """
    path = db_path()
    stamp = database.file_stamp(path)
    if stamp is None and _BUILDING.is_set():  # the server's start is building the demo: wait for it
        with st.spinner("First start: building the demo database (about 20 seconds)…"):
            _BUILT.wait(timeout=600)
        stamp = database.file_stamp(path)
    if stamp is not None:
        return stamp
    gone = database.missing_version(path)
    if gone is not None:  # never a fresh demo over an earlier version of the data
        st.error(gone)
        st.stop()
    if path != database.DEFAULT_DB:
        st.info(
            f"No database at `{path}`. Create the demo with `uv run nivaran demo --db {path}`, "
            f"or import your helpline's export with `uv run nivaran ingest --db {path} FILE`."
        )
        st.stop()
    with st.status("First start: building the demo database…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")

        def progress(phase: str, done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"{phase}: {done} of {total}")

        result = build.build_demo(path, progress=progress)
        # Printed once, in the terminal that started the dashboard (never on a page anyone can open).
        print(build.describe_accounts(build.create_demo_accounts(path)), flush=True)
        st.write("Demo accounts (administrator, collectors, department head) were printed in the terminal.")
        status.update(
            label=f"Demo database ready: {result['complaints']:,} complaints in {result['seconds']} s",
            state="complete",
            expanded=False,
        )
    stamp = database.file_stamp(path)
    assert stamp is not None
    return stamp


def first_start() -> bool:
    """At the server's start (``dashboard.py``), before anyone needs a page: when the default database
    does not exist yet, build the demo now and print its accounts' passwords once in the terminal that
    started the server (they used to appear only after someone had opened a page). Progress goes to the
    terminal too; a page opened meanwhile waits for the build (:func:`ensure_database`). Returns whether
    a demo was built; anything else (``$NIVARAN_DB`` set, a database there, an earlier version to
    restore) is left to the pages."""
    path = db_path()
    if path != database.DEFAULT_DB or database.file_stamp(path) is not None or database.missing_version(path):
        return False
    _BUILDING.set()
    try:
        print(f"First start: building the demo database at {path} (about 20 seconds)…", flush=True)
        shown: set[str] = set()

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in shown or done == total:  # a line when a phase starts and when it ends
                shown.add(phase)
                print(f"  {phase}: {done} of {total}", flush=True)

        result = build.build_demo(path, progress=progress)
        print(f"Demo database ready: {result['complaints']:,} complaints in {result['seconds']} s", flush=True)
        print(build.describe_accounts(build.create_demo_accounts(path)), flush=True)
    finally:
        _BUILT.set()
    return True


_BUILDING, _BUILT = threading.Event(), threading.Event()  # the start's demo build: begun, over


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


@st.cache_resource(max_entries=128, show_spinner=False)
def _shared(stamp: Stamp, what: str, key: tuple[Hashable, ...], _build: Callable[[], Any]) -> Any:
    return _build()


def shared(stamp: Stamp, what: str, *key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per (``stamp``, ``what``, ``key``) for every session: for objects built from
    shared data (a Plotly figure, a formatted table) that many readers would otherwise rebuild on
    every run. ``key`` must name everything the result depends on besides the data of ``stamp``
    (month, language, metric ...); the result is handed out as it is and must not be changed.
    Sessions asking for the same key at once wait for one build."""
    return _shared(stamp, what, key, build)  # type: ignore[no-any-return]


_derived_lock = threading.Lock()
_derived: dict[tuple[int, str, tuple[Hashable, ...]], tuple[weakref.ref[Any], Any]] = {}


def derived(source: Any, what: str, *key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per shared ``source`` object (a frame from this module's shared caches) and
    (``what``, ``key``), kept as long as ``source`` is: for a page piece that only has the frame, not
    its stamp. ``key`` must name everything else the result depends on (language ...)."""
    k = (id(source), what, key)
    with _derived_lock:
        found = _derived.get(k)
    if found is not None and found[0]() is source:
        return found[1]  # type: ignore[no-any-return]
    value = build()

    def forget(_: object, k: tuple[int, str, tuple[Hashable, ...]] = k) -> None:
        with _derived_lock:
            _derived.pop(k, None)

    with _derived_lock:
        _derived[k] = (weakref.ref(source, forget), value)
    return value


def warm(stamp: Stamp) -> None:
    """Compute the data of the public pages' default view (:func:`public_default_month`) for version ``stamp``
    into the shared caches, once, before readers ask (at start and when a new version is swapped in).
    Outside any page run: a failure is left for the first reader to meet and explain. Every read here
    takes the scheme from ``stamp``'s own settings (:func:`scheme_for`), never from a session."""
    try:
        status(stamp)
        freshness(stamp)
        public_boundaries(stamp)
        public_state_trend(stamp)
        for kind in ("department", "district"):
            public_history(stamp, kind)
        month = public_default_month(stamp)
        if month is not None:
            public_headline(stamp, month)
            publication(stamp, month)
            for kind in ("department", "district"):
                public_ranking(stamp, kind, month)
            public_cells(stamp, month, fit.lead_metric(scheme_for(stamp), public_recorded(stamp)))
            public_streaks(stamp, "department", month)
    except Exception as exc:  # a warm-up never takes the server down
        print(f"nivaran: warming the caches of version {stamp} failed: {exc}", file=sys.stderr, flush=True)


def warm_imports() -> None:
    """Import, once, what the pages import and what Streamlit imports on a page's first run. A first
    import holds Python's import lock: in a crowd arriving at a fresh server, every other reader's
    page waited behind the one reader doing it (seen as seconds of waiting in a profile)."""
    import importlib
    import pkgutil

    import plotly.express  # the charts' first import (a second or more)
    import plotly.graph_objects  # noqa: F401
    from streamlit import dataframe_util, string_util

    import ui

    for module in pkgutil.iter_modules(ui.__path__):
        importlib.import_module(f"ui.{module.name}")
    string_util.is_emoji("\N{CLASSICAL BUILDING}")  # st.set_page_config's icon check (its emoji table)
    dataframe_util.convert_anything_to_pandas_df(pl.DataFrame({"a": ["x"]}))  # st.dataframe's Polars path


def warm_current() -> None:
    """Warm the caches for the database as it is now (when there is one): the server's start."""
    warm_imports()
    stamp = database.file_stamp(db_path())
    if stamp is not None:
        warm(stamp)


READER.on_new_version = warm


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


@st.cache_data(max_entries=4, show_spinner=False)
def settings(stamp: Stamp) -> helpline.Helpline:
    """The store's settings: helpline name, time zone, default scheme (:mod:`grading.store.helpline`)."""
    return read(stamp, helpline.read)


def scheme() -> schemes.Scheme:
    """The grading scheme the dashboard shows: the store's default (``nivaran init --scheme``)."""
    stamp = st.session_state.get("db_stamp")
    return scheme_for(stamp) if stamp else _scheme(schemes.DEFAULT_SCHEME)


def scheme_for(stamp: Stamp) -> schemes.Scheme:
    """The scheme of database version ``stamp`` (its settings' default scheme). Every cached read keyed
    by a stamp grades with this one, so a read made outside a session (:func:`warm`) caches the same
    rows a page would."""
    return _scheme(settings(stamp).scheme)


@st.cache_resource(show_spinner=False)
def _scheme(name: str) -> schemes.Scheme:
    return schemes.load(name)


def scheme_titles(lang: str) -> dict[str, str]:
    """Each shipped scheme's name → its title in ``lang`` (the audit log names schemes so)."""
    return {name: _scheme(name).title_in(lang) for name in schemes.available()}


@st.cache_data(max_entries=8, show_spinner=False)
def months(stamp: Stamp) -> list[date]:
    """Months with precomputed results, oldest first."""
    frame = read(stamp, database.read_monthly_metrics, "department")
    return [] if frame.is_empty() else frame["month"].unique().sort().to_list()


@st.cache_data(max_entries=8, show_spinner=False)
def public_default_month(stamp: Stamp) -> date | None:
    """The month every page opens on: the latest month in which a department is graded, else the
    latest month with data (:func:`grading.serve.public.default_month`)."""
    return read(stamp, public.default_month, scheme_for(stamp), found=public_suppression(stamp))


def public_recorded(stamp: Stamp) -> frozenset[str]:
    """The record kinds version ``stamp`` holds (call-backs, levels, reopenings, force closures), from
    the public statewide totals (:func:`grading.scoring.fit.recorded`): a measure of a kind it lacks
    is not shown."""
    return derived(public_state_trend(stamp), "recorded", build=lambda: fit.recorded(public_state_trend(stamp)))


def public_kinds() -> frozenset[str]:
    """The record kinds this session's database holds (:func:`public_recorded`; every kind before one is open)."""
    stamp = st.session_state.get("db_stamp")
    return public_recorded(stamp) if stamp else frozenset(fit.EVIDENCE)


def public_shows(metric: str) -> bool:
    """Whether the pages show ``metric`` for this session's database (:func:`grading.scoring.fit.shows`)."""
    return fit.shows(metric, public_kinds())


def public_levels() -> bool:
    """Whether the pages show levels (L1–L5) for this session's database (:func:`grading.scoring.fit.has_levels`)."""
    return fit.has_levels(public_kinds())


@st.cache_data(max_entries=8, show_spinner=False)
def public_due_sources(stamp: Stamp, month: date) -> tuple[dict[str, float], pl.DataFrame]:
    """Where the time limits of ``month``'s complaints come from: shares, and the departments with an
    assumed (default) limit (:func:`grading.serve.duesource.month_summary`)."""
    return read(stamp, duesource.month_summary, month)


@st.cache_data(max_entries=8, show_spinner=False)
def public_hindi_names(stamp: Stamp) -> bool:
    """Whether version ``stamp``'s department and district names have a Hindi form
    (:func:`grading.serve.public.hindi_names`)."""
    return read(stamp, public.hindi_names)


@st.cache_resource(max_entries=4, show_spinner=False)
def public_boundaries(stamp: Stamp) -> geo.Boundaries | None:
    """The district outlines the map of version ``stamp`` draws, None for no map
    (:func:`grading.outputs.geo.for_store`)."""
    return read(stamp, geo.for_store)


@st.cache_resource(max_entries=64, show_spinner=False)
def ranking(stamp: Stamp, entity_type: str, month: date) -> pl.DataFrame:
    """The month's ranking with every figure (signed-in pages only; the public side reads public_*)."""
    return read(stamp, views.ranking, scheme_for(stamp), entity_type, month)


@st.cache_resource(max_entries=8, show_spinner=False)
def history(stamp: Stamp, entity_type: str) -> pl.DataFrame:
    """Graded rows of every month with every figure (signed-in pages only)."""
    return read(stamp, views.history, scheme_for(stamp), entity_type)


# --- the public side: only grading.serve.public, every figure through the suppression rule ---------------


@st.cache_resource(max_entries=4, show_spinner=False)
def public_suppression(stamp: Stamp) -> pl.DataFrame:
    """The suppression pattern of every month (computed once per database version)."""
    return read(stamp, public.suppression, scheme_for(stamp))


@st.cache_resource(max_entries=32, show_spinner=False)
def public_headline(stamp: Stamp, month: date) -> pl.DataFrame:
    return read(stamp, public.state_headline, scheme_for(stamp), month)


@st.cache_resource(max_entries=4, show_spinner=False)
def public_state_trend(stamp: Stamp) -> pl.DataFrame:
    return read(stamp, public.state_trend, scheme_for(stamp))


@st.cache_resource(max_entries=64, show_spinner=False)
def public_ranking(stamp: Stamp, entity_type: str, month: date) -> pl.DataFrame:
    return read(stamp, public.ranking, scheme_for(stamp), entity_type, month, found=public_suppression(stamp))


@st.cache_resource(max_entries=8, show_spinner=False)
def public_history(stamp: Stamp, entity_type: str) -> pl.DataFrame:
    return read(stamp, public.history, scheme_for(stamp), entity_type, found=public_suppression(stamp))


@st.cache_resource(max_entries=32, show_spinner=False)
def public_cells(stamp: Stamp, month: date, metric: str) -> pl.DataFrame:
    return read(stamp, public.cells, scheme_for(stamp), month, metric, found=public_suppression(stamp))


@st.cache_resource(max_entries=32, show_spinner=False)
def public_streaks(stamp: Stamp, entity_type: str, month: date) -> pl.DataFrame:
    return read(stamp, public.streaks, scheme_for(stamp), entity_type, month)


@st.cache_data(max_entries=2, show_spinner=False)
def public_package(stamp: Stamp, month: date) -> dict[str, bytes] | None:
    """The files of ``month``'s published package (None: not published), built on the first download."""
    return read(stamp, publish.published_package, scheme_for(stamp), month)


@st.cache_resource(max_entries=32, show_spinner=False)
def components(stamp: Stamp, department: str, month: date) -> pl.DataFrame:
    return read(stamp, views.component_comparison, scheme_for(stamp), department, month)


@st.cache_data(max_entries=32, show_spinner=False, scope="session")
def pending(
    stamp: Stamp, month: date, who: Identity, district: str | None = None, department: str | None = None
) -> pl.DataFrame:
    """Pending cases within ``who``'s scope, narrowed to ``district``/``department`` (cached per
    session: case lists are never shared between users; the core refuses a wider request)."""
    return read(stamp, views.pending_cases, month, who, district=district, department=department)


@st.cache_data(max_entries=64, show_spinner=False, scope="session")
def timeline(
    stamp: Stamp, complaint_id: str, who: Identity, district: str | None = None, department: str | None = None
) -> pl.DataFrame:
    return read(stamp, views.case_timeline, complaint_id, who, district=district, department=department)


@st.cache_data(max_entries=32, show_spinner=False)
def publication(stamp: Stamp, month: date) -> dict[str, object] | None:
    """The standing publication of ``month`` under the dashboard's scheme (None: provisional)."""
    return read(stamp, views.publication, scheme_for(stamp), month)


@st.cache_data(max_entries=4, show_spinner=False)
def status(stamp: Stamp) -> views.DataStatus:
    """What is loaded in the database version ``stamp`` (every load makes a new version, so the newest
    load always shows)."""
    return read(stamp, views.data_status)


@st.cache_resource(max_entries=8, show_spinner=False)
def reference(stamp: Stamp, table: str) -> pl.DataFrame:
    """A reference table (departments, districts) with codes registered from data."""
    return read(stamp, database.read_table, table)


@st.cache_data(max_entries=4, show_spinner=False)
def freshness(stamp: Stamp) -> tuple[datetime | None, datetime | None]:
    """(latest event time, when the last load finished) of the database version ``stamp``."""

    def both(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, datetime | None]:
        loaded = database.get_meta(con, "refreshed_at")
        return database.last_event_time(con), datetime.fromisoformat(loaded) if loaded else None

    return read(stamp, both)


@st.cache_data(max_entries=32, show_spinner=False)
def as_of(stamp: Stamp, month: date) -> datetime:
    """The instant the case lists describe (the month's cut-off or the latest event)."""
    return read(stamp, views.as_of, month)


# --- the meeting tools (district review, department plan) ------------------------------------------


@st.cache_data(max_entries=8, show_spinner=False)
def latest_day(stamp: Stamp) -> date | None:
    """The day of the latest event: the default review day."""
    return read(stamp, review.latest_day)


@st.cache_data(max_entries=32, show_spinner=False, scope="session")
def review_cases(stamp: Stamp, day: date, who: Identity, district: str) -> pl.DataFrame:
    """The review list of ``district`` at the end of ``day`` (the core refuses a district outside scope)."""
    return read(stamp, review.cases, day, who, district=district)


@st.cache_data(max_entries=32, show_spinner=False, scope="session")
def review_changes(stamp: Stamp, day: date, since: date, who: Identity, district: str) -> pl.DataFrame:
    """What changed in ``district`` between the ends of ``since`` and ``day``."""
    return read(stamp, review.changes, day, since, who, district=district)


@st.cache_data(max_entries=16, show_spinner=False, scope="session")
def review_pack(
    stamp: Stamp, day: date, since: date, who: Identity, district: str, *, decided: pl.DataFrame | None
) -> meeting.Pack:
    """The meeting pack of ``district`` with the decisions ``decided`` (:func:`meeting_decisions`; None: a
    pack without its decisions sheet); its files are made on download, through the audited path."""
    return read(stamp, meeting.build, who, district, day, since, decisions=decided)


def meeting_decisions(
    stamp: Stamp,
    who: Identity,
    day: date,
    *,
    district: str | None = None,
    department: str | None = None,
    since: date | None = None,
) -> pl.DataFrame:
    """The meeting decisions ``who`` may see as a review of ``day`` carries them
    (:func:`grading.serve.decisions.carried`, as ``nivaran decisions list``). Read on every run, never
    cached: a decision recorded or marked done shows at once, from whichever session or command."""
    return read(
        stamp, decisions.carried, Accounts(db_path()), who, day, district=district, department=department, since=since
    )


def record_decision(stamp: Stamp, who: Identity, **fields: Any) -> int:
    """Record a meeting decision (:func:`grading.serve.decisions.record`, as ``nivaran decisions add``:
    the complaint checked against the store in ``who``'s scope, audited); its number."""
    return read(stamp, decisions.record, Accounts(db_path()), who, **fields)


def decision_done(who: Identity, decision_id: int, day: date) -> None:
    """Mark a meeting decision done on ``day`` (:meth:`grading.access.decisions.Decisions.done`, as
    ``nivaran decisions done``; audited)."""
    Decisions(Accounts(db_path())).done(who, decision_id, on=day)


@st.cache_data(max_entries=32, show_spinner=False, scope="session")
def outcomes(stamp: Stamp, month: date, who: Identity, department: str) -> pl.DataFrame:
    """The month's dissatisfied, reopened and force-closed complaints of ``department`` (scope checked)."""
    return read(stamp, views.outcome_complaints, month, who, department)


@st.cache_resource(max_entries=32, show_spinner=False)
def plan_rows(stamp: Stamp, department: str, month: date) -> pl.DataFrame:
    """The department plan of ``month`` (aggregates only)."""
    return plan.department_plan(ranking(stamp, "department", month), scheme_for(stamp), department)
