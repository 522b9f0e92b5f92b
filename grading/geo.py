"""District boundaries shipped with Nivaran: Madhya Pradesh's 55 districts as GeoJSON.

``data/boundaries/mp-districts.geojson`` was converted once from the adarvmaps package (see
``data/boundaries/README.md`` for source, licence and attribution); nothing is fetched at run time.
Each feature's ``id`` is Nivaran's district code (``data/districts.csv``); ``properties.lgd`` is the
Local Government Directory code.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Final

BOUNDARIES: Final = Path(__file__).resolve().parent.parent / "data" / "boundaries" / "mp-districts.geojson"
#: Where the map centres and how far it zooms to show the whole state.
CENTRE: Final = {"lat": 23.8, "lon": 78.4}
ZOOM: Final = 5.3


@cache
def district_boundaries() -> dict[str, Any]:
    """The district outlines as a GeoJSON FeatureCollection (read once per process)."""
    loaded: dict[str, Any] = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return loaded
