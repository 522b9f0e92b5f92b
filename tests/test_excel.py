"""Excel workbooks read directly by `nivaran ingest`: small .xlsx files written here with xlsxwriter, loaded
next to the same data as CSV through the command line, into stores made with `nivaran init`."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner, Result

from grading.cli import main
from grading.intake import ingest, limits, mapping, readers
from grading.model.schema import NivaranError
from grading.store import database

HEADER = [
    "SRNumber",
    "CreatedDate",
    "ClosedDate",
    "ServiceDate",
    "Owner",
    "CD",
    "RequestType",
    "Status",
    "RequestSource",
]
DT = datetime
#: Five MyLA311-style requests as cells: a text or an integer id, date-time cells (one at midnight),
#: date-only cells (the due date), blank cells (an open request, no due date), integer council districts.
#: Request 1-104 is closed before it was opened: the bad row (data row 4, sheet row 5).
REQUESTS: list[list[object]] = [
    ["1-101", DT(2018, 1, 2, 8), DT(2018, 1, 3, 9, 30), date(2018, 1, 6), "BOS", 10, "Bulky", "Closed", "Mobile App"],
    [870704815, DT(2018, 1, 4, 13, 45, 7), None, date(2018, 1, 10), "LADOT", 1, "Graffiti", "Open", "Call"],
    ["1-103", DT(2018, 1, 5, 0, 0), DT(2018, 1, 5, 17), None, "BOS", 10, "Bulky", "Closed", "Self Service"],
    ["1-104", DT(2018, 1, 8, 10), DT(2018, 1, 7, 10), date(2018, 1, 9), "BOS", 4, "Bulky", "Closed", "Call"],
    ["1-105", DT(2018, 1, 9, 11, 15), DT(2018, 1, 12, 8), DT(2018, 1, 12), "LADOT", 1, "Graffiti", "Closed", "Email"],
]


def cli(*args: str | Path, code: int = 0) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == code, (result.output, result.exception)
    return result


def init(db: Path, zone: str = "America/Los_Angeles") -> Path:
    cli("init", "--db", db, "--timezone", zone, "--reference", "none", "--scheme", "city-311")
    return db


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], *, top: int = 0, left: int = 0) -> Path:
    """A workbook, one sheet per entry, each table starting at (top, left): a date is a date cell shown
    dd/mm/yyyy, a datetime a date-time cell shown like LA's export (at midnight too), None no cell."""
    with xlsxwriter.Workbook(path) as book:
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        clock = book.add_format({"num_format": "mm/dd/yyyy hh:mm:ss AM/PM"})
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if isinstance(value, datetime):
                        sheet.write_datetime(top + r, left + c, value, clock)
                    elif isinstance(value, date):
                        sheet.write_datetime(top + r, left + c, datetime.combine(value, time()), day)
                    elif value is not None:
                        sheet.write(top + r, left + c, value)
    return path


def write_la_csv(path: Path, rows: list[list[object]]) -> Path:
    """The same requests as LA's CSV export writes them (date-times as 01/02/2018 08:00:00 AM); a
    date-only value as ISO (the la311 mapping has no date-only format)."""

    def text(value: object) -> str:
        if isinstance(value, datetime):
            return value.strftime("%m/%d/%Y %I:%M:%S %p")
        if isinstance(value, date):
            return value.isoformat()
        return "" if value is None else str(value)

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows([text(v) for v in row] for row in rows)
    return path


def stored(db: Path, query: str) -> list[tuple[object, ...]]:
    con = database.connect_readonly(db)
    try:
        return con.sql(query).fetchall()
    finally:
        con.close()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: an encrypted workbook, an .xls
NAMES = [
    "integer",
    "float",
    "date",
    "datetime",
    "midnight",
    "millis",
    "clock",
    "bool",
    "text",
    "isoish",
    "blank",
    "error",
]
#: Every stored event column but the load's id and the complainant (a pseudonym keyed per store).
EVENTS = "select * exclude (ingest_id, complainant) from events order by complaint_id, event_time, event"
QUARANTINE = "select row_number, complaint_id, field, reason from quarantine order by row_number, field"


