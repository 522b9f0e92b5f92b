"""Convert adarvmaps' district boundaries to the small GeoJSON Nivaran ships (run once, by hand).

Nivaran never imports adarvmaps: this script ran once in a throw-away environment and its output,
``mp-districts.geojson``, is committed. To run it again::

    uv venv /tmp/adarv && VIRTUAL_ENV=/tmp/adarv uv pip install adarvmaps==0.1.42 pyogrio
    /tmp/adarv/bin/python data/boundaries/convert_districts.py

It keeps Madhya Pradesh's 55 districts (state LGD code 23), simplifies each outline (tolerance 0.005°,
about 500 m, topology kept), rounds coordinates to 4 decimals (about 11 m) and keys each feature by
Nivaran's district code (``data/districts.csv``), with the LGD district code as a property. It stops
if a district cannot be matched.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import adarvmaps  # type: ignore[import-not-found]
import pyogrio  # type: ignore[import-not-found]
import shapely  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent
#: Boundary names spelled differently from Nivaran's codes.
SPELLING = {"NARSIMHAPUR": "NARSINGHPUR"}


def main() -> None:
    source = Path(adarvmaps.__file__).parent / "data" / "district_boundary_lite.fgb"
    frame = pyogrio.read_dataframe(source)
    mp = frame[frame["STATE_LGD"] == 23]
    with (HERE.parent / "districts.csv").open(encoding="utf-8") as f:
        names = {row["code"]: row["name_en"] for row in csv.DictReader(f)}
    features = []
    for _, row in mp.sort_values("DISTRICT").iterrows():
        raw = str(row["DISTRICT"]).strip().upper()
        code = SPELLING.get(raw, raw).replace(" ", "_")
        if code not in names:
            msg = f"{source.name}: district {raw!r} (LGD {row['DIST_LGD']}) has no code in data/districts.csv"
            raise SystemExit(msg)
        shape = shapely.set_precision(row["geometry"].simplify(0.005, preserve_topology=True), 0.0001)
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "lgd": int(row["DIST_LGD"]), "name": names[code]},
                "geometry": shapely.geometry.mapping(shape),
            }
        )
    missing = set(names) - {f["id"] for f in features}
    if missing:
        raise SystemExit(f"no boundary for {sorted(missing)}")
    out = {"type": "FeatureCollection", "features": features}
    (HERE / "mp-districts.geojson").write_text(json.dumps(out, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {len(features)} districts")


if __name__ == "__main__":
    main()
