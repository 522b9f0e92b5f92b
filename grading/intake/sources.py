"""The sources a load reads: how each kind is read (CSV, JSON Lines, Parquet, and through
:mod:`grading.intake.readers` JSON arrays, Open311 XML and Excel), as text, in batches; the file's content hash
and estimated rows; its header checked and its cells normalised; problems said by file and line.

A file that cannot be read is one sentence (:class:`IngestError`), never a reader's traceback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import polars as pl

from grading.intake import readers
from grading.model.schema import ALWAYS_REQUIRED, EVENT_COLUMNS, NivaranError

#: Problems a refused load lists before "... and N more".
SHOWN_PROBLEMS: Final = 20


class IngestError(NivaranError):
    """A file cannot be read, or (``strict``) has bad rows: nothing was written."""


def normalise(raw: pl.DataFrame, source: str, first_row: int = 1) -> pl.DataFrame:
    """Lower-case headers, add absent optional columns, strip text, turn empty cells into nulls.

    ``row_number`` counts data rows from ``first_row`` (the file's first data row is 1).
    """
    renamed = raw.rename({c: c.strip().lower() for c in raw.columns})
    missing = [c for c in ALWAYS_REQUIRED if c not in renamed.columns]
    if missing:
        msg = f"{source}: missing column(s) {missing}; the canonical log needs {list(ALWAYS_REQUIRED)}"
        raise IngestError(msg)
    frame = renamed.select(
        [
            (pl.col(c).cast(pl.String).str.strip_chars() if c in renamed.columns else pl.lit(None, pl.String)).alias(c)
            for c in EVENT_COLUMNS
        ]
    )
    return (
        frame.with_columns(pl.when(pl.all().str.len_bytes() > 0).then(pl.all()).name.keep())
        .with_row_index("row_number", offset=first_row)
        .with_columns(pl.col("row_number").cast(pl.Int64))
    )


def _kind(path: Path) -> str:
    """How a file is read, by its suffix; a gzip-compressed file (``.csv.gz``, ``.jsonl.gz``) by the
    suffix before ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    suffix = suffixes[-2] if len(suffixes) > 1 and suffixes[-1] == ".gz" else path.suffix.lower()
    if readers.is_workbook(path):
        return "excel"
    return {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}.get(suffix, "csv")


def _as_text(lazy: pl.LazyFrame) -> pl.LazyFrame:
    """Every column as text; a zoned time (Parquet) as its instant in UTC with the offset written out
    (``2024-08-01T17:00:00.000000+00:00``), so the time rules (:mod:`grading.rules.timeparse`, an offset
    wins) put it on the store's own wall clock, whatever the store's zone."""
    return lazy.with_columns(
        pl.col(pl.Datetime("us", "*"), pl.Datetime("ms", "*"), pl.Datetime("ns", "*"))
        .dt.convert_time_zone("UTC")
        .dt.strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00")
    ).cast(pl.String)


def _scan(path: Path, sheet: str | None = None) -> pl.LazyFrame:
    if readers.handles(path):  # JSON arrays (Socrata, Open311), Open311 XML, Excel sheets: read whole, as text
        return readers.read(path, sheet).lazy()
    if sheet is not None:
        msg = f"{path}: --sheet {sheet!r} names a sheet of an Excel workbook (.xlsx); this file is not one"
        raise IngestError(msg)
    kind = _kind(path)
    if kind == "jsonl":
        return _as_text(pl.scan_ndjson(path, infer_schema_length=None))
    if kind == "parquet":
        return _as_text(pl.scan_parquet(path))
    return pl.scan_csv(path, infer_schema=False, encoding="utf8")


def _unreadable(path: Path, exc: Exception) -> IngestError:
    """One sentence for a file the readers cannot read: an unterminated quote named by its line, else
    the reader's first line of explanation (never its tuning advice)."""
    if isinstance(exc, FileNotFoundError) or not path.exists():
        return IngestError(f"{path}: no such file")
    kind = _kind(path)
    if kind == "csv":
        line = readers.unclosed_quote_line(path)
        if line is not None:
            return IngestError(
                f'{path}, line {line}: a quoted field opens here and is never closed (a stray "); nothing was loaded'
            )
    name = {"jsonl": "JSON Lines", "parquet": "Parquet", "csv": "UTF-8 CSV", "excel": "an Excel workbook"}[kind]
    first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
    return IngestError(f"{path}: cannot read as {name} ({first[:300]})")


_READ_ERRORS: Final = (pl.exceptions.PolarsError, OSError, UnicodeDecodeError)


def read_batches(path: Path, batch_rows: int, sheet: str | None = None) -> Iterator[pl.DataFrame]:
    """A CSV (UTF-8, with or without BOM), JSON Lines or Parquet file in batches of at most
    ``batch_rows`` rows, every column as text, streamed: the file is never held whole. JSON arrays,
    XML and Excel workbooks (``sheet``, else the first; :func:`grading.intake.readers.read_xlsx`) are
    read whole.

    A file without data rows gives one empty batch with the file's columns.
    """
    try:
        lazy = _scan(path, sheet)
        columns = lazy.collect_schema().names()
        empty = True
        for batch in lazy.collect_batches(chunk_size=batch_rows):
            empty = False
            yield batch
        if empty:
            yield pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
    except _READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc


def read_file(path: Path, sheet: str | None = None) -> pl.DataFrame:
    """A whole file (see :func:`read_batches`) as one frame, every column as text."""
    try:
        return _scan(path, sheet).collect()
    except _READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc


def estimate_rows(path: Path) -> int:
    """Rows in a file: exact for Parquet, 1 for an Excel workbook (read whole, in one batch), else
    estimated from the line length of its first MiB."""
    try:
        if _kind(path) == "excel":
            return 1
        if _kind(path) == "parquet":
            return int(pl.scan_parquet(path).select(pl.len()).collect().item())
        size = path.stat().st_size
        with path.open("rb") as fh:
            sample = fh.read(1 << 20)
    except _READ_ERRORS:
        return 0
    return max(1, round(size * sample.count(b"\n") / max(1, len(sample))))


def describe(problems: pl.DataFrame, source: str, limit: int = SHOWN_PROBLEMS, *, sheet: str | None = None) -> str:
    """Problems as lines ``file, line N (complaint X): field 'f' = 'v': reason``; for an Excel
    workbook ``file.xlsx, sheet 'S', row N (complaint X): ...`` (``sheet``, else the first).

    N is the physical line where the row starts (quoted fields may span lines), or the sheet row (see
    :func:`grading.intake.readers.locate`), else the row number + 1 (the header is line 1).
    """
    shown = problems.head(limit)
    rows = shown["row_number"].unique().to_list()
    at = {n: f"line {n + 1}" for n in rows} | readers.locate(Path(source), rows, sheet)
    lines = [
        f"{source}, {at[r['row_number']]} (complaint {r['complaint_id']}): "
        f"field '{r['field']}' = {r['value']!r}: {r['reason']}"
        for r in shown.iter_rows(named=True)
    ]
    if problems.height > limit:
        lines.append(f"... and {problems.height - limit:,} more problems in {source}")
    return "\n".join(lines)


def content_hash(path: Path, sheet: str | None = None) -> str:
    """The file's content hash; with a ``sheet`` named, of the content and that name (another sheet
    of the same workbook is another load)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if sheet is not None:
        digest.update(b"\0sheet\0" + sheet.encode())
    return digest.hexdigest()
