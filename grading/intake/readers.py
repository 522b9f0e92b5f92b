"""Readers for record-shaped exports that are not CSV: Socrata JSON arrays, Open311 GeoReport v2 and
Excel workbooks.

Each reader returns one frame, every column as text, one row per record in file order, so a mapping
(:mod:`grading.intake.mapping`) reads them exactly as it reads a CSV export:

- **JSON array** (``.json``): ``[{"field": value, ...}, ...]``, the shape of a Socrata ``rows.json``
  / SODA export and of an Open311 GeoReport v2 ``requests.json``. Numbers and booleans become their
  text; nested objects and lists (Socrata locations) their JSON text; a field a record lacks is empty.
- **Open311 GeoReport v2 XML** (``.xml``): ``<service_requests><request><service_request_id>…``; each
  child element of a ``<request>`` is a field. Files with a document type or entity declarations are
  refused (an XML bomb is not a 311 export).
- **Excel workbook** (``.xlsx``, ``.xlsm``): one sheet (the first, or one named), its first row with a
  value the header; cells become text as :func:`read_xlsx` states. ``.xls``, ``.xlsb`` and ``.ods`` are
  refused with one sentence (save as ``.xlsx`` or CSV), as is a workbook that would unpack to far more
  than any export (:func:`grading.intake.limits.check_workbook_size`).

Errors are one sentence naming the file and, where known, the record (the sheet and row of a workbook).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import json
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

import fastexcel
import polars as pl

from grading.intake.limits import WORKBOOK_SUFFIXES, check_workbook_size
from grading.model.schema import NivaranError

#: Workbooks read by :func:`read_xlsx`; the other :data:`~grading.intake.limits.WORKBOOK_SUFFIXES` are refused.
EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm")
SUFFIXES: Final = (".json", ".xml", *WORKBOOK_SUFFIXES)


class ReaderError(NivaranError):
    """A JSON, XML or Excel export cannot be read."""


def handles(path: Path) -> bool:
    """Whether ``path`` is read here rather than by Polars' CSV/JSON Lines/Parquet scanners."""
    return path.suffix.lower() in SUFFIXES


def is_workbook(path: Path) -> bool:
    """Whether ``path`` is a spreadsheet workbook (read by :func:`read_xlsx`, or refused there)."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _frame(records: list[dict[str, Any]]) -> pl.DataFrame:
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    data = {c: [_text(r.get(c)) for r in records] for c in columns}
    return pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String))


def read_json(path: Path) -> pl.DataFrame:
    """A JSON array of objects (Socrata, Open311 GeoReport v2) as a text frame."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ReaderError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ReaderError(f"{path}: cannot read as UTF-8 JSON ({exc})") from exc
    except json.JSONDecodeError as exc:
        msg = f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})"
        raise ReaderError(msg) from exc
    except RecursionError as exc:  # [[[[…]]]] thousands deep: no export nests like that
        msg = f"{path}: JSON nested too deeply to be an export of records (an array of objects); nothing was loaded"
        raise ReaderError(msg) from exc
    if isinstance(data, dict) and isinstance(data.get("data"), list) and "meta" in data:
        msg = f"{path}: a Socrata rows.json with column metadata; export the rows as JSON (an array of objects)"
        raise ReaderError(msg)
    if not isinstance(data, list):
        msg = f"{path}: expected a JSON array of records ([{{...}}, ...]), found a {type(data).__name__}"
        raise ReaderError(msg)
    for i, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            msg = f"{path}, record {i}: expected an object of fields, found {_text(record)!r}"
            raise ReaderError(msg)
    return _frame(data)


