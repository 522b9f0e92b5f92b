"""Files of rows that leave Nivaran: one writer for CSV and Excel, and one audited path for case lists.

Every CSV and sheet the dashboard or the CLI writes goes through :func:`write` (or :func:`csv_text`),
which neutralises formula cells: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'``, so a spreadsheet shows it as text instead of running it (OWASP,
"CSV Injection"). Only text columns are touched: a real negative number in a numeric column stays a
number. Workbooks of several titled sheets (the meeting pack) come from :func:`workbook`. Case-level
rows leave only through :func:`audited` (:func:`export_cases` for one table), which writes the audit entry.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Final

import polars as pl
import xlsxwriter

from grading.access.accounts import Accounts
from grading.access.audit import Entry
from grading.access.identity import AccessDeniedError, Identity, Scope

#: format → (MIME type, file extension)
FORMATS: Final = {
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}
#: Cell formats of dates in workbooks: real date cells, shown day first as India writes them.
DATE_FORMATS: Final = {pl.Date: "dd-mm-yyyy", pl.Datetime: "dd-mm-yyyy hh:mm"}
_TITLE_ROWS: Final = 2  # the title, then a blank row, then the header
_FORMULA_START: Final = r"^[=+\-@\t\r]"


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell that a spreadsheet would read as a formula prefixed with ``'``.

    Same grain and columns as ``frame``; categorical text comes back as plain text; numbers, dates
    and booleans are unchanged.
    """
    text = [c for c, t in frame.schema.items() if t in (pl.String, pl.Categorical) or isinstance(t, pl.Enum)]
    return frame.with_columns(
        pl.when(pl.col(c).cast(pl.String).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(c).cast(pl.String))
        .otherwise(pl.col(c).cast(pl.String))
        .alias(c)
        for c in text
    )


def csv_text(frame: pl.DataFrame) -> str:
    """``frame`` as CSV text (header row, no byte-order mark), formula cells neutralised."""
    return neutralise(frame).write_csv()


def write(frame: pl.DataFrame, fmt: str, sheet: str = "data") -> bytes:
    """``frame`` as a file: ``csv`` (UTF-8 with a byte-order mark, so Excel shows Hindi) or ``xlsx``
    (one sheet named ``sheet``, at most 31 characters), formula cells neutralised."""
    if fmt == "csv":
        return ("\ufeff" + csv_text(frame)).encode("utf-8")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        # Excel refuses [ ] : * ? / \ in a sheet name (a district code may hold "/") and more than 31 characters.
        name = re.sub(r"[\[\]:*?/\\]", "_", sheet)[:31] or "data"
        neutralise(frame).write_excel(buffer, worksheet=name, autofit=True)
        return buffer.getvalue()
    msg = f"export format {fmt!r}: expected one of {', '.join(FORMATS)}"
    raise ValueError(msg)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its tab ``name`` (at most 31 characters), a ``title`` written above the
    table, and the rows."""

    name: str
    title: str
    frame: pl.DataFrame


def _width(frame: pl.DataFrame, column: str) -> int:
    """A column's width in pixels: its longest text (header or cell), between 6 and 60 characters."""
    longest = frame.select(pl.col(column).cast(pl.String).str.len_chars().max()).item() or 0
    chars = min(60, max(6, len(column), int(longest)))
    return chars * 7 + 12


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """An ``.xlsx`` file of several sheets, each a meeting-ready table.

    Each sheet: the title in A1 (bold), the table from row 3 with a header row that stays frozen while
    scrolling, a filter button on every header cell, column widths fitted to the content, date and time
    columns as real date cells (``dd-mm-yyyy``), whole numbers as numbers, formula cells neutralised.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "font_size": 14})
    for sheet in sheets:
        frame = neutralise(sheet.frame)
        page = book.add_worksheet(sheet.name[:31])
        page.write_string(0, 0, sheet.title, bold)
        frame.write_excel(
            book,
            page,
            position=(_TITLE_ROWS, 0),
            dtype_formats=DATE_FORMATS,  # type: ignore[arg-type]
            column_widths={c: _width(frame, c) for c in frame.columns},
            autofilter=True,
            freeze_panes=(_TITLE_ROWS + 1, 0),
            float_precision=2,
        )
    book.close()
    return buffer.getvalue()


def audited(
    accounts: Accounts,
    who: Identity,
    scope: Scope,
    *,
    make: Callable[[], bytes],
    rows: int,
    fmt: str,
    what: Entry,
    now: datetime | None = None,
) -> bytes:
    """The one path by which case-level data leave Nivaran: check, make the file, audit, return it.

    ``make`` builds the file's bytes from rows ``who`` may see within ``scope`` (already limited by the
    core); ``what`` says what they are (``Entry("review_list", {"district": "BHOPAL", "day": "2024-08-01"})``),
    ``rows`` how many case rows the file holds. The audit entry (who, when, scope, what, format, how many
    rows) is written before the bytes are returned: when it cannot be written, nothing is exported.
    """
    if who.is_public:
        msg = "case lists need a signed-in collector, department head or administrator"
        raise AccessDeniedError(msg)
    data = make()
    accounts.log_export(who, scope, what.with_format(fmt), rows, now)
    return data


def export_cases(
    accounts: Accounts,
    who: Identity,
    scope: Scope,
    rows: pl.DataFrame,
    *,
    fmt: str,
    what: Entry,
    sheet: str = "data",
    now: datetime | None = None,
) -> bytes:
    """One table of case rows as CSV or Excel (its one sheet named ``sheet``), through :func:`audited`."""
    make = partial(write, rows, fmt, sheet=sheet)
    return audited(accounts, who, scope, make=make, rows=rows.height, fmt=fmt, what=what, now=now)