def test_cells_become_the_text_they_show(tmp_path: Path) -> None:
    path = tmp_path / "cells.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("Cells")
        shown = {"d": "yyyy-mm-dd", "dt": "yyyy-mm-dd hh:mm:ss", "t": "hh:mm"}
        formats = {k: book.add_format({"num_format": v}) for k, v in shown.items()}
        sheet.write_row(0, 0, NAMES)
        sheet.write_row(1, 0, [12345, 1.5])
        sheet.write_datetime(1, 2, datetime(2018, 1, 2), formats["d"])
        sheet.write_datetime(1, 3, datetime(2018, 1, 2, 13, 45, 7), formats["dt"])
        sheet.write_datetime(1, 4, datetime(2018, 1, 2), formats["dt"])
        sheet.write_datetime(1, 5, datetime(2018, 1, 2, 13, 45, 7, 500000), formats["dt"])
        sheet.write_datetime(1, 6, time(8, 30), formats["t"])
        sheet.write_boolean(1, 7, True)
        sheet.write_string(1, 8, " 00123 ")
        sheet.write_string(1, 9, "2018-01-02 10:00:00")  # text that looks like calamine's date-time: kept
        sheet.write_formula(1, 11, "=NA()", None, "#N/A")
        sheet.write_row(2, 0, [-3, 1e20, None, None, None, None, None, False, "1-870704814", "", None, "x"])
        sheet.write_datetime(2, 2, datetime(2018, 1, 2, 12), formats["d"])  # a time the format hides
    got = readers.read(path)
    assert got.columns == NAMES
    assert got.row(0, named=True) == {
        "integer": "12345",  # an integer-valued number, never 12345.0
        "float": "1.5",
        "date": "2018-01-02",  # a date cell whose format shows no time
        "datetime": "2018-01-02T13:45:07",
        "midnight": "2018-01-02T00:00:00",  # its format shows the time: a time, not a day
        "millis": "2018-01-02T13:45:07.500",
        "clock": "08:30:00",  # a time of day alone
        "bool": "true",
        "text": " 00123 ",  # text as typed (the loaders strip it)
        "isoish": "2018-01-02 10:00:00",
        "blank": None,
        "error": None,  # #N/A
    }
    assert got.row(1)[:9] == ("-3", "100000000000000000000", "2018-01-02T12:00:00", *[None] * 4, "false", "1-870704814")
    assert got.row(1)[9:] == (None, None, "x")  # an empty text is an empty field


def test_an_xlsx_and_the_same_data_as_csv_give_identical_stores(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "requests.xlsx", {"Requests": [HEADER, *REQUESTS]})
    sheet = readers.read(book)
    assert sheet["SRNumber"].to_list() == ["1-101", "870704815", "1-103", "1-104", "1-105"]  # never 870704815.0
    assert sheet["CD"].to_list() == ["10", "1", "10", "4", "1"]
    assert sheet["CreatedDate"].to_list()[:3] == ["2018-01-02T08:00:00", "2018-01-04T13:45:07", "2018-01-05T00:00:00"]
    assert sheet["ServiceDate"].to_list() == ["2018-01-06", "2018-01-10", None, "2018-01-09", "2018-01-12T00:00:00"]
    text = write_la_csv(tmp_path / "requests.csv", REQUESTS)
    from_xlsx, from_csv = init(tmp_path / "x.duckdb"), init(tmp_path / "c.duckdb")
    # A workbook is a zip: no "line" of it is checked against --max-line-bytes (its unpacked size is).
    out = cli("ingest", "--db", from_xlsx, "--mapping", "la311", "--max-line-bytes", "1024", book).stdout
    assert f"{book}: 5 rows read, " in out
    assert "0 events already stored, 1 rows quarantined" in out
    csv_out = cli("ingest", "--db", from_csv, "--mapping", "la311", text).stdout
    assert out.replace(str(book), "FILE") == csv_out.replace(str(text), "FILE")  # the same summary
    events = stored(from_xlsx, EVENTS)
    assert events
    assert events == stored(from_csv, EVENTS)
    bad = [(4, "1-104", "closed_at", "closed before it was registered")]
    assert stored(from_xlsx, QUARANTINE) == stored(from_csv, QUARANTINE) == bad
    assert {"1-101", "870704815", "1-103", "1-105"} <= {e[0] for e in events}
    graded = [cli("grade", "--db", db, "--month", "2018-01", "--format", "csv").output for db in (from_xlsx, from_csv)]
    assert "BOS" in graded[0]
    assert graded[0] == graded[1]


