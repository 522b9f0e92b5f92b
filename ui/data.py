"""The pages' data: one cached read per figure or table and database version, read through :mod:`ui.reader`.

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

import sys
import threading
import weakref
from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import Any, TypeVar

import duckdb
import polars as pl
import streamlit as st

from grading.access.accounts import Accounts
from grading.access.decisions import Decisions
from grading.access.identity import Identity
from grading.outputs import geo, meeting, publish
from grading.scoring import fit, plan, schemes
from grading.serve import decisions, duesource, public, review, views
from grading.store import database, helpline
from ui.reader import READER, Stamp, db_path, read

T = TypeVar("T")


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


READER.on_new_version = warm


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
