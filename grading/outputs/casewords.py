"""The review list and a case's timeline in words of the reader's language: how far a case is from its
due date ("22 days overdue", "due in 3 days"), days as dates ("3 Oct 2026"), events and outcomes by
name ("Escalated", "force-closed"), never a raw code or an empty cell's ``None``.

Formatting only, by Polars expressions (no Python per cell): the figures are :mod:`grading.serve.review`'s.
Used by the district review page (``ui/district_review.py``) and the meeting pack's agenda
(:mod:`grading.outputs.meeting`).
"""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from grading.model.schema import EVENTS, OUTCOMES
from grading.outputs.fmt import MONTHS_HI
from grading.words import say

MONTHS_EN: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date, lang: str) -> str:
    """One day in words: "3 Oct 2026" / "3 अक्टूबर 2026" (as :func:`day_expr` writes a column)."""
    months = MONTHS_HI if lang == "hi" else MONTHS_EN
    return f"{day.day} {months[day.month - 1]} {day.year}"


def day_expr(expr: pl.Expr, lang: str) -> pl.Expr:
    """A date (or datetime) as its day in words: "3 Oct 2026" / "3 अक्टूबर 2026"; "" when empty."""
    months = MONTHS_HI if lang == "hi" else MONTHS_EN
    month = expr.dt.month().replace_strict(dict(enumerate(months, start=1)), return_dtype=pl.String)
    return pl.format("{} {} {}", expr.dt.day(), month, expr.dt.year()).fill_null("")


def moment_expr(expr: pl.Expr, lang: str) -> pl.Expr:
    """A datetime as its day in words and its time to the minute: "3 Oct 2026 14:05"; "" when empty."""
    return pl.format("{} {}", day_expr(expr, lang), expr.dt.strftime("%H:%M")).fill_null("")


def _filled(key: str, lang: str) -> str:
    """A catalogue entry with ``{n}`` turned into ``pl.format``'s ``{}``."""
    return say(key, lang, n="{}")


def due_expr(days_to_due: pl.Expr, lang: str) -> pl.Expr:
    """Days to the due date in words: "22 days overdue", "1 day overdue", "due today", "due tomorrow",
    "due in 3 days"; "no time limit" when the case has none. (``days_to_due`` as
    :func:`grading.serve.review.cases` counts it: negative when overdue, in calendar days.)"""
    return (
        pl.when(days_to_due.is_null())
        .then(pl.lit(say("no_due_date", lang)))
        .when(days_to_due < -1)
        .then(pl.format(_filled("days_overdue", lang), -days_to_due))
        .when(days_to_due == -1)
        .then(pl.lit(say("day_overdue", lang)))
        .when(days_to_due == 0)
        .then(pl.lit(say("due_today", lang)))
        .when(days_to_due == 1)
        .then(pl.lit(say("due_tomorrow", lang)))
        .otherwise(pl.format(_filled("due_in_days", lang), days_to_due))
    )


def mark_expr(is_overdue: pl.Expr, due_soon: pl.Expr, lang: str) -> pl.Expr:
    """The row's marker: "OVERDUE", "due in 2 days", or "" (the page colours it, :func:`ui.widgets.marked`:
    a marker a reader sees across the room, where a checkbox column was greyed out)."""
    return (
        pl.when(is_overdue.fill_null(value=False))
        .then(pl.lit(say("mark_overdue", lang)))
        .when(due_soon.fill_null(value=False))
        .then(pl.lit(say("mark_due_soon", lang)))
        .otherwise(pl.lit(""))
    )


def event_expr(expr: pl.Expr, lang: str) -> pl.Expr:
    """An event by name ("Escalated", "कार्यवाही प्रारंभ"); "" when empty."""
    names = {e: say(f"event_{e}", lang) for e in EVENTS}
    return expr.cast(pl.String).replace_strict(names, default=expr.cast(pl.String)).fill_null("")


def outcome_expr(expr: pl.Expr, lang: str) -> pl.Expr:
    """An outcome by name ("force-closed", "संतुष्ट"); "" when empty."""
    names = {o: say(f"result_{o}", lang) for o in OUTCOMES}
    return expr.cast(pl.String).replace_strict(names, default=expr.cast(pl.String)).fill_null("")


def yes_no_expr(expr: pl.Expr, lang: str) -> pl.Expr:
    """A true/false column as words ("yes", "हाँ"; a file's ``true`` is no word in Hindi); "" when empty."""
    return pl.when(expr).then(pl.lit(say("yes", lang))).when(~expr).then(pl.lit(say("no", lang))).otherwise(pl.lit(""))
