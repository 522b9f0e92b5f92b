"""A store's own settings: which helpline it holds, its time zone, its default scheme, its reference data.

Set once by ``nivaran init`` and kept in the store's ``meta`` table, so every command and page reads
the same answers. A store made before these settings existed (or by ``ingest`` into a missing file)
gets today's defaults: Madhya Pradesh's reference data, Asia/Kolkata, the MP CM Helpline scheme.

The zone matters most: event times are stored as wall clock **in the store's zone**
(:mod:`grading.rules.timeparse` converts every time once, at import), so a month is a calendar month there.

A store may also keep its helpline's district boundaries (``nivaran init --boundaries FILE.geojson``):
the file is checked (:func:`boundaries_text`) and kept, tidied, in ``meta`` with the other settings, so
the dashboard's map is the helpline's own (see :func:`grading.outputs.geo.for_store`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from grading.model.schema import HOLIDAY_SCHEMA, NivaranError
from grading.rules import timeparse
from grading.scoring import schemes
from grading.store import database, reference, writes

if TYPE_CHECKING:
    import duckdb

DEFAULT_ZONE: Final = "Asia/Kolkata"
DEFAULT_NAME: Final = "Nivaran"
REFERENCE_CHOICES: Final = ("mp", "none")
_KEYS: Final = ("helpline_name", "timezone", "default_scheme", "reference", "plausible_from")
#: The ``meta`` keys of a store's own district boundaries: the tidied GeoJSON and the file it came from.
BOUNDARIES_KEY: Final = "boundaries"
BOUNDARIES_SOURCE_KEY: Final = "boundaries_source"
#: Where a boundary feature names its district code: the first of these properties, else its ``id``.
DISTRICT_PROPERTIES: Final = ("district", "code", "district_code")
#: The largest boundary file kept in the store's settings (simplify a larger one first).
MAX_BOUNDARY_BYTES: Final = 20 * 1024 * 1024


class HelplineError(NivaranError):
    """A store setting given to ``nivaran init`` is wrong, or conflicts with the data already stored."""


@dataclass(frozen=True)
class Helpline:
    """One store's settings (see the module docstring)."""

    name: str = DEFAULT_NAME
    timezone: str = DEFAULT_ZONE
    scheme: str = schemes.DEFAULT_SCHEME
    reference: str = "mp"
    plausible_from: date = timeparse.PLAUSIBLE_FROM

    def window(self) -> tuple[datetime, datetime]:
        """The plausible window for event times (store wall clock): ``plausible_from`` to tomorrow."""
        return timeparse.window(self.timezone, self.plausible_from)


def read(con: duckdb.DuckDBPyConnection) -> Helpline:
    """The store's settings; today's defaults for anything a store does not set."""
    values = {k: database.get_meta(con, k) for k in _KEYS}
    base = Helpline()
    first = values["plausible_from"]
    return Helpline(
        name=values["helpline_name"] or base.name,
        timezone=values["timezone"] or base.timezone,
        scheme=values["default_scheme"] or base.scheme,
        reference=values["reference"] or base.reference,
        plausible_from=date.fromisoformat(first) if first else base.plausible_from,
    )


