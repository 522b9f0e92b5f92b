"""Snapshot exports through mapping files: real public samples and a hand-made one."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from grading.access import accessfile
from grading.intake import ingest, mapping
from grading.monthly import results
from grading.scoring import schemes
from grading.store import database
from tests.conftest import ev, reg
from tests.stores import mp_store
from tests.test_store_ingest import write_csv

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "external"
LA_FILES = sorted((EXTERNAL / "la311").glob("*.csv"))
needs_samples = pytest.mark.skipif(not LA_FILES, reason="shared/data/external not beside the repository")


def events_of(db: Path) -> pl.DataFrame:
    con = database.connect_readonly(db)
    try:
        return database.read_events(con)
    finally:
        con.close()


def test_a_snapshot_row_becomes_its_events(tmp_path: Path) -> None:
    # Times are New York wall clock; +9h30 gives Asia/Kolkata (EST, UTC-5, in January).
    # R1: due 3 days 1 hour after registration → limit 73/24 days (kept to the second, never rounded
    # up to 4); closed and not disputed → satisfied.
    # R2: still open. R3: closed the day before it was opened → its closing is quarantined with its
    # reason and its registration kept (an open request).
    path = tmp_path / "snap.csv"
    path.write_text(
        "ID,Agency,Area,Type,Opened,Closed,Due,State,Source,Disputed\n"
        "R1,WATER,NORTH,LEAK,01/10/2024 08:00,01/12/2024 17:30,01/13/2024 09:00,Done,Phone,No\n"
        "R2,ROADS,SOUTH,POTHOLE,01/11/2024 10:00,,,Working,Web,\n"
        "R3,ROADS,SOUTH,POTHOLE,01/11/2024 10:00,01/10/2024 10:00,,Done,Web,Yes\n",
        encoding="utf-8",
    )
    rules = tmp_path / "snap.toml"
    rules.write_text(
        """
