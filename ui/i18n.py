"""हिन्दी / English: the language switch, and :func:`t` reading the catalogue in the current language.

The catalogue itself (every label the pages and the press report show) is plain data in
:mod:`grading.words`; this module adds what needs Streamlit: the language chosen in the session, and
values filled in as plain text. Metric labels come from :mod:`grading.model.registry`, department and
district names from the reference tables. A test checks that every key has both languages and that
every ``t("...")`` used in pages/ and ui/ (and ``say("...")`` in grading/) exists.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from functools import cache
from typing import Final

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from grading.model.registry import label
from grading.outputs import casewords, fmt
from grading.words import CATALOGUE, say
from ui.text import Text, plain

LANGS: Final = {"en": "English", "hi": "हिन्दी"}


def browser_lang() -> str:
    """The browser's language: Hindi for a ``hi*`` locale, else English."""
    locale = (st.context.locale or "en") if hasattr(st, "context") else "en"
    return "hi" if str(locale).lower().startswith("hi") else "en"


_LAST: dict[str, str] = {"lang": "en"}  # the language of the process's last page run (see lang)


def lang() -> str:
    """The current language code: the switch's value, else ``?lang=`` in the address (kept across the
    sign-in's page load), else the browser's locale.

    Outside a page run there is no session to read: only Streamlit's test runner asks then (it formats
    a widget's options between runs, from its own thread, through the same format functions,
    ``month_name``, ``metric_label``, ``t``) and it gets the language of the last page run, so nothing
    touches ``st.session_state`` without a script-run context (each such touch logged "missing
    ScriptRunContext"). A served dashboard never formats outside a run."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return _LAST["lang"]
    if "lang" not in st.session_state:
        asked = st.query_params.get("lang")
        st.session_state["lang"] = asked if asked in LANGS else browser_lang()
    chosen = str(st.session_state["lang"])
    _LAST["lang"] = chosen
    return chosen


def t(key: str, **values: object) -> Text:
    """The catalogue text for ``key`` in the current language, with ``values`` filled in as plain
    text (:func:`ui.text.plain`: a name never renders as Markdown or HTML); numbers stay numbers, so the
    catalogue may format them (``{ratio:g}``)."""
    filled = {k: v if isinstance(v, int | float) else plain(v) for k, v in values.items()}
    return Text(say(key, lang(), **filled))


@cache
def _patterns(language: str) -> list[tuple[str, re.Pattern[str]]]:
    """Every catalogue entry in ``language`` as a pattern: its text with each placeholder a capture."""
    found = []
    for key, (en, hi) in CATALOGUE.items():
        text, pattern = hi if language == "hi" else en, ""
        for literal, field, _spec, _conv in string.Formatter().parse(text):
            pattern += re.escape(literal)
            if field is not None:
                pattern += f"(?P<{field}>.+?)" if field.isidentifier() and f"<{field}>" not in pattern else "(?:.+?)"
        found.append((key, re.compile(pattern, re.DOTALL)))
    return found


def entry_of(text: str, language: str) -> tuple[str, dict[str, str]] | None:
    """The catalogue entry ``text`` was written from in ``language`` and the values filled in ("Group 2"
    → ``("group_n", {"n": "2"})``); None when no entry writes it. An entry without placeholders wins
    over one with."""
    matches = [(key, m.groupdict()) for key, p in _patterns(language) if (m := p.fullmatch(text))]
    matches.sort(key=lambda found: len(found[1]))
    return matches[0] if matches else None


def _fields(key: str) -> list[str]:
    """The placeholders of an entry, in the order its English text names them."""
    return list(dict.fromkeys(f for _, f, _, _ in string.Formatter().parse(CATALOGUE[key][0]) if f))


def _filled(key: str, language: str, values: dict[str, str]) -> str:
    numbers = {k: int(v) if v.isdigit() else v for k, v in values.items()}
    return say(key, language, **numbers)


def translate(text: str, old: str, new: str) -> str:
    """``text``, written from a catalogue entry in language ``old``, as the same entry writes it in ``new``
    (a tab's label when the language is switched); ``text`` itself when no entry writes it."""
    found = entry_of(text, old)
    return text if found is None else _filled(found[0], new, found[1])


def code_of(text: str) -> str | None:
    """A language-free code for a label written from the catalogue in the current language, for links:
    the entry's key, then its values ("Group 2" → ``group_n.2``); None when no entry writes it."""
    found = entry_of(text, lang())
    if found is None:
        return None
    key, values = found
    return ".".join([key, *(values.get(field, "") for field in _fields(key))])


def label_of(code: str) -> str | None:
    """The label :func:`code_of` made ``code`` from, in the current language; None for an unknown code."""
    key, *values = code.split(".")
    if key not in CATALOGUE:
        return None
    fields = _fields(key)
    if len(fields) != len(values):
        return None
    return _filled(key, lang(), dict(zip(fields, values, strict=True)))


def metric_label(name: str) -> str:
    """A metric's label in the current language (from the registry)."""
    return label(name, lang())


def month_name(month: date) -> str:
    """'August 2024' / 'अगस्त 2024'."""
    return fmt.month_name(month, lang())


def day_words(day: date) -> str:
    """'3 Oct 2026' / '3 अक्टूबर 2026'."""
    return casewords.day_text(day, lang())


def moment(when: datetime) -> str:
    """'28 Nov 2026 18:00' / '28 नवंबर 2026 18:00' (the time as stored: Asia/Kolkata wall clock)."""
    if lang() == "hi":
        return f"{when.day} {fmt.MONTHS_HI[when.month - 1]} {when.year} {when:%H:%M}"
    return f"{when.day} {when:%b %Y %H:%M}"


def names_in_hindi() -> bool:
    """Whether department and district names are shown in Hindi: in the Hindi view of a store whose
    reference data have Hindi names (:func:`grading.scoring.fit.has_hindi_names`). A 311 city's names
    are its own: the Hindi view shows them as they are, never an empty or copied Hindi column."""
    if lang() != "hi":
        return False
    stamp = st.session_state.get("db_stamp")
    if stamp is None:
        return True
    from ui import data

    return data.public_hindi_names(stamp)


def name_column(kind: str) -> str:
    """The column holding names of ``kind`` (department/district) in the current language."""
    return f"{kind}_name_hi" if names_in_hindi() else f"{kind}_name"


def display_name(kind: str) -> pl.Expr:
    """An expression giving the display name of ``kind`` (falls back to the code)."""
    return pl.coalesce(pl.col(name_column(kind)), pl.col(kind))


def reference_name() -> pl.Expr:
    """The name column of a reference table (departments, districts) in the current language."""
    return pl.col("name_hi") if names_in_hindi() else pl.col("name_en")