def read_xml(path: Path) -> pl.DataFrame:
    """An Open311 GeoReport v2 ``<service_requests>`` document as a text frame (one row per ``<request>``)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ReaderError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ReaderError(f"{path}: cannot read ({exc})") from exc
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        msg = f"{path}: XML with a document type or entities is refused; export plain GeoReport v2 XML"
        raise ReaderError(msg)
    try:
        root = ET.fromstring(raw)  # noqa: S314 - no DTD or entities (checked above)
    except ET.ParseError as exc:
        line = exc.position[0]
        msg = f"{path}, line {line}: not well-formed XML ({exc})"
        raise ReaderError(msg) from exc
    requests = root.findall("request") if root.tag != "request" else [root]
    if root.tag not in ("service_requests", "request"):
        msg = f"{path}: expected Open311 <service_requests>, found <{root.tag}>"
        raise ReaderError(msg)
    records = [{child.tag: (child.text or "").strip() or None for child in request} for request in requests]
    return _frame(records)


# --- Excel workbooks -------------------------------------------------------------------------------

#: How calamine writes a date or time cell as text: ``2018-01-02 13:45:07`` (``.500`` when it has ms).
_CALAMINE_TIME: Final = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$"
#: The day calamine puts a time-of-day-only cell on (Excel's day 0).
_DAY_ZERO: Final = date(1899, 12, 31)
_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: an encrypted OOXML workbook, or an .xls
#: Excel's built-in number formats that show a date without a time (m/d/yyyy, d-mmm-yy, d-mmm, mmm-yy).
_BUILTIN_DATE_ONLY: Final = frozenset({14, 15, 16, 17})
_XML_BLOCK: Final = 1 << 22
_TAG: Final = rb"<(?:[A-Za-z_][\w.-]*:)?c"  # a cell: <c ...> or, with a namespace prefix, <x:c ...>
_ANY_CELL: Final = re.compile(_TAG + rb"[\s/>]")
#: A cell with a value (``<c r="B7" ...>``, not an empty ``<c r="B7" s="1"/>``): column and row.
_VALUE_CELL: Final = re.compile(_TAG + rb' r="([A-Z]{1,3})([0-9]+)"[^>]*(?<!/)>')


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(archive: zipfile.ZipFile, member: str) -> ET.Element | None:
    """A small XML part of a workbook (workbook, relationships, styles), or None when absent or odd."""
    try:
        raw = archive.read(member)
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, NotImplementedError):
        return None
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        return None
    try:
        return ET.fromstring(raw)  # noqa: S314 - no DTD or entities (checked above)
    except ET.ParseError:
        return None


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the archive member holding its cells, in the workbook's order."""
    book, rels = _xml(archive, "xl/workbook.xml"), _xml(archive, "xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter() if _local(r.tag) == "Relationship"}
    parts = {}
    for sheet in book.iter():
        rel = next((v for k, v in sheet.attrib.items() if k.startswith("{") and _local(k) == "id"), None)
        target = targets.get(rel) if _local(sheet.tag) == "sheet" else None
        if target:
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            parts[sheet.get("name", "")] = member
    return parts


def _date_only_format(code: str) -> bool:
    """Whether a number format shows a date and no time of day (``yyyy-mm-dd``, ``dd/mm/yyyy``)."""
    if re.search(r"\[[hms]+\]", code, re.IGNORECASE):  # an elapsed time ([h]:mm)
        return False
    shown = re.sub(r'"[^"]*"|\\.|[_*].|\[[^\]]*\]', "", code).split(";")[0].lower()
    return bool(re.search(r"[ymd]", shown)) and not re.search(r"[hs]|a/p|am/pm", shown)


def _date_only_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell styles (``s`` indexes) whose number format shows a date only."""
    styles = _xml(archive, "xl/styles.xml")
    if styles is None:
        return frozenset()
    codes = {int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in styles.iter() if _local(f.tag) == "numFmt"}
    cell_xfs = next((e for e in styles if _local(e.tag) == "cellXfs"), None)
    found = set()
    for i, xf in enumerate(cell_xfs if cell_xfs is not None else ()):
        fmt = int(xf.get("numFmtId", 0))
        if _date_only_format(codes[fmt]) if fmt in codes else fmt in _BUILTIN_DATE_ONLY:
            found.add(i)
    return frozenset(found)


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


@dataclass
class _Layout:
    """Where a sheet's frame sits in the sheet, and which of its cells show a date only."""

    name: str
    #: The sheet row (1-based) of the header: the first row with a value (calamine starts there).
    header_row: int = 1
    #: Sheet column (0-based) → sheet rows of its cells whose number format shows a date only.
    date_only: dict[int, list[int]] = field(default_factory=dict)
    #: Whether the sheet's cells could be located (else the header is assumed to be on row 1).
    known: bool = False


def _blocks(archive: zipfile.ZipFile, member: str) -> Generator[bytes, None, None]:
    """A sheet's XML in blocks of about 4 MiB (never held whole), each cut before a tag's ``<``."""
    tail = b""
    with archive.open(member) as fh:
        for block in iter(lambda: fh.read(_XML_BLOCK), b""):
            data = tail + block
            cut = data.rfind(b"<")
            body, tail = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
            yield body
    yield tail


def _layout(path: Path, name: str, *, header_only: bool = False) -> _Layout:
    """Read a sheet's cell references and styles (not its values) to place the frame in the sheet.

    Calamine knows a cell is a date by its number format, but not whether that format shows the time;
    this finds the cells whose format shows a date only. ``header_only`` stops at the first value. A
    layout that cannot be read (an unusual archive, cells without their reference) has ``known`` False.
    """
    layout = _Layout(name)
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_parts(archive).get(name)
            if member is None:
                return layout
            styles = b"|".join(str(i).encode() for i in sorted(_date_only_styles(archive)))
            date_only = re.compile(_TAG + rb' r="([A-Z]{1,3})([0-9]+)"(?=[^>]*? s="(?:' + styles + rb')")[^>]*(?<!/)>')
            first_row, cells = 0, list[tuple[bytes, bytes]]()
            with contextlib.closing(_blocks(archive, member)) as blocks:
                for body in blocks:
                    tag = _ANY_CELL.search(body)
                    if tag is None:
                        continue
                    start = tag.group(0)[:-1]  # <c or <x:c
                    if body.count(start + b' r="') != sum(body.count(start + end) for end in (b" ", b">", b"/")):
                        return layout  # cells placed by their order, not their reference
                    first = None if first_row else _VALUE_CELL.search(body)
                    if first is not None:
                        first_row = int(first.group(2))
                        if header_only:
                            break
                    if styles:
                        cells += date_only.findall(body)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, KeyError):
        return layout
    layout.header_row, layout.known = first_row or 1, True
    for letters, row in cells:
        layout.date_only.setdefault(_column_index(letters), []).append(int(row))
    return layout


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _open_workbook(path: Path, sheet: str | None) -> tuple[fastexcel.ExcelReader, str]:
    """The open workbook and the name of the sheet to read (``sheet``, else the first)."""
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES:
        msg = f"{path}: {suffix} workbooks are not read; save the sheet as .xlsx (or as CSV, UTF-8) and load that"
        raise ReaderError(msg)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError as exc:
        raise ReaderError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ReaderError(f"{path}: cannot read ({exc})") from exc
    if head == _OLE2:
        msg = (
            f"{path}: a password-protected (encrypted) workbook, or an old .xls renamed; "
            "save it as .xlsx without a password and load that"
        )
        raise ReaderError(msg)
    if not head.startswith(b"PK"):
        msg = f"{path}: not an Excel workbook (an .xlsx is a zip archive; this file is not one)"
        raise ReaderError(msg)
    check_workbook_size(path)
    try:
        book = fastexcel.read_excel(path)
    except fastexcel.FastExcelError as exc:
        msg = f"{path}: not a readable Excel workbook ({_first_line(exc)})"
        raise ReaderError(msg) from exc
    names = book.sheet_names
    if not names:
        raise ReaderError(f"{path}: the workbook has no sheets")
    if sheet is None:
        return book, names[0]
    if sheet not in names:
        msg = f"{path}: no sheet named {sheet!r}; the workbook's sheets are {', '.join(map(repr, names))}"
        raise ReaderError(msg)
    return book, sheet


