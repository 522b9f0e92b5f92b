"""Real export shapes, each on a small hand-made export with its figures worked out by hand: date-only
times, exports without ids, on-time flags and due dates, separate date and time columns, Indian
formats, zoned times, and a month before the data."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from grading.intake import ingest, mapping
from grading.monthly import results
from grading.rules import timeparse
from grading.scoring import schemes
from grading.store import database, helpline

NOVEMBER = date(2019, 11, 1)

HEADER = """
[source]
name = "Test city"
[formats]
datetime = ["%m/%d/%Y %I:%M %p", "%m/%d/%Y"]
timezone = "America/Chicago"
[status]
Closed = "resolved"
Open = "open"
"""


def city(tmp_path: Path, name: str = "city.duckdb", zone: str = "America/Chicago") -> Path:
    db = tmp_path / name
    helpline.init(db, timezone=zone, name="Test city", scheme="city-311")
    return db


def rules(tmp_path: Path, columns: str, extra: str = "", name: str = "m.toml") -> mapping.Mapping:
    path = tmp_path / name
    path.write_text(f"[columns]\n{columns}\n{HEADER}\n{extra}", encoding="utf-8")
    return mapping.load(path)


def export(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


def table(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = database.connect_readonly(db)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def figures(db: Path, month: date = NOVEMBER, by: str = "department") -> dict[str, dict[str, object]]:
    con = database.connect_readonly(db)
    try:
        rows = results.graded(con, schemes.load("city-311"), by, month)
    finally:
        con.close()
    return {r[by]: r for r in rows.iter_rows(named=True)}


ID_COLUMNS = """complaint_id = "ID"
department = "Agency"
district = "Area"
category = "Type"
registered_at = "Opened"
closed_at = "Closed"
status = "Status"
"""


def test_a_date_only_close_on_the_day_of_opening_is_a_0_day_close(tmp_path: Path) -> None:
    # A1 opened 14:55, closed "11/04/2019" (a date): the same day → stored at 14:55, 0 days.
    # A2 opened 11/04 09:00, closed "11/06/2019" → stored at 11/06 00:00: 1 day 15 hours = 1.625 days.
    # A3 "closed" the day before it opened → its closing is set aside, its registration kept (open).
    # A4 open. November: received 4, closed 2, median of 0 and 1.625 = 0.8125 days, pending 2 (A3, A4).
    db = city(tmp_path)
    path = export(
        tmp_path,
        "dates.csv",
        """
ID,Agency,Area,Type,Opened,Closed,Status
A1,STREETS,W1,POTHOLE,11/04/2019 02:55 PM,11/04/2019,Closed
A2,STREETS,W1,POTHOLE,11/04/2019 09:00 AM,11/06/2019,Closed
A3,STREETS,W1,POTHOLE,11/05/2019 10:00 AM,11/04/2019,Closed
A4,STREETS,W1,POTHOLE,11/05/2019 11:00 AM,,Open
""",
    )
    report = ingest.ingest(db, [path], mapping=rules(tmp_path, ID_COLUMNS)).files[0]
    assert report.problems.select("complaint_id", "field", "value", "reason").rows() == [
        ("A3", "closed_at", "11/04/2019", "closed before it was registered")
    ]
    assert table(db, "select complaint_id, event_time from events where event = 'closed' order by 1") == [
        ("A1", datetime(2019, 11, 4, 14, 55)),
        ("A2", datetime(2019, 11, 6, 0, 0)),
    ]
    streets = figures(db)["STREETS"]
    assert (streets["received"], streets["closed"], streets["pending"]) == (4, 2, 2)
    assert streets["resolution_days_median"] == pytest.approx((0 + 1.625) / 2)


def test_a_due_date_without_a_clock_is_due_by_the_end_of_its_day(tmp_path: Path) -> None:
    # Both due "11/06/2019": B1 closed 11/06 5 PM (on time, the same day), B2 closed 11/07 9 AM (late) → 50 %.
    db = city(tmp_path)
    path = export(
        tmp_path,
        "due.csv",
        """
ID,Agency,Area,Type,Opened,Closed,Due,Status
B1,STREETS,W1,POTHOLE,11/04/2019 09:00 AM,11/06/2019 05:00 PM,11/06/2019,Closed
B2,STREETS,W1,POTHOLE,11/04/2019 09:00 AM,11/07/2019 09:00 AM,11/06/2019,Closed
""",
    )
    ingest.ingest(db, [path], mapping=rules(tmp_path, ID_COLUMNS + 'due_at = "Due"'))
    assert figures(db)["STREETS"]["on_time_closure_pct"] == 50.0


def test_overlapping_exports_without_ids_load_each_request_once(tmp_path: Path) -> None:
    # Without an id column each request's id is a content key (opened, type, area, channel). The first
    # export: R1 open, R2 closed, R3 open. The second, pulled later, repeats R2, closes R3, and adds two
    # requests filed in the same minute with the same type, area and channel (R4 and its twin: the
    # second gets "-2"). Stored: 5 requests, R3 closed once; received 5, closed 2 in November.
    columns = """department = "Agency"
