"""`nivaran export`: the store as Hive-partitioned Parquet, written incrementally, and nothing personal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from grading.cli import main
from grading.intake import ingest
from grading.store import lake
from tests.stores import mp_store

HEADER = "complaint_id,event_time,event,level,department,district,category,complainant,channel,outcome,note\n"
# Day 1 (1 Aug 2024): C1 was registered on 30 July and is attended; C2 is registered. C1's complainant is a
# phone number and its note names a person and a number: the store keeps neither as given.
DAY_1 = (
    "C1,2024-07-30T10:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,9876543210,call,,"
    "Shri Ramesh Kumar called from 9876543210\n"
    "C1,2024-08-01T09:00:00,attended,L1,,,,,,,\n"
    "C2,2024-08-01T11:00:00,registered,L1,ENERGY,INDORE,POWER_SUPPLY_INTERRUPTION,8765432109,web,,\n"
)
# Day 2 (2 Aug): C1 (a July complaint) is resolved and closed satisfied; C3 is registered.
DAY_2 = (
    "C1,2024-08-02T10:00:00,resolved,L1,,,,,,,\n"
    "C1,2024-08-02T12:00:00,closed,,,,,,,satisfied,\n"
    "C3,2024-08-02T09:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,7654321098,app,,\n"
)


def files(folder: Path) -> dict[str, bytes]:
    """Every Parquet file of a lake by its path inside it, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.parquet"))}


@pytest.fixture
def two_days(tmp_path: Path) -> tuple[Path, Path, Path]:
    db = mp_store(tmp_path / "mp.duckdb", name="Test helpline")
    day_1, day_2 = tmp_path / "day-1.csv", tmp_path / "day-2.csv"
    day_1.write_text(HEADER + DAY_1, encoding="utf-8")
    day_2.write_text(HEADER + DAY_2, encoding="utf-8")
    return db, day_1, day_2


def test_an_incremental_export_equals_a_full_export_and_writes_only_what_changed(
    two_days: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, day_1, day_2 = two_days
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    ingest.ingest(db, [day_1])
    first = lake.export(db, incremental, "mp")
    assert "events/2024-07" in first.written
    assert "events/2024-08" in first.written
    ingest.ingest(db, [day_2])
    second = lake.export(db, incremental, "mp")
    # Day 2 adds August events, closes a July complaint (its complaint row and its July stint change)
    # and registers an August one. July's events did not change, nor July's metrics (judged as of the
    # end of July, before day 2), nor the reference tables.
    # There is no call-back and no transfer, so no feedback_events or transfers partition at all.
    assert second.written == [
        "events/2024-08",
        "complaints/2024-07",
        "complaints/2024-08",
        "stints/2024-07",
        "stints/2024-08",
        "monthly_metrics/2024-08",
    ]
    assert second.unchanged == 6
    assert second.removed == []
    lake.export(db, full, "mp")
    assert files(incremental) == files(full)  # the same partitions, byte for byte
    assert "events/helpline=mp/month=2024-08/part-0.parquet" in files(full)
    assert "departments/helpline=mp/part-0.parquet" in files(full)


def test_a_rerun_without_a_new_load_writes_nothing(two_days: tuple[Path, Path, Path], tmp_path: Path) -> None:
    db, day_1, _ = two_days
    ingest.ingest(db, [day_1])
    out = tmp_path / "lake"
    lake.export(db, out, "mp")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = lake.export(db, out, "mp")
    assert again.written == []
    assert again.removed == []
    assert not again.scanned
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_partitions_read_back_as_the_store_holds_them_without_personal_data(
    two_days: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, day_1, day_2 = two_days
    ingest.ingest(db, [day_1, day_2])
    out = tmp_path / "lake"
    lake.export(db, out, "mp")
    events = pl.read_parquet(out / "events", hive_partitioning=True)
    # 6 events; the partition columns come from the path; no free text in a lake.
    assert events.height == 6
    assert set(events["helpline"]) == {"mp"}
    assert events.group_by("month").len().sort("month").rows() == [("2024-07", 1), ("2024-08", 5)]
    assert "note" not in events.columns
    # Complainants are the store's keyed pseudonyms; no phone number or name is anywhere in the lake.
    pseudonyms = events["complainant"].drop_nulls()
    assert pseudonyms.len() == 3
    assert all(re.fullmatch(r"P[0-9a-f]{16}", p) for p in pseudonyms)
    for blob in files(out).values():
        assert b"9876543210" not in blob
        assert b"Ramesh" not in blob
    complaints = pl.read_parquet(out / "complaints", hive_partitioning=True)
    assert complaints.sort("complaint_id").select("complaint_id", "month", "close_outcome").rows() == [
        ("C1", "2024-07", "satisfied"),
        ("C2", "2024-08", None),
        ("C3", "2024-08", None),
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["helplines"]["mp"]
    assert (manifest["timezone"], manifest["scheme"], manifest["name"]) == (
        "Asia/Kolkata",
        "mp-cm-helpline",
        "Test helpline",
    )
    assert (manifest["first_month"], manifest["last_month"]) == ("2024-07", "2024-08")
    assert "month" not in manifest["tables"]["monthly_metrics"]["columns"]  # the path holds it


def test_an_export_cut_short_is_finished_by_the_next(two_days: tuple[Path, Path, Path], tmp_path: Path) -> None:
    db, day_1, _ = two_days
    ingest.ingest(db, [day_1])
    full, cut = tmp_path / "full", tmp_path / "cut"
    lake.export(db, full, "mp")
    # What a kill leaves after the lock and one partition were written, before the export's record.
    (cut / "events" / "helpline=mp" / "month=2024-07").mkdir(parents=True)
    (cut / ".lock").touch()
    (cut / "events" / "helpline=mp" / "month=2024-07" / ".part-0.parquet.partial").write_bytes(b"PAR1")
    lake.export(db, cut, "mp")
    assert files(cut) == files(full)


def test_export_refuses_a_folder_of_other_files_and_a_bad_name(
    two_days: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, day_1, _ = two_days
    ingest.ingest(db, [day_1])
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"\xff\xd8")
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--out", str(other)], standalone_mode=False)
    assert isinstance(result.exception, lake.LakeError)
    assert "holds other files" in str(result.exception)
    with pytest.raises(lake.LakeError, match="cannot name a lake partition"):
        lake.export(db, tmp_path / "lake", "MP State/1")
    assert not (tmp_path / "lake").exists()