def read_xlsx(path: Path, sheet: str | None = None) -> pl.DataFrame:
    """One sheet of an ``.xlsx``/``.xlsm`` workbook (``sheet``, else the first) as a text frame.

    Read with fastexcel (Rust calamine, what Polars' ``read_excel(engine="calamine")`` uses). The sheet's
    first row with a value is the header (a blank header cell is named ``__UNNAMED__<n>``); trailing
    empty rows are dropped, empty rows in between kept (as rows of empty fields, so data row N stays
    sheet row header + N). Each cell becomes text as follows (what calamine gives → what Nivaran keeps):

    - text → unchanged (an empty text is an empty field);
    - a number → its shortest text: ``12345`` (never ``12345.0``), ``1.5``, ``0.25`` for 25 %; the
      number format is not applied (a ``00123``-formatted 123 is ``123``; store codes as text);
    - a date or date-time (a number with a date format; calamine gives a date-time to the millisecond)
      → ISO-8601 for the time rules (:mod:`grading.rules.timeparse`, read in the mapping's zone):
      ``2018-01-02`` when the cell's format shows a date only (``yyyy-mm-dd``, ``dd/mm/yyyy``, Excel's
      short date) and its time is midnight; else ``2018-01-02T13:45:07`` (``.500`` when it has
      milliseconds); a time of day alone (``hh:mm``) → ``13:45:07``. When the formats cannot be read
      (an unusual archive), a date-time at midnight is written as a date;
    - a boolean → ``true`` / ``false``; an error (``#N/A``, ``#DIV/0!``) and an empty cell → empty;
    - a formula → its value as last saved by the spreadsheet program.
    """
    book, name = _open_workbook(path, sheet)
    options: dict[str, Any] = {"skip_whitespace_tail_rows": True}
    try:
        loaded = book.load_sheet(name, dtypes="string", **options)
        text: pl.DataFrame = loaded.to_polars()
        at = [c.absolute_index for c in loaded.selected_columns]  # each column's sheet column (0 = A)
    except fastexcel.FastExcelError as exc:
        msg = f"{path}, sheet {name!r}: cannot read its cells ({_first_line(exc)})"
        raise ReaderError(msg) from exc
    if not text.width:
        msg = f"{path}: sheet {name!r} is empty (no header row); name the sheet with the records with --sheet"
        raise ReaderError(msg)
    text = text.cast(pl.String)
    dated = [i for i, c in enumerate(text.columns) if text[c].str.contains(_CALAMINE_TIME).any()]
    if not dated:
        return text
    try:  # the same cells as date-times: null where a cell is no date (text, a boolean)
        columns = [at[i] for i in dated]
        when = book.load_sheet(
            name, dtypes=dict.fromkeys(columns, "datetime"), use_columns=columns, **options
        ).to_polars()
    except fastexcel.FastExcelError as exc:
        msg = f"{path}, sheet {name!r}: cannot read its dates ({_first_line(exc)})"
        raise ReaderError(msg) from exc
    if when.height != text.height:
        msg = f"{path}, sheet {name!r}: its dates ({when.height} rows) do not line up with its rows ({text.height})"
        raise ReaderError(msg)
    layout = _layout(path, name)
    rows = pl.int_range(layout.header_row + 1, layout.header_row + 1 + text.height, dtype=pl.Int64)
    converted = []
    for i, moment in zip(dated, when.get_columns(), strict=True):
        cell = pl.lit(moment.cast(pl.Datetime("ms")))
        midnight = cell.dt.time() == pl.time(0)
        shows_date = rows.is_in(layout.date_only.get(at[i], [])) if layout.known else pl.lit(True)
        iso = (
            pl.when(cell.dt.date() == _DAY_ZERO)
            .then(cell.dt.strftime("%H:%M:%S"))
            .when(midnight & shows_date)
            .then(cell.dt.strftime("%Y-%m-%d"))
            .when(cell.dt.millisecond() == 0)
            .then(cell.dt.strftime("%Y-%m-%dT%H:%M:%S"))
            .otherwise(cell.dt.strftime("%Y-%m-%dT%H:%M:%S%.3f"))
        )
        column = pl.col(text.columns[i])
        is_date = cell.is_not_null() & column.str.contains(_CALAMINE_TIME)
        converted.append(pl.when(is_date).then(iso).otherwise(column).alias(text.columns[i]))
    return text.with_columns(converted)


