"""A snapshot's export time (``exported_at``): open requests are judged as of it, not at a month end the
extract never reached; a newer export moves the horizon and the month is judged again."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from grading.intake import ingest, mapping
from grading.model.schema import NivaranError
from grading.serve import views
from grading.store import database, helpline

AUGUST = date(2024, 8, 1)
MAPPING = """
[source]
name = "tiny 311"
{extra}
[columns]
complaint_id = "id"
department = "agency"
registered_at = "opened"
closed_at = "closed"
due_at = "due"
status = "status"

[formats]
timezone = "America/Chicago"

[status]
open = "open"
closed = "resolved"
"""
# Three requests of agency A, in Chicago wall clock. Exported 2024-08-15 10:00:
# R1 opened 1 Aug 09:00, due 3 Aug 09:00, open       → overdue at the export (and at the month end)
# R2 opened 14 Aug 09:00, due 16 Aug 09:00, open     → not yet due at the export; overdue at 31 Aug
# R3 opened 10 Aug 09:00, closed 11 Aug 09:00 (due 12 Aug) → closed on time either way
SNAPSHOT = (
    "id,agency,opened,closed,due,status\n"
    "R1,A,2024-08-01 09:00:00,,2024-08-03 09:00:00,open\n"
    "R2,A,2024-08-14 09:00:00,,2024-08-16 09:00:00,open\n"
    "R3,A,2024-08-10 09:00:00,2024-08-11 09:00:00,2024-08-12 09:00:00,closed\n"
)


def _store(tmp_path: Path, name: str) -> Path:
    db = tmp_path / f"{name}.duckdb"
    helpline.init(db, timezone="America/Chicago", scheme="city-311")
    return db


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _mapping(tmp_path: Path, extra: str = "") -> mapping.Mapping:
    return mapping.load(_file(tmp_path, f"m{len(extra)}.toml", MAPPING.format(extra=extra)))


def _august(db: Path) -> dict[str, object]:
    con = database.connect_readonly(db)
    try:
        rows = database.read_monthly_metrics(con, "department", [AUGUST]).filter(pl.col("department") == "A")
    finally:
        con.close()
    cols = ("received", "closed", "pending", "open_overdue", "overdue_pending_pct", "pending_0_7", "pending_8_15")
    return {c: rows[c].item() for c in cols}


def test_open_requests_are_judged_as_of_the_export_time(tmp_path: Path) -> None:
    snapshot = _file(tmp_path, "snap.csv", SNAPSHOT)
    plain, exported = _store(tmp_path, "plain"), _store(tmp_path, "exported")
    ingest.ingest(plain, [snapshot], mapping=_mapping(tmp_path))
    ingest.ingest(exported, [snapshot], mapping=_mapping(tmp_path), exported_at="2024-08-15T10:00:00")
    # Without an export time, August is judged at 31 Aug 23:59: R1 and R2 both overdue (2 of 2 = 100 %),
    # aged 30 and 17 days (16-30 bucket).
    assert _august(plain) == {
        "received": 3, "closed": 1, "pending": 2, "open_overdue": 2, "overdue_pending_pct": 100.0,
        "pending_0_7": 0, "pending_8_15": 0,
    }  # fmt: skip
    # As of 15 Aug 10:00: R1 overdue, R2 not yet (1 of 2 = 50 %); ages 14 days (8-15) and 1 day (0-7).
    assert _august(exported) == {
        "received": 3, "closed": 1, "pending": 2, "open_overdue": 1, "overdue_pending_pct": 50.0,
        "pending_0_7": 1, "pending_8_15": 1,
    }  # fmt: skip
    con = database.connect_readonly(exported)
    try:  # the case lists describe the same instant
        assert views.as_of(con, AUGUST) == datetime(2024, 8, 15, 10, 0)
    finally:
        con.close()


def test_the_mapping_can_carry_the_export_time_with_an_offset(tmp_path: Path) -> None:
    db = _store(tmp_path, "m")
    # 15:00 UTC is 10:00 in Chicago (CDT, UTC-5): the same horizon as above.
    chosen = _mapping(tmp_path, 'exported_at = "2024-08-15T15:00:00Z"')
    ingest.ingest(db, [_file(tmp_path, "snap.csv", SNAPSHOT)], mapping=chosen)
    assert _august(db)["open_overdue"] == 1
    con = database.connect_readonly(db)
    try:
        assert database.data_until(con) == datetime(2024, 8, 15, 10, 0)
    finally:
        con.close()


def test_a_newer_export_moves_the_horizon_and_august_is_judged_again(tmp_path: Path) -> None:
    db = _store(tmp_path, "n")
    chosen = _mapping(tmp_path)
    ingest.ingest(db, [_file(tmp_path, "a.csv", SNAPSHOT)], mapping=chosen, exported_at="2024-08-15T10:00:00")
    # Exported 2 Sep: R2 closed 20 Aug. August is now judged at its own cut-off: R1 the only pending
    # request, overdue (1 of 1 = 100 %), 30 days old.
    newer = SNAPSHOT.replace(
        "R2,A,2024-08-14 09:00:00,,2024-08-16 09:00:00,open",
        "R2,A,2024-08-14 09:00:00,2024-08-20 09:00:00,2024-08-16 09:00:00,closed",
    )
    ingest.ingest(db, [_file(tmp_path, "b.csv", newer)], mapping=chosen, exported_at="2024-09-02T08:00:00")
    assert _august(db) == {
        "received": 3, "closed": 2, "pending": 1, "open_overdue": 1, "overdue_pending_pct": 100.0,
        "pending_0_7": 0, "pending_8_15": 0,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("15 August", "--exported-at: '15 August' is not a time; give ISO-8601"),
        ("1990-01-01T00:00:00", "--exported-at: '1990-01-01T00:00:00' is outside the store's plausible dates"),
    ],
)
def test_an_unreadable_export_time_is_one_sentence_and_nothing_is_loaded(
    tmp_path: Path, given: str, message: str
) -> None:
    db = _store(tmp_path, "bad")
    with pytest.raises(NivaranError, match=message) as raised:
        ingest.ingest(db, [_file(tmp_path, "s.csv", SNAPSHOT)], mapping=_mapping(tmp_path), exported_at=given)
    assert "\n" not in str(raised.value)
    con = database.connect_readonly(db)
    try:
        assert database.counts(con).get("events", 0) == 0
    finally:
        con.close()
