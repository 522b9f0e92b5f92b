"""The audit log in words of the reader's language (issue 25): who acted, their role, within which scope,
what happened and in which file, never a code.

Each row's event and values (:mod:`grading.access.audit`) fill the catalogue entry ``audit_what_<event>``;
district and department codes become their names and scheme codes their titles (from ``names``, which the
caller reads from the reference tables and the schemes), roles, languages, message kinds, delivery routes and
outcome lists become words, days and months are written out. An account's login name, a client's network
address, an e-mail address, a Message-ID, a file's path, a complaint id and a decision's number are
identifiers: shown as they are, in both languages. The command line (``cli:<user>``) and a collector's
digest (``digest:<user>``) act under a name in words with the user's name beside it. A row written before
the log kept events, whose sentence had no known shape, is shown as it was written, marked as such.

Formatting only, by Polars expressions (no Python per row): the rows are
:meth:`grading.access.accounts.Accounts.audit`'s. Used by the audit page (``ui/admin_tables.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import polars as pl

from grading.access.audit import FORMAT, PREFIX, events
from grading.access.identity import ROLES
from grading.access.logbook import AUDITED, CLI_PREFIX, DIGEST_PREFIX
from grading.outputs import casewords
from grading.outputs.fmt import MONTHS_HI
from grading.scoring.fit import OUTCOME_NEEDS
from grading.words import filled, say

#: kind (``district``, ``department``, ``scheme``) → code → its name in the reader's language.
Names = Mapping[str, Mapping[str, str]]
#: How a file's format is named in either language (the scan's allowed words).
FORMAT_NAMES: Final = {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF"}
_MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Values named by code → the catalogue entries of their words.
_WORDS: Final = {
    "role": {r: f"role_{r}" for r in (*ROLES, "unknown")},
    "lang": {code: f"audit_lang_{code}" for code in ("en", "hi")},
    "client": {"local": "audit_client_local"},
    "message": {kind: f"audit_message_{kind}" for kind in ("digest", "alert")},
    "via": {via: f"audit_via_{via}" for via in ("file", "smtp", "webhook")},
    "outcome": {kind: f"outcome_{kind}" for kind in OUTCOME_NEEDS},
}
_DAYS: Final = ("day", "review_day", "due")


def named(codes: pl.Expr, names: Mapping[str, str]) -> pl.Expr:
    """Comma-separated codes as their names, joined by ", " (a code without a name stays as it is)."""
    return codes.str.split(",").list.eval(pl.element().replace(dict(names))).list.join(", ")


def _words(values: pl.Expr, kind: str, lang: str) -> pl.Expr:
    return values.replace({code: say(key, lang) for code, key in _WORDS[kind].items()})


def _month(text: pl.Expr, lang: str, _names: Names | None = None) -> pl.Expr:
    """``YYYY-MM`` as "August 2024" / "अगस्त 2024"."""
    month = (text + "-01").str.to_date("%Y-%m-%d", strict=False)
    names = MONTHS_HI if lang == "hi" else _MONTHS_EN
    return pl.format(
        "{} {}",
        month.dt.month().replace_strict(dict(enumerate(names, start=1)), return_dtype=pl.String),
        month.dt.year(),
    ).fill_null(text)


def scope_words(scope: pl.Expr, lang: str, names: Names) -> pl.Expr:
    """A scope as the log writes it (``state``, ``districts=A,B``, ``departments=X``, both joined by ``;``,
    empty) in words: "whole state", "districts: Bhopal, Indore", "departments: Energy"."""
    districts = scope.str.extract(r"(?:^|;)districts=([^;]*)")
    departments = scope.str.extract(r"(?:^|;)departments=([^;]*)")
    parts = pl.concat_str(
        [
            filled("scope_districts", lang, {"names": named(districts, names.get("district", {}))}),
            filled("scope_departments", lang, {"names": named(departments, names.get("department", {}))}),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    return (
        pl.when(scope == "state")
        .then(pl.lit(say("whole_state", lang)))
        .when(scope.fill_null("") == "")
        .then(pl.lit(""))
        .otherwise(pl.when(parts != "").then(parts).otherwise(scope))
    )


def _day(text: pl.Expr, lang: str) -> pl.Expr:
    """``YYYY-MM-DD`` as "1 Aug 2024" / "1 अगस्त 2024" (as stored when it is no day)."""
    return casewords.day_expr(text.str.to_date("%Y-%m-%d", strict=False), lang).replace("", None).fill_null(text)


def _value(name: str, text: pl.Expr, lang: str, names: Names) -> pl.Expr:
    """One value of an entry (its text as stored) as the sentence shows it; an identifier (a login name, an
    address, an id, a number, a file's path) as it is."""
    written: dict[str, Callable[[pl.Expr, str, Names], pl.Expr]] = {
        "scope": scope_words,
        "month": _month,
        FORMAT: lambda t, _l, _n: t.replace(FORMAT_NAMES),
    }
    if name in ("district", "department", "scheme"):
        return named(text, names.get(name, {}))
    if name in _WORDS:
        return _words(text, name, lang)
    if name in _DAYS:
        return _day(text, lang)
    return written[name](text, lang, names) if name in written else text


def _actor(user: pl.Expr, lang: str) -> pl.Expr:
    """Who acted: a login name as it is; the command line and a digest in words, their user beside them."""
    return (
        pl.when(user.str.starts_with(CLI_PREFIX))
        .then(filled("audit_actor_cli", lang, {"user": user.str.strip_prefix(CLI_PREFIX)}))
        .when(user.str.starts_with(DIGEST_PREFIX))
        .then(filled("audit_actor_digest", lang, {"user": user.str.strip_prefix(DIGEST_PREFIX)}))
        .otherwise(user)
    )


def _what(log: pl.DataFrame, lang: str, names: Names) -> pl.Expr:
    """What happened, in words (the frame's ``args`` already decoded into ``_v_<name>`` columns)."""
    event = pl.col("event")
    sentence = pl.coalesce(  # the one entry of the row's event (the others are null)
        pl.when(event == name).then(filled(f"{PREFIX}{name}", lang, {v: pl.col(f"_v_{v}") for v in wanted}))
        for name, wanted in sorted(events().items())
    )
    fmt = pl.col(f"_v_{FORMAT}") if f"_v_{FORMAT}" in log.columns else pl.lit(None, dtype=pl.String)
    with_format = pl.when(fmt.is_not_null()).then(filled("audit_format", lang, {"what": sentence, "format": fmt}))
    written = filled("audit_as_written", lang, {"detail": pl.col("detail").fill_null("")})
    unknown = pl.concat_str([event, pl.col("args").fill_null("")], separator=" ")  # an event of a newer version
    return pl.when(event.is_null()).then(written).otherwise(with_format.otherwise(sentence)).fill_null(unknown)


def in_words(log: pl.DataFrame, lang: str, names: Names) -> pl.DataFrame:
    """The audit log as a reader of ``lang`` reads it: one row per row of ``log`` (as
    :meth:`~grading.access.accounts.Accounts.audit` returns it), in its order, with ``at`` (ISO text, as
    stored), ``who``, ``role``, ``scope``, ``action`` and ``what`` in words, and ``rows`` (case rows).

    >>> from grading.access.audit import Entry
    >>> row = {"at": "2024-09-01T10:00:00", "username": "cli:root", "role": "admin", "scope": "state",
    ...        "action": "export", "event": "review_list", "detail": "", "rows": 3,
    ...        "args": Entry("review_list", {"district": "INDORE", "day": "2024-08-01"}).with_format("csv").args}
    >>> in_words(pl.DataFrame([row]), "hi", {"district": {"INDORE": "इंदौर"}}).row(0)[1:4]
    ('कमांड लाइन से (root)', 'राज्य प्रशासक', 'पूरा राज्य')
    >>> in_words(pl.DataFrame([row]), "hi", {"district": {"INDORE": "इंदौर"}}).row(0)[4:6]
    ('प्रकरण फ़ाइल डाउनलोड', 'इंदौर की समीक्षा सूची, 1 अगस्त 2024 (CSV फ़ाइल)')
    """
    fields = sorted({FORMAT}.union(*events().values()))
    decoded = pl.col("args").str.json_decode(pl.Struct(dict.fromkeys(fields, pl.String)))
    values = log.with_columns(decoded.alias("_args")).with_columns(
        _value(f, pl.col("_args").struct.field(f), lang, names).alias(f"_v_{f}") for f in fields
    )
    return values.select(
        pl.col("at"),
        _actor(pl.col("username").cast(pl.String), lang).alias("who"),
        _words(pl.col("role").cast(pl.String), "role", lang).alias("role"),
        scope_words(pl.col("scope").cast(pl.String), lang, names).alias("scope"),
        pl.col("action").replace({a: say(f"audit_{a}", lang) for a in AUDITED}).alias("action"),
        _what(values, lang, names).alias("what"),
        pl.col("rows"),
    )