def test_a_named_sheet_loads_and_an_unknown_one_lists_the_sheets(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "mis.xlsx", {"Summary": [["Requests in January", 5]], "Requests": [HEADER, *REQUESTS]})
    first, named = init(tmp_path / "first.duckdb"), init(tmp_path / "named.duckdb")
    out = cli("ingest", "--db", named, "--mapping", "la311", "--sheet", "Requests", book).output
    assert f"{book}: 5 rows read, " in out
    single = init(tmp_path / "single.duckdb")
    alone = write_xlsx(tmp_path / "one.xlsx", {"Requests": [HEADER, *REQUESTS]})
    cli("ingest", "--db", single, "--mapping", "la311", alone)
    assert stored(named, EVENTS) == stored(single, EVENTS)
    # By default the first sheet is read: here a summary, without the mapping's columns.
    wrong = cli("ingest", "--db", first, "--mapping", "la311", book, code=1)
    assert isinstance(wrong.exception, NivaranError)
    assert "the file has no column(s)" in str(wrong.exception)
    unknown = cli("ingest", "--db", first, "--mapping", "la311", "--sheet", "Requets", book, code=1)
    assert isinstance(unknown.exception, NivaranError)
    sheets = "the workbook's sheets are 'Summary', 'Requests'"
    assert str(unknown.exception) == f"{book}: no sheet named 'Requets'; {sheets}"
    text = write_la_csv(tmp_path / "requests.csv", REQUESTS)
    not_excel = cli("ingest", "--db", first, "--mapping", "la311", "--sheet", "Requests", text, code=1)
    assert "names a sheet of an Excel workbook (.xlsx); this file is not one" in str(not_excel.exception)
    assert stored(first, "select count(*) from events") == [(0,)]


@pytest.mark.parametrize(("top", "left", "row"), [(0, 0, 5), (2, 1, 7)])
def test_a_bad_row_is_named_by_file_sheet_and_row(tmp_path: Path, top: int, left: int, row: int) -> None:
    # Header on row 1: data row 4 is sheet row 5. Two empty rows and an empty column A above and
    # beside the table: the header is on row 3, so data row 4 is sheet row 7.
    book = write_xlsx(tmp_path / "requests.xlsx", {"Requests": [HEADER, *REQUESTS]}, top=top, left=left)
    assert readers.read(book).equals(readers.read(write_xlsx(tmp_path / "a1.xlsx", {"Requests": [HEADER, *REQUESTS]})))
    db = init(tmp_path / "r.duckdb")
    result = cli("ingest", "--db", db, "--mapping", "la311", book)
    line = f"{book}, sheet 'Requests', row {row} (complaint 1-104): field 'closed_at' = '2018-01-07T10:00:00': closed before it was registered"
    assert line in result.stderr.splitlines()
    with pytest.raises(ingest.IngestError) as refused:
        ingest.ingest(init(tmp_path / "s.duckdb"), [book], strict=True, mapping=mapping.load("la311"))
    assert line in str(refused.value)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("random.xlsx", lambda p: p.write_bytes(os.urandom(4096)), "not an Excel workbook (an .xlsx is a zip archive"),
        ("locked.xlsx", lambda p: p.write_bytes(OLE2 + os.urandom(4096)), "a password-protected (encrypted) workbook"),
        ("notes.xlsx", lambda p: _zip(p, {"notes.txt": b"hello"}), "not a readable Excel workbook"),
        ("empty.xlsx", lambda p: xlsxwriter.Workbook(p).close(), "sheet 'Sheet1' is empty (no header row)"),
        ("old.xls", lambda p: p.write_bytes(OLE2 + b"\n" * 10), ".xls workbooks are not read; save the sheet as .xlsx"),
        (
            "bomb.xlsx",
            lambda p: _zip(p, {"xl/worksheets/sheet1.xml": bytes(4 << 20)}),
            "would unpack to 4,194,304 bytes",
        ),
    ],
)
def test_a_broken_workbook_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, make: Callable[[Path], object], says: str
) -> None:
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 1 << 20)  # the bomb: 4 MiB of zeros, > 100 times its size
    path = tmp_path / name
    make(path)
    db = init(tmp_path / "b.duckdb")
    for options in (["--mapping", "la311"], []):
        result = cli("ingest", "--db", db, *options, path, code=1)
        assert isinstance(result.exception, NivaranError), result.exception
        message = str(result.exception)
        assert message.startswith(f"{path}: ")
        assert says in message
        assert "\n" not in message
        assert "Traceback" not in result.output
    assert stored(db, "select count(*) from events") == [(0,)]