district = "Area"
category = "Type"
registered_at = "Opened"
closed_at = "Closed"
status = "Status"
channel = "Source"
"""
    no_ids = rules(tmp_path, columns, '[channel]\nCall = "call"\n')
    db = city(tmp_path)
    head = "Agency,Area,Type,Opened,Closed,Status,Source\n"
    first = export(
        tmp_path,
        "first.csv",
        head
        + "STREETS,W1,POTHOLE,11/01/2019 09:00 AM,,Open,Call\n"
        + "PARKS,W2,GRAFFITI,11/01/2019 10:00 AM,11/03/2019 10:00 AM,Closed,Call\n"
        + "STREETS,W1,POTHOLE,11/02/2019 08:00 AM,,Open,Call\n",
    )
    later = (
        "PARKS,W2,GRAFFITI,11/01/2019 10:00 AM,11/03/2019 10:00 AM,Closed,Call\n"
        "STREETS,W1,POTHOLE,11/02/2019 08:00 AM,11/05/2019 08:00 AM,Closed,Call\n"
        "STREETS,W3,POTHOLE,11/06/2019 09:00 AM,,Open,Call\n"
        "STREETS,W3,POTHOLE,11/06/2019 09:00 AM,,Open,Call\n"
    )
    second = export(tmp_path, "second.csv", head + later)
    ingest.ingest(db, [first], mapping=no_ids)
    report = ingest.ingest(db, [second], mapping=no_ids).files[0]
    assert report.rows_duplicate == 3  # R2's registration and closing, R3's registration
    ids = [r[0] for r in table(db, "select complaint_id from complaints order by registered_at, complaint_id")]
    assert len(ids) == 5
    assert ids[3].startswith("k")
    assert ids[4] == f"{ids[3]}-2"
    assert table(db, "select count(*) from events where event = 'closed'") == [(2,)]
    before = table(db, "select * exclude (ingest_id) from events order by all")
    # The same rows again, in another order and another file: nothing new.
    reordered = export(tmp_path, "third.csv", head + "".join(reversed(later.splitlines(keepends=True))))
    again = ingest.ingest(db, [reordered], mapping=no_ids).files[0]
    assert (again.rows_loaded, again.rows_quarantined) == (0, 0)
    assert table(db, "select * exclude (ingest_id) from events order by all") == before
    got = figures(db)
    assert (got["STREETS"]["received"], got["PARKS"]["received"]) == (4, 1)
    assert (got["STREETS"]["closed"], got["PARKS"]["closed"]) == (1, 1)


def test_requests_stored_under_another_key_are_reported_as_look_alikes(tmp_path: Path) -> None:
    # The same two requests, first from an export with ids, then from one without: the second load
    # stores them under content keys (it cannot know better) and says so, with the count.
    db = city(tmp_path)
    text = """
ID,Agency,Area,Type,Opened,Closed,Status
C1,STREETS,W1,POTHOLE,11/04/2019 09:00 AM,,Open
C2,STREETS,W1,POTHOLE,11/04/2019 10:00 AM,,Open
"""
    ingest.ingest(db, [export(tmp_path, "ids.csv", text)], mapping=rules(tmp_path, ID_COLUMNS))
    without = rules(tmp_path, ID_COLUMNS.replace('complaint_id = "ID"\n', ""), name="noid.toml")
    report = ingest.ingest(db, [export(tmp_path, "noids.csv", text)], mapping=without)
    assert report.files[0].look_alikes == 2
    assert "2 new requests have the registration time, category and area of a request already stored" in (
        report.summary()
    )


def test_an_on_time_flag_column_gives_the_flags_share(tmp_path: Path) -> None:
    # Four requests, each closed 10 days after opening: against the default 7-day limit none is on time.
    # The city's own flag says Y, Y, N, Y → 3 of 4 = 75 %.
    text = "ID,Agency,Area,Type,Opened,Closed,Status,Timely\n" + "".join(
        f"D{i},STREETS,W1,POTHOLE,11/0{i}/2019 09:00 AM,11/{10 + i}/2019 09:00 AM,Closed,{flag}\n"
        for i, flag in enumerate("YYNY", start=1)
    )
    flagged = city(tmp_path, "flagged.duckdb")
    on_time = rules(tmp_path, ID_COLUMNS + 'on_time = "Timely"', '[on_time]\nY = "yes"\nN = "no"\n')
    ingest.ingest(flagged, [export(tmp_path, "flags.csv", text)], mapping=on_time)
    assert figures(flagged)["STREETS"]["on_time_closure_pct"] == 75.0
    plain = city(tmp_path, "plain.duckdb")
    ingest.ingest(plain, [tmp_path / "flags.csv"], mapping=rules(tmp_path, ID_COLUMNS, name="plain.toml"))
    assert figures(plain)["STREETS"]["on_time_closure_pct"] == 0.0


def test_limits_per_category_from_the_mapping(tmp_path: Path) -> None:
    # [limits] POTHOLE = 2 days: E1 closed after 3 days is late. GRAFFITI has none: the default 7 days,
    # E2 closed after 3 days is on time. STREETS 0 %, PARKS 100 %.
    db = city(tmp_path)
    path = export(
        tmp_path,
        "limits.csv",
        """
