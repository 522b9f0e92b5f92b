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

import gzip
import zipfile
import zlib
from collections.abc import Iterator
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


#: A gzip-compressed import that unpacks to more than this many bytes ...
MAX_STREAM_UNPACKED: Final = 64 << 20
#: ... and to more than :data:`MAX_UNPACK_RATIO` times its own size is refused (a gzip bomb).
#: Real CSV exports compress 5 to 20 times.
#: Compressions Nivaran does not unpack: magic bytes → name. gzip (``1f 8b``) is read.
OTHER_COMPRESSIONS: Final = {
    b"\x28\xb5\x2f\xfd": "zstd",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"PK\x03\x04": "zip",
}


class LineTooLongError(NivaranError):
    """A line of an import file is longer than the limit."""


class CompressedTooLargeError(NivaranError):
    """A compressed import would unpack to far more than its size allows, or is compressed in a way
    Nivaran does not read."""


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
        with path.open("rb") as fh:
            magic = fh.read(6)
        size = path.stat().st_size
    except OSError:
        return
    for start, name in OTHER_COMPRESSIONS.items():
        if magic.startswith(start):
            msg = f"{path}: compressed with {name}; Nivaran reads plain or gzip-compressed files: unpack it first"
            raise CompressedTooLargeError(msg)
    blocks = _gzip_blocks(path, size) if magic.startswith(b"\x1f\x8b") else _blocks(path)
    _check_lines(path, blocks, limit)


def _check_lines(path: Path, blocks: Iterator[bytes], limit: int) -> None:
    """Refuse (:func:`_refuse`) the first line longer than ``limit`` bytes in ``blocks``.

    Scans in C, not line by line: from a line's start, the last newline within ``limit + 1`` bytes
    ends a run of lines that are all short enough, so each step jumps about ``limit`` bytes; only a
    window without any newline is a line too long. Line numbers are counted only for the answer.
    """
    lines_before = 0  # newlines in the blocks already passed
    run, head = 0, b""  # bytes of the unfinished line carried from earlier blocks, and its first bytes
    for block in blocks:
        n, start = len(block), 0
        if run:  # the line carried over ends at the block's first newline
            nl = block.find(b"\n", 0, limit - run + 1)
            if nl == -1:
                if run + n > limit:
                    end = block.find(b"\n")
                    seen = run + (n if end == -1 else end)
                    _refuse(path, lines_before + 1, limit, seen, head, complete=end != -1)
                run += n
                continue
            start = nl + 1
            run = 0
        while start < n:
            last = block.rfind(b"\n", start, min(n, start + limit + 1))
            if last == -1:
                if n - start > limit:
                    line = lines_before + block.count(b"\n", 0, start) + 1
                    end = block.find(b"\n", start)
                    seen = (n if end == -1 else end) - start
                    _refuse(path, line, limit, seen, block[start : start + 40], complete=end != -1)
                run, head = n - start, block[start : start + 40]
                break
            start = last + 1
        lines_before += block.count(b"\n")


def _blocks(path: Path) -> Iterator[bytes]:
    """A file's bytes in 4 MiB blocks; nothing when it cannot be opened (the reader reports it)."""
    try:
        fh = path.open("rb")
    except OSError:
        return
    with fh:
        yield from iter(lambda: fh.read(_BLOCK), b"")


def _gzip_blocks(path: Path, size: int) -> Iterator[bytes]:
    """A gzip file's unpacked bytes in blocks of at most 4 MiB, refused with
    :class:`CompressedTooLargeError` once they pass :data:`MAX_STREAM_UNPACKED` and
    :data:`MAX_UNPACK_RATIO` times the file's size: a bomb is stopped after 64 MiB, in well under a
    second, never unpacked whole."""
    unpacked = 0
    try:
        with gzip.open(path, "rb") as fh:
            while block := fh.read(_BLOCK):
                unpacked += len(block)
                if unpacked > MAX_STREAM_UNPACKED and unpacked > MAX_UNPACK_RATIO * size:
                    msg = (
                        f"{path}: unpacks to more than {unpacked:,} bytes, over {MAX_UNPACK_RATIO} times its size "
                        f"of {size:,} bytes: not a compressed export (a gzip bomb?); nothing was loaded"
                    )
                    raise CompressedTooLargeError(msg)
                yield block
    except (OSError, EOFError, zlib.error) as exc:
        msg = f"{path}: not a readable gzip file ({exc}); nothing was loaded"
        raise CompressedTooLargeError(msg) from exc


def _refuse(path: Path, line: int, limit: int, seen: int, start: bytes, *, complete: bool) -> None:
    size = f"{seen:,} bytes" if complete else f"{seen:,} bytes and more"
    text = start.decode("utf-8", errors="replace")
    msg = (
        f"{path}: line {line} is longer than {limit:,} bytes ({size}, starting {text!r}): "
        "not a well-formed event file; nothing was loaded (raise --max-line-bytes if such lines are real)"
    )
    raise LineTooLongError(msg)
