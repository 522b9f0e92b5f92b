"""Input limits checked before an import writes anything.

A line far longer than any real event row (a 1 GiB line, a binary file named ``.csv``) would make the
CSV reader hold it whole in memory; such a file is refused up front, with its line number, before a
byte is written. An Excel workbook is a zip archive of XML files: one whose members would unpack to far
more than any real export (a zip bomb) is refused the same way, from the archive's directory alone.

Examples
--------
>>> from pathlib import Path
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     p = Path(d) / "x.csv"
...     _ = p.write_bytes(b"a,b\\n" + b"x" * 5000 + b"\\n")
...     try:
...         check_line_lengths(p, 1024)
...     except LineTooLongError as exc:
...         print(str(exc).split(": ", 1)[1][:40])
line 2 is longer than 1,024 bytes (5,000
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Final

from grading.model.schema import NivaranError

#: The longest line a CSV or JSON Lines import accepts (``nivaran ingest --max-line-bytes``).
MAX_LINE_BYTES: Final = 1 << 20
_BLOCK: Final = 1 << 22
#: Spreadsheet workbooks: binary, so never checked line by line. ``.xlsx`` and ``.xlsm`` are read by
#: :func:`grading.intake.readers.read_xlsx`; the others are refused there with one sentence.
WORKBOOK_SUFFIXES: Final = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
#: A workbook whose zip members unpack to more than this many bytes in all ...
MAX_UNPACKED_BYTES: Final = 1 << 30
#: ... and to more than this many times the file's own size is refused (a zip bomb, not an export).
MAX_UNPACK_RATIO: Final = 100


class LineTooLongError(NivaranError):
    """A line of an import file is longer than the limit."""


class WorkbookTooLargeError(NivaranError):
    """An Excel workbook would unpack to more than the limit."""


def check_workbook_size(path: Path) -> None:
    """Raise :class:`WorkbookTooLargeError` naming the file when its zip members unpack to more than
    :data:`MAX_UNPACKED_BYTES` in all *and* to more than :data:`MAX_UNPACK_RATIO` times the file's size.

    The sizes are the ones the archive's central directory declares; nothing is extracted. A file that
    is not a zip archive (corrupt, password-protected, ``.xls``) passes, for the reader to report.
    """
    try:
        size = path.stat().st_size
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return
    if unpacked > MAX_UNPACKED_BYTES and unpacked > MAX_UNPACK_RATIO * size:
        msg = (
            f"{path}: the workbook would unpack to {unpacked:,} bytes, {unpacked / max(size, 1):,.0f} times its "
            f"size of {size:,} bytes: not a spreadsheet export (a zip bomb?); nothing was loaded"
        )
        raise WorkbookTooLargeError(msg)


def check_line_lengths(path: Path, limit: int = MAX_LINE_BYTES) -> None:
    """Raise :class:`LineTooLongError` naming the file, the line and how it starts when a line of a
    CSV or JSON Lines file is longer than ``limit`` bytes. Reads the file once in 4 MiB blocks (a long
    line is counted, never held); other files (Parquet) and files that cannot be opened pass, for the
    reader to report. A workbook (:data:`WORKBOOK_SUFFIXES`) is checked for its unpacked size instead
    (:func:`check_workbook_size`)."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        check_workbook_size(path)
        return
    if path.suffix.lower() == ".parquet":
        return
    try:
        fh = path.open("rb")
    except OSError:
        return
    with fh:
        line, run, head = 1, 0, b""  # line number, bytes of the line so far, its first bytes
        for block in iter(lambda: fh.read(_BLOCK), b""):
            parts = block.split(b"\n")
            lengths = [run + len(parts[0]), *map(len, parts[1:])]
            if max(lengths[:-1], default=0) > limit or lengths[-1] > limit:
                i = next(i for i, n in enumerate(lengths) if n > limit)
                start = (head if i == 0 and run else parts[i])[:40]
                _refuse(path, line + i, limit, lengths[i], start, complete=i < len(lengths) - 1)
            head = parts[-1][:40] if len(parts) > 1 else (head or parts[0][:40])
            run = lengths[-1]
            line += len(parts) - 1


def _refuse(path: Path, line: int, limit: int, seen: int, start: bytes, *, complete: bool) -> None:
    size = f"{seen:,} bytes" if complete else f"{seen:,} bytes and more"
    text = start.decode("utf-8", errors="replace")
    msg = (
        f"{path}: line {line} is longer than {limit:,} bytes ({size}, starting {text!r}): "
        "not a well-formed event file; nothing was loaded (raise --max-line-bytes if such lines are real)"
    )
    raise LineTooLongError(msg)
