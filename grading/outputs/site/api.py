"""The read API: the public aggregates of a month as JSON documents, and a JSON Schema for each (pure).

The same documents are written as static files into the site (``api/v1/<month>/<endpoint>.json``, with
``api/v1/months.json`` listing the months) and served live by the dashboard's server for a signed-in
user (``ui/web.py``, any month, provisional ones too). A document is an object: what it is
(``api_version``, ``endpoint``, ``month``, ``status`` published or provisional, the publication's time and
version, the scheme, the helpline, the suppression threshold and the band small counts fall in) and
``rows``. The rows of ``departments``, ``districts`` and ``cells`` hold the same columns and values as the
package's CSV files (:func:`grading.outputs.publish.public_csv`), except that a hidden figure is ``null``
and the markers ``small_figures`` and ``hidden_figures`` are lists of column names; ``flags`` lists the
flags raised on shown rows, without figures (:func:`grading.serve.public.flags`).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any, Final

import polars as pl

from grading.model.registry import FIELDS, METRICS
from grading.outputs import publish
from grading.outputs.site import layout
from grading.outputs.site.datapackage import field_type
from grading.outputs.site.read import MonthData
from grading.scoring import suppress
from grading.scoring.flags import FLAGS, describe

API_VERSION: Final = 1
SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_KIND: Final = {"departments": "department", "districts": "district"}


def _plain(value: object) -> object:
    """A value as JSON holds it: dates and times as ISO text, a NaN as null."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(rows: pl.DataFrame) -> list[dict[str, object]]:
    """``rows`` as JSON objects: markers as lists of column names, every other value plain."""
    out = []
    for row in rows.to_dicts():
        for marker in suppress.MARKERS:
            if marker in row:
                row[marker] = str(row[marker] or "").split()
        out.append({k: _plain(v) for k, v in row.items()})
    return out


def table_rows(data: MonthData, endpoint: str) -> pl.DataFrame:
    """The rows of ``endpoint`` (``departments``, ``districts`` or ``cells``) as the package's CSV file
    holds them (columns and rounding; :func:`grading.outputs.publish.public_csv`), without the other
    entity type's code and names in a ranking."""
    if endpoint == "cells":
        return publish.public_csv(data.cells)
    kind = _KIND[endpoint]
    other = "district" if kind == "department" else "department"
    rows = publish.public_csv(publish.ranking_table(data.rankings[kind], kind))
    return rows.drop([c for c in (other, f"{other}_name", f"{other}_name_hi") if c in rows.columns])


def _envelope(data: MonthData, endpoint: str) -> dict[str, Any]:
    p = data.publication
    return {
        "api_version": API_VERSION,
        "endpoint": endpoint,
        "month": layout.month_key(data.month),
        "status": "published" if p is not None else "provisional",
        "published_at": p.published_at.isoformat() if p is not None else None,
        "publication_version": p.version if p is not None else None,
        "scheme": {"name": data.scheme.name, "version": data.version.version},
        "helpline": data.helpline,
        "suppress_below": data.scheme.suppress_below,
        "small_band": suppress.band(data.scheme.suppress_below),
    }


def document(data: MonthData, endpoint: str) -> dict[str, Any]:
    """The JSON document of ``endpoint`` (one of :data:`grading.outputs.site.layout.ENDPOINTS`) for the month."""
    if endpoint not in layout.ENDPOINTS:
        msg = f"unknown endpoint {endpoint!r}: expected one of {', '.join(layout.ENDPOINTS)}"
        raise ValueError(msg)
    if endpoint != "flags":
        return {**_envelope(data, endpoint), "rows": records(table_rows(data, endpoint))}
    settings = data.version.flags
    rows = []
    for row in records(data.flags):
        code = str(row["flag"])
        en, hi, *_ = FLAGS[code]
        rows.append({**row, "title_en": en, "title_hi": hi, "rule": describe(code, settings)})
    return {**_envelope(data, endpoint), "rows": rows}


def months_document(helpline: str, scheme: str, months: list[tuple[date, datetime, int, str]]) -> dict[str, Any]:
    """``months.json``: every month the site holds (``months``: month, published at, publication version,
    scheme version), newest first, with the addresses of its documents, pages and package (relative to
    ``months.json``)."""
    listed = []
    for month, published_at, version, scheme_version in sorted(months, reverse=True):
        here = f"{layout.API}/months.json"
        listed.append(
            {
                "month": layout.month_key(month),
                "published_at": published_at.isoformat(),
                "publication_version": version,
                "scheme_version": scheme_version,
                "documents": {e: layout.href(here, layout.api_month(month, e)) for e in layout.ENDPOINTS},
                "pages": {lang: layout.href(here, layout.overview(lang, month)) for lang in layout.LANGS},
                "package": layout.href(here, f"{layout.data_dir(month)}/datapackage.json"),
            }
        )
    return {
        "api_version": API_VERSION,
        "endpoint": "months",
        "helpline": helpline,
        "scheme": scheme,
        "latest": listed[0]["month"] if listed else None,
        "months": listed,
    }


