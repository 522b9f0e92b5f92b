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
from typing import Any, Final, NoReturn

import polars as pl

from grading.model.paths import DATA_DIR
from grading.model.problems import Rule, find
from grading.model.schema import CHANNELS, CLOSE_OUTCOMES, EVENT_SCHEMA, TIMEZONE, UNASSIGNED, NivaranError
from grading.model.tomlfiles import read_toml
from grading.rules import timeparse
from grading.rules.rowcheck import personal_code_rules

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
    "on_time",
)
REQUIRED_COLUMNS: Final = ("department", "registered_at", "status")
DEFAULTABLE: Final = ("department", "district", "category", "channel")
#: Code columns whose values a mapping may clean up (``[clean.X]``) and name (``[names.X]``).
CODED: Final = ("department", "district", "category")
TABLES: Final = (
    "source",
    "columns",
    "defaults",
    "formats",
    "status",
    "status_if_closed",
    "channel",
    "satisfaction",
    "on_time",
    "limits",
)
#: Fields a mapping may name in ``[source].key`` (the content key of an export without ids). The
#: complainant is never one: a short hash of a phone number can be reversed by trying them all.
KEY_FIELDS: Final = ("registered_at", "department", "district", "category", "channel")
#: The content key when a mapping names no ``complaint_id`` and no ``[source].key``: what a request
#: keeps for its whole life in a city's exports (its agency may change, so it is not part of it).
DEFAULT_KEY: Final = ("registered_at", "category", "district", "channel")


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
    joins: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field → headers joined with a space
    on_time: dict[str, str] = field(default_factory=dict)  # lower-case source answer → "yes" or "no"
    limits: dict[str, float] = field(default_factory=dict)  # category code → its limit in days
    key: tuple[str, ...] = DEFAULT_KEY  # the content key's fields when the export has no id

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


def _fail(path: Path, where: str, what: str) -> NoReturn:
    msg = f"{path}: {where}: {what}"
    raise MappingError(msg)


def _table(raw: dict[str, Any], key: str, path: Path, required: bool = False) -> dict[str, Any]:
    value = raw.get(key, {} if not required else None)
    if not isinstance(value, dict):
        _fail(path, f"[{key}]", "missing" if value is None else "expected a table")
    return value


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


