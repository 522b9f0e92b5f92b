"""HTML to PDF through Debian's chromium, printed headless and offline.

Why this route: chromium is already what Nivaran's browser tests and Plotly's static images (kaleido) use,
it shapes Devanagari correctly with the Noto fonts (conjuncts and vowel signs, which simple PDF libraries get
wrong), it honours CSS print rules (page size, margins, repeated table headers, page breaks), and it needs
nothing from the network. The cost is a run-time dependency on the ``chromium`` package (and
``fonts-noto-core``) for the commands that write PDFs; everything else works without it.

``NIVARAN_CHROMIUM`` names another chromium binary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Final

from grading.model.schema import NivaranError

DEFAULT_CHROMIUM: Final = "/usr/bin/chromium"
#: Flags that keep chromium quiet and offline: no sandbox (we run as root in CI), no GPU, no background
#: fetches (the browser tests launch chromium with these too).
QUIET_FLAGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Printing: headless, no extensions, no header or footer of chromium's own (a fresh profile per run:
#: ``--user-data-dir`` is added per call).
_FLAGS: Final = (
    "--headless",
    *QUIET_FLAGS,
    "--disable-extensions",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)
TIMEOUT_SECONDS: Final = 120


class PdfError(NivaranError):
    """A PDF could not be written (no chromium, or chromium failed)."""


def chromium_path() -> str:
    """The chromium binary: ``$NIVARAN_CHROMIUM``, else Debian's, else ``chromium`` on the PATH."""
    named = os.environ.get("NIVARAN_CHROMIUM")
    if named:
        return named
    if Path(DEFAULT_CHROMIUM).exists():
        return DEFAULT_CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        msg = "Writing a PDF needs chromium: install Debian's `chromium` and `fonts-noto-core` packages."
        raise PdfError(msg)
    return found


def html_to_pdf(html: str) -> bytes:
    """Print a self-contained HTML document (inline CSS, images as data URLs) to PDF bytes.

    Page size, margins and page breaks come from the document's own ``@page`` and print CSS. The document
    must not fetch anything: chromium runs offline and would wait for the network otherwise.
    """
    binary = chromium_path()
    with tempfile.TemporaryDirectory(prefix="nivaran-pdf-") as tmp:
        source = Path(tmp) / "report.html"
        target = Path(tmp) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            binary,
            *_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            done = subprocess.run(  # noqa: S603 - a fixed binary with our own arguments
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except FileNotFoundError:
            msg = f"Writing a PDF needs chromium, and {binary} does not exist."
            raise PdfError(msg) from None
        except subprocess.TimeoutExpired:
            msg = f"chromium did not finish printing the PDF within {TIMEOUT_SECONDS} s."
            raise PdfError(msg) from None
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            msg = f"chromium could not print the PDF (exit {done.returncode}): {last}"
            raise PdfError(msg)
        return target.read_bytes()