def is_set(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``init`` (or a first load) has written the settings."""
    return database.get_meta(con, "timezone") is not None


def write(con: duckdb.DuckDBPyConnection, settings: Helpline) -> None:
    """Store ``settings`` in the ``meta`` table."""
    database.set_meta(con, "helpline_name", settings.name)
    database.set_meta(con, "timezone", settings.timezone)
    database.set_meta(con, "default_scheme", settings.scheme)
    database.set_meta(con, "reference", settings.reference)
    database.set_meta(con, "plausible_from", settings.plausible_from.isoformat())


def load_reference(con: duckdb.DuckDBPyConnection, choice: str) -> None:
    """Load reference data: ``mp`` (the shipped Madhya Pradesh tables), ``none``, or a folder holding
    ``departments.csv``, ``districts.csv``, ``categories.csv`` (and optionally ``holidays.csv``) in the
    shipped files' columns."""
    if choice == "none":
        return
    folder = None if choice == "mp" else Path(choice)
    if folder is not None:
        if not folder.is_dir():
            msg = f"--reference: {choice!r} is neither 'mp', 'none' nor a folder"
            raise HelplineError(msg)
        missing = [n for n in ("departments.csv", "districts.csv", "categories.csv") if not (folder / n).exists()]
        if missing:
            msg = f"--reference {choice}: the folder has no {', '.join(missing)}"
            raise HelplineError(msg)
    has_holidays = folder is None or (folder / "holidays.csv").exists()
    writes.load_reference(
        con,
        departments=reference.departments(folder),
        districts=reference.districts(folder),
        categories=reference.categories(folder),
        holidays=reference.holidays(folder) if has_holidays else pl.DataFrame(schema=HOLIDAY_SCHEMA),
    )


def _district_code(feature: dict[str, Any]) -> str | None:
    """The district code a boundary feature names (:data:`DISTRICT_PROPERTIES`, else its ``id``)."""
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return None
    for key in DISTRICT_PROPERTIES:
        value = properties.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    value = feature.get("id")
    return str(value).strip() if isinstance(value, str | int) and str(value).strip() else None


def _is_ring(ring: object) -> bool:
    """A closed ring's shape: at least 4 points, each [longitude, latitude, ...] in range."""
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(p, list)
            and len(p) >= 2
            and all(isinstance(v, int | float) for v in p[:2])
            and -180 <= p[0] <= 180
            and -90 <= p[1] <= 90
            for p in ring
        )
    )


def _is_area(geometry: object) -> bool:
    """A Polygon or MultiPolygon whose rings are :func:`_is_ring`."""
    if not isinstance(geometry, dict):
        return False
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Polygon":
        polygons = [coordinates]
    elif geometry.get("type") == "MultiPolygon" and isinstance(coordinates, list):
        polygons = coordinates
    else:
        return False
    return bool(polygons) and all(
        isinstance(rings, list) and rings and all(_is_ring(r) for r in rings) for rings in polygons
    )


def boundaries_text(path: Path) -> str:
    """The district boundaries of ``path`` (GeoJSON), checked and tidied for the store's settings.

    The file must be a FeatureCollection whose features are Polygons or MultiPolygons (longitude,
    latitude), each naming its district code in a ``district``, ``code`` or ``district_code``
    property (else its ``id``), no code twice. Kept: each feature with ``id`` = its code and the
    properties ``code`` and ``name`` (when it has one). Anything else is refused with one sentence
    (:class:`HelplineError`), before the store is touched.
    """
    where = f"--boundaries {path}"
    if not path.is_file():
        msg = f"{where}: no such file"
        raise HelplineError(msg)
    if path.stat().st_size > MAX_BOUNDARY_BYTES:
        msg = f"{where}: larger than {MAX_BOUNDARY_BYTES // 2**20} MB; simplify the shapes first (mapshaper -simplify)"
        raise HelplineError(msg)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"{where}: not a GeoJSON file (it does not read as UTF-8 JSON: {exc})"
        raise HelplineError(msg) from None
    features = loaded.get("features") if isinstance(loaded, dict) else None
    if not isinstance(loaded, dict) or loaded.get("type") != "FeatureCollection" or not isinstance(features, list):
        msg = f"{where}: not a GeoJSON FeatureCollection"
        raise HelplineError(msg)
    if not features:
        msg = f"{where}: the FeatureCollection has no features"
        raise HelplineError(msg)
    kept: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, feature in enumerate(features, start=1):
        code = _district_code(feature) if isinstance(feature, dict) else None
        if code is None:
            names = ", ".join(repr(k) for k in DISTRICT_PROPERTIES)
            msg = f"{where}: feature {i} names no district code (a {names} property, or an id)"
            raise HelplineError(msg)
        if code in seen:
            msg = f"{where}: district {code!r} has two features (merge them into one MultiPolygon)"
            raise HelplineError(msg)
        if not _is_area(feature.get("geometry")):
            msg = f"{where}: district {code!r} is not a Polygon or MultiPolygon of longitude, latitude points"
            raise HelplineError(msg)
        seen.add(code)
        name = (feature.get("properties") or {}).get("name")
        properties = {"code": code, **({"name": str(name)} if isinstance(name, str | int) else {})}
        kept.append({"type": "Feature", "id": code, "properties": properties, "geometry": feature["geometry"]})
    return json.dumps({"type": "FeatureCollection", "features": kept}, separators=(",", ":"), ensure_ascii=False)


