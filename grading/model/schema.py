"""Names, values and frame schemas shared by every layer of Nivaran.

This module is the code form of ``docs/reference.md`` section 1 (the canonical event log). Everything
that enters or leaves the core is checked against these constants.

Time convention
---------------
Event times are stored as **Asia/Kolkata wall-clock time** in a timestamp without zone
(``pl.Datetime("us")`` / DuckDB ``TIMESTAMP``). India has no daylight saving time, so this is
unambiguous, and calendar months (the grading unit) are plain date truncations. Input times with an
offset are converted to Asia/Kolkata on import; input times without an offset already mean Asia/Kolkata.
"""

from __future__ import annotations

from typing import Final

import polars as pl

TIMEZONE: Final = "Asia/Kolkata"

#: Event types in lifecycle order. The position breaks ties between events of one complaint that share
#: a timestamp (a ``registered`` sorts before an ``attended`` stamped in the same microsecond).
EVENTS: Final = (
    "registered",
    "transferred",
    "attended",
    "resolved",
    "feedback",
    "reopened",
    "escalated",
    "closed",
)
LEVELS: Final = ("L1", "L2", "L3", "L4", "L5")
CHANNELS: Final = ("call", "web", "app", "whatsapp", "cm_office", "portal", "other")
FEEDBACK_OUTCOMES: Final = ("satisfied", "dissatisfied", "unreachable")
CLOSE_OUTCOMES: Final = ("satisfied", "resolved", "force", "special", "withdrawn", "duplicate")
OUTCOMES: Final = ("satisfied", "dissatisfied", "unreachable", "resolved", "force", "special", "withdrawn", "duplicate")

#: Which columns each event type must carry (``docs/reference.md`` section 1). ``complaint_id``, ``event_time`` and
#: ``event`` are required on every row.
REQUIRED_BY_EVENT: Final[dict[str, tuple[str, ...]]] = {
    "registered": ("level", "department", "district", "category", "complainant"),
    "transferred": ("department",),
    "attended": ("level",),
    "resolved": ("level",),
    "feedback": ("outcome",),
    "reopened": ("level",),
    "escalated": ("level",),
    "closed": ("outcome",),
}
ALWAYS_REQUIRED: Final = ("complaint_id", "event_time", "event")

EventEnum: Final = pl.Enum(EVENTS)
LevelEnum: Final = pl.Enum(LEVELS)
ChannelEnum: Final = pl.Enum(CHANNELS)
OutcomeEnum: Final = pl.Enum(OUTCOMES)

#: The canonical event log as a typed Polars frame: one row per event.
EVENT_SCHEMA: Final = pl.Schema(
    {  # type: ignore[arg-type]  # polars stubs reject a dict mixing dtype classes and instances
        "complaint_id": pl.String,
        "event_time": pl.Datetime("us"),
        "event": EventEnum,
        "level": LevelEnum,
        "department": pl.String,
        "district": pl.String,
        "category": pl.String,
        "complainant": pl.String,
        "channel": ChannelEnum,
        "outcome": OutcomeEnum,
        "note": pl.String,
        # Nivaran's extension: on a `registered` event, the complaint's own time limit in days at every
        # level (set by snapshot imports from a due time, kept to the second: 8 hours = 0.3333 days);
        # empty = the category's limits.
        "limit_days": pl.Float64,
    }
)
EVENT_COLUMNS: Final = tuple(EVENT_SCHEMA.names())

#: Reference tables shipped in ``data/`` (CSV, UTF-8): one row per code.
DEPARTMENT_SCHEMA: Final = pl.Schema(
    {"code": pl.String, "name_en": pl.String, "name_hi": pl.String, "volume_weight": pl.Float64}
)
DISTRICT_SCHEMA: Final = pl.Schema(
    {
        "code": pl.String,
        "name_en": pl.String,
        "name_hi": pl.String,
        "division": pl.String,
        "population": pl.Int64,
    }
)
CATEGORY_SCHEMA: Final = pl.Schema(
    {
        "code": pl.String,
        "name_en": pl.String,
        "name_hi": pl.String,
        "department": pl.String,
        **{f"limit_{lv.lower()}_days": pl.Int32 for lv in LEVELS},
    }
)
HOLIDAY_SCHEMA: Final = pl.Schema({"date": pl.Date, "name_en": pl.String, "name_hi": pl.String})

#: The code a snapshot import gives a complaint with no district (or a mapping's default department):
#: listed with its figures, never ranked (grading.scoring.grade): a pile of cases nobody placed is not a place
#: or an office that can be compared.
UNASSIGNED: Final = "UNASSIGNED"


def level_number(level: pl.Expr) -> pl.Expr:
    """Map an ``L1``..``L5`` expression to the integers 1..5 (null stays null)."""
    return level.cast(pl.String).str.slice(1).cast(pl.Int8)


def level_number_of(column: str, dtype: pl.DataType) -> pl.Expr:
    """:func:`level_number` of the column ``column`` of type ``dtype``: from the enum's codes when it is
    the event log's level enum (L1..L5 in order, no text read), else from the text."""
    if dtype == LevelEnum:
        return pl.col(column).to_physical().cast(pl.Int8) + 1
    return level_number(pl.col(column))


def check_frame(frame: pl.DataFrame, schema: pl.Schema, what: str) -> pl.DataFrame:
    """Raise ``SchemaError`` unless ``frame`` has exactly ``schema``'s columns and dtypes, in order.

    Parameters
    ----------
    frame : the frame entering or leaving the core.
    schema : the expected schema.
    what : a name for the frame, used in the message.

    Examples
    --------
    >>> import polars as pl
    >>> check_frame(pl.DataFrame({"a": [1]}), pl.Schema({"a": pl.Int64}), "demo").shape
    (1, 1)
    """
    if frame.schema != schema:
        got = ", ".join(f"{k}: {v}" for k, v in frame.schema.items())
        want = ", ".join(f"{k}: {v}" for k, v in schema.items())
        msg = f"{what}: columns do not match the schema.\n  got:  {got}\n  want: {want}"
        raise SchemaError(msg)
    return frame


class NivaranError(Exception):
    """Base of every error Nivaran reports to a user (the CLI prints these without a traceback)."""


class SchemaError(NivaranError):
    """A frame or file does not have the columns and types the core expects."""
