"""Readers for record-shaped exports that are not CSV: Socrata JSON arrays and Open311 GeoReport v2.

Each reader returns one frame, every column as text, one row per record in file order, so a mapping
(:mod:`grading.intake.mapping`) reads them exactly as it reads a CSV export:

- **JSON array** (``.json``): ``[{"field": value, ...}, ...]``, the shape of a Socrata ``rows.json``
  / SODA export and of an Open311 GeoReport v2 ``requests.json``. Numbers and booleans become their
  text; nested objects and lists (Socrata locations) their JSON text; a field a record lacks is empty.
- **Open311 GeoReport v2 XML** (``.xml``): ``<service_requests><request><service_request_id>…``; each
  child element of a ``<request>`` is a field. Files with a document type or entity declarations are
  refused (an XML bomb is not a 311 export).

Errors are one sentence naming the file and, where known, the record.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Final

import polars as pl

from grading.model.schema import NivaranError

SUFFIXES: Final = (".json", ".xml")


class ReaderError(NivaranError):
    """A JSON or XML export cannot be read."""


def handles(path: Path) -> bool:
    """Whether ``path`` is read here rather than by Polars' CSV/JSON Lines/Parquet scanners."""
    return path.suffix.lower() in SUFFIXES


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _frame(records: list[dict[str, Any]]) -> pl.DataFrame:
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    data = {c: [_text(r.get(c)) for r in records] for c in columns}
    return pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String))


def read_json(path: Path) -> pl.DataFrame:
    """A JSON array of objects (Socrata, Open311 GeoReport v2) as a text frame."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ReaderError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ReaderError(f"{path}: cannot read as UTF-8 JSON ({exc})") from exc
    except json.JSONDecodeError as exc:
        msg = f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})"
        raise ReaderError(msg) from exc
    if isinstance(data, dict) and isinstance(data.get("data"), list) and "meta" in data:
        msg = f"{path}: a Socrata rows.json with column metadata; export the rows as JSON (an array of objects)"
        raise ReaderError(msg)
    if not isinstance(data, list):
        msg = f"{path}: expected a JSON array of records ([{{...}}, ...]), found a {type(data).__name__}"
        raise ReaderError(msg)
    for i, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            msg = f"{path}, record {i}: expected an object of fields, found {_text(record)!r}"
            raise ReaderError(msg)
    return _frame(data)


def read_xml(path: Path) -> pl.DataFrame:
    """An Open311 GeoReport v2 ``<service_requests>`` document as a text frame (one row per ``<request>``)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ReaderError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ReaderError(f"{path}: cannot read ({exc})") from exc
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        msg = f"{path}: XML with a document type or entities is refused; export plain GeoReport v2 XML"
        raise ReaderError(msg)
    try:
        root = ET.fromstring(raw)  # noqa: S314 - no DTD or entities (checked above)
    except ET.ParseError as exc:
        line = exc.position[0]
        msg = f"{path}, line {line}: not well-formed XML ({exc})"
        raise ReaderError(msg) from exc
    requests = root.findall("request") if root.tag != "request" else [root]
    if root.tag not in ("service_requests", "request"):
        msg = f"{path}: expected Open311 <service_requests>, found <{root.tag}>"
        raise ReaderError(msg)
    records = [{child.tag: (child.text or "").strip() or None for child in request} for request in requests]
    return _frame(records)


def physical_lines(path: Path, records: list[int]) -> dict[int, int]:
    """The file line on which each of ``records`` (1-based data rows of a CSV) starts.

    A quoted field may hold line breaks, so record N is not always line N + 1. Reads the file only up
    to the last record asked for; an unreadable file or a non-CSV gives an empty answer (callers then
    fall back to the record number).
    """
    wanted = set(records)
    out: dict[int, int] = {}
    if not wanted or handles(path) or path.suffix.lower() in (".parquet", ".jsonl", ".ndjson"):
        return out
    last = max(wanted)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            start = reader.line_num + 1
            for number, _ in enumerate(reader, start=1):
                if number in wanted:
                    out[number] = start
                if number >= last:
                    break
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return out


def read(path: Path) -> pl.DataFrame:
    """A ``.json`` array or ``.xml`` GeoReport v2 export as a text frame."""
    return read_xml(path) if path.suffix.lower() == ".xml" else read_json(path)
