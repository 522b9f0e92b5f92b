"""Reading times exactly: source text → the store's wall clock (pure Polars, no I/O).

A store keeps event times as naive wall-clock time **in its own zone** (``nivaran init --timezone``),
so a month is a calendar month there and every as-of rule stays naive. Every time that enters is
converted to that wall clock once, here, by these rules (documented for users in ``docs/import.md``):

1. **An offset or ``Z`` wins.** ``2024-08-01T10:00+05:30``, ``…+0530``, ``…-04``, ``…Z`` name an
   instant; the offset is read from the value itself, whatever the format says.
2. **Epoch numbers** (format ``"epoch"``): seconds since 1970-01-01 UTC, or milliseconds when the
   value is 10^11 or more (10^11 seconds is the year 5138, so no real date is misread). ``"epoch_s"``
   and ``"epoch_ms"`` force one unit.
3. **Anything else is wall-clock time in the source's zone**, read with each format in turn (the
   first that fits wins), then ISO-8601 (``2024-08-01``, ``2024-08-01 10:30[:00[.ffffff]]``, ``T`` or space).
4. **Daylight-saving gaps and folds**, for a wall-clock value in a zone with DST:
   a value in the **fold** (the repeated hour when clocks go back) is the *first* of the two instants;
   a value in the **gap** (the skipped hour when clocks go forward, e.g. 02:30 on a spring-forward
   night) is read with the offset in force just before the gap, i.e. moved forward by the gap's length
   (02:30 → 03:30). This is what Python's ``zoneinfo`` does with ``fold=0`` and what a clerk who
   forgot to move the clock meant.

A value none of these fit is null; the caller reports it as one sentence naming file, line, field and
value. A value outside the store's plausible window (:func:`outside_window`) is quarantined the same way.
"""

from __future__ import annotations

import csv
import difflib
import zoneinfo
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import cache
from typing import Final

import polars as pl

from grading.model.paths import DATA_DIR
from grading.model.schema import NivaranError

#: A trailing offset after a clock time: ``Z``, ``+05:30``, ``+0530``, ``-04`` (optionally after a space).
#: It must follow a time of day, so the ``-01`` of a bare date ``2024-08-01`` is never read as one.
OFFSET: Final = r"(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp][Mm])?)\s*(Z|z|[+-]\d{2}(?::?\d{2})?)$"
#: Format names for epoch numbers (seconds, milliseconds, or either by magnitude).
EPOCH_FORMATS: Final = ("epoch", "epoch_s", "epoch_ms")
ISO_FORMATS: Final = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")
#: Epoch values at or above this are milliseconds (10^11 s would be the year 5138).
MS_FROM: Final = 100_000_000_000
#: The default plausible window starts here; it ends tomorrow in the store's zone.
PLAUSIBLE_FROM: Final = date(2000, 1, 1)
_OFFSET_DIRECTIVES: Final = ("%:z", "%#z", "%z", "%Z")


class TimeFormatError(NivaranError):
    """A time zone or a time format in a mapping or a store setting is wrong."""


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def _city_zones() -> dict[str, str]:
    """City name (lower case, spaces) → IANA zone, for cities that are not zone names themselves
    (``data/zone-cities.csv``: large US 311 cities and Indian state capitals)."""
    with (DATA_DIR / "zone-cities.csv").open(encoding="utf-8", newline="") as fh:
        return {row["city"].lower(): row["zone"] for row in csv.DictReader(fh)}


def _suggest_zone(zone: str) -> str | None:
    """The zone a city's name stands for (``America/Kansas_City`` → ``America/Chicago``), else the
    zone name closest in spelling (``America/Chicgo`` → ``America/Chicago``), else None."""
    city = zone.rsplit("/", 1)[-1].replace("_", " ").replace("-", " ").strip().lower()
    if city in _city_zones():
        return _city_zones()[city]
    close = difflib.get_close_matches(zone, sorted(_zones()), n=1, cutoff=0.6)
    return close[0] if close else None


def check_zone(zone: str, where: str) -> str:
    """Return ``zone`` when it is an IANA time zone name, else raise one sentence naming ``where``
    with a suggestion: the zone of a city named in it, else the closest spelling.

    >>> check_zone("America/Chicago", "--timezone")
    'America/Chicago'
    """
    if zone in _zones() or zone == "UTC":
        return zone
    close = _suggest_zone(zone)
    hint = f"; did you mean {close!r}?" if close else " such as 'America/New_York' or 'Asia/Kolkata'"
    msg = f"{where}: {zone!r} is not a time zone; give an IANA name{hint}"
    raise TimeFormatError(msg)