def dumps(document: dict[str, Any], *, indent: int | None = None) -> str:
    """A document as the site writes it: UTF-8 text (Devanagari as is), keys in their order, compact (a
    month's cells are 3,000 rows; ``indent`` for the small documents a person reads)."""
    if indent is not None:
        return json.dumps(document, ensure_ascii=False, indent=indent) + "\n"
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


# --- JSON Schemas -------------------------------------------------------------------------------------

_JSON_TYPES: Final = {
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "string": "string",
    "date": "string",
    "datetime": "string",
}


def _property(name: str) -> dict[str, Any]:
    """The schema of one column of a row, described from the registry (nullable: a hidden figure)."""
    entry = METRICS.get(name) or FIELDS.get(name)
    kind = field_type(name)
    schema: dict[str, Any] = {"type": [_JSON_TYPES[kind], "null"]}
    if kind == "date":
        schema["format"] = "date"
    if name in suppress.MARKERS:
        schema = {"type": "array", "items": {"type": "string"}}
    if entry is not None:
        schema["title"] = entry.label_en
        schema["description"] = f"{entry.description} Unit: {entry.unit}."
    return schema


def _names(kind: str) -> list[str]:
    return [kind, f"{kind}_name", f"{kind}_name_hi"]


def _row_schema(columns: list[str], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {c: _property(c) for c in columns},
        "patternProperties": {
            "^points_[A-Za-z0-9_]+$": {
                "type": ["number", "null"],
                "description": "Points earned on one component of the scheme (its weight at most). Unit: points.",
            }
        },
        "required": required,
        "additionalProperties": False,
    }


#: Columns a ranking row may hold besides the metrics: who, when, grading and suppression.
_RANKING_FIELDS: Final = [c for c in FIELDS if c not in ("entity_type", "rank", "group_rank")]


def schema(endpoint: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``endpoint``'s documents (``months`` or one of
    :data:`grading.outputs.site.layout.ENDPOINTS`)."""
    envelope = {
        "api_version": {"const": API_VERSION},
        "endpoint": {"const": endpoint},
        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        "status": {"enum": ["published", "provisional"]},
        "published_at": {"type": ["string", "null"], "description": "When the month was published (local time)."},
        "publication_version": {"type": ["integer", "null"]},
        "scheme": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "version": {"type": "string"}},
            "required": ["name", "version"],
        },
        "helpline": {"type": "string"},
        "suppress_below": {"type": "integer", "description": "Rows with fewer complaints received show no figure."},
        "small_band": {
            "type": "string",
            "description": "How a small count reads on the pages; in rows it is null and named in small_figures.",
        },
    }
    if endpoint == "months":
        month = {
            "type": "object",
            "properties": {
                "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                "published_at": {"type": "string"},
                "publication_version": {"type": "integer"},
                "scheme_version": {"type": "string"},
                "documents": {
                    "type": "object",
                    "properties": {e: {"type": "string"} for e in layout.ENDPOINTS},
                    "required": list(layout.ENDPOINTS),
                },
                "pages": {"type": "object", "properties": {lang: {"type": "string"} for lang in layout.LANGS}},
                "package": {"type": "string"},
            },
            "required": ["month", "published_at", "publication_version", "documents", "pages", "package"],
        }
        body: dict[str, Any] = {
            "type": "object",
            "properties": {
                "api_version": envelope["api_version"],
                "endpoint": envelope["endpoint"],
                "helpline": {"type": "string"},
                "scheme": {"type": "string"},
                "latest": {"type": ["string", "null"]},
                "months": {"type": "array", "items": month},
            },
            "required": ["api_version", "endpoint", "helpline", "scheme", "latest", "months"],
        }
    else:
        if endpoint in _KIND:
            kind = _KIND[endpoint]
            columns = ["month", *_names(kind), *METRICS, *_RANKING_FIELDS]
            required = ["month", *_names(kind), "rank_text", "is_ranked", "suppressed", "suppressed_reason"]
            required += list(suppress.MARKERS)
            rows = _row_schema(list(dict.fromkeys(columns)), required)
        elif endpoint == "cells":
            columns = ["month", *_names("district"), *_names("department"), *METRICS, "suppressed", "suppressed_reason"]
            required = ["month", "district", "department", "received", "suppressed", "suppressed_reason"]
            rows = _row_schema([*columns, *suppress.MARKERS], [*required, *suppress.MARKERS])
        else:
            rows = {
                "type": "object",
                "properties": {
                    "entity_type": {"enum": list(_KIND.values())},
                    "month": {"type": "string", "format": "date"},
                    **{c: {"type": ["string", "null"]} for c in [*_names("department"), *_names("district")]},
                    "flag": {"enum": list(FLAGS)},
                    "title_en": {"type": "string"},
                    "title_hi": {"type": "string"},
                    "rule": {"type": "string", "description": "The flag's rule with the scheme's thresholds."},
                },
                "required": ["entity_type", "month", "department", "district", "flag", "title_en", "title_hi", "rule"],
                "additionalProperties": False,
            }
        body = {
            "type": "object",
            "properties": {**envelope, "rows": {"type": "array", "items": rows}},
            "required": [*envelope, "rows"],
        }
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": layout.api_schema(endpoint),
        "title": f"Nivaran read API v{API_VERSION}: {endpoint}",
        **body,
    }


SCHEMAS: Final = ("months", *layout.ENDPOINTS)
