"""HTML to PDF through chromium: real bytes, English and Devanagari text, one-sentence failures."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from grading.outputs import pdf

needs_chromium = pytest.mark.skipif(not Path(pdf.DEFAULT_CHROMIUM).exists(), reason="needs Debian's chromium")

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 15mm } body { font-family: "Noto Sans", "Noto Sans Devanagari", sans-serif }
</style></head><body><h1>Energy Department</h1><p>ऊर्जा विभाग</p></body></html>"""


@needs_chromium
def test_html_prints_to_a_pdf_with_its_text() -> None:
    text = pypdf.PdfReader(io.BytesIO(pdf.html_to_pdf(PAGE))).pages[0].extract_text()
    assert "Energy Department" in text
    # Shaped Devanagari comes back with its vowel signs out of order; the letters themselves are there.
    assert "ऊ" in text
    assert "व" in text


def test_a_missing_chromium_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NIVARAN_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(pdf.PdfError, match="needs chromium"):
        pdf.html_to_pdf(PAGE)