ID,Agency,Area,Type,Opened,Closed,Status
E1,STREETS,W1,POTHOLE,11/04/2019 09:00 AM,11/07/2019 09:00 AM,Closed
E2,PARKS,W1,GRAFFITI,11/04/2019 09:00 AM,11/07/2019 09:00 AM,Closed
""",
    )
    ingest.ingest(db, [path], mapping=rules(tmp_path, ID_COLUMNS, "[limits]\nPOTHOLE = 2\n"))
    got = figures(db)
    assert (got["STREETS"]["on_time_closure_pct"], got["PARKS"]["on_time_closure_pct"]) == (0.0, 100.0)


def test_separate_date_and_time_columns_combine(tmp_path: Path) -> None:
    # "11/16/2019" + "02:55 PM" → 2019-11-16 14:55; closed "11/18/2019" + "09:10 AM".
    db = city(tmp_path)
    columns = ID_COLUMNS.replace('registered_at = "Opened"', 'registered_at = { join = ["Open date", "Open time"] }')
    columns = columns.replace('closed_at = "Closed"', 'closed_at = { join = ["Close date", "Close time"] }')
    path = export(
        tmp_path,
        "split.csv",
        """
ID,Agency,Area,Type,Open date,Open time,Close date,Close time,Status
F1,STREETS,W1,POTHOLE,11/16/2019,02:55 PM,11/18/2019,09:10 AM,Closed
""",
    )
    ingest.ingest(db, [path], mapping=rules(tmp_path, columns))
    assert table(db, "select event, event_time from events order by event_time") == [
        ("registered", datetime(2019, 11, 16, 14, 55)),
        ("closed", datetime(2019, 11, 18, 9, 10)),
    ]


def test_indian_formats_and_devanagari_digits(tmp_path: Path) -> None:
    # dd-mm-yyyy with a 12-hour clock, once in ASCII and once in Devanagari digits: the same instant.
    db = city(tmp_path, zone="Asia/Kolkata")
    path = tmp_path / "in.toml"
    path.write_text(
        '[columns]\ncomplaint_id = "ID"\ndepartment = "Vibhag"\nregistered_at = "Darj"\nstatus = "Sthiti"\n'
        '[formats]\ndatetime = ["%d-%m-%Y %I:%M %p"]\ntimezone = "Asia/Kolkata"\n[status]\n"लंबित" = "open"\n',
        encoding="utf-8",
    )
    text = "ID,Vibhag,Darj,Sthiti\nG1,ENERGY,16-11-2019 02:55 PM,लंबित\nG2,ENERGY,१६-११-२०१९ ०२:५५ PM,लंबित\n"
    report = ingest.ingest(db, [export(tmp_path, "in.csv", text)], mapping=mapping.load(path)).files[0]
    assert report.rows_quarantined == 0
    assert table(db, "select complaint_id, event_time from events order by 1") == [
        ("G1", datetime(2019, 11, 16, 14, 55)),
        ("G2", datetime(2019, 11, 16, 14, 55)),
    ]


def test_a_zoned_time_lands_in_the_stores_zone(tmp_path: Path) -> None:
    # Chicago, November: UTC-6. 14:55-06:00 = 20:55 UTC = 02:25 the next day in Asia/Kolkata (+5:30);
    # a value without an offset is read in the mapping's zone (America/Chicago): the same instant.
    db = city(tmp_path, zone="Asia/Kolkata")
    text = "ID,Agency,Area,Type,Opened,Closed,Status\nH1,X,W,T,2019-11-16T14:55:00-06:00,,Open\n"
    text += "H2,X,W,T,11/16/2019 02:55 PM,,Open\n"
    ingest.ingest(db, [export(tmp_path, "zoned.csv", text)], mapping=rules(tmp_path, ID_COLUMNS))
    assert table(db, "select complaint_id, event_time from events order by 1") == [
        ("H1", datetime(2019, 11, 17, 2, 25)),
        ("H2", datetime(2019, 11, 17, 2, 25)),
    ]


def nivaran(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grading.cli", *args], capture_output=True, text=True, check=False)


def test_grading_a_month_before_the_data_is_one_sentence(tmp_path: Path) -> None:
    db = city(tmp_path)
    path = export(tmp_path, "one.csv", "ID,Agency,Area,Type,Opened,Closed,Status\nI1,X,W,T,11/04/2019 09:00 AM,,Open\n")
    ingest.ingest(db, [path], mapping=rules(tmp_path, ID_COLUMNS))
    before = nivaran("grade", "--db", str(db), "--month", "2019-10")
    assert (before.returncode, before.stdout) == (2, "")
    assert before.stderr == "error: no graded departments for 2019-10: the store's events start in 2019-11\n"


def test_grade_says_where_due_times_came_from_and_names_an_assumed_default(tmp_path: Path) -> None:
    # J1 has a due date (its own limit: "data"); J2 has none, and POTHOLE is no reference category:
    # the scheme's default 7 days, said as an assumption in the output.
    db = city(tmp_path)
    path = export(
        tmp_path,
        "due.csv",
        """