def test_the_command_prints_a_corrupt_workbook_as_one_line(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2048))  # a zip's first bytes, then noise
    db = init(tmp_path / "p.duckdb")
    proc = subprocess.run(
        [sys.executable, "-c", "from grading.cli import run; run()", "ingest", "--db", str(db), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {path}: not a readable Excel workbook (")
    assert proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_a_canonical_event_log_loads_from_xlsx_like_from_csv(tmp_path: Path) -> None:
    columns = [
        "complaint_id",
        "event_time",
        "event",
        "level",
        "department",
        "district",
        "category",
        "complainant",
        "outcome",
    ]
    rows: list[list[object]] = [
        ["A1", datetime(2024, 3, 1, 10, 0), "registered", "L1", "ENERGY", "BHOPAL", "POWER", "P1", None],
        ["A1", datetime(2024, 3, 2, 9, 30, 15), "closed", None, None, None, None, None, "resolved"],
        [1002, datetime(2024, 3, 3, 0, 0), "registered", "L1", "WATER", "INDORE", "SUPPLY", 98765, None],
        ["A3", "2024-03-04T11:00:00", "registered", "L1", "ENERGY", "BHOPAL", "POWER", "P3", None],  # text
        ["A4", "yesterday", "registered", "L1", "ENERGY", "BHOPAL", "POWER", "P4", None],
    ]
    book = write_xlsx(tmp_path / "events.xlsx", {"Events": [columns, *rows]})
    text = tmp_path / "events.csv"
    with text.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(
            [v.isoformat() if isinstance(v, datetime) else "" if v is None else v for v in r] for r in rows
        )
    from_xlsx, from_csv = init(tmp_path / "x.duckdb", "Asia/Kolkata"), init(tmp_path / "c.duckdb", "Asia/Kolkata")
    result = cli("ingest", "--db", from_xlsx, book)
    assert f"{book}: 5 rows read, 4 events loaded, 0 events already stored, 1 rows quarantined" in result.output
    assert f"{book}, sheet 'Events', row 6 (complaint A4): field 'event_time' = 'yesterday'" in result.stderr
    cli("ingest", "--db", from_csv, text)
    events = stored(from_xlsx, EVENTS)
    assert [(e[0], e[1]) for e in events] == [
        ("1002", datetime(2024, 3, 3, 0, 0)),
        ("A1", datetime(2024, 3, 1, 10, 0)),
        ("A1", datetime(2024, 3, 2, 9, 30, 15)),
        ("A3", datetime(2024, 3, 4, 11, 0)),
    ]
    assert events == stored(from_csv, EVENTS)
