"""JSON arrays, Open311 GeoReport v2 XML, and the mapping rules real 311 exports need; tiny hand-made files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from grading.intake import convert, ingest, mapping, readers, sources
from grading.monthly import results
from grading.scoring import schemes
from grading.store import database, helpline
from tests.stores import mp_store

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def loaded(db: Path, what: str = "events") -> pl.DataFrame:
    con = database.connect_readonly(db)
    try:
        if what == "events":
            return database.read_events(con).sort("complaint_id", "event_time", "event")
        return database.read_table(con, what)
    finally:
        con.close()


def test_a_socrata_json_array_reads_as_text_records(tmp_path: Path) -> None:
    path = write(
        tmp_path / "rows.json",
        '[{"unique_key": "1", "agency": "DSNY", "created_date": "2024-08-01T10:00:00.000", "lat": 40.7,'
        ' "location": {"type": "Point"}},\n {"unique_key": "2", "agency": "NYPD", "open": true}]',
    )
    got = readers.read(path)
    assert got.columns == ["unique_key", "agency", "created_date", "lat", "location", "open"]
    assert got.rows() == [
        ("1", "DSNY", "2024-08-01T10:00:00.000", "40.7", '{"type": "Point"}', None),
        ("2", "NYPD", None, None, None, "true"),
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.json", '{"rows": 1}', "a.json: expected a JSON array of records"),
        ("b.json", "[1, 2]", "b.json, record 1: expected an object of fields"),
        ("c.json", '[{"a": 1},\n{"a": }]', "c.json, line 2: not valid JSON"),
        ("d.xml", "<service_requests><request><a>1</a></request>", "d.xml, line 1: not well-formed XML"),
        ("e.xml", '<!DOCTYPE x [<!ENTITY a "b">]><service_requests/>', "e.xml: XML with a document type"),
        ("f.xml", "<rss/>", "f.xml: expected Open311 <service_requests>, found <rss>"),
    ],
)
def test_a_broken_export_is_one_sentence(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(readers.ReaderError) as err:
        readers.read(write(tmp_path / name, text))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_the_georeport_json_and_xml_samples_give_the_same_records() -> None:
    as_json = readers.read(SAMPLES / "open311-springfield.json")
    as_xml = readers.read(SAMPLES / "open311-springfield.xml")
    assert as_json.height == as_xml.height == 11
    keys = ["service_request_id", "status", "agency_responsible", "requested_datetime", "expected_datetime"]
    assert as_json.select(keys).equals(as_xml.select(keys))


RULES = """
[columns]
complaint_id = ["Unique Key", "unique_key"]
department = ["Agency", "agency"]
district = ["Borough", "borough"]
registered_at = ["Created Date", "created_date"]
closed_at = ["Closed Date", "closed_date"]
status = ["Status", "status"]
[formats]
datetime = ["%m/%d/%Y %I:%M:%S %p"]
timezone = "America/New_York"
sentinels = ["01/01/1900"]
[status]
closed = "resolved"
open = "open"
pending = "open"
[status_if_closed]
pending = "resolved"
[clean.department]
"Dept of Sanitation" = "DSNY"
"DSNY " = "DSNY"
[names.department]
DSNY = "Department of Sanitation"
"""


def test_nyc_style_rules_in_one_mapping(tmp_path: Path) -> None:
    # Two header styles (2010s "Unique Key", SODA "unique_key") load with one mapping. Row by row:
    # 1: "CLOSED" matches "closed" (statuses ignore case) → registered + closed.
    # 2: "Pending" with a closed date → a closure ([status_if_closed]).
    # 3: "Pending" without one → open; its 01/01/1900 closed date is the sentinel for "none".
    # 4: agency "Dept of Sanitation" cleaned to DSNY; no borough → UNASSIGNED.
    db = tmp_path / "nyc.duckdb"
    helpline.init(db, timezone="America/New_York", name="NYC 311")
    rules = mapping.load(write(tmp_path / "nyc.toml", RULES))
    old = write(
        tmp_path / "old.csv",
        "Unique Key,Agency,Borough,Created Date,Closed Date,Status\n"
        "1,DSNY,BRONX,08/01/2024 09:00:00 AM,08/02/2024 09:00:00 AM,CLOSED\n"
        "2,DSNY,BRONX,08/01/2024 10:00:00 AM,08/03/2024 10:00:00 AM,Pending\n",
    )
    new = write(
        tmp_path / "new.csv",
        "unique_key,agency,borough,created_date,closed_date,status\n"
        "3,NYPD,QUEENS,08/02/2024 11:00:00 PM,01/01/1900 12:00:00 AM,Pending\n"
        "4,Dept of Sanitation,,08/03/2024 08:00:00 AM,,Open\n",
    )
    report = ingest.ingest(db, [old, new], mapping=rules)
    assert [f.rows_quarantined for f in report.files] == [0, 0]
    events = loaded(db).select("complaint_id", "event", "department", "district")
    assert events.rows() == [
        ("1", "registered", "DSNY", "BRONX"),
        ("1", "closed", None, None),
        ("2", "registered", "DSNY", "BRONX"),
        ("2", "closed", None, None),
        ("3", "registered", "NYPD", "QUEENS"),
        ("4", "registered", "DSNY", "UNASSIGNED"),
    ]
    names = loaded(db, "departments").filter(pl.col("code") == "DSNY")["name_en"].to_list()
    assert names == ["Department of Sanitation"]


def test_a_missing_header_names_every_spelling(tmp_path: Path) -> None:
    rules = mapping.load(write(tmp_path / "nyc.toml", RULES))
    raw = pl.DataFrame({"Unique Key": ["1"], "Agency": ["X"], "Borough": ["B"], "Closed Date": ["x"], "Status": ["x"]})
    with pytest.raises(
        mapping.MappingError,
        match="no column\\(s\\) \\[\"registered_at = 'Created Date' or 'created_date'\"\\]",
    ):
        convert.to_events(raw, rules, "p")


def test_an_absent_optional_column_is_said_not_refused(tmp_path: Path) -> None:
    # No "Borough" and no "Closed Date": the district is UNASSIGNED and the open request loads; the report
    # names both absent fields with their spellings.
    rules = mapping.load(write(tmp_path / "nyc.toml", RULES))
    raw = pl.DataFrame(
        {"Unique Key": ["1"], "Agency": ["DSNY"], "Created Date": ["08/01/2024 09:00:00 AM"], "Status": ["Open"]}
    )
    events, problems = convert.to_events(raw, rules, "p")
    assert problems.is_empty()
    assert events.select("complaint_id", "event", "district").rows() == [("1", "registered", "UNASSIGNED")]
    assert convert.absent_fields(raw, rules) == [
        "district ('Borough' or 'borough')",
        "closed_at ('Closed Date' or 'closed_date')",
    ]


def test_an_unassigned_district_is_listed_but_not_ranked(tmp_path: Path) -> None:
    # Five requests with a borough (BRONX) and five without (UNASSIGNED), all closed in a day: both
    # have 5 received, enough to be ranked, but only BRONX takes a rank.
    db = tmp_path / "u.duckdb"
    helpline.init(db, timezone="America/New_York")
    rows = "".join(
        f"{i},DSNY,{'BRONX' if i <= 5 else ''},08/0{1 + i % 5}/2024 09:00:00 AM,08/0{2 + i % 5}/2024 09:00:00 AM,Closed\n"
        for i in range(1, 11)
    )
    data = write(tmp_path / "u.csv", "Unique Key,Agency,Borough,Created Date,Closed Date,Status\n" + rows)
    ingest.ingest(db, [data], mapping=mapping.load(write(tmp_path / "nyc.toml", RULES)))
    con = database.connect_readonly(db)
    try:
        graded = results.graded(con, schemes.load("cpgrams-gri"), "district", date(2024, 8, 1))
    finally:
        con.close()
    got = graded.sort("district").select("district", "received", "rank", "not_graded").rows()
    assert got == [("BRONX", 5, 1, None), ("UNASSIGNED", 5, None, "unassigned")]


def test_georeport_sample_times_keep_their_offsets(tmp_path: Path) -> None:
    # Request 301: requested 2024-08-03T14:00-05:00, promised by 22:00 (8 hours): in a Chicago store
    # (CDT = UTC-5 in August) the wall clock is the same; its own limit is 8/24 days, not 1 day.
    db = tmp_path / "s.duckdb"
    helpline.init(db, timezone="America/Chicago")
    ingest.ingest(db, [SAMPLES / "open311-springfield.xml"], mapping=mapping.load("open311"))
    row = loaded(db).filter((pl.col("complaint_id") == "301") & (pl.col("event") == "registered"))
    assert row.select("event_time", "limit_days").rows() == [(datetime(2024, 8, 3, 14, 0), 8 / 24)]


def quarantined(db: Path) -> pl.DataFrame:
    return loaded(db, "quarantine").select("complaint_id", "field", "reason").sort(pl.all())


def test_a_file_loads_again_once_its_mapping_is_fixed_and_quarantine_is_kept_once(tmp_path: Path) -> None:
    # The first mapping does not know the status "Done": both rows are quarantined. Loading the same file
    # again with the same mapping is skipped; with the fixed mapping it loads. An overlapping newer export
    # repeating row 2's bad closing time adds no second quarantine row for it.
    db = tmp_path / "q.duckdb"
    helpline.init(db, timezone="UTC")
    base = '[columns]\ncomplaint_id = "ID"\ndepartment = "A"\nregistered_at = "Opened"\nclosed_at = "Closed"\n'
    base += 'status = "S"\n[formats]\ndatetime = ["%Y-%m-%d"]\ntimezone = "UTC"\n[status]\nOpen = "open"\n'
    wrong = mapping.load(write(tmp_path / "wrong.toml", base))
    fixed = mapping.load(write(tmp_path / "fixed.toml", base + 'Done = "resolved"\n'))
    first = write(tmp_path / "a.csv", "ID,A,Opened,Closed,S\n1,X,2024-08-01,2024-08-02,Done\n2,X,2024-08-03,,Done\n")
    assert ingest.ingest(db, [first], mapping=wrong).files[0].rows_quarantined == 2
    assert ingest.ingest(db, [first], mapping=wrong).files[0].already_loaded
    again = ingest.ingest(db, [first], mapping=fixed).files[0]
    # row 1: registered and closed; row 2: its closing has no time, so only its registration loads
    assert (again.already_loaded, again.rows_loaded, again.rows_quarantined) == (False, 3, 1)
    newer = write(tmp_path / "b.csv", "ID,A,Opened,Closed,S\n2,X,2024-08-03,,Done\n3,X,2024-08-04,,Open\n")
    assert ingest.ingest(db, [newer], mapping=fixed).files[0].rows_quarantined == 1
    assert quarantined(db).rows() == [
        ("1", "status", "unknown status: add it to [status] in the mapping"),
        ("2", "closed_at", "a closed status needs a closing time"),
        ("2", "status", "unknown status: add it to [status] in the mapping"),
    ]


def test_a_newer_snapshot_records_transfers_and_corrections(tmp_path: Path) -> None:
    # Day 1 export: 1 open at PARKS; 2 closed 2024-08-02. Day 5 export: 1 moved to DPW (still open),
    # 2's closing time corrected to 2024-08-03; 3 new. Expected: 1 gets a transfer to DPW at the latest
    # time the newer file shows (3's registration, 2024-08-04); 2's closure is replaced, its note keeps
    # the old value; nothing is quarantined; loading the newer export again changes nothing.
    db = tmp_path / "snap.duckdb"
    helpline.init(db, timezone="UTC")
    rules = mapping.load(
        write(
            tmp_path / "m.toml",
            '[columns]\ncomplaint_id = "ID"\ndepartment = "A"\nregistered_at = "Opened"\nclosed_at = "Closed"\n'
            'status = "S"\n[formats]\ndatetime = ["%Y-%m-%d"]\ntimezone = "UTC"\n[status]\nOpen = "open"\n'
            'Closed = "resolved"\n',
        )
    )
    day1 = write(
        tmp_path / "d1.csv", "ID,A,Opened,Closed,S\n1,PARKS,2024-08-01,,Open\n2,PARKS,2024-08-01,2024-08-02,Closed\n"
    )
    day5 = write(
        tmp_path / "d5.csv",
        "ID,A,Opened,Closed,S\n1,DPW,2024-08-01,,Open\n2,PARKS,2024-08-01,2024-08-03,Closed\n3,DOT,2024-08-04,,Open\n",
    )
    ingest.ingest(db, [day1], mapping=rules)
    report = ingest.ingest(db, [day5], mapping=rules).files[0]
    assert report.rows_quarantined == 0
    got = loaded(db).select("complaint_id", "event_time", "event", "department", "note")
    assert got.rows() == [
        ("1", datetime(2024, 8, 1), "registered", "PARKS", None),
        ("1", datetime(2024, 8, 4), "transferred", "DPW", "agency changed in a newer export; was PARKS"),
        ("2", datetime(2024, 8, 1), "registered", "PARKS", None),
        ("2", datetime(2024, 8, 3), "closed", None, "closing time corrected; was 2024-08-02 00:00:00"),
        ("3", datetime(2024, 8, 4), "registered", "DOT", None),
    ]
    again = write(tmp_path / "d5-copy.csv", day5.read_text(encoding="utf-8") + "\n")
    assert ingest.ingest(db, [again], mapping=rules).files[0].rows_loaded == 0
    assert loaded(db).height == 5


def test_errors_name_the_physical_line_of_a_row_with_line_breaks_in_quotes(tmp_path: Path) -> None:
    # Row 1's note spans lines 2-4, so row 2 (a bad event) starts on line 5, not line 3.
    log = write(
        tmp_path / "log.csv",
        "complaint_id,event_time,event,level,department,district,category,complainant,note\n"
        'A,2024-03-01T10:00:00,registered,L1,D,X,C,P,"first line\nsecond line\nthird line"\n'
        "A,2024-03-02T10:00:00,exploded,,,,,,\n",
    )
    report = ingest.ingest(mp_store(tmp_path / "l.duckdb"), [log])
    text = sources.describe(report.files[0].problems, str(log))
    assert text.startswith(f"{log}, line 5 (complaint A): field 'event' = 'exploded': unknown event")