def check_formats(formats: Sequence[str], where: str) -> tuple[str, ...]:
    """Check a list of time formats (strftime patterns or epoch names); one sentence when one is wrong.

    An offset directive (``%z``) is allowed and ignored: an offset in a value is always honoured.
    """
    if isinstance(formats, str) or not formats:
        msg = f'{where}: expected a list of formats, e.g. ["%m/%d/%Y %I:%M:%S %p", "epoch"]'
        raise TimeFormatError(msg)
    out = []
    for fmt in formats:
        if not isinstance(fmt, str) or not fmt.strip():
            msg = f'{where}: {fmt!r} is not a format; give a strftime pattern such as "%Y-%m-%d %H:%M" or "epoch"'
            raise TimeFormatError(msg)
        if fmt not in EPOCH_FORMATS and "%" not in fmt:
            msg = (
                f'{where}: {fmt!r} has no % directive; give a strftime pattern such as "%d/%m/%Y %H:%M", '
                f"or one of {list(EPOCH_FORMATS)}"
            )
            raise TimeFormatError(msg)
        if fmt not in EPOCH_FORMATS:
            probe = _clock_format(fmt)
            try:
                pl.select(pl.lit("x").str.to_datetime(probe, strict=False))
            except pl.exceptions.PolarsError as exc:
                msg = f"{where}: {fmt!r} is not a format this reader understands ({str(exc).splitlines()[0]})"
                raise TimeFormatError(msg) from exc
        out.append(fmt)
    return tuple(out)


def _clock_format(fmt: str) -> str:
    """``fmt`` without its offset directive (the offset is cut from the value before parsing)."""
    for directive in _OFFSET_DIRECTIVES:
        fmt = fmt.replace(directive, "")
    return fmt.strip()


def _localise(naive: pl.Expr, zone: str) -> pl.Expr:
    """Naive wall clock in ``zone`` → zoned instant, with the fold and gap rules of the module docstring."""
    direct = naive.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    # In a gap: the offset in force 12 hours earlier (before the transition), applied to the wall clock.
    before = (naive - pl.duration(hours=12)).dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    offset = before.dt.base_utc_offset() + before.dt.dst_offset()
    gap = (naive - offset).dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
    return pl.when(naive.is_null()).then(None).when(direct.is_not_null()).then(direct).otherwise(gap)


#: Devanagari digits (०-९), read as 0-9: Hindi exports write dates with them.
DEVANAGARI_DIGITS: Final = list("०१२३४५६७८९")
#: How finely a source time is known: ``DAY`` (a date, no clock), ``MINUTE`` (a clock without
#: seconds); null means to the second or finer. See :func:`read_precision`.
DAY: Final = "day"
MINUTE: Final = "minute"


def format_precision(fmt: str) -> str | None:
    """How finely a value read with ``fmt`` is known: :data:`DAY` without a clock directive,
    :data:`MINUTE` with hours and minutes but no seconds, None (exact) otherwise.

    >>> format_precision("%d/%m/%Y"), format_precision("%m/%d/%Y %I:%M %p"), format_precision("%Y-%m-%d %H:%M:%S")
    ('day', 'minute', None)
    """
    if not any(d in fmt for d in ("%H", "%I", "%T", "%R", "%k", "%l")):
        return DAY
    if not any(d in fmt for d in ("%S", "%T", "%.f", "%s")):
        return MINUTE
    return None


