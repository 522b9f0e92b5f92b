"""Number formatting for people in India: 12,34,567 and lakh/crore in words (pure, no UI imports).

Every rule is written once, as a Polars expression (:func:`indian_expr`, :func:`fixed_expr`,
:func:`rank_change_expr`, :func:`sparkline_expr`, :func:`printed_change`), so tables are formatted inside Polars with no
Python callback per cell: Streamlit runs every browser session in its own thread, and Python UDFs
(``map_elements``) waiting for the GIL inside Polars' thread pool can deadlock a server. The scalar
helpers (:func:`indian`, :func:`pct`) evaluate the same expressions on one value, and remember the
answer (a page shows the same headline figures on every run; one evaluation costs about 1 ms).

Examples
--------
>>> indian(1234567)
'12,34,567'
>>> in_words(420000, "en"), in_words(15_000_000, "hi")
('4.2 lakh', '1.5 करोड़')
>>> pl.DataFrame({"x": [1234567.456, None]}).select(indian_expr(pl.col("x"), 2))["x"].to_list()
['12,34,567.46', None]
"""

from __future__ import annotations

import functools
import math
from datetime import date
from typing import Final

import polars as pl

MONTHS_HI: Final = ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर")
_WORDS = {"en": ("lakh", "crore"), "hi": ("लाख", "करोड़")}
#: (seconds in the unit, English singular, English plural, Hindi singular, Hindi plural), largest first.
_AGO_UNITS: Final = (
    (86_400, "day", "days", "दिन", "दिन"),
    (3_600, "hour", "hours", "घंटा", "घंटे"),
    (60, "minute", "minutes", "मिनट", "मिनट"),
)
EMPTY: Final = "—"
#: The order every public surface lists a ranking in: volume group (group 1 first), then the printed rank
#: (a single rank, or a range by its best then its worst rank), ties by position (score); so the rank
#: column reads in order, "1–4", "1–9", "2–6", "3", … A single rank is its own best and worst.
RANK_ORDER: Final = ("volume_group", "rank_best", "rank_worst", "rank_position")
SPARK: Final = "▁▂▃▄▅▆▇█"


def _named(result: pl.Expr, like: pl.Expr) -> pl.Expr:
    """``result`` under ``like``'s output name (when it has one), as a plain column expression would be."""
    name = like.meta.output_name(raise_if_undetermined=False)
    return result.alias(name) if name else result


def fixed_expr(expr: pl.Expr, decimals: int = 2) -> pl.Expr:
    """Text with exactly ``decimals`` decimals, rounded half away from zero: 93.4 → '93.40'; null stays null."""
    rounded = expr.cast(pl.Float64).round(decimals, mode="half_away_from_zero")
    return _named(rounded.cast(pl.Decimal(38, decimals)).cast(pl.String), expr)


def indian_expr(expr: pl.Expr, decimals: int = 0) -> pl.Expr:
    """Digits grouped the Indian way (last three, then twos): 1234567.5 → '12,34,567.5'; null stays null.

    The whole part is grouped on its reversed text (three digits, then a comma after every two),
    so no Python runs per value.
    """
    text = fixed_expr(expr, decimals)
    sign = pl.when(text.str.starts_with("-")).then(pl.lit("-")).otherwise(pl.lit(""))
    unsigned = text.str.strip_prefix("-")
    whole = unsigned.str.split_exact(".", 1).struct.field("field_0")
    frac = unsigned.str.split_exact(".", 1).struct.field("field_1")
    head = whole.str.slice(0, (whole.str.len_chars().cast(pl.Int64) - 3).clip(0))
    tail = whole.str.slice(-3)
    head_grouped = head.str.reverse().str.replace_all(r"(\d\d)", "${1},").str.strip_suffix(",").str.reverse()
    grouped = pl.when(head.str.len_chars() > 0).then(pl.concat_str(head_grouped, pl.lit(","), tail)).otherwise(tail)
    with_frac = pl.when(frac.is_not_null()).then(pl.concat_str(grouped, pl.lit("."), frac)).otherwise(grouped)
    return _named(pl.concat_str(sign, with_frac), expr)  # null in, null out


