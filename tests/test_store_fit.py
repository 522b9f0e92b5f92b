"""The dashboard fits the store's helpline: the month it opens on, why a list has no graded entity,
the measures and levels its records hold, its names' language and its own map or none
(:mod:`grading.scoring.fit`, :func:`grading.outputs.geo.for_store`, ``nivaran init --boundaries``).

The pure rules on hand-made frames, the boundary file on hand-made GeoJSON, and the pages through
``streamlit.testing.v1.AppTest`` on a hand-made 311 store of two months: March 2024 with a department
over the scheme's minimum, April 2024 with one late closing only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from grading.intake import ingest
from grading.outputs import geo
from grading.scoring import fit, schemes
from grading.store import database, helpline

ROOT = Path(__file__).resolve().parent.parent
MARCH, APRIL = date(2024, 3, 1), date(2024, 4, 1)
CITY = schemes.load("city-311")
MP = schemes.load("mp-cm-helpline")


# --- the pure rules ---------------------------------------------------------------------------------


def _graded(rows: list[tuple[date, str, bool, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"month": pl.Date, "department": pl.String, "is_ranked": pl.Boolean, "not_graded": pl.String},
        orient="row",
    )


def test_the_default_month_is_the_latest_with_a_graded_entity() -> None:
    rows = _graded(
        [
            (MARCH, "PW", True, None),
            (MARCH, "PK", False, "few_complaints"),
            (APRIL, "PK", False, "few_complaints"),  # a stray late closing: data, nothing to grade
        ]
    )
    assert fit.default_month(rows) == MARCH
    # No month with a graded entity: the latest month with data; nothing at all: None.
    assert fit.default_month(rows.filter(pl.col("department") == "PK")) == APRIL
    assert fit.default_month(rows.clear()) is None


def test_why_no_entity_is_graded() -> None:
    assert fit.why_none_graded(_graded([(MARCH, "PW", True, None), (MARCH, "PK", False, "few_complaints")])) is None
    assert fit.why_none_graded(_graded([(APRIL, "PK", False, "few_complaints")])) == "few_complaints"
    mixed = [(APRIL, "A", False, "too_little_data"), (APRIL, "B", False, "too_little_data")]
    assert fit.why_none_graded(_graded([*mixed, (APRIL, "C", False, "few_complaints")])) == "too_little_data"
    assert fit.why_none_graded(_graded([])) == "no_data"
    # A public row hidden by the suppression rule keeps no reason: read as too few complaints.
    assert fit.why_none_graded(_graded([(APRIL, "PK", False, None)])) == "few_complaints"


def test_measures_follow_the_records_the_store_holds() -> None:
    helpline_rows = pl.DataFrame(
        {"feedback_satisfied": [3], "reached_l2": [1], "reopened": [2], "closed_force": [1], "received": [9]}
    )
    city_rows = pl.DataFrame(
        {"feedback_satisfied": [0], "reached_l2": [0], "reopened": [0], "closed_force": [0], "received": [9]}
    )
    everything, nothing = fit.recorded(helpline_rows), fit.recorded(city_rows)
    assert everything == frozenset(fit.EVIDENCE)
    assert nothing == frozenset()
    assert fit.shows("satisfied_closure_pct", everything)
    assert not fit.shows("satisfied_closure_pct", nothing)
    assert not fit.shows("reached_l3_pct", nothing)
    assert fit.shows("on_time_closure_pct", nothing)  # what every store has
    assert fit.has_levels(everything)
    assert not fit.has_levels(nothing)
    assert fit.outcome_kinds(nothing) == []
    # Madhya Pradesh's pages are what they were; a 311 city's lead with its own scheme's measure.
    assert fit.headline_metrics(MP, everything) == [
        "received", "closed", "satisfied_closure_pct", "sla_compliance_pct", "pending_over_50"
    ]  # fmt: skip
    assert fit.trend_metrics(MP, everything) == [
        "satisfied_closure_pct", "sla_compliance_pct", "satisfaction_pct", "force_close_pct"
    ]  # fmt: skip
    assert fit.headline_metrics(CITY, nothing) == [
        "received", "closed", "on_time_closure_pct", "sla_compliance_pct", "pending_over_50"
    ]  # fmt: skip
    assert fit.trend_metrics(CITY, nothing) == ["on_time_closure_pct", "sla_compliance_pct"]


def test_hindi_names_only_where_the_reference_data_have_them() -> None:
    own = pl.DataFrame({"code": ["ENERGY"], "name_en": ["Energy"], "name_hi": ["ऊर्जा"]})
    copied = pl.DataFrame({"code": ["BOS", "1"], "name_en": ["BOS", "1"], "name_hi": ["BOS", "1"]})  # from the data
    assert fit.has_hindi_names(own)
    assert not fit.has_hindi_names(copied, copied.clear())
    assert fit.has_hindi_names(copied, own)


# --- the boundary file ------------------------------------------------------------------------------


def _square(lon: float, lat: float) -> dict[str, object]:
    ring = [[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def city_boundaries(folder: Path) -> Path:
    """Two council districts of a made-up city, named by a ``district`` property."""
    path = folder / "city.geojson"
    features = [
        {"type": "Feature", "properties": {"district": "1", "name": "First"}, "geometry": _square(-118.3, 34.0)},
        {"type": "Feature", "properties": {"district": "2", "name": "Second"}, "geometry": _square(-118.2, 34.0)},
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "not a GeoJSON file"),
        ('{"type": "Feature", "geometry": null}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "has no features"),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "X"}, '
            '"geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
            "feature 1 names no district code",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"district": "1"}, '
            '"geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
            "district '1' is not a Polygon or MultiPolygon",
        ),
    ],
)
def test_a_bad_boundary_file_is_refused_with_one_sentence(tmp_path: Path, text: str, says: str) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text(text, encoding="utf-8")
    db = tmp_path / "x.duckdb"
    init = ["init", "--db", str(db), "--timezone", "America/Los_Angeles", "--boundaries", str(bad)]
    proc = subprocess.run(
        [sys.executable, "-c", "from grading.cli import run; run()", *init],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert says in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr  # one sentence, no traceback
    assert not db.exists()  # refused before the store is touched


def test_a_district_named_twice_is_refused(tmp_path: Path) -> None:
    path = city_boundaries(tmp_path)
    shapes = json.loads(path.read_text(encoding="utf-8"))
    shapes["features"][1]["properties"]["district"] = "1"
    path.write_text(json.dumps(shapes), encoding="utf-8")
    with pytest.raises(helpline.HelplineError, match="district '1' has two features"):
        helpline.boundaries_text(path)


def _map_of(db: Path) -> geo.Boundaries | None:
    con = database.connect_readonly(db)
    try:
        return geo.for_store(con)
    finally:
        con.close()


def test_the_map_is_the_helplines_own_or_none(tmp_path: Path) -> None:
    # Madhya Pradesh's reference data: the shipped boundaries fit (every reference district is a feature).
    mp = tmp_path / "mp.duckdb"
    helpline.init(mp, timezone="Asia/Kolkata", reference_choice="mp")
    shipped = _map_of(mp)
    assert shipped is not None
    assert shipped.shipped
    assert len(geo.feature_ids(shipped.geojson)) == 55
    # A 311 city without a boundary file: no map (its districts are not Madhya Pradesh's).
    city = city_store(tmp_path)
    assert _map_of(city) is None
    # ... and with its own file, kept in the store's settings, each feature's id its district code.
    helpline.init(city, timezone="America/Los_Angeles", scheme="city-311", boundaries=city_boundaries(tmp_path))
    own = _map_of(city)
    assert own is not None
    assert not own.shipped
    assert own.source == "city.geojson"
    assert geo.feature_ids(own.geojson) == {"1", "2"}
    assert own.centre == pytest.approx({"lat": 34.05, "lon": -118.2})
    # Re-running init without --boundaries keeps them.
    helpline.init(city, timezone="America/Los_Angeles", scheme="city-311", name="Renamed")
    assert _map_of(city) is not None
    # The static map draws the city's districts, not Madhya Pradesh's.
    svg = geo.district_svg({"1": geo.Shown("First", 50.0, hidden=False)}, ("hidden", "no data"), boundaries=own.geojson)
    assert svg.count("<path") == 2
    assert 'data-district="1"' in svg


def test_the_shipped_boundaries_fit_only_a_store_with_those_districts() -> None:
    ids = geo.feature_ids(geo.district_boundaries())
    mp = pl.DataFrame({"code": ["INDORE", "BHOPAL", "NEWCODE"], "is_reference": [True, True, False]})
    assert geo.fits(ids, mp)  # a code registered from the data does not take the map away
    la = pl.DataFrame({"code": ["1", "2", "UNASSIGNED"], "is_reference": [False, False, False]})
    assert not geo.fits(ids, la)
    assert not geo.fits(ids, la.clear())


# --- the pages on a hand-made 311 store -------------------------------------------------------------


def city_store(folder: Path) -> Path:
    """A 311 store (city-311, no reference data): March 2024, PW 6 requests (over the scheme's minimum
    of 5) in district 1 and PK 2 in district 2; April 2024, only PK's late closing of one of them."""
    db = folder / "city.duckdb"
    helpline.init(db, timezone="America/Los_Angeles", name="Tiny 311", scheme="city-311")
    lines = ["complaint_id,event_time,event,level,department,district,category,complainant,outcome"]
    for i in range(6):
        lines.append(f"W{i},2024-03-0{i + 1}T09:00:00,registered,L1,PW,1,POTHOLE,P{i},")
        lines.append(f"W{i},2024-03-0{i + 2}T09:00:00,closed,,,,,,resolved")
    lines.append("K0,2024-03-10T09:00:00,registered,L1,PK,2,TREE,Q0,")
    lines.append("K0,2024-03-11T09:00:00,closed,,,,,,resolved")
    lines.append("K1,2024-03-20T09:00:00,registered,L1,PK,2,TREE,Q1,")
    lines.append("K1,2024-04-02T09:00:00,closed,,,,,,resolved")  # the stray late closing
    log = folder / "city.csv"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest.ingest(db, [log])
    return db


