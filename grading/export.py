"""Files of rows that leave Nivaran: one writer for CSV and Excel, and one audited path for case lists.

Every CSV and sheet the dashboard or the CLI writes goes through :func:`write` (or :func:`csv_text`),
which neutralises formula cells: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'``, so a spreadsheet shows it as text instead of running it (OWASP,
"CSV Injection"). Only text columns are touched: a real negative number in a numeric column stays a
number. Case-level rows leave only through :func:`export_cases`, which writes the audit entry first.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Final

import polars as pl

from grading.access import AccessDeniedError, Accounts, Identity, Scope

#: format → (MIME type, file extension)
FORMATS: Final = {
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
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
        neutralise(frame).write_excel(buffer, worksheet=sheet[:31] or "data", autofit=True)
        return buffer.getvalue()
    msg = f"export format {fmt!r}: expected one of {', '.join(FORMATS)}"
    raise ValueError(msg)


def export_cases(
    accounts: Accounts,
    who: Identity,
    scope: Scope,
    rows: pl.DataFrame,
    *,
    fmt: str,
    detail: str,
    now: datetime | None = None,
) -> bytes:
    """The one path by which case-level rows leave the dashboard: audit, then the file's bytes.

    ``rows`` are the cases ``who`` sees within ``scope`` (already limited by :mod:`grading.views`);
    ``detail`` says what they are ("review list BHOPAL 2024-08"). The audit entry (who, when, scope,
    what, format, how many rows) is written before the bytes are returned: when it cannot be
    written, nothing is exported.
    """
    if who.is_public:
        msg = "case lists need a signed-in collector, department head or administrator"
        raise AccessDeniedError(msg)
    data = write(rows, fmt, sheet=detail)
    accounts.log_export(who, scope, f"{detail} ({fmt})", rows.height, now)
    return data
