"""The package described for machines: a Frictionless Data Package (``datapackage.json``) and DCAT
metadata (``dcat.json``, JSON-LD) for a state's open-data portal (pure: the package's files in, JSON out).

**datapackage.json** (Frictionless Data Package v1): one resource per file; each CSV file a tabular
resource with its dialect, size, sha256 and a Table Schema: one field per column, in the file's order,
with its type (from the column's unit in :mod:`grading.model.registry`, :func:`field_type`), English
title and definition (the package's own ``dictionary.csv``), and two properties of Nivaran's own,
``unit`` and ``title_hi``. ``missingValues`` is ``[""]``: an empty cell is a figure the suppression rule
hides (the row's ``small_figures`` and ``hidden_figures`` name which, and why) or one that has no value
(a percentage over zero complaints, named in neither). A small count (1 to 4 under the shipped
threshold) is written as an empty cell too, never as a band: a band would make a count column text.

**dcat.json**: a ``dcat:Dataset`` with title and description (English and Hindi), publisher (the
helpline's name), issue date, the month as its temporal coverage, keywords, and one
``dcat:Distribution`` per file (media type, size, sha256 checksum, download address: relative to the
package, or absolute under the site's address when it is known).
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import polars as pl

from grading.model.registry import FIELDS, METRICS

#: Table Schema type of each registry unit.
_UNIT_TYPES: Final = {
    "count": "integer",
    "pct": "number",
    "days": "number",
    "points": "number",
    "rank": "integer",
    "months": "integer",
    "group": "integer",
    "flag": "boolean",
    "date": "date",
    "time": "datetime",
    "text": "string",
    "code": "string",
}
#: Columns whose values are not what their unit suggests: the reason a row is not graded is a word, and
#: the markers are column names separated by spaces.
_TEXT_COLUMNS: Final = frozenset({"not_graded", "small_figures", "hidden_figures", "suppressed_reason"})
#: How the package's CSV writer prints a time (:func:`grading.outputs.publish.write_csv`, via Polars).
DATETIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S.%f"
#: The columns of ``dictionary.csv`` itself, which documents every other file.
DICTIONARY_FIELDS: Final = {
    "file": "The CSV file the column is in.",
    "column": "The column's name (its header).",
    "label_en": "The column's label in English.",
    "label_hi": "The column's label in Hindi.",
    "unit": "count, pct (0-100), days, points, rank, months, group, flag (true/false), date, time, text or code.",
    "definition": "What the column holds, in plain words.",
}
#: A table's key, where it has one (history rows of departments have no district, and the reverse).
PRIMARY_KEYS: Final = {
    "ranking-department.csv": ["month", "department"],
    "ranking-district.csv": ["month", "district"],
    "cells.csv": ["month", "district", "department"],
    "dictionary.csv": ["file", "column"],
}
MEDIA_TYPES: Final = {"csv": "text/csv", "pdf": "application/pdf", "json": "application/json"}
SUPPRESSION_NOTE: Final = (
    "Aggregates only, through Nivaran's suppression rule (docs/public.md). An empty cell is a figure left out: "
    "a row with fewer complaints received than the threshold has every figure empty and suppressed=true "
    "(suppressed_reason small, or complementary when hidden so that a small one cannot be worked out from a "
    "total); on a shown row, a count from 1 to one less than the threshold is empty and named in small_figures, "
    "and a figure computed from a hidden count, or hidden as a complement, is empty and named in hidden_figures. "
    "An empty cell named in neither has no value (for example a percentage over zero complaints)."
)


def field_type(column: str) -> str:
    """The Table Schema type of a public column (``integer``, ``number``, ``boolean``, ``date``,
    ``datetime`` or ``string``), from its unit in the registry; a component's points are numbers."""
    if column in _TEXT_COLUMNS:
        return "string"
    entry = METRICS.get(column) or FIELDS.get(column)
    if entry is not None:
        return _UNIT_TYPES.get(entry.unit, "string")
    return "number" if column.startswith("points_") else "string"


@dataclass(frozen=True)
class PackageInfo:
    """What the descriptors say about the package: the helpline (its publisher), the scheme, the month,
    when and which version of it was published."""

    helpline: str
    scheme: str
    scheme_title_en: str
    scheme_title_hi: str
    scheme_version: str
    month: date
    published_at: datetime
    version: int

    @property
    def name(self) -> str:
        """The package's name: lower case, digits, ``-`` (Frictionless' rule)."""
        text = f"nivaran-{self.scheme}-{self.month:%Y-%m}".lower()
        return re.sub(r"[^a-z0-9._-]+", "-", text)


def _header(content: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(content.decode("utf-8-sig"))), [])