ID,Agency,Area,Type,Opened,Closed,Due,Status
J1,STREETS,W1,POTHOLE,11/04/2019 09:00 AM,,11/08/2019,Open
J2,PARKS,W1,POTHOLE,11/04/2019 09:00 AM,,,Open
""",
    )
    ingest.ingest(db, [path], mapping=rules(tmp_path, ID_COLUMNS + 'due_at = "Due"'))
    graded = nivaran("grade", "--db", str(db), "--month", "2019-11", "--format", "csv")
    assert graded.returncode == 0, graded.stderr
    sources = dict(pl.read_csv(graded.stdout.encode()).select("code", "due_source").rows())
    assert sources == {"STREETS": "data 100%", "PARKS": "default limit 100% (assumed)"}
    assert graded.stderr == (
        "due times: 1 of 2 complaints registered this month (1 departments) have no due time in the data and "
        "are judged against the scheme's default limit of 7 days, an assumption; a mapping's due_at, on_time "
        "or [limits] gives the data's own (docs/import.md)\n"
    )


@pytest.mark.parametrize(
    ("given", "suggested"),
    [
        ("America/Kansas_City", "America/Chicago"),
        ("Asia/Bhopal", "Asia/Kolkata"),
        ("America/Chicgo", "America/Chicago"),
    ],
)
def test_a_zone_named_after_a_city_suggests_the_citys_zone(given: str, suggested: str) -> None:
    with pytest.raises(timeparse.TimeFormatError, match=f"did you mean '{suggested}'"):
        timeparse.check_zone(given, "--timezone")


def test_the_methodology_page_says_where_the_time_limits_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # November: 6 complaints, 3 with a due date (data), 3 without in a category no reference data know
    # (the default, assumed): 50.0 % and 50.0 %; PARKS is named as the department the default decides.
    db = city(tmp_path)
    rows = "".join(
        f"K{i},{'STREETS' if i <= 3 else 'PARKS'},W1,POTHOLE,11/0{i}/2019 09:00 AM,,"
        f"{'11/20/2019' if i <= 3 else ''},Open\n"
        for i in range(1, 7)
    )
    path = export(tmp_path, "k.csv", "ID,Agency,Area,Type,Opened,Closed,Due,Status\n" + rows)
    ingest.ingest(db, [path], mapping=rules(tmp_path, ID_COLUMNS + 'due_at = "Due"'))
    monkeypatch.setenv("NIVARAN_DB", str(db))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/methodology.py").run()
    assert not at.exception, [e.message for e in at.exception]
    said = [m.value for m in at.markdown]
    assert (
        "Of the complaints registered in November 2019: 50.0 % carry a due time of their own from the data (a "
        "due date, the helpline's own on-time flag, or a limit per category given with the import), 0.0 % take "
        "their category's limits from the reference data, and 50.0 % take the scheme's default of 7 days at "
        "every level."
    ) in said
    assert any(
        m.startswith("The default is an assumption about this helpline") and m.endswith(": PARKS.") for m in said
    )
