"""The dashboard server's start: the demo database built on a first start (and waited for by a page opened
meanwhile), the caches warmed before the first reader, and the database checked at every page run.
"""

from __future__ import annotations

import threading

import polars as pl
import streamlit as st

from grading.demo import build
from grading.store import database
from ui.data import warm
from ui.reader import Stamp, db_path


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