@pytest.fixture
def city_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("NIVARAN_DB", str(city_store(tmp_path)))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    return at


def _texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


def test_the_dashboard_opens_on_the_latest_gradable_month(city_app: AppTest) -> None:
    at = city_app.run()
    assert not at.exception, [e.message for e in at.exception]
    picker = at.sidebar.selectbox(key="month")
    assert picker.options == ["April 2024", "March 2024"]  # the late closing's month is there to pick ...
    assert picker.value == MARCH  # ... but the pages open on the month with a graded department
    assert not at.warning, [w.value for w in at.warning]
    assert at.dataframe, "a ranking table"
    ranked = at.dataframe[0].value
    assert ranked["Department"].to_list()[0] == "PW"
    assert "Not reopened" not in ranked.columns  # a component the data hold no records for
    labels = [m.label for m in at.metric]
    assert "Satisfied closure %" not in labels
    assert "Closed within limit %" in labels
    texts = _texts(at)
    assert "No district boundary file is set for this helpline" in texts
    assert "Survey of India" not in texts  # no Madhya Pradesh map credit
    assert not list(at.get("imgs")), "no map image"


def test_a_month_with_no_graded_entity_says_why_in_one_sentence(city_app: AppTest) -> None:
    city_app.query_params["month"] = "2024-04"
    at = city_app.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.sidebar.selectbox(key="month").value == APRIL
    assert not at.warning, [w.value for w in at.warning]  # no raw column error in place of a ranking
    said = [i.value for i in at.info]
    assert "No department is graded in April 2024: none received the scheme's minimum of 5 complaints." in said
    assert "No district is graded in April 2024: none received the scheme's minimum of 5 complaints." in said


def test_hindi_view_of_a_store_without_hindi_names(city_app: AppTest) -> None:
    city_app.session_state["lang"] = "hi"
    at = city_app.run()
    assert not at.exception, [e.message for e in at.exception]
    ranked = at.dataframe[0].value
    assert ranked["विभाग"].to_list()[0] == "PW"  # the store's own name, not an empty Hindi one
    assert not any("(Hindi)" in c or "हिंदी" in c for c in ranked.columns)


def test_the_methodology_says_the_default_month_and_map_rules(city_app: AppTest) -> None:
    at = city_app.run()
    at.switch_page("pages/methodology.py").run()
    assert not at.exception, [e.message for e in at.exception]
    texts = _texts(at)
    assert "Every page opens on the latest month in which at least one department is graded" in texts
    assert "no map" in texts
    assert "Not reopened" in texts  # left out, and said so
    listed = at.dataframe[0].value["Column in the files"].to_list()  # the measures' codes, as the files head them
    assert "satisfied_closure_pct" not in listed
    assert "reached_l2_pct" not in listed
    assert "on_time_closure_pct" in listed