def _clock_text(text: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``(the value stripped, with ASCII digits; the value without its offset; the offset or null)``."""
    stripped = text.cast(pl.String).str.strip_chars().str.replace_many(DEVANAGARI_DIGITS, list("0123456789"))
    offset_text = stripped.str.extract(OFFSET, 2)
    clock = pl.when(offset_text.is_null()).then(stripped).otherwise(stripped.str.replace(OFFSET, "${1}"))
    return stripped, clock, offset_text


def _parse_with(formats: Sequence[str]) -> list[str]:
    parse_with = [_clock_format(f) for f in formats if f not in EPOCH_FORMATS]
    return parse_with + [f for f in ISO_FORMATS if f not in parse_with]


def read_precision(text: pl.Expr, *, formats: Sequence[str] = ()) -> pl.Expr:
    """How finely each value of ``text`` is known (:data:`DAY`, :data:`MINUTE` or null = exact), from
    the first format that reads it (the same order as :func:`read_times`); null for epoch numbers
    and values no format reads.

    A date alone (``2024-08-01``, ``16/11/2019``) is known to the day: Nivaran compares it with other
    times at the day (:mod:`grading.intake.mapping`), never as midnight.
    """
    _, clock, _ = _clock_text(text)
    parse_with = _parse_with(formats)
    first = pl.coalesce(
        [
            pl.when(clock.str.to_datetime(f, time_unit="us", strict=False).is_not_null()).then(
                pl.lit(format_precision(f) or "exact", pl.String)
            )
            for f in parse_with
        ]
    )
    return pl.when(first != "exact").then(first)


def read_times(text: pl.Expr, *, formats: Sequence[str] = (), zone: str, store_zone: str) -> pl.Expr:
    """Source text → naive ``Datetime('us')`` wall clock in ``store_zone``; null when nothing fits.

    Parameters
    ----------
    text : the source column (text); Devanagari digits are read as 0-9.
    formats : strftime patterns and epoch names tried in order before ISO-8601.
    zone : the zone of values without an offset (the source's zone).
    store_zone : the store's zone: the result is its wall clock.

    Example: with ``zone = "America/New_York"`` and ``store_zone = "America/New_York"``,
    ``"2024-03-10 02:30"`` (in the spring-forward gap) → 03:30 and ``"2024-08-01T14:00Z"`` → 10:00.
    """
    stripped, clock, offset_text = _clock_text(text)
    parse_with = _parse_with(formats)
    naive = pl.coalesce([clock.str.to_datetime(f, time_unit="us", strict=False) for f in parse_with])

    digits = offset_text.str.replace_all(":", "")
    sign = pl.when(digits.str.head(1) == "-").then(-1).otherwise(1)
    offset_minutes = (
        pl.when(offset_text.str.to_uppercase() == "Z")
        .then(0)
        .otherwise(
            sign
            * (
                digits.str.slice(1, 2).cast(pl.Int64, strict=False) * 60
                + digits.str.slice(3, 2).cast(pl.Int64, strict=False).fill_null(0)
            )
        )
    )
    with_offset = (naive - pl.duration(minutes=offset_minutes)).dt.replace_time_zone("UTC")
    instant: pl.Expr = (
        pl.when(offset_text.is_not_null())
        .then(with_offset.dt.convert_time_zone(zone))
        .otherwise(_localise(naive, zone))
    )

    epochs = [f for f in formats if f in EPOCH_FORMATS]
    if epochs:
        number = stripped.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
        unit = epochs[0]
        is_ms = pl.lit(unit == "epoch_ms") if unit != "epoch" else number.abs() >= MS_FROM
        micros = pl.when(is_ms).then(number * 1_000).otherwise(number * 1_000_000)
        # Outside ±10^14 s the value is no date at all: null (reported), never an overflow.
        in_range = number.abs() < 100_000_000_000_000
        epoch = pl.when(in_range).then(micros).cast(pl.Datetime("us", "UTC"), strict=False)
        instant = pl.when(number.is_not_null() & in_range).then(epoch.dt.convert_time_zone(zone)).otherwise(instant)
    return instant.dt.convert_time_zone(store_zone).dt.replace_time_zone(None).cast(pl.Datetime("us"))


def read_one(text: str, *, formats: Sequence[str] = (), zone: str, store_zone: str, where: str) -> datetime:
    """One time given as a setting (an export time) → store wall clock, by the rules above; one
    sentence naming ``where`` when it cannot be read.

    >>> read_one("2024-08-15T10:00:00-05:00", zone="UTC", store_zone="America/Chicago", where="--exported-at")
    datetime.datetime(2024, 8, 15, 10, 0)
    """
    value = pl.select(read_times(pl.lit(text, pl.String), formats=formats, zone=zone, store_zone=store_zone)).item()
    if value is None:
        msg = f"{where}: {text!r} is not a time; give ISO-8601 such as '2024-08-15T10:00:00-05:00'"
        raise TimeFormatError(msg)
    return value  # type: ignore[no-any-return]


def window(store_zone: str, first: date = PLAUSIBLE_FROM, last: date | None = None) -> tuple[datetime, datetime]:
    """The plausible window ``[first 00:00, day after last 00:00)`` as store wall clock.

    ``last`` defaults to tomorrow in the store's zone: an export may be a day ahead of a server in
    another zone, never more.
    """
    today = datetime.now(zoneinfo.ZoneInfo(store_zone)).date()
    end = (last or today + timedelta(days=1)) + timedelta(days=1)
    return datetime.combine(first, datetime.min.time()), datetime.combine(end, datetime.min.time())


def outside_window(time: pl.Expr, bounds: tuple[datetime, datetime]) -> pl.Expr:
    """True where a parsed time lies outside the plausible window (null stays null)."""
    return (time < bounds[0]) | (time >= bounds[1])


def window_reason(bounds: tuple[datetime, datetime]) -> str:
    """The quarantine reason for a time outside ``bounds``."""
    last = (bounds[1] - timedelta(days=1)).date()
    return (
        f"outside the store's plausible dates {bounds[0]:%Y-%m-%d} to {last:%Y-%m-%d} "
        "(a typing error or a placeholder date; see `nivaran init --plausible-from`)"
    )
