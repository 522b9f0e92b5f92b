"""Database access for the pages: one cached read-only connection, cached page data, first start.

The connection is cached per database *file stamp* (inode, mtime): when a writer swaps in a new file
(see :mod:`grading.store`), the next rerun opens the new file and every cached result keyed by the
old stamp is no longer used.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from grading import access, pipeline, public, schemes, store, views
from grading.access import Identity
from grading.cli import DEFAULT_DEMO

Stamp = tuple[int, int]


def db_path() -> Path:
    """The database the dashboard reads ($NIVARAN_DB, else data/nivaran.duckdb)."""
    return store.resolve_path()


def ensure_database() -> Stamp:
    """Return the database's stamp; build the demo on first start, or explain and stop.

    The default database is built from the demo generator on first start, with a progress bar. A
    database named by ``$NIVARAN_DB`` that does not exist is not invented: the page says how to create
    or import one.
    """
    path = db_path()
    stamp = store.file_stamp(path)
    if stamp is not None:
        return stamp
    if path != store.DEFAULT_DB:
        st.info(
            f"No database at `{path}`. Create the demo with `uv run nivaran demo --db {path}`, "
            f"or import your helpline's export with `uv run nivaran ingest --db {path} FILE`."
        )
        st.stop()
    with st.status("First start: building the demo database…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")

        def progress(phase: str, done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"{phase}: {done} of {total}")

        result = pipeline.build_demo(path, progress=progress, **DEFAULT_DEMO)  # type: ignore[arg-type]
        # Printed once, in the terminal that started the dashboard (never on a page anyone can open).
        print(access.describe_accounts(access.create_demo_accounts(path)), flush=True)
        st.write("Demo accounts (administrator, collectors, department head) were printed in the terminal.")
        status.update(
            label=f"Demo database ready: {result['complaints']:,} complaints in {result['seconds']} s",
            state="complete",
            expanded=False,
        )
    stamp = store.file_stamp(path)
    assert stamp is not None
    return stamp


_opened: dict[str, duckdb.DuckDBPyConnection] = {}
_opening = threading.Lock()


@st.cache_resource(max_entries=1, show_spinner=False)
def _connection(path: str, stamp: Stamp) -> duckdb.DuckDBPyConnection:
    # DuckDB shares one open database per path within a process: while the connection to the old
    # file is open, connecting again reads the old file. Close it first (cursors already handed out
    # keep reading the old file until they are done).
    with _opening:
        old = _opened.pop(path, None)
        if old is not None:
            old.close()
        _opened[path] = store.connect_readonly(Path(path))
        return _opened[path]


def cursor(stamp: Stamp) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the cached read-only connection (one per use: cursors are not thread-safe)."""
    try:
        return _connection(str(db_path()), stamp).cursor()
    except store.StoreError as exc:
        st.info(str(exc))
        st.stop()


SCHEME = schemes.DEFAULT_SCHEME


def scheme() -> schemes.Scheme:
    """The grading scheme the dashboard shows (the default, MP CM Helpline)."""
    return _scheme(SCHEME)


@st.cache_resource(show_spinner=False)
def _scheme(name: str) -> schemes.Scheme:
    return schemes.load(name)


@st.cache_data(max_entries=8, show_spinner=False)
def months(stamp: Stamp) -> list[date]:
    """Months with precomputed results, oldest first."""
    frame = store.read_monthly_metrics(cursor(stamp), "department")
    return [] if frame.is_empty() else frame["month"].unique().sort().to_list()


@st.cache_data(max_entries=64, show_spinner=False)
def ranking(stamp: Stamp, entity_type: str, month: date) -> pl.DataFrame:
    """The month's ranking with every figure (signed-in pages only; the public side reads public_*)."""
    return views.ranking(cursor(stamp), scheme(), entity_type, month)


@st.cache_data(max_entries=8, show_spinner=False)
def history(stamp: Stamp, entity_type: str) -> pl.DataFrame:
    """Graded rows of every month with every figure (signed-in pages only)."""
    return views.history(cursor(stamp), scheme(), entity_type)


# --- the public side: only grading.public, every figure through the suppression rule ---------------


@st.cache_data(max_entries=4, show_spinner=False)
def public_suppression(stamp: Stamp) -> pl.DataFrame:
    """The suppression pattern of every month (computed once per database file)."""
    return public.suppression(cursor(stamp), scheme())


@st.cache_data(max_entries=32, show_spinner=False)
def public_headline(stamp: Stamp, month: date) -> pl.DataFrame:
    return public.state_headline(cursor(stamp), scheme(), month)


@st.cache_data(max_entries=4, show_spinner=False)
def public_state_trend(stamp: Stamp) -> pl.DataFrame:
    return public.state_trend(cursor(stamp), scheme())


@st.cache_data(max_entries=64, show_spinner=False)
def public_ranking(stamp: Stamp, entity_type: str, month: date) -> pl.DataFrame:
    return public.ranking(cursor(stamp), scheme(), entity_type, month, found=public_suppression(stamp))


@st.cache_data(max_entries=8, show_spinner=False)
def public_history(stamp: Stamp, entity_type: str) -> pl.DataFrame:
    return public.history(cursor(stamp), scheme(), entity_type, found=public_suppression(stamp))


@st.cache_data(max_entries=32, show_spinner=False)
def public_cells(stamp: Stamp, month: date, metric: str) -> pl.DataFrame:
    return public.cells(cursor(stamp), scheme(), month, metric, found=public_suppression(stamp))


@st.cache_data(max_entries=32, show_spinner=False)
def public_streaks(stamp: Stamp, entity_type: str, month: date) -> pl.DataFrame:
    return public.streaks(cursor(stamp), scheme(), entity_type, month)


@st.cache_data(max_entries=32, show_spinner=False)
def components(stamp: Stamp, department: str, month: date) -> pl.DataFrame:
    return views.component_comparison(cursor(stamp), scheme(), department, month)


@st.cache_data(max_entries=32, show_spinner=False, scope="session")
def pending(
    stamp: Stamp, month: date, who: Identity, district: str | None = None, department: str | None = None
) -> pl.DataFrame:
    """Pending cases within ``who``'s scope, narrowed to ``district``/``department`` (cached per
    session: case lists are never shared between users; the core refuses a wider request)."""
    return views.pending_cases(cursor(stamp), month, who, district=district, department=department)


@st.cache_data(max_entries=64, show_spinner=False, scope="session")
def timeline(
    stamp: Stamp, complaint_id: str, who: Identity, district: str | None = None, department: str | None = None
) -> pl.DataFrame:
    return views.case_timeline(cursor(stamp), complaint_id, who, district=district, department=department)


@st.cache_data(max_entries=32, show_spinner=False)
def publication(stamp: Stamp, month: date) -> dict[str, object] | None:
    """The standing publication of ``month`` under the dashboard's scheme (None: provisional)."""
    return views.publication(cursor(stamp), scheme(), month)


def status(stamp: Stamp) -> dict[str, object]:
    """What is loaded (not cached: small, and it should show the newest load)."""
    return views.data_status(cursor(stamp))


@st.cache_data(max_entries=8, show_spinner=False)
def reference(stamp: Stamp, table: str) -> pl.DataFrame:
    """A reference table (departments, districts) with codes registered from data."""
    return store.read_table(cursor(stamp), table)


@st.cache_data(max_entries=32, show_spinner=False)
def as_of(stamp: Stamp, month: date) -> datetime:
    """The instant the case lists describe (the month's cut-off or the latest event)."""
    return views.as_of(cursor(stamp), month)
