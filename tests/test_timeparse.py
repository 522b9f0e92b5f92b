"""Times read exactly (grading/rules/timeparse.py): each case a value worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from grading.intake import ingest, mapping
from grading.rules import timeparse
from grading.store import database, helpline, month_reads

NY = "America/New_York"
IST = "Asia/Kolkata"
US_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "epoch")


@pytest.mark.parametrize(
    ("text", "zone", "store_zone", "expected"),
    [
        # An offset wins over the zone: 10:00 at +05:30 is 04:30 UTC, 00:30 in New York (EDT, UTC-4).
        ("2024-08-01T10:00+05:30", NY, NY, datetime(2024, 8, 1, 0, 30)),
        ("2024-08-01T10:00:00+0530", NY, IST, datetime(2024, 8, 1, 10, 0)),
        # Z is UTC: 04:30Z = 10:00 IST.
        ("2024-08-01T04:30:00Z", NY, IST, datetime(2024, 8, 1, 10, 0)),
        ("2024-08-01 14:00:00 -04", IST, NY, datetime(2024, 8, 1, 14, 0)),
        # No offset: the source's zone. 10:00 EDT = 14:00 UTC = 19:30 IST.
        ("2024-08-01 10:00", NY, IST, datetime(2024, 8, 1, 19, 30)),
        ("08/01/2024 10:00:00 AM", NY, NY, datetime(2024, 8, 1, 10, 0)),
        # A format with an offset after the clock (the offset is honoured, not thrown away).
        ("08/01/2024 10:00:00 AM +05:30", NY, IST, datetime(2024, 8, 1, 10, 0)),
        # A bare date: its -01 is a day, not an offset.
        ("2024-08-01", NY, NY, datetime(2024, 8, 1, 0, 0)),
        # Epoch: 1722488400 s = 2024-08-01 05:00 UTC = 01:00 EDT; the same in milliseconds.
        ("1722488400", NY, NY, datetime(2024, 8, 1, 1, 0)),
        ("1722488400000", NY, NY, datetime(2024, 8, 1, 1, 0)),
        # DST gap: 2024-03-10 02:30 does not exist in New York; read at the offset before the gap
        # (EST, UTC-5) = 07:30 UTC = 03:30 EDT.
        ("2024-03-10 02:30", NY, NY, datetime(2024, 3, 10, 3, 30)),
        # DST fold: 2024-11-03 01:30 happens twice; the first (EDT, UTC-4) = 05:30 UTC = 11:00 IST.
        ("2024-11-03 01:30", NY, IST, datetime(2024, 11, 3, 11, 0)),
        # Not a time at all, and an epoch far beyond any date: null (reported by the caller), no crash.
        ("soon", NY, NY, None),
        ("253402300799999999", NY, NY, None),
        ("", NY, NY, None),
    ],
)
def test_read_times(text: str, zone: str, store_zone: str, expected: datetime | None) -> None:
    got = pl.select(timeparse.read_times(pl.lit(text), formats=US_FORMATS, zone=zone, store_zone=store_zone)).item()
    assert got == expected


def test_one_column_mixing_offsets_and_wall_clock() -> None:
    # Row 1 has an offset (+05:30: already IST), row 2 none (New York: 09:00 EST = 19:30 IST in January).
    texts = pl.Series(["2024-01-10T09:00:00+05:30", "2024-01-10 09:00:00"])
    got = pl.select(timeparse.read_times(pl.lit(texts), zone=NY, store_zone=IST)).to_series().to_list()
    assert got == [datetime(2024, 1, 10, 9, 0), datetime(2024, 1, 10, 19, 30)]


@pytest.mark.parametrize(
    ("zone", "hint"),
    [("America/Chicgo", "did you mean 'America/Chicago'?"), ("Mars/Olympus", "such as 'America/New_York'")],
)
def test_a_misspelled_zone_is_one_sentence(zone: str, hint: str) -> None:
    with pytest.raises(timeparse.TimeFormatError) as err:
        timeparse.check_zone(zone, "--timezone")
    assert str(err.value).startswith(f"--timezone: {zone!r} is not a time zone")
    assert hint in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("formats", "reason"),
    [(["%Y-%m-%d", "yyyy-mm-dd"], "has no % directive"), ([], "expected a list of formats"), ([3], "is not a format")],
)
def test_a_wrong_format_is_one_sentence(formats: list[object], reason: str) -> None:
    with pytest.raises(timeparse.TimeFormatError, match=reason):
        timeparse.check_formats(formats, "m.toml: [formats].datetime")  # type: ignore[arg-type]


def test_the_plausible_window_ends_tomorrow() -> None:
    first, end = timeparse.window("UTC", date(2010, 1, 1), last=date(2024, 8, 31))
    assert (first, end) == (datetime(2010, 1, 1), datetime(2024, 9, 1))
    times = pl.Series([datetime(2009, 12, 31, 23, 59), datetime(2010, 1, 1), datetime(2024, 8, 31, 23, 59), None])
    flags = pl.select(timeparse.outside_window(pl.lit(times), (first, end))).to_series().to_list()
    assert flags == [True, False, False, None]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def events_of(db: Path) -> pl.DataFrame:
    con = database.connect_readonly(db)
    try:
        return database.read_events(con).sort("complaint_id", "event_time")
    finally:
        con.close()


def test_a_canonical_log_in_a_new_york_store(tmp_path: Path) -> None:
    # A store in New York: no-offset times are New York wall clock, offsets are converted, a row dated
    # 9999 and one dated 1900 are quarantined with the window as their reason (never graded).
    db = tmp_path / "ny.duckdb"
    helpline.init(db, timezone=NY, name="Test 311")
    log = write(
        tmp_path / "log.csv",
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "A,2024-08-01T10:00:00,registered,L1,PARKS,D1,C,P1\n"
        "B,2024-08-01T10:00:00Z,registered,L1,PARKS,D1,C,P2\n"
        "C,9999-01-01T00:00:00,registered,L1,PARKS,D1,C,P3\n"
        "D,1900-01-01,registered,L1,PARKS,D1,C,P4\n",
    )
    report = ingest.ingest(db, [log])
    problems = report.files[0].problems
    assert problems["complaint_id"].to_list() == ["C", "D"]
    assert problems["reason"].str.starts_with("outside the store's plausible dates 2000-01-01 to ").all()
    got = events_of(db)
    # B: 10:00 UTC = 06:00 EDT.
    assert got.select("complaint_id", "event_time").rows() == [
        ("A", datetime(2024, 8, 1, 10, 0)),
        ("B", datetime(2024, 8, 1, 6, 0)),
    ]
    con = database.connect_readonly(db)
    try:
        assert month_reads.month_bounds(con) == (date(2024, 8, 1), date(2024, 8, 1))
    finally:
        con.close()


def test_a_mapping_with_a_misspelled_zone_or_format_is_one_sentence(tmp_path: Path) -> None:
    base = '[columns]\ndepartment = "A"\nregistered_at = "B"\nstatus = "C"\n[status]\nOpen = "open"\n'
    bad_zone = write(tmp_path / "z.toml", base + '[formats]\ntimezone = "Amercia/Denver"\n')
    with pytest.raises(
        mapping.MappingError, match=r"z\.toml: \[formats\]\.timezone: 'Amercia/Denver' is not a time zone"
    ):
        mapping.load(bad_zone)
    bad_format = write(tmp_path / "f.toml", base + '[formats]\ndatetime = ["MM/DD/YYYY"]\n')
    with pytest.raises(mapping.MappingError, match=r"f\.toml: \[formats\]\.datetime: 'MM/DD/YYYY' has no % directive"):
        mapping.load(bad_format)
