"""Mapping files: how a per-request export (one row per request, as most helpline and 311 systems
export) names its columns, times, statuses and codes, read from TOML and checked key by key.

A mapping names the source columns (a column may join several: ``{ join = ["Date", "Time"] }``), the
datetime formats and time zone, maps each source status to ``open`` or to a closure outcome, and may
give an on-time flag's answers, limits per category and the content key of an export without ids.
See ``data/mappings/*.toml`` for real public exports and docs/import.md §3 for the format. Every
mistake is one sentence naming the file and the key. The rows are converted by
:mod:`grading.intake.convert`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final, NoReturn

from grading.model.paths import DATA_DIR
from grading.model.schema import CHANNELS, CLOSE_OUTCOMES, TIMEZONE, NivaranError
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