def _columns(columns: dict[str, Any], path: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """``[columns]``: each field's header spellings, and the fields joined from several columns."""
    spellings: dict[str, tuple[str, ...]] = {}
    joins: dict[str, tuple[str, ...]] = {}
    for key, value in columns.items():
        if isinstance(value, dict):  # { join = ["Date", "Time"] }: one value from several columns
            parts = value.get("join")
            if set(value) != {"join"} or not isinstance(parts, list) or len(parts) < 2:
                _fail(path, f"[columns].{key}", 'expected { join = ["Date column", "Time column", ...] }')
            if not all(isinstance(n, str) and n.strip() for n in parts):
                _fail(path, f"[columns].{key}.join", "expected header names")
            joins[key] = tuple(parts)
            continue
        names = (value,) if isinstance(value, str) else value
        if not isinstance(names, list | tuple) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            _fail(path, f"[columns].{key}", "expected a header name or a list of header spellings")
        spellings[key] = tuple(names)
    return spellings, joins


def _key(source: dict[str, Any], has_ids: bool, path: Path) -> list[str]:
    """``[source].key``: the fields of the content key of an export without ids."""
    key_fields = source.get("key", list(DEFAULT_KEY))
    if (
        not isinstance(key_fields, list)
        or not key_fields
        or "registered_at" not in key_fields
        or not set(key_fields) <= set(KEY_FIELDS)
    ):
        _fail(path, "[source].key", f"expected a list of fields holding 'registered_at', from {list(KEY_FIELDS)}")
    if has_ids and "key" in source:
        _fail(path, "[source].key", "a mapping with a complaint_id column needs no key")
    return [str(f) for f in key_fields]


def _limits(raw: dict[str, Any], path: Path) -> dict[str, float]:
    """``[limits]``: a category code's time limit in days."""
    limits = _table(raw, "limits", path)
    for code, days in limits.items():
        if isinstance(days, bool) or not isinstance(days, int | float) or not 0 < days <= 3650:
            _fail(path, f"[limits].{code!r}", f"expected a number of days above 0 and up to 3650, got {days!r}")
    return {str(k): float(v) for k, v in limits.items()}


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
    spellings, joins = _columns(columns, path)
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
    on_time = _values(raw, "on_time", ("yes", "no"), path)
    if ("on_time" in columns) != bool(on_time):
        _fail(path, "[on_time]", 'an on-time column needs its answers, e.g. [on_time] Yes = "yes", No = "no"')
    limits = _limits(raw, path)
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
    key_fields = _key(source_table, "complaint_id" in columns, path)
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
        joins=joins,
        on_time={k.strip().lower(): v for k, v in on_time.items()},
        limits=limits,
        key=tuple(key_fields),
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


def _found(raw: pl.DataFrame, mapping: Mapping) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The file's header for each mapped field (first spelling present) and for each joined field
    (every part present); fields whose columns are absent are left out."""
    headers = {c.strip().lower(): c for c in raw.columns}
    found = {
        k: next(headers[n.strip().lower()] for n in v if n.strip().lower() in headers)
        for k, v in mapping.columns.items()
        if any(n.strip().lower() in headers for n in v)
    }
    joined = {
        k: tuple(headers[n.strip().lower()] for n in parts)
        for k, parts in mapping.joins.items()
        if all(n.strip().lower() in headers for n in parts)
    }
    return found, joined


def absent_fields(raw: pl.DataFrame, mapping: Mapping) -> list[str]:
    """Optional mapped fields whose columns the file lacks, as ``field ('header')`` for the load report:
    a GeoReport response may leave out ``zipcode`` or ``expected_datetime``; their values are then the
    ``[defaults]`` or empty, and the load says so."""
    found, joined = _found(raw, mapping)
    out = []
    for key, names in (*mapping.columns.items(), *mapping.joins.items()):
        if key not in found and key not in joined:
            default = f" → {mapping.defaults[key]!r}" if key in mapping.defaults else ""
            out.append(f"{key} ({' or '.join(repr(n) for n in names)}){default}")
    return out


def _content_ids(keys: pl.Series, prefix: pl.Series) -> pl.Series:
    """``k<16 hex>`` ids from content-key texts (blake2b, 8 bytes), ``-<n>`` on the n-th repeat of a key
    within the file; a row without a key keeps ``prefix`` (its file-and-row id)."""
    frame = pl.DataFrame({"key": keys, "fallback": prefix}).with_row_index("i")
    frame = frame.with_columns(n=pl.int_range(pl.len()).over("key"))
    unique = frame["key"].drop_nulls().unique().to_list()
    digest = {k: "k" + hashlib.blake2b(k.encode(), digest_size=8).hexdigest() for k in unique}
    ids = frame.select(
        pl.when(pl.col("key").is_null())
        .then(pl.col("fallback"))
        .otherwise(
            pl.col("key").replace_strict(digest, default=None, return_dtype=pl.String)
            + pl.when(pl.col("n") > 0).then(pl.format("-{}", pl.col("n") + 1)).otherwise(pl.lit(""))
        )
    ).to_series()
    return ids.alias("complaint_id")


DAY_US: Final = 86_400_000_000


def _at_precision(time: pl.Expr, unit: pl.Expr) -> pl.Expr:
    """``time`` cut to ``unit`` (``day``, ``minute``, or null: unchanged)."""
    return (
        pl.when(unit == timeparse.DAY)
        .then(time.dt.truncate("1d"))
        .when(unit == timeparse.MINUTE)
        .then(time.dt.truncate("1m"))
        .otherwise(time)
    )


def to_events(
    raw: pl.DataFrame,
    mapping: Mapping,
    id_prefix: str,
    store_zone: str = TIMEZONE,
    bounds: tuple[datetime, datetime] | None = None,
    *,
    default_limit_days: float = 7,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Convert a snapshot frame (all text) to canonical events; return ``(events, problems)``.

    ``events`` has ``EVENT_SCHEMA`` plus ``row_number`` (the source row, 1-based); ``problems`` has
    ``grading.model.problems.PROBLEM_SCHEMA``.

    Readings (docs/import.md §3 and §4):

    - **Ids.** Without a ``complaint_id`` column the id is a content key: a hash of the fields in
      ``[source].key`` (default :data:`DEFAULT_KEY`), with ``-2``, ``-3`` … on repeats within the file,
      so a reload or an overlapping export of the same requests finds them again. A row whose key
      cannot be made (its registration time unreadable) is named ``<id_prefix>-<row>``.
    - **Precision.** A time read by a format without a clock (a date) is known to the day, one without
      seconds to the minute. A closing is compared with its registration at the coarser of the two
      precisions, so a request opened at 10:00 and closed "the same day" is valid; it is stored at the
      earliest instant its value allows that is not before the registration (a same-day close takes 0
      days; a later day's close is stored at 00:00 of that day). A due date without a clock is due by
      the end of its day.
    - **Set aside.** A row whose registration cannot be used (time unreadable or implausible, unknown
      status, no department) is set aside whole; a row whose *closing* cannot be used (no closing
      time for a closed status, a time outside the plausible dates, a day before the registration)
      keeps its registration: the request stays open, and the closing is quarantined with its reason.
    - **Time limits**, first that applies: the due column (to the microsecond); the on-time flag column
      (``[on_time]``: a closed request flagged on time gets the larger of ``default_limit_days`` and its
      days to close, one flagged late the smaller of ``default_limit_days`` and just under its days to
      close, so the flag decides its on-time reading); the mapping's ``[limits]`` for its category;
      otherwise none (the category's limits, else the scheme's default).
    """
    found, joined = _found(raw, mapping)
    missing = [
        f"{k} = {' or '.join(repr(n) for n in mapping.columns[k])}"
        for k in mapping.columns
        if k not in found and k not in mapping.defaults and (k in REQUIRED_COLUMNS or k == "complaint_id")
    ]
    missing += [
        f"{k} = join of {list(parts)}"
        for k, parts in mapping.joins.items()
        if k not in joined and k not in mapping.defaults and k in REQUIRED_COLUMNS
    ]
    if missing:
        msg = f"{mapping.path}: the file has no column(s) {missing}"
        raise MappingError(msg)

    def col(key: str) -> pl.Expr:
        if key in found or key in joined:
            if key in joined:
                parts = [pl.col(c).cast(pl.String).str.strip_chars() for c in joined[key]]
                value = pl.concat_str(parts, separator=" ", ignore_nulls=True).str.strip_chars()
            else:
                value = pl.col(found[key]).cast(pl.String).str.strip_chars()
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

    def times(name: str) -> pl.Expr:
        return _times(pl.col(f"{name}_text"), mapping, store_zone)

    def precision(name: str) -> pl.Expr:
        return timeparse.read_precision(pl.col(f"{name}_text"), formats=mapping.datetime_formats)

    rows = raw.with_row_index("row_number", offset=1).with_columns(pl.col("row_number").cast(pl.Int64))
    status_text = col("status")
    frame = rows.select(
        "row_number",
        source_id=col("complaint_id") if "complaint_id" in mapping.columns else pl.lit(None, pl.String),
        department=col("department"),
        district=col("district").fill_null(UNASSIGNED),
        category=col("category").fill_null("GENERAL"),
        complainant=col("complainant"),
        channel_text=col("channel"),
        status_text=status_text,
        outcome=status_text.str.to_lowercase().replace_strict(mapping.status, default=None),
        outcome_if_closed=status_text.str.to_lowercase().replace_strict(mapping.status_if_closed, default=None),
        satisfaction=col("satisfaction").replace_strict(mapping.satisfaction, default=None),
        on_time=col("on_time").str.to_lowercase().replace_strict(mapping.on_time, default=None)
        if mapping.on_time
        else pl.lit(None, pl.String),
        registered_text=time_text("registered_at"),
        closed_text=time_text("closed_at"),
        due_text=time_text("due_at"),
    ).with_columns(
        registered_at=times("registered"),
        closed_at=times("closed"),
        due_at=times("due"),
        registered_precision=precision("registered"),
        closed_precision=precision("closed"),
        due_precision=precision("due"),
    )
    frame = frame.with_columns(complaint_id=_ids(frame, mapping, id_prefix))
    # Two-column statuses: a status listed in [status_if_closed] reads so when the row has a closing time
    # (NYC's "Pending" with a closed date is a closure).
    frame = frame.with_columns(
        outcome=pl.when(pl.col("closed_at").is_not_null() & pl.col("outcome_if_closed").is_not_null())
        .then(pl.col("outcome_if_closed"))
        .otherwise(pl.col("outcome")),
        # the coarser of the two precisions: the closing is compared with the registration at it
        compared_at=pl.when(
            (pl.col("registered_precision") == timeparse.DAY) | (pl.col("closed_precision") == timeparse.DAY)
        )
        .then(pl.lit(timeparse.DAY))
        .otherwise(pl.coalesce("closed_precision", "registered_precision")),
    )
    closes = pl.col("outcome").is_not_null() & (pl.col("outcome") != "open")
    before = _at_precision(pl.col("closed_at"), pl.col("compared_at")) < _at_precision(
        pl.col("registered_at"), pl.col("compared_at")
    )
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
        ("closed_at", "closed_text", closes & before, "closed before it was registered"),
        *personal_code_rules(frame),
    ]
    problems = find(frame, rules)
    # A problem with the closing sets aside the closing only: the registration is kept (an open request).
    whole = problems.filter(pl.col("field") != "closed_at").select("row_number").unique()
    closing_only = problems.filter(pl.col("field") == "closed_at").select("row_number").unique()
    good = frame.join(whole, on="row_number", how="anti").with_columns(
        closing_kept=closes & ~pl.col("row_number").is_in(closing_only["row_number"].implode()),
        # the earliest instant the closing's value allows that is not before the registration
        closed_at=pl.max_horizontal("closed_at", "registered_at"),
        due_at=pl.when(pl.col("due_precision") == timeparse.DAY)
        .then(pl.col("due_at") + pl.duration(days=1) - pl.duration(microseconds=1))
        .otherwise(pl.col("due_at")),
    )
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
        limit_days=_limit_days(mapping, default_limit_days),
    )
    closing = good.filter(pl.col("closing_kept"))
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


