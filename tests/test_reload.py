"""A reload of files already loaded changes nothing on disk: no writer lock, no new version, no swap.

Before, `nivaran ingest` of a file whose content was loaded skipped the file but still wrote and swapped
in a new version (a full store's worth of replay or copy, and a new stamp that made every dashboard
reopen and recompute). Now a read-only check comes first; a write happens only when some file is new
or a declared export time moves the store's horizon.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
from click.testing import CliRunner

from grading.cli import main
from grading.intake import ingest, mapping
from grading.store import layout
from tests.conftest import reg
from tests.stores import mp_store
from tests.test_exported_at import MAPPING, SNAPSHOT
from tests.test_store_ingest import write_csv


def on_disk(db: Path) -> dict[str, object]:
    """What a write would change: the link's target, every store file's inode, size and modification
    time (the lock file's too: a writer opens it for writing), and the current version's write id."""
    files = {
        p.name: (st.st_ino, st.st_size, st.st_mtime_ns)
        for p in db.parent.iterdir()
        if p.name.startswith(db.name + ".")
        for st in [p.lstat()]
    }
    current = layout.current_file(db)
    assert current is not None
    con = duckdb.connect(str(current), read_only=True)
    try:
        generation = con.execute("select value from meta where key = 'generation'").fetchall()[0][0]
    finally:
        con.close()
    return {"link": os.readlink(db), "files": files, "generation": generation}


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path]:
    """A store with two loads (a current version and its standby) and the first load's file."""
    db = mp_store(tmp_path / "n.duckdb")
    first = write_csv([reg("A1", "2024-03-01 10:00"), reg("A2", "2024-03-02 10:00")], tmp_path / "first.csv")
    ingest.ingest(db, [first])
    ingest.ingest(db, [write_csv([reg("A3", "2024-03-03 10:00")], tmp_path / "second.csv")])
    return db, first


def test_reloading_a_loaded_file_changes_nothing_on_disk(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    db, first = loaded
    before = on_disk(db)
    again = tmp_path / "renamed.csv"  # the same content under another name is the same load
    again.write_bytes(first.read_bytes())
    report = ingest.ingest(db, [first, again])
    assert [f.already_loaded for f in report.files] == [True, True]
    assert report.refreshed_months == []
    assert on_disk(db) == before

    result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(first)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{first}: already loaded (same content), skipped\n"
    assert on_disk(db) == before


def test_one_new_file_among_loaded_ones_is_written(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    db, first = loaded
    before = on_disk(db)
    new = write_csv([reg("A4", "2024-03-04 10:00")], tmp_path / "new.csv")
    report = ingest.ingest(db, [first, new])
    assert [f.already_loaded for f in report.files] == [True, False]
    after = on_disk(db)
    assert after["generation"] != before["generation"]
    assert after["link"] != before["link"]


def test_a_later_export_time_is_a_write_and_the_same_one_is_not(loaded: tuple[Path, Path]) -> None:
    db, first = loaded
    ingest.ingest(db, [first], exported_at="2024-03-10T12:00:00")  # moves the horizon: written
    moved = on_disk(db)
    for same_or_older in ("2024-03-10T12:00:00", "2024-03-05T00:00:00"):
        ingest.ingest(db, [first], exported_at=same_or_older)
        assert on_disk(db) == moved
    ingest.ingest(db, [first], exported_at="2024-03-20T12:00:00")
    assert on_disk(db)["generation"] != moved["generation"]


def test_a_snapshot_reloaded_with_its_mapping_changes_nothing(tmp_path: Path) -> None:
    from grading.store import helpline

    db = tmp_path / "c.duckdb"
    helpline.init(db, timezone="America/Chicago", scheme="city-311")
    chosen = mapping.load(_text(tmp_path / "m.toml", MAPPING.format(extra='exported_at = "2024-08-15T15:00:00Z"')))
    snapshot = _text(tmp_path / "snap.csv", SNAPSHOT)
    ingest.ingest(db, [snapshot], mapping=chosen)
    ingest.ingest(db, [_text(tmp_path / "other.csv", SNAPSHOT.replace("R3,", "R4,"))], mapping=chosen)
    before = on_disk(db)
    report = ingest.ingest(db, [snapshot], mapping=chosen)  # the mapping's export time is the stored one
    assert report.files[0].already_loaded
    assert on_disk(db) == before
    fixed = mapping.load(_text(tmp_path / "m2.toml", MAPPING.format(extra="") + "\n"))  # another mapping
    assert not ingest.ingest(db, [snapshot], mapping=fixed).files[0].already_loaded


def test_a_workbook_sheet_reloaded_changes_nothing_and_another_sheet_loads(tmp_path: Path) -> None:
    db = mp_store(tmp_path / "x.duckdb")
    columns = ["complaint_id", "event_time", "event", "level", "department", "district", "category", "complainant"]
    book = tmp_path / "events.xlsx"
    with xlsxwriter.Workbook(book) as workbook:
        for name, cid in (("Monday", "M1"), ("Tuesday", "T1")):
            sheet = workbook.add_worksheet(name)
            sheet.write_row(0, 0, columns)
            sheet.write_row(1, 0, [cid, "2024-03-04T10:00:00", "registered", "L1", "ENERGY", "BHOPAL", "X", "P"])
    ingest.ingest(db, [book], sheet="Monday")
    ingest.ingest(db, [book])  # the first sheet, without a name: its own key
    before = on_disk(db)
    assert ingest.ingest(db, [book], sheet="Monday").files[0].already_loaded
    assert ingest.ingest(db, [book]).files[0].already_loaded
    assert on_disk(db) == before
    assert not ingest.ingest(db, [book], sheet="Tuesday").files[0].already_loaded
    assert on_disk(db)["generation"] != before["generation"]


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