def _field(column: str, documented: dict[str, dict[str, str]]) -> dict[str, Any]:
    """One Table Schema field; ``documented``: column → its row of ``dictionary.csv``."""
    kind = field_type(column)
    found = documented.get(column, {})
    entry = METRICS.get(column) or FIELDS.get(column)
    field: dict[str, Any] = {"name": column, "type": kind}
    title = found.get("label_en") or (entry.label_en if entry else column)
    field["title"] = title
    hindi = found.get("label_hi") or (entry.label_hi if entry else "")
    if hindi:
        field["title_hi"] = hindi
    description = found.get("definition") or (entry.description if entry else "")
    if description:
        field["description"] = description
    unit = found.get("unit") or (entry.unit if entry else "")
    if unit:
        field["unit"] = unit
    if kind == "boolean":
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    elif kind == "datetime":
        field["format"] = DATETIME_FORMAT
    if kind == "number" and unit == "pct":
        field["constraints"] = {"minimum": 0, "maximum": 100}
    return field


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def datapackage(info: PackageInfo, files: dict[str, bytes], dictionary: pl.DataFrame) -> dict[str, Any]:
    """``datapackage.json`` for the package's ``files`` (name → bytes, in the package's order);
    ``dictionary``: the package's ``dictionary.csv`` read back (file, column, labels, unit, definition)."""
    by_file: dict[str, dict[str, dict[str, str]]] = {}
    for row in dictionary.iter_rows(named=True):
        by_file.setdefault(str(row["file"]), {})[str(row["column"])] = {
            k: str(row[k] or "") for k in ("label_en", "label_hi", "unit", "definition")
        }
    resources = []
    for name, content in files.items():
        stem, _, ext = name.rpartition(".")
        resource: dict[str, Any] = {
            "name": re.sub(r"[^a-z0-9._-]+", "-", stem.lower()),
            "path": name,
            "format": ext,
            "mediatype": MEDIA_TYPES.get(ext, "application/octet-stream"),
            "bytes": len(content),
            "hash": f"sha256:{_sha256(content)}",
        }
        if ext == "csv":
            documented = by_file.get(name, {})
            if name == "dictionary.csv":
                documented = {c: {"definition": d, "unit": "text", "label_en": c} for c, d in DICTIONARY_FIELDS.items()}
            schema: dict[str, Any] = {
                "fields": [_field(c, documented) for c in _header(content)],
                "missingValues": [""],
            }
            if name in PRIMARY_KEYS:
                schema["primaryKey"] = PRIMARY_KEYS[name]
            resource |= {
                "profile": "tabular-data-resource",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "doubleQuote": True, "header": True, "lineTerminator": "\n"},
                "description": SUPPRESSION_NOTE if name != "dictionary.csv" else "Every column of every CSV file.",
                "schema": schema,
            }
        resources.append(resource)
    return {
        "profile": "data-package",
        "name": info.name,
        "title": f"{info.scheme_title_en}: grading of {info.month:%B %Y}",
        "description": (
            f"The published monthly grading of {info.helpline} for {info.month:%B %Y} under the scheme "
            f"{info.scheme} {info.scheme_version}: department and district rankings, every month's history, the "
            f"district × department cells, a data dictionary and the press report. {SUPPRESSION_NOTE}"
        ),
        "version": str(info.version),
        "created": info.published_at.isoformat(),
        "keywords": ["grievance redressal", "public grievances", "CM helpline", "grading", "ranking"],
        "contributors": [{"title": info.helpline, "role": "publisher"}],
        "temporal": {"start": f"{info.month:%Y-%m-%d}", "end": _month_end(info.month).isoformat()},
        "resources": resources,
    }


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def dcat(info: PackageInfo, files: dict[str, bytes], base: str | None = None) -> dict[str, Any]:
    """``dcat.json``: the package as a ``dcat:Dataset`` (JSON-LD); ``base``: the address of the package's
    folder (absolute download addresses), else they are relative to the file."""
    prefix = base.rstrip("/") + "/" if base else ""
    distributions = [
        {
            "@type": "dcat:Distribution",
            "dct:title": name,
            "dcat:downloadURL": {"@id": prefix + name},
            "dcat:mediaType": MEDIA_TYPES.get(name.rpartition(".")[2], "application/octet-stream"),
            "dcat:byteSize": {"@value": str(len(content)), "@type": "xsd:nonNegativeInteger"},
            "spdx:checksum": {
                "@type": "spdx:Checksum",
                "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                "spdx:checksumValue": _sha256(content),
            },
        }
        for name, content in files.items()
    ]
    month_en = f"{info.month:%B %Y}"
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": prefix + "dcat.json#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": info.name,
        "dct:title": [
            {"@value": f"{info.scheme_title_en}: grading of {month_en}", "@language": "en"},
            {"@value": f"{info.scheme_title_hi}: {info.month:%Y-%m}", "@language": "hi"},
        ],
        "dct:description": [
            {
                "@value": (
                    f"Monthly grading of {info.helpline} for {month_en}: department and district rankings, history, "
                    f"district × department cells, data dictionary and press report. {SUPPRESSION_NOTE}"
                ),
                "@language": "en",
            }
        ],
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": info.helpline},
        "dct:issued": {"@value": f"{info.published_at:%Y-%m-%d}", "@type": "xsd:date"},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": f"{info.month:%Y-%m-%d}", "@type": "xsd:date"},
            "dcat:endDate": {"@value": _month_end(info.month).isoformat(), "@type": "xsd:date"},
        },
        "dct:language": [
            {"@id": "http://id.loc.gov/vocabulary/iso639-1/en"},
            {"@id": "http://id.loc.gov/vocabulary/iso639-1/hi"},
        ],
        "dcat:keyword": ["grievance redressal", "public grievances", "grading", "ranking"],
        "dct:conformsTo": {"@id": "https://specs.frictionlessdata.io/data-package/"},
        "dcat:version": str(info.version),
        "dcat:distribution": distributions,
    }