def locate(path: Path, records: list[int], sheet: str | None = None) -> dict[int, str]:
    """Where each of ``records`` (1-based data rows) is, for messages: ``line 7`` in a CSV (see
    :func:`physical_lines`), ``sheet 'Requests', row 7`` in a workbook (the header's sheet row + N).
    Records it cannot place are left out (callers then say ``line N + 1``)."""
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return {n: f"line {line}" for n, line in physical_lines(path, records).items()}
    name = sheet
    if name is None:  # the first sheet, from the workbook's list (not opening it again)
        with contextlib.suppress(OSError, zipfile.BadZipFile, ValueError, EOFError), zipfile.ZipFile(path) as archive:
            name = next(iter(_sheet_parts(archive)), None)
    if name is None:
        return {}
    header = _layout(path, name, header_only=True).header_row
    return {n: f"sheet {name!r}, row {header + n}" for n in records}


def unclosed_quote_line(path: Path) -> int | None:
    """The line on which a CSV's last quoted field opens when it is never closed (the file ends inside
    quotes), else None. Counts ``"`` per line, streamed; a doubled ``""`` inside a field toggles twice
    and changes nothing. Gzip files are read unpacked."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    inside, opened_at = False, None
    try:
        with opener(path, "rb") as fh:
            for number, line in enumerate(fh, start=1):
                quotes = line.count(b'"')
                if quotes % 2:
                    inside = not inside
                    opened_at = number if inside else None
    except (OSError, EOFError):
        return None
    return opened_at if inside else None


def physical_lines(path: Path, records: list[int]) -> dict[int, int]:
    """The file line on which each of ``records`` (1-based data rows of a CSV) starts.

    A quoted field may hold line breaks, so record N is not always line N + 1. Reads the file only up
    to the last record asked for; an unreadable file or a non-CSV gives an empty answer (callers then
    fall back to the record number).
    """
    wanted = set(records)
    out: dict[int, int] = {}
    if not wanted or handles(path) or path.suffix.lower() in (".parquet", ".jsonl", ".ndjson"):
        return out
    last = max(wanted)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            start = reader.line_num + 1
            for number, _ in enumerate(reader, start=1):
                if number in wanted:
                    out[number] = start
                if number >= last:
                    break
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return out


def read(path: Path, sheet: str | None = None) -> pl.DataFrame:
    """A ``.json`` array, an ``.xml`` GeoReport v2 export or one sheet of a workbook as a text frame."""
    if is_workbook(path):
        return read_xlsx(path, sheet)
    if sheet is not None:
        msg = f"{path}: --sheet {sheet!r} names a sheet of an Excel workbook (.xlsx); this file is not one"
        raise ReaderError(msg)
    return read_xml(path) if path.suffix.lower() == ".xml" else read_json(path)
