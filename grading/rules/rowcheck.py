"""Row checks of the canonical event log: every field of every row, before anything is written.

One row per event in, ``(good events, problems)`` out (pure Polars). A problem names the row, the field,
the value and the reason; :mod:`grading.intake.ingest` reports them with the file and line and keeps the bad
rows in quarantine. The history checks (one registration, nothing after closure) are
:mod:`grading.rules.lifecycle`'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import polars as pl

from grading.model.problems import Rule, find
from grading.model.schema import (
    CHANNELS,
    CLOSE_OUTCOMES,
    EVENT_COLUMNS,
    EVENT_SCHEMA,
    EVENTS,
    FEEDBACK_OUTCOMES,
    REQUIRED_BY_EVENT,
    TIMEZONE,
)
from grading.rules import timeparse
from grading.rules.privacy import PERSONAL_CODE, personal_codes


def parse_times(text: pl.Expr, zone: str = TIMEZONE) -> pl.Expr:
    """ISO-8601 text to the store's wall-clock ``Datetime('us')``; null when it cannot be parsed.

    Accepts a date, a date and time (``T`` or space, optional seconds and fraction) and an optional
    offset (``Z``, ``+05:30``, ``+0530``, ``-04``). Without an offset the time already means the store's
    zone ``zone``; with one it is converted (rules: :mod:`grading.rules.timeparse`).
    """
    return timeparse.read_times(text, zone=zone, store_zone=zone)


FAST_ISO: Final = "%Y-%m-%dT%H:%M:%S%.f"


def parse_event_times(frame: pl.DataFrame, zone: str = TIMEZONE) -> pl.DataFrame:
    """Add ``parsed_time`` from ``event_time`` (see :func:`parse_times`).

    The common shape (``2024-08-01T10:30:00[.ffffff]``, no offset) is parsed directly in a zone without
    daylight saving (Asia/Kolkata); only rows it does not fit go through the general reader.
    """
    if zone != TIMEZONE:  # a zone with DST gaps: every value through the reader that resolves them
        return frame.with_columns(parsed_time=parse_times(pl.col("event_time"), zone))
    fast = frame.with_columns(
        parsed_time=pl.col("event_time").str.to_datetime(FAST_ISO, time_unit="us", strict=False, cache=False)
    )
    missed = pl.col("parsed_time").is_null() & pl.col("event_time").is_not_null()
    slow = fast.filter(missed)
    if slow.is_empty():
        return fast
    slow = slow.with_columns(parsed_time=parse_times(pl.col("event_time")))
    return pl.concat([fast.filter(~missed), slow]).sort("row_number")


def _as_enum(values: pl.Series, *, upper: bool) -> pl.Series:
    """A text column as its ``EVENT_SCHEMA`` enum, matched without regard to case (``Closed``, ``l2``);
    a value outside the enum becomes null. Values already in the enum's case are looked up once; only
    the others are re-cased (re-casing every row cost more than the lookup)."""
    dtype = EVENT_SCHEMA[values.name]
    typed = values.cast(dtype, strict=False)
    missed = (typed.is_null() & values.is_not_null()).arg_true()
    if missed.len():
        other = values.gather(missed)
        recased = other.str.to_uppercase() if upper else other.str.to_lowercase()
        typed = typed.scatter(missed, recased.cast(dtype, strict=False))
    return typed


def check_rows(
    frame: pl.DataFrame, zone: str = TIMEZONE, bounds: tuple[datetime, datetime] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check every row of a normalised frame; return ``(good events, problems)``.

    ``zone`` is the store's zone (times without an offset mean it); ``bounds`` the store's plausible
    window (:func:`grading.rules.timeparse.window`): a time outside it is a bad row.

    ``good`` has ``EVENT_SCHEMA`` plus ``row_number``; ``problems`` has ``PROBLEM_SCHEMA``, one row per
    (row, field) problem, so a row with two bad fields is reported twice and quarantined once.
    """
    # Case-normalised values as the store's types, once; values outside a type's list become null.
    typed = parse_event_times(frame, zone)
    typed = typed.with_columns(
        _event=_as_enum(typed["event"], upper=False),
        _level=_as_enum(typed["level"], upper=True),
        _channel=_as_enum(typed["channel"], upper=False),
        _outcome=_as_enum(typed["outcome"], upper=False),
        _limit_days=pl.col("limit_days").cast(pl.Float64, strict=False),
    )
    event = pl.col("_event")

    def not_in(column: str, allowed: tuple[str, ...] | None = None) -> pl.Expr:
        """The column has a value that is unknown (or, with ``allowed``, not one of those)."""
        typed_value = pl.col(f"_{column}")
        known = typed_value.is_not_null() if allowed is None else typed_value.is_in(allowed).fill_null(False)
        return pl.col(column).is_not_null() & ~known

    rules: list[Rule] = [
        ("complaint_id", "complaint_id", pl.col("complaint_id").is_null(), "required on every row"),
        ("event_time", "event_time", pl.col("event_time").is_null(), "required on every row"),
        (
            "event_time",
            "event_time",
            pl.col("event_time").is_not_null() & pl.col("parsed_time").is_null(),
            "not an ISO-8601 time (e.g. 2024-08-01T10:30:00+05:30)",
        ),
        *_window_rule(bounds),
        ("event", "event", pl.col("event").is_null(), "required on every row"),
        ("event", "event", not_in("event"), f"unknown event; expected one of {', '.join(EVENTS)}"),
        ("level", "level", not_in("level"), "expected L1..L5"),
        (
            "limit_days",
            "limit_days",
            pl.col("limit_days").is_not_null()
            & ~((pl.col("_limit_days") > 0) & (pl.col("_limit_days") <= 3650)).fill_null(False),
            "a number of days above 0 and up to 3650 (fractions allowed: 0.5 = 12 hours)",
        ),
        ("channel", "channel", not_in("channel"), f"expected one of {', '.join(CHANNELS)}"),
        (
            "outcome",
            "outcome",
            ~event.is_in(("feedback", "closed")).fill_null(False) & not_in("outcome"),
            f"unknown outcome; expected one of {', '.join(FEEDBACK_OUTCOMES + CLOSE_OUTCOMES)}",
        ),
        (
            "outcome",
            "outcome",
            (event == "feedback") & not_in("outcome", FEEDBACK_OUTCOMES),
            f"a feedback outcome is one of {', '.join(FEEDBACK_OUTCOMES)}",
        ),
        (
            "outcome",
            "outcome",
            (event == "closed") & not_in("outcome", CLOSE_OUTCOMES),
            f"a closed outcome is one of {', '.join(CLOSE_OUTCOMES)}",
        ),
    ]
    rules.extend(personal_code_rules(frame))
    for name, required in REQUIRED_BY_EVENT.items():
        rules.extend(
            (column, column, (event == name) & pl.col(column).is_null(), f"required for '{name}' events")
            for column in required
        )
    problems = find(typed, rules)
    if problems.height:
        typed = typed.join(problems.select("row_number").unique(), on="row_number", how="anti")
    good = typed.with_columns(
        event_time=pl.col("parsed_time"),
        **{c: pl.col(f"_{c}") for c in ("event", "level", "channel", "outcome", "limit_days")},
    ).select("row_number", *EVENT_COLUMNS)
    return good, problems


def personal_code_rules(
    frame: pl.DataFrame, columns: tuple[str, ...] = ("department", "district", "category")
) -> list[Rule]:
    """A code holding a phone number, e-mail address or id number is a bad row
    (:func:`grading.rules.privacy.personal_codes`), never a new public name."""
    rules: list[Rule] = []
    for column in columns:
        bad = personal_codes(frame[column])
        if bad.len():
            rules.append((column, column, pl.col(column).is_in(bad.implode()), PERSONAL_CODE))
    return rules


def _window_rule(bounds: tuple[datetime, datetime] | None) -> list[Rule]:
    """The plausible-date rule on ``parsed_time`` (none without a window)."""
    if bounds is None:
        return []
    outside = timeparse.outside_window(pl.col("parsed_time"), bounds)
    return [("event_time", "event_time", outside, timeparse.window_reason(bounds))]