def read_boundaries(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, Any], str] | None:
    """The store's own district boundaries (a GeoJSON FeatureCollection, each feature's ``id`` its
    district code) and the name of the file they came from; None when ``init`` set none."""
    text = database.get_meta(con, BOUNDARIES_KEY)
    if not text:
        return None
    loaded: dict[str, Any] = json.loads(text)
    return loaded, database.get_meta(con, BOUNDARIES_SOURCE_KEY) or ""


def init(
    db: Path,
    *,
    timezone: str,
    name: str | None = None,
    scheme: str | None = None,
    reference_choice: str = "none",
    plausible_from: date | None = None,
    boundaries: Path | None = None,
) -> Helpline:
    """Create the store at ``db`` for one helpline, or change the settings of an existing one.

    The zone of a store that already holds events cannot change (its times are that zone's wall
    clock); everything else can. ``boundaries``: a GeoJSON file of the helpline's districts
    (:func:`boundaries_text`), kept in the settings (a store keeps the ones it has when none is
    given). Returns the settings written.
    """
    timeparse.check_zone(timezone, "--timezone")
    chosen = scheme or schemes.DEFAULT_SCHEME
    schemes.load(chosen)  # a misspelled scheme is one sentence, before anything is written
    shapes = boundaries_text(boundaries) if boundaries is not None else None  # so is a bad boundary file
    with database.writing(db) as con:
        old = read(con) if is_set(con) else None
        has_events = database.counts(con).get("events", 0) > 0
        if has_events and old is not None and old.timezone != timezone:
            msg = (
                f"{db}: holds events stored in {old.timezone}; its zone cannot change to {timezone} "
                "(create a new store and load the files again)"
            )
            raise HelplineError(msg)
        settings = Helpline(
            name=name or (old.name if old else DEFAULT_NAME),
            timezone=timezone,
            scheme=chosen,
            reference=reference_choice,
            plausible_from=plausible_from or timeparse.PLAUSIBLE_FROM,
        )
        load_reference(con, reference_choice)
        write(con, settings)
        if shapes is not None and boundaries is not None:
            database.set_meta(con, BOUNDARIES_KEY, shapes)
            database.set_meta(con, BOUNDARIES_SOURCE_KEY, boundaries.name)
    return settings


#: The ``meta`` key of the helpline's alert rules (TOML text with an ``[alerts]`` table; the rules'
#: meaning and checks are :mod:`grading.outputs.alerts`'s).
ALERTS_KEY: Final = "alerts"


def read_alerts(con: duckdb.DuckDBPyConnection) -> str | None:
    """The helpline's alert rules as stored (None: none set, the shipped defaults apply)."""
    return database.get_meta(con, ALERTS_KEY)


def set_alerts(db: Path, text: str) -> None:
    """Keep ``text`` (alert rules, already checked by the caller) in the store's settings."""
    with database.writing(db) as con:
        database.set_meta(con, ALERTS_KEY, text)


def ensure(con: duckdb.DuckDBPyConnection) -> Helpline:
    """The settings of the store being written; a store without any (new, or made before ``init``
    existed) gets today's defaults, with the Madhya Pradesh reference data when it has none."""
    if is_set(con):
        return read(con)
    settings = Helpline()
    if database.read_table(con, "departments").is_empty():
        load_reference(con, "mp")
    write(con, settings)
    return settings