def rank_change_expr(expr: pl.Expr) -> pl.Expr:
    """▲2 (up two places) / ▼1 / – (no change); null (nothing to compare) stays null."""
    places = expr.cast(pl.Int64)
    arrows = (
        pl.when(places > 0)
        .then(pl.format("▲{}", places))
        .when(places < 0)
        .then(pl.format("▼{}", -places))
        .when(places == 0)
        .then(pl.lit("–"))
        .otherwise(pl.lit(None, pl.String))
    )
    return _named(arrows, expr)


def printed_change(change: str = "rank_change", group: str = "volume_group") -> pl.Expr:
    """The rank change a public surface prints (the pages' "Change" column, the press report's biggest rise
    and fall): the ranking record's change, which exists only when both months print a single rank in the
    same list (the reliability rule, :mod:`grading.scoring.grade`), and only in the first volume group, the
    busiest, where a move is made over enough complaints to mean something (the volume rule: "up 19 places"
    for a department of 23 complaints says more about its 23 complaints than about its work). An entity type
    without volume groups keeps every change of the record. Null otherwise.

    >>> rows = pl.DataFrame({"rank_change": [3, 19, -2, None], "volume_group": [1, 2, None, 1]})
    >>> rows.select(printed_change())["rank_change"].to_list()
    [3, None, -2, None]
    """
    in_first = pl.col(group).is_null() | (pl.col(group) == 1)
    return pl.when(in_first).then(pl.col(change)).alias(change)


def sparkline_expr(expr: pl.Expr) -> pl.Expr:
    """Unicode bars (▁ to █) for a list of numbers, spread over the list's own range; nulls skipped.

    A flat series shows the lowest bar throughout; an empty or null list gives ''.
    """
    values = expr.list.drop_nulls()
    top = len(SPARK) - 1

    def level(v: pl.Expr) -> pl.Expr:
        span = v.max() - v.min()
        scaled = (v - v.min()) / pl.when(span == 0).then(pl.lit(1.0)).otherwise(span) * top
        return scaled.cast(pl.Int64).clip(0, top)

    bars = values.list.eval(pl.lit(SPARK).str.slice(level(pl.element().cast(pl.Float64)), 1))
    return _named(bars.list.join("").fill_null(""), expr)


def _one(expr: pl.Expr, value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EMPTY
    out = pl.select(expr.alias("v")).item()
    return EMPTY if out is None else str(out)


@functools.lru_cache(maxsize=8192)
def indian(value: float | None, decimals: int = 0) -> str:
    """One value with Indian digit grouping (see :func:`indian_expr`): 1234567.5 → '12,34,567.5'; empty → '—'."""
    return _one(indian_expr(pl.lit(value, pl.Float64), decimals), value)


def in_words(value: float | None, lang: str = "en") -> str:
    """Large counts in lakh/crore words, one decimal: 420000 → '4.2 lakh'; below 1 lakh, digits."""
    if value is None:
        return EMPTY
    lakh, crore = _WORDS["hi" if lang == "hi" else "en"]
    for size, word in ((10_000_000, crore), (100_000, lakh)):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + f" {word}"
    return indian(value)


@functools.lru_cache(maxsize=8192)
def pct(value: float | None, decimals: int = 1) -> str:
    """A percentage for display: 93.4333 → '93.4%'; empty → '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EMPTY
    return _one(fixed_expr(pl.lit(value, pl.Float64), decimals), value) + "%"


def ago(seconds: float, lang: str = "en") -> str:
    """How long ago, in words, in whole units (rounded down): 600 → '10 minutes ago' / '10 मिनट पहले'.

    Under a minute (or a clock slightly ahead) reads 'just now' / 'अभी-अभी'.
    """
    for size, one, many, one_hi, many_hi in _AGO_UNITS:
        if seconds >= size:
            n = int(seconds // size)
            if lang == "hi":
                return f"{n} {one_hi if n == 1 else many_hi} पहले"
            return f"{n} {one if n == 1 else many} ago"
    return "अभी-अभी" if lang == "hi" else "just now"


def month_name(month: date, lang: str = "en") -> str:
    """'August 2024' / 'अगस्त 2024'."""
    return f"{MONTHS_HI[month.month - 1]} {month.year}" if lang == "hi" else f"{month:%B %Y}"
