"""Per-complaint snapshot exports (one row per complaint, as most helpline and 311 systems export)
turned into the canonical event log through a TOML mapping file.

A mapping names the source columns, the datetime formats and time zone, and maps each source status
to ``open`` or to a closure outcome. See ``data/mappings/*.toml`` for two real public exports (Los
Angeles 311, US CFPB complaints) and the README for the format. Each row becomes:

- ``registered`` at ``registered_at`` (level L1, with department, district, category, channel; the
  complainant is the mapped column, else the complaint itself, so the habitual rule never fires);
  ``limit_days`` = the time from registration to ``due_at`` in days, kept to the second (8 hours =
  0.3333 days), when a due time is given;
- when the status maps to a closure: a ``feedback`` event if ``satisfaction`` maps to satisfied or
  dissatisfied, then ``closed`` at ``closed_at``. A closure the complainant confirmed as satisfied
  has outcome ``satisfied``.

Rows that cannot be converted (unparseable times, unknown status, a closure before the registration,
a closed status with no closing time) are reported like any bad row: file, line, field, value, reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import polars as pl

from grading.model.paths import DATA_DIR
from grading.model.problems import Rule, find
from grading.model.schema import CHANNELS, CLOSE_OUTCOMES, EVENT_SCHEMA, TIMEZONE, UNASSIGNED, NivaranError
from grading.model.tomlfiles import read_toml
from grading.rules import timeparse

MAPPING_DIR: Final = DATA_DIR / "mappings"
COLUMN_KEYS: Final = (
    "complaint_id",
    "department",
    "district",
    "category",
    "registered_at",
    "closed_at",
    "due_at",
    "status",
    "channel",
    "satisfaction",
    "complainant",
)
REQUIRED_COLUMNS: Final = ("department", "registered_at", "status")
DEFAULTABLE: Final = ("department", "district", "category", "channel")
#: Code columns whose values a mapping may clean up (``[clean.X]``) and name (``[names.X]``).
CODED: Final = ("department", "district", "category")
TABLES: Final = ("source", "columns", "defaults", "formats", "status", "status_if_closed", "channel", "satisfaction")


class MappingError(NivaranError):
    """A mapping file is malformed, or a file does not have the columns its mapping names."""


@dataclass(frozen=True)
class Mapping:
    """A loaded, checked mapping file."""

    name: str
    columns: dict[str, tuple[str, ...]]  # each field's header spellings, first present wins
    defaults: dict[str, str]
    datetime_formats: tuple[str, ...]
    timezone: str
    status: dict[str, str]  # keys lower-case: statuses match without regard to case
    channel: dict[str, str]
    satisfaction: dict[str, str]
    path: Path
    status_if_closed: dict[str, str] = field(default_factory=dict)  # lower-case keys; rows with a closing time
    clean: dict[str, dict[str, str]] = field(default_factory=dict)  # field → lower-case source value → code
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # field → code → display name
    sentinels: tuple[str, ...] = ()  # time values that mean "no time" (1900-01-01)
    digest: str = ""  # sha256 of the mapping file: a file loaded under a changed mapping loads again
    exported_at: str | None = None  # [source].exported_at: the export's cut-off, as written (read at load)

    def export_time(self, store_zone: str) -> datetime | None:
        """``[source].exported_at`` as the store's wall clock (values without an offset: the mapping's zone)."""
        if self.exported_at is None:
            return None
        where = f"{self.path}: [source].exported_at"
        try:
            return timeparse.read_one(
                self.exported_at, formats=self.datetime_formats, zone=self.timezone, store_zone=store_zone, where=where
            )
        except timeparse.TimeFormatError as exc:
            raise MappingError(str(exc)) from None


def _fail(path: Path, where: str, what: str) -> None:
    msg = f"{path}: {where}: {what}"
    raise MappingError(msg)


def _table(raw: dict[str, Any], key: str, path: Path, required: bool = False) -> dict[str, Any]:
    value = raw.get(key, {} if not required else None)
    if not isinstance(value, dict):
        _fail(path, f"[{key}]", "missing" if value is None else "expected a table")
    return value  # type: ignore[return-value]


def _values(
    raw: dict[str, Any], key: str, allowed: tuple[str, ...], path: Path, required: bool = False
) -> dict[str, str]:
    """A ``[key]`` table mapping source values to one of ``allowed``."""
    table = {str(k): str(v) for k, v in _table(raw, key, path, required=required).items()}
    for source, target in table.items():
        if target not in allowed:
            _fail(path, f"[{key}].{source!r}", f"expected one of {list(allowed)}, got {target!r}")
    return table


def _text_or_none(table: dict[str, Any], key: str, path: Path) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        _fail(path, f"[source].{key}", "expected a time as text, e.g. '2024-08-15T10:00:00-05:00'")
    return value


def load(name_or_path: str | Path) -> Mapping:
    """Load a shipped mapping by name (``la311``) or any mapping file by path, and check it."""
    raw, path = read_toml(name_or_path, MAPPING_DIR, "mapping", MappingError)
    unknown = sorted(set(raw) - {*TABLES, "clean", "names"})
    if unknown:
        _fail(path, "file", f"unknown table(s) {unknown}; expected some of {[*TABLES, 'clean', 'names']}")
    columns = _table(raw, "columns", path, required=True)
    bad = sorted(set(columns) - set(COLUMN_KEYS))
    if bad:
        _fail(path, "[columns]", f"unknown key(s) {bad}; expected some of {list(COLUMN_KEYS)}")
    spellings: dict[str, tuple[str, ...]] = {}
    for key, value in columns.items():
        names = (value,) if isinstance(value, str) else value
        if not isinstance(names, list | tuple) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            _fail(path, f"[columns].{key}", "expected a header name or a list of header spellings")
        spellings[key] = tuple(names)
    coded = {}
    for table in ("clean", "names"):
        given = _table(raw, table, path)
        if sorted(set(given) - set(CODED)):
            _fail(path, f"[{table}]", f"only {list(CODED)} can have a [{table}.X] table")
        coded[table] = {k: {str(a): str(b) for a, b in _table(given, k, path).items()} for k in given}

    defaults = _table(raw, "defaults", path)
    if sorted(set(defaults) - set(DEFAULTABLE)):
        _fail(path, "[defaults]", f"only {list(DEFAULTABLE)} can have a default")
    for key in REQUIRED_COLUMNS:
        if key not in columns and key not in defaults:
            _fail(path, "[columns]", f"'{key}' is required")
    formats = _table(raw, "formats", path)
    sentinels = formats.get("sentinels", [])
    if not isinstance(sentinels, list) or not all(isinstance(v, str) and v for v in sentinels):
        _fail(path, "[formats].sentinels", 'expected a list of texts, e.g. ["1900-01-01"]')
    dt = formats.get("datetime", "%Y-%m-%d %H:%M:%S")
    if not isinstance(dt, (str, list)):
        _fail(path, "[formats].datetime", "expected a format string or a list of them")
    where = f"{path}: [formats]"
    try:
        dt_formats = timeparse.check_formats([dt] if isinstance(dt, str) else dt, f"{where}.datetime")
        zone = timeparse.check_zone(str(formats.get("timezone", TIMEZONE)), f"{where}.timezone")
    except timeparse.TimeFormatError as exc:
        raise MappingError(str(exc)) from None
    status = _values(raw, "status", ("open", *CLOSE_OUTCOMES), path, required=True)
    channel = _values(raw, "channel", CHANNELS, path)
    satisfaction = _values(raw, "satisfaction", ("satisfied", "dissatisfied", "none"), path)
    source_table = _table(raw, "source", path)
    exported_at = _text_or_none(source_table, "exported_at", path)
    mapping = Mapping(
        name=str(source_table.get("name", path.stem)),
        columns=spellings,
        defaults={k: str(v) for k, v in defaults.items()},
        datetime_formats=dt_formats,
        timezone=zone,
        status={k.strip().lower(): v for k, v in status.items()},
        channel=channel,
        satisfaction=satisfaction,
        path=path,
        status_if_closed={
            k.strip().lower(): v for k, v in _values(raw, "status_if_closed", ("open", *CLOSE_OUTCOMES), path).items()
        },
        clean={k: {a.strip().lower(): b for a, b in v.items()} for k, v in coded["clean"].items()},
        names=coded["names"],
        sentinels=tuple(sentinels),
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
        exported_at=exported_at,
    )
    mapping.export_time(zone)  # a time that cannot be read is refused now, before any file is read
    return mapping


def _times(text: pl.Expr, mapping: Mapping, store_zone: str) -> pl.Expr:
    """Source text → the store's wall-clock time (rules: :mod:`grading.rules.timeparse`; null if none fits)."""
    return timeparse.read_times(text, formats=mapping.datetime_formats, zone=mapping.timezone, store_zone=store_zone)