def _ids(frame: pl.DataFrame, mapping: Mapping, id_prefix: str) -> pl.Series:
    """Each row's complaint id: the source's, else the content key (:func:`_content_ids`)."""
    if "complaint_id" in mapping.columns:
        return frame["source_id"].alias("complaint_id")
    parts = {
        "registered_at": pl.col("registered_at").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"),
        "department": pl.col("department"),
        "district": pl.col("district"),
        "category": pl.col("category"),
        "channel": pl.col("channel_text"),
    }
    key = pl.when(pl.col("registered_at").is_not_null()).then(
        pl.concat_str([pl.lit(f) + pl.lit("=") + parts[f].fill_null("") for f in mapping.key], separator="\x1f")
    )
    keys = frame.select(key.alias("key")).to_series()
    fallback = frame.select(pl.format(f"{id_prefix}-{{}}", "row_number")).to_series()
    return _content_ids(keys, fallback)


def _limit_days(mapping: Mapping, default_limit_days: float) -> pl.Expr:
    """The registration's own time limit in days (None: the category's), by the first source that
    applies: the due time, the on-time flag, the mapping's ``[limits]`` (see :func:`to_events`)."""
    # Kept to the microsecond: an 8-hour due time is 0.3333 days, never rounded up to a whole day.
    due = ((pl.col("due_at") - pl.col("registered_at")).dt.total_microseconds() / DAY_US).clip(upper_bound=3650)
    took = (pl.col("closed_at") - pl.col("registered_at")).dt.total_microseconds() / DAY_US
    flagged = pl.col("closing_kept") & pl.col("on_time").is_not_null()
    by_flag = (
        pl.when(pl.col("on_time") == "yes")
        .then(pl.max_horizontal(pl.lit(default_limit_days), took))
        .otherwise(pl.min_horizontal(pl.lit(default_limit_days), took - 1 / 86_400))
        .clip(lower_bound=1 / 86_400, upper_bound=3650)  # at least a second: a limit is above 0
    )
    by_category = (
        pl.col("category").replace_strict(mapping.limits, default=None, return_dtype=pl.Float64)
        if mapping.limits
        else pl.lit(None, pl.Float64)
    )
    return (
        pl.when(pl.col("due_at") > pl.col("registered_at")).then(due).when(flagged).then(by_flag).otherwise(by_category)
    )
