"""The store and the canonical importer on a real DuckDB file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from grading.intake import ingest, sources
from grading.monthly import results
from grading.rules import rowcheck
from grading.rules.derive import derive
from grading.scoring import schemes
from grading.scoring.metrics import month_metrics
from grading.store import database, month_reads
from grading.store.reference import categories as shipped_categories
from tests.conftest import ev, reg
from tests.stores import mp_store
from tests.test_metrics import MARCH, STORY, frame

MP = schemes.load("mp-cm-helpline")


def write_csv(rows: list[dict[str, object]], path: Path) -> Path:
    frame(rows).with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%S")).write_csv(path)
    return path


def march(db: Path) -> pl.DataFrame:
    con = database.connect_readonly(db)
    try:
        return database.read_monthly_metrics(con, months=[MARCH])
    finally:
        con.close()


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    db = tmp_path / "n.duckdb"
    mp_store(db)
    ingest.ingest(db, [write_csv(STORY, tmp_path / "story.csv")])
    return db


def test_store_path_matches_the_pure_pipeline(loaded: Path) -> None:
    # The categories used by the store are the shipped ones (CAT is unknown there: 7 days a level).
    expected = month_metrics(derive(frame(STORY), shipped_categories(), default_limit_days=7), MARCH)
    assert_frame_equal(march(loaded), expected, check_row_order=False, check_dtypes=False)


def test_grade_reads_names_and_ranks_from_the_store(loaded: Path) -> None:
    con = database.connect_readonly(loaded)
    rows = results.graded(con, MP, "department", MARCH)
    con.close()
    # D1 received 6: ranked; D2 received 1 (< 5): listed last, unranked. Codes not in the reference
    # data are their own names.
    assert rows.select("department", "rank", "department_name").rows() == [("D1", 1, "D1"), ("D2", None, "D2")]


def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path, loaded: Path) -> None:
    before = march(loaded)
    report = ingest.ingest(loaded, [tmp_path / "story.csv"])
    assert report.files[0].already_loaded
    # An overlapping newer export: the same events plus one more; only the new one loads.
    newer = write_csv(
        [*STORY, {"complaint_id": "C", "event_time": datetime(2024, 4, 2, 9), "event": "resolved", "level": "L1"}],
        tmp_path / "newer.csv",
    )
    report = ingest.ingest(loaded, [newer])
    assert (report.files[0].rows_loaded, report.files[0].rows_duplicate) == (1, len(STORY))
    assert_frame_equal(march(loaded), before)  # March is graded as of its cut-off: April changes nothing


def test_bad_rows_are_quarantined_with_file_line_field_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant,outcome\n"
        "K,2024-03-01T10:00:00,registered,L1,D1,X,CAT,P1,\n"
        "K,2024-03-32T10:00:00,attended,L1,,,,,\n"
        "K,2024-03-02T10:00:00,solved,L1,,,,,\n"
        "M,2024-03-02T10:00:00,registered,L1,,X,CAT,P2,\n"
        "K,2024-03-03T10:00:00,closed,,,,,,happy\n"
        "K,2024-03-01T11:00:00,attended,L1,,,,,maybe\n",
        encoding="utf-8",
    )
    db = tmp_path / "n.duckdb"
    mp_store(db)
    report = ingest.ingest(db, [path])
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_quarantined) == (6, 1, 5)
    text = sources.describe(f.problems, str(path))
    assert f"{path}, line 3 (complaint K): field 'event_time' = '2024-03-32T10:00:00': not an ISO-8601 time" in text
    assert "line 4 (complaint K): field 'event' = 'solved': unknown event" in text
    assert "line 5 (complaint M): field 'department' = None: required for 'registered' events" in text
    assert "line 6 (complaint K): field 'outcome' = 'happy': a closed outcome is one of" in text
    assert "line 7 (complaint K): field 'outcome' = 'maybe': unknown outcome" in text
    con = database.connect_readonly(db)
    kept = database.read_table(con, "quarantine")
    con.close()
    assert sorted(kept["row_number"].to_list()) == [2, 3, 4, 5, 6]
    assert set(kept["source"]) == {str(path)}


def test_strict_refuses_the_whole_load_and_writes_nothing(tmp_path: Path, loaded: Path) -> None:
    stamp = database.file_stamp(loaded)
    bad = tmp_path / "bad.csv"
    bad.write_text("complaint_id,event_time,event\nZ,yesterday,registered\n", encoding="utf-8")
    with pytest.raises(ingest.IngestError, match=r"line 2 \(complaint Z\): field 'event_time' = 'yesterday'"):
        ingest.ingest(loaded, [bad], strict=True)
    assert database.file_stamp(loaded) == stamp


def test_missing_required_column_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "cols.csv"
    bad.write_text("id,event_time,event\nZ,2024-01-01,registered\n", encoding="utf-8")
    mp_store(tmp_path / "n.duckdb")
    with pytest.raises(ingest.IngestError, match=r"cols.csv: missing column\(s\) \['complaint_id'\]"):
        ingest.ingest(tmp_path / "n.duckdb", [bad])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T10:00:00", datetime(2024, 3, 1, 10)),
        ("2024-03-01 10:00", datetime(2024, 3, 1, 10)),
        ("2024-03-01", datetime(2024, 3, 1)),
        ("2024-03-01T04:30:00Z", datetime(2024, 3, 1, 10)),
        ("2024-03-01T10:00:00+05:30", datetime(2024, 3, 1, 10)),
        ("2024-03-01T00:30:00-0400", datetime(2024, 3, 1, 10)),
        ("2024-03-01T10:00:00.250", datetime(2024, 3, 1, 10, 0, 0, 250000)),
        ("2024-02-30T10:00:00", None),
        ("01/03/2024 10:00", None),
    ],
)
def test_event_times_become_asia_kolkata_wall_clock(text: str, expected: datetime | None) -> None:
    got = pl.select(rowcheck.parse_times(pl.lit(text))).item()
    assert got == expected


def test_unknown_codes_are_registered_and_reported(loaded: Path) -> None:
    con = database.connect_readonly(loaded)
    departments = database.read_table(con, "departments")
    con.close()
    d1 = departments.filter(pl.col("code") == "D1").row(0, named=True)
    assert (d1["name_en"], d1["is_reference"]) == ("D1", False)
    assert departments.filter("is_reference").height == 52


def test_parquet_input_loads_like_csv(tmp_path: Path, loaded: Path) -> None:
    pq = tmp_path / "story.parquet"
    frame(STORY).write_parquet(pq)
    db = mp_store(tmp_path / "pq.duckdb")
    ingest.ingest(db, [pq])
    assert_frame_equal(march(db), march(loaded))


def test_a_writer_swaps_in_a_new_file_while_a_reader_holds_the_old_one(tmp_path: Path, loaded: Path) -> None:
    reader = database.connect_readonly(loaded)
    before = reader.sql("select count(*) from events").fetchall()[0][0]
    extra = write_csv([reg("NEW", "2024-03-03 09:00")], tmp_path / "extra.csv")
    ingest.ingest(loaded, [extra])  # no "Conflicting lock": the writer works on a copy
    assert reader.sql("select count(*) from events").fetchall()[0][0] == before  # old snapshot
    reader.close()
    fresh = database.connect_readonly(loaded)
    assert fresh.sql("select count(*) from events").fetchall()[0][0] == before + 1
    fresh.close()


def test_a_failed_write_leaves_the_database_as_it_was(loaded: Path) -> None:
    stamp = database.file_stamp(loaded)

    def failing_write() -> None:
        with database.writing(loaded) as con:
            con.execute("delete from events")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing_write()
    assert database.file_stamp(loaded) == stamp
    assert not loaded.with_name(loaded.name + ".building").exists()
    con = duckdb.connect(str(loaded), read_only=True)
    assert con.sql("select count(*) from events").fetchall()[0][0] == len(STORY)
    con.close()


def test_missing_database_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(database.StoreError, match="nivaran demo --db"):
        database.connect_readonly(tmp_path / "none.duckdb")


def test_month_bounds(loaded: Path) -> None:
    con = database.connect_readonly(loaded)
    assert month_reads.month_bounds(con) == (date(2024, 1, 1), date(2024, 4, 1))
    con.close()


def test_an_event_after_the_closure_is_quarantined_not_graded(tmp_path: Path) -> None:
    # K was closed 'resolved' on 23 Feb; a call-back on 2 March breaks "closed is the last event":
    # it is quarantined with its reason, and March is graded on what was loaded.
    rows = [
        reg("K", "2024-02-20 10:00"),
        ev("K", "2024-02-22 10:00", "resolved", level="L1"),
        ev("K", "2024-02-23 10:00", "closed", outcome="resolved"),
        ev("K", "2024-03-02 10:00", "feedback", outcome="satisfied"),
        reg("M", "2024-03-05 10:00"),
    ]
    db = tmp_path / "k.duckdb"
    mp_store(db)
    report = ingest.ingest(db, [write_csv(rows, tmp_path / "k.csv")])
    assert report.files[0].problems.select("row_number", "reason").rows() == [
        (4, "after the complaint was closed (closed must be the last event)")
    ]
    d1 = march(db).filter((pl.col("entity_type") == "department") & (pl.col("department") == "D1")).row(0, named=True)
    assert (d1["feedback_satisfied"], d1["satisfaction_pct"]) == (0, None)
    loaded = [r for i, r in enumerate(rows) if i != 3]
    assert_frame_equal(
        march(db),
        month_metrics(derive(frame(loaded), shipped_categories(), default_limit_days=7), MARCH),
        check_row_order=False,
        check_dtypes=False,
    )


@pytest.mark.parametrize(
    ("rows", "bad_row", "reason"),
    [
        ([ev("Z", "2024-03-02 10:00", "attended", level="L1")], 1, "no 'registered' event for this complaint"),
        ([reg("Z", "2024-03-02 10:00"), reg("Z", "2024-03-03 10:00")], 2, "the complaint is already registered"),
        (
            [reg("Z", "2024-03-02 10:00"), ev("Z", "2024-03-01 10:00", "attended", level="L1")],
            2,
            "before the complaint's registration",
        ),
        (
            [reg("Z", "2024-03-02 10:00"), ev("Z", "2024-03-09 10:00", "escalated", level="L3")],
            2,
            "an escalation moves exactly one level up",
        ),
        (  # the wrong escalation does not move the level: the lawful ones after it are kept
            [
                reg("Z", "2024-03-02 10:00"),
                ev("Z", "2024-03-09 10:00", "escalated", level="L3"),
                ev("Z", "2024-03-10 10:00", "escalated", level="L2"),
                ev("Z", "2024-03-18 10:00", "escalated", level="L3"),
            ],
            2,
            "an escalation moves exactly one level up",
        ),
        (
            [
                reg("Z", "2024-03-02 10:00"),
                ev("Z", "2024-03-03 10:00", "closed", outcome="force"),
                ev("Z", "2024-03-04 10:00", "closed", outcome="force"),
            ],
            3,
            "after the complaint was closed",
        ),
    ],
)
def test_impossible_histories_are_quarantined(
    tmp_path: Path, rows: list[dict[str, object]], bad_row: int, reason: str
) -> None:
    report = ingest.ingest(mp_store(tmp_path / "z.duckdb"), [write_csv(rows, tmp_path / "z.csv")])
    problems = report.files[0].problems
    assert problems["row_number"].to_list() == [bad_row]
    assert problems["reason"][0].startswith(reason)
    assert report.files[0].rows_loaded == len(rows) - 1


def test_a_new_closure_before_stored_events_is_refused(tmp_path: Path, loaded: Path) -> None:
    # C is stored with events on 20 and 21 March; a closure dated 20 March 12:00 would not be last.
    late = write_csv([ev("C", "2024-03-20 12:00", "closed", outcome="force")], tmp_path / "late.csv")
    report = ingest.ingest(loaded, [late])
    assert report.files[0].problems["reason"].to_list() == ["a stored event comes after this closure"]
    # and strict mode refuses the file with the line named
    other = write_csv([ev("C", "2024-03-20 13:00", "closed", outcome="force")], tmp_path / "late2.csv")
    with pytest.raises(ingest.IngestError, match=r"late2.csv, line 2 \(complaint C\)"):
        ingest.ingest(loaded, [other], strict=True)


def test_a_closure_dated_before_the_registration_quarantines_only_the_closure(tmp_path: Path) -> None:
    # Q's closure (1 March) is dated before its registration (3 March): the closure breaks "nothing
    # comes before the registration" and is quarantined with that rule; the registration stays, so Q
    # is received in March (1 received, still open at the cut-off).
    rows = [
        ev("Q", "2024-03-01 10:00", "closed", outcome="satisfied"),
        reg("Q", "2024-03-03 10:00"),
        ev("Q", "2024-03-04 10:00", "attended", level="L1"),
    ]
    report = ingest.ingest(mp_store(tmp_path / "q.duckdb"), [write_csv(rows, tmp_path / "q.csv")])
    problems = report.files[0].problems
    assert problems.select("row_number", "field", "reason").rows() == [
        (1, "event_time", "before the complaint's registration")
    ]
    assert report.files[0].rows_loaded == 2
    d1 = march(tmp_path / "q.duckdb").filter(pl.col("entity_type") == "department").row(0, named=True)
    assert (d1["received"], d1["pending"], d1["closed"]) == (1, 1, 0)