[columns]
complaint_id = "ID"
department = "Agency"
district = "Area"
category = "Type"
registered_at = "Opened"
closed_at = "Closed"
due_at = "Due"
status = "State"
channel = "Source"
satisfaction = "Disputed"
[formats]
datetime = "%m/%d/%Y %H:%M"
timezone = "America/New_York"
[status]
Done = "resolved"
Working = "open"
[channel]
Phone = "call"
Web = "web"
[satisfaction]
No = "satisfied"
Yes = "dissatisfied"
""",
        encoding="utf-8",
    )
    db = tmp_path / "s.duckdb"
    mp_store(db)
    report = ingest.ingest(db, [path], mapping=mapping.load(rules))
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_quarantined) == (3, 5, 1)
    assert f.problems.select("row_number", "field", "reason").rows() == [
        (3, "closed_at", "closed before it was registered")
    ]
    got = (
        events_of(db)
        .sort("complaint_id", "event_time", "event")
        .select("complaint_id", "event_time", "event", "level", "department", "channel", "outcome", "limit_days")
    )
    assert got.rows() == [
        ("R1", datetime(2024, 1, 10, 18, 30), "registered", "L1", "WATER", "call", None, 73 / 24),
        ("R1", datetime(2024, 1, 13, 4, 0), "feedback", None, None, None, "satisfied", None),
        ("R1", datetime(2024, 1, 13, 4, 0), "closed", None, None, None, "satisfied", None),
        ("R2", datetime(2024, 1, 11, 20, 30), "registered", "L1", "ROADS", "web", None, None),
        ("R3", datetime(2024, 1, 11, 20, 30), "registered", "L1", "ROADS", "web", None, None),
    ]


@needs_samples
def test_la311_samples_load_and_rank_the_agencies(tmp_path: Path) -> None:
    db = tmp_path / "la.duckdb"
    mp_store(db)
    report = ingest.ingest(db, LA_FILES, mapping=mapping.load("la311"))
    for f in report.files:
        assert f.rows_read >= 9_999
        assert 0 < f.rows_quarantined < 100  # the real data errors: closes before opens, no close time
        assert set(f.problems["field"]) <= {"closed_at"}
    con = database.connect_readonly(db)
    loaded = con.sql("select count(*) from complaints").fetchall()[0][0]
    con.close()
    assert loaded == sum(f.rows_read for f in report.files)  # a bad closing keeps its registration
    rows = results.graded(database.connect_readonly(db), schemes.load("cpgrams-gri"), "department", date(2018, 1, 1))
    ranked = rows.filter("is_ranked")
    assert {"BOS", "LADWP"} <= set(ranked["department"])
    assert ranked["rank"].min() == 1
    assert ranked["score"].n_unique() > 1  # the agencies differ on time taken against their due dates


@needs_samples
def test_cfpb_samples_load_and_rank_the_companies(tmp_path: Path) -> None:
    db = tmp_path / "cfpb.duckdb"
    with_ids = EXTERNAL / "cfpb" / "ziyuyan9_complaints_sample.csv"
    mp_store(db)
    report = ingest.ingest(db, [with_ids], mapping=mapping.load("cfpb"))
    assert report.files[0].rows_read == 6_623  # narratives span lines: rows, not lines
    # Files without a Complaint ID column: the same mapping without complaint_id (ids from the file hash).
    no_ids = tmp_path / "cfpb-noid.toml"
    no_ids.write_text(
        "\n".join(
            line
            for line in mapping.load("cfpb").path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("complaint_id")
        ),
        encoding="utf-8",
    )
    report = ingest.ingest(
        db, [EXTERNAL / "cfpb" / "nobieyi00_consumer_complaints_2013.csv"], mapping=mapping.load(no_ids)
    )
    assert report.files[0].rows_read == 3_186
    con = database.connect_readonly(db)
    disputed = con.sql("select count(*) from events where event = 'feedback' and outcome = 'dissatisfied'").fetchall()[
        0
    ][0]
    rows = results.graded(con, schemes.load(), "department", date(2013, 7, 1))
    con.close()
    assert disputed >= 595 - 10  # "Consumer disputed? = Yes" in the 2013 file, less quarantined rows
    assert rows.filter("is_ranked").height >= 5
    assert "Wells Fargo & Company" in set(rows["department"])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('"Closed" = "resolved"', '"Closed" = "done"'), "[status].'Closed': expected one of"),
        (('department = "Owner"', 'departmnt = "Owner"'), "[columns]: unknown key(s) ['departmnt']"),
        (('"Call" = "call"', '"Call" = "phone"'), "[channel].'Call': expected one of"),
        (("[formats]", "[format]"), "unknown table(s) ['format']"),
    ],
)
def test_bad_mapping_files_name_file_and_key(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(mapping.load("la311").path.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    with pytest.raises(mapping.MappingError) as err:
        mapping.load(bad)
    assert str(bad) in str(err.value)
    assert message in str(err.value)


def test_a_file_without_the_mapped_columns_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(mapping.MappingError, match="the file has no column"):
        ingest.ingest(mp_store(tmp_path / "x.duckdb"), [path], mapping=mapping.load("la311"))


def test_json_lines_load_like_csv_with_hindi_intact(tmp_path: Path) -> None:
    rows = [
        reg("J1", "2024-03-01 10:00", note="बिजली कटौती, ग्राम पंचायत रामपुर"),
        ev("J1", "2024-03-02 10:00", "attended", level="L1"),
    ]
    jsonl = tmp_path / "events.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps({**r, "event_time": r["event_time"].isoformat()}, ensure_ascii=False) for r in rows)
        + "\n",
        encoding="utf-8",
    )
    csv = write_csv(rows, tmp_path / "events.csv")
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    mp_store(a)
    ingest.ingest(a, [jsonl])
    mp_store(b)
    shutil.copyfile(accessfile.access_path(a), accessfile.access_path(b))  # the same pseudonym key
    ingest.ingest(b, [csv])
    ea, eb = events_of(a).sort("event_time"), events_of(b).sort("event_time")
    assert ea.equals(eb)
    assert ea["note"][0] == "बिजली कटौती, ग्राम पंचायत रामपुर"


def test_a_csv_with_a_bom_and_shuffled_columns_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        "\ufeffevent,complaint_id,event_time,department,district,category,complainant,level\n"
        "registered,B1,2024-03-01T10:00:00+05:30,D1,X,CAT,P,L1\n".encode()
    )
    report = ingest.ingest(mp_store(tmp_path / "b.duckdb"), [path])
    assert (report.files[0].rows_loaded, report.files[0].rows_quarantined) == (1, 0)
