"""Exported files (grading.outputs.export): formula cells neutralised in CSV and Excel, case lists audited."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from grading.access.accounts import Accounts
from grading.access.audit import Entry
from grading.access.identity import PUBLIC, AccessDeniedError, Identity
from grading.outputs import export

DANGEROUS = ['=HYPERLINK("http://evil.example","open")', "+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]
OLDEST = {"department": "ENERGY", "month": "2024-08"}
ROWS = pl.DataFrame(
    {
        "note": [*DANGEROUS, "plain text", "a-b = c"],  # the last two start harmlessly: untouched
        "balance": [-5, 1, 2, 3, 4, 5, 6, 7],  # a genuine negative number stays a number
    }
)
EXPECTED_NOTES = [*("'" + v for v in DANGEROUS), "plain text", "a-b = c"]


def test_csv_prefixes_formula_cells_and_keeps_numbers() -> None:
    data = export.write(ROWS, "csv")
    assert data.startswith("\ufeff".encode())  # Excel reads the UTF-8 (Hindi) correctly
    back = pl.read_csv(data[3:], schema={"note": pl.String, "balance": pl.Int64})
    assert back["note"].to_list() == EXPECTED_NOTES
    assert back["balance"].to_list() == ROWS["balance"].to_list()
    assert b",-5\n" in data  # -5 written as the number it is, unquoted and unprefixed


def sheet_cells(data: bytes) -> tuple[list[str], str]:
    """The shared strings of a one-sheet .xlsx, and the sheet's XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        strings = re.findall(r"<t(?: [^>]*)?>(.*?)</t>", z.read("xl/sharedStrings.xml").decode(), flags=re.S)
        return strings, z.read("xl/worksheets/sheet1.xml").decode()


def test_excel_prefixes_formula_cells_and_keeps_numbers() -> None:
    strings, sheet = sheet_cells(export.write(ROWS, "xlsx", sheet="review"))
    unescaped = [s.replace("&quot;", '"').replace("&amp;", "&").replace("_x000D_", "\r") for s in strings]
    assert unescaped[2:] == EXPECTED_NOTES  # after the two header cells
    assert "<f>" not in sheet  # no formula anywhere
    assert re.search(r'<c r="B2"[^>]*><v>-5</v></c>', sheet)  # a numeric cell (no t="s"), value -5


def test_categorical_text_is_neutralised_too() -> None:
    frame = pl.DataFrame({"department": ["=cmd", "ENERGY"]}, schema={"department": pl.Categorical})
    assert export.neutralise(frame)["department"].to_list() == ["'=cmd", "ENERGY"]


def test_unknown_formats_are_refused() -> None:
    with pytest.raises(ValueError, match="export format 'pdf'"):
        export.write(ROWS, "pdf")


def test_a_case_export_is_audited_before_its_bytes_are_returned(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "n.duckdb")
    who = Identity("collector.bhopal", "collector", districts=("BHOPAL",))
    when = datetime(2024, 8, 10, 9, 0)
    data = export.export_cases(
        accounts, who, who.scope(), ROWS, fmt="xlsx", what=Entry("oldest_cases", OLDEST), now=when
    )
    assert data.startswith(b"PK")  # an .xlsx (zip) file
    assert accounts.audit().rows(named=True) == [
        {
            "at": "2024-08-10T09:00:00",
            "username": "collector.bhopal",
            "role": "collector",
            "scope": "districts=BHOPAL",
            "action": "export",
            "event": "oldest_cases",
            "args": '{"department": "ENERGY", "fmt": "xlsx", "month": "2024-08"}',
            "detail": "",
            "rows": 8,
        }
    ]


def test_no_case_export_without_an_audit_entry(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "n.duckdb")
    with pytest.raises(AccessDeniedError):
        export.export_cases(
            accounts, PUBLIC, Identity("a", "admin").scope(), ROWS, fmt="csv", what=Entry("oldest_cases", OLDEST)
        )
    assert not accounts.path.exists()  # refused before anything was written or returned
    accounts.path.mkdir()  # the audit log cannot be written (a directory where the file should be)
    who = Identity("a", "admin")
    with pytest.raises(Exception, match="unable to open database"):
        export.export_cases(accounts, who, who.scope(), ROWS, fmt="csv", what=Entry("oldest_cases", OLDEST))
