"""Permalinks: the view's state in the URL query, so a link reopens the same view.

The page is the URL path (st.navigation); the language (``lang``), month (``month``, ``YYYY-MM``) and
each page's own choices (``metric``, ``kind``, ``pick``, ``district``, ``department``, the rankings'
open tabs ``department_tab`` and ``district_tab``) are query parameters, always as codes, never as
labels (a link works in either language). On a session's first run of a widget, :func:`restore` takes
its value from the URL (when valid); after drawing it, :func:`publish` writes the current value back,
so the address bar always holds a link to what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Final

import streamlit as st

from ui.i18n import code_of, label_of

_RESTORED = "_permalink_restored"

#: Tabs the link keeps, by the address of their page ("" is the start page): widget key → (query
#: parameter, the catalogue keys their labels are written from). A tab's state is its label
#: (Streamlit's ``st.tabs``), so the link holds the label's code instead (:func:`ui.i18n.code_of`:
#: "Group 2" → ``group_n.2``, "All departments" → ``all_departments``), the same in both languages.
TABS: Final[dict[str, dict[str, tuple[str, tuple[str, ...]]]]] = {
    "": {
        "ranking_tab_department": ("department_tab", ("group_n", "all_departments")),
        "ranking_tab_district": ("district_tab", ("group_n", "all_districts")),
    },
}


def restore(key: str, param: str, parse: Callable[[str], object | None]) -> None:
    """Before the widget with session-state ``key`` is drawn: on the session's first run of it, set it
    from the URL's ``param`` when ``parse`` accepts the text (None: ignored, the default stands)."""
    done: set[str] = st.session_state.setdefault(_RESTORED, set())
    if key in done:
        return
    done.add(key)
    raw = st.query_params.get(param)
    value = parse(raw) if raw else None
    if value is not None:
        st.session_state[key] = value


def publish(param: str, value: object) -> None:
    """Write ``value`` (a month as ``YYYY-MM``, a list comma-separated) into the URL's ``param``."""
    if isinstance(value, date):
        text = f"{value:%Y-%m}"
    elif isinstance(value, list | tuple):
        text = ",".join(str(v) for v in value)
    else:
        text = str(value)
    if st.query_params.get(param) != text:
        st.query_params[param] = text


def one_of(options: list[str]) -> Callable[[str], str | None]:
    """A parser accepting only one of ``options``."""
    return lambda raw: raw if raw in options else None


def month_in(months: list[date]) -> Callable[[str], date | None]:
    """A parser of ``YYYY-MM`` accepting only one of ``months``."""
    by_text = {f"{m:%Y-%m}": m for m in months}
    return by_text.get


def subset_of(options: list[str], limit: int | None = None) -> Callable[[str], list[str] | None]:
    """A parser of comma-separated codes keeping those among ``options``, at most ``limit`` (None when
    none is)."""

    def parse(raw: str) -> list[str] | None:
        kept = list(dict.fromkeys(c for c in raw.split(",") if c in options))[:limit]
        return kept or None

    return parse


def restore_tabs(page: str) -> None:
    """Before ``page`` (its address) runs: on the session's first run of each of its kept tabs
    (:data:`TABS`), open the tab the URL names, in the current language."""
    for key, (param, entries) in TABS.get(page, {}).items():
        restore(key, param, _tab_label(entries))


def _tab_label(entries: tuple[str, ...]) -> Callable[[str], str | None]:
    """A parser of a tab's code accepting only labels written from ``entries``."""
    return lambda raw: label_of(raw) if raw.split(".")[0] in entries else None


def publish_tabs(page: str) -> None:
    """After ``page`` has run: write the code of each of its kept tabs' open tab into the URL."""
    for key, (param, entries) in TABS.get(page, {}).items():
        label = st.session_state.get(key)
        code = code_of(label) if isinstance(label, str) else None
        if code is not None and code.split(".")[0] in entries:
            publish(param, code)