def window_rules(bounds: tuple[datetime, datetime] | None) -> list[Rule]:
    """A registration or closing time outside the store's plausible window is a bad row."""
    if bounds is None:
        return []
    reason = timeparse.window_reason(bounds)
    return [
        (field, f"{field[:-3]}_text", timeparse.outside_window(pl.col(field), bounds), reason)
        for field in ("registered_at", "closed_at")
    ]


def to_events(
    raw: pl.DataFrame,
    mapping: Mapping,
    id_prefix: str,
    store_zone: str = TIMEZONE,
    bounds: tuple[datetime, datetime] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Convert a snapshot frame (all text) to canonical events; return ``(events, problems)``.

    ``events`` has ``EVENT_SCHEMA`` plus ``row_number`` (the source row, 1-based); ``problems`` has
    ``grading.model.problems.PROBLEM_SCHEMA``. ``id_prefix`` builds ids (``<prefix>-<row>``) when the mapping
    names no ``complaint_id`` column.
    """
    headers = {c.strip().lower(): c for c in raw.columns}
    found = {
        k: next((headers[n.strip().lower()] for n in v if n.strip().lower() in headers), None)
        for k, v in mapping.columns.items()
    }
    missing = [f"{k} = {' or '.join(repr(n) for n in mapping.columns[k])}" for k, v in found.items() if v is None]
    if missing:
        msg = f"{mapping.path}: the file has no column(s) {missing}"
        raise MappingError(msg)

    def col(key: str) -> pl.Expr:
        if key in mapping.columns:
            value = pl.col(str(found[key])).cast(pl.String).str.strip_chars()
            value = pl.when(value.str.len_chars() > 0).then(value)
            if key in mapping.clean:  # clean-up table: source spellings → one code (others unchanged)
                value = value.str.to_lowercase().replace_strict(mapping.clean[key], default=value)
            if key in mapping.defaults:
                value = value.fill_null(pl.lit(mapping.defaults[key]))
            return value
        if key in mapping.defaults:
            return pl.lit(mapping.defaults[key])
        return pl.lit(None, pl.String)

    def time_text(key: str) -> pl.Expr:
        """A time column with the mapping's sentinel values (1900-01-01 …) read as empty."""
        text = col(key)
        for sentinel in mapping.sentinels:
            text = pl.when(text.str.starts_with(sentinel)).then(None).otherwise(text)
        return text

    rows = raw.with_row_index("row_number", offset=1).with_columns(pl.col("row_number").cast(pl.Int64))
    ids = col("complaint_id") if "complaint_id" in mapping.columns else pl.format(f"{id_prefix}-{{}}", "row_number")
    status_text = col("status")
    frame = rows.select(
        "row_number",
        complaint_id=ids,
        department=col("department"),
        district=col("district").fill_null(UNASSIGNED),
        category=col("category").fill_null("GENERAL"),
        complainant=col("complainant"),
        channel_text=col("channel"),
        status_text=status_text,
        outcome=status_text.str.to_lowercase().replace_strict(mapping.status, default=None),
        outcome_if_closed=status_text.str.to_lowercase().replace_strict(mapping.status_if_closed, default=None),
        satisfaction=col("satisfaction").replace_strict(mapping.satisfaction, default=None),
        registered_text=time_text("registered_at"),
        closed_text=time_text("closed_at"),
        due_text=time_text("due_at"),
    ).with_columns(
        registered_at=_times(pl.col("registered_text"), mapping, store_zone),
        closed_at=_times(pl.col("closed_text"), mapping, store_zone),
        due_at=_times(pl.col("due_text"), mapping, store_zone),
    )
    # Two-column statuses: a status listed in [status_if_closed] reads so when the row has a closing time
    # (NYC's "Pending" with a closed date is a closure).
    frame = frame.with_columns(
        outcome=pl.when(pl.col("closed_at").is_not_null() & pl.col("outcome_if_closed").is_not_null())
        .then(pl.col("outcome_if_closed"))
        .otherwise(pl.col("outcome"))
    )
    closes = pl.col("outcome").is_not_null() & (pl.col("outcome") != "open")
    rules: list[Rule] = [
        ("complaint_id", "complaint_id", pl.col("complaint_id").is_null(), "required"),
        ("department", "department", pl.col("department").is_null(), "required"),
        (
            "registered_at",
            "registered_text",
            pl.col("registered_at").is_null(),
            f"not a time in {list(mapping.datetime_formats)}",
        ),
        ("status", "status_text", pl.col("outcome").is_null(), "unknown status: add it to [status] in the mapping"),
        ("closed_at", "closed_text", closes & pl.col("closed_at").is_null(), "a closed status needs a closing time"),
        *window_rules(bounds),
        (
            "closed_at",
            "closed_text",
            closes & (pl.col("closed_at") < pl.col("registered_at")),
            "closed before it was registered",
        ),
    ]
    problems = find(frame, rules)
    good = frame.join(problems.select("row_number").unique(), on="row_number", how="anti")
    # Kept to the microsecond: an 8-hour due time is 0.3333 days, never rounded up to a whole day.
    lasts = (pl.col("due_at") - pl.col("registered_at")).dt.total_microseconds()
    limit = (lasts / 86_400_000_000).clip(upper_bound=3650)
    registered = good.select(
        "row_number",
        "complaint_id",
        event_time=pl.col("registered_at"),
        event=pl.lit("registered"),
        level=pl.lit("L1"),
        department=pl.col("department"),
        district=pl.col("district"),
        category=pl.col("category"),
        complainant=pl.coalesce("complainant", "complaint_id"),
        channel=pl.col("channel_text").replace_strict(mapping.channel, default="other")
        if mapping.channel
        else pl.lit(None, pl.String),
        limit_days=pl.when(pl.col("due_at") > pl.col("registered_at")).then(limit),
    )
    closing = good.filter(closes)
    answered = closing.filter(pl.col("satisfaction").is_in(("satisfied", "dissatisfied")))
    feedback = answered.select(
        "row_number",
        "complaint_id",
        event_time=pl.col("closed_at"),
        event=pl.lit("feedback"),
        outcome=pl.col("satisfaction"),
    )
    closed = closing.select(
        "row_number",
        "complaint_id",
        event_time=pl.col("closed_at"),
        event=pl.lit("closed"),
        outcome=pl.when((pl.col("outcome") == "resolved") & (pl.col("satisfaction") == "satisfied"))
        .then(pl.lit("satisfied"))
        .otherwise(pl.col("outcome")),
    )
    events = pl.concat([registered, feedback, closed], how="diagonal_relaxed")
    for name in EVENT_SCHEMA.names():
        if name not in events.columns:
            events = events.with_columns(pl.lit(None).alias(name))
    events = events.select("row_number", *EVENT_SCHEMA.names()).cast(EVENT_SCHEMA)
    return events.sort("row_number", "event_time", "event"), problems
