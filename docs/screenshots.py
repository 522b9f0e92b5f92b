"""Refresh the pictures of the public side in docs/images/ (run by hand: `uv run python docs/screenshots.py`).

Builds the built-in demo in a temporary folder (the default demo of `nivaran demo`), publishes its default
month, serves the real dashboard (`streamlit run dashboard.py`) on it and photographs it with Debian's
chromium through Playwright:

- ``public-desktop.png``: the public summary at 1440 × 2000 (the top of the page: title, the one caption,
  the month's report and data, the headline figures and the department ranking);
- ``public-phone.png``: the same page on a 390 × 844 phone (language and month at the top, figures two to a
  row), and ``public-phone-ranking.png`` further down (the ranking as cards);
- ``report-page-1.png``: the first page of the month's press report.

No PDF rasteriser is available offline here (pypdf reads text, not pictures; poppler and pdfium are not
installed, and headless chromium downloads a PDF instead of showing it), so the report's first page is
the report's own HTML (:func:`grading.outputs.report.report_html`, the document chromium prints to the
PDF) drawn by the same chromium with print styles at A4 width, cut at the height of one A4 page. What it
shows is what the PDF's first page holds; the page margins and the footer of the printed page are not
drawn.

Needs `chromium` and `fonts-noto-core`; takes about a minute.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
#: A4 at 96 px per inch: 210 × 297 mm.
A4 = (794, 1123)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _demo(where: Path) -> tuple[Path, str]:
    """The default demo, its default month published; returns the store and that month (YYYY-MM)."""
    from grading.demo.build import build_demo
    from grading.demo.spec import DEFAULT_DEMO
    from grading.outputs import publish
    from grading.scoring import schemes
    from grading.serve import public
    from grading.store import database

    db = where / "demo.duckdb"
    build_demo(db, DEFAULT_DEMO)
    scheme = schemes.load()
    con = database.connect_readonly(db)
    try:
        month = public.default_month(con, scheme)
    finally:
        con.close()
    assert month is not None, "the demo has no month to publish"
    publish.publish(db, month, scheme, where / "package")
    return db, f"{month:%Y-%m}"


def _serve(db: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            command, cwd=ROOT, env={**os.environ, "NIVARAN_DB": str(db)}, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310 - our local server
                if r.read() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"the dashboard did not start; its log: {log}")


def _settled(page, ranking: str) -> None:  # type: ignore[no-untyped-def]
    """Wait for the script to finish and the ranking (``ranking``: its grid or its cards) to show."""
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=120_000)
    page.locator(ranking).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # the grids and images draw after the script has finished


def main() -> None:
    from playwright.sync_api import sync_playwright

    from grading.outputs import publish, report
    from grading.outputs.pdf import QUIET_FLAGS, chromium_path
    from grading.scoring import schemes
    from grading.store import database

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nivaran-shots-") as tmp:
        where = Path(tmp)
        db, month = _demo(where)
        proc, url = _serve(db, where / "server.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=list(QUIET_FLAGS))
                desktop = browser.new_page(viewport={"width": 1440, "height": 2000})
                desktop.goto(f"{url}/?month={month}&lang=en")
                _settled(desktop, '[data-testid="stDataFrame"]')
                desktop.screenshot(path=str(IMAGES / "public-desktop.png"))
                phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
                page = phone.new_page()
                page.goto(f"{url}/?month={month}&lang=en")
                _settled(page, ".nv-card")
                page.screenshot(path=str(IMAGES / "public-phone.png"))
                page.locator(".nv-card").first.scroll_into_view_if_needed()
                page.screenshot(path=str(IMAGES / "public-phone-ranking.png"))
                phone.close()
                # The report's first page: its HTML with print styles at A4 width, one page tall.
                con = database.connect_readonly(db)
                try:
                    scheme = schemes.load()
                    found = publish.standing(con, date.fromisoformat(f"{month}-01"))
                    assert found is not None
                    html = report.report_html(publish.report_data(publish.PackageSource(found, con, scheme)), "en")
                finally:
                    con.close()
                source = where / "report.html"
                source.write_text(html, encoding="utf-8")
                sheet = browser.new_page(viewport={"width": A4[0], "height": A4[1]})
                sheet.goto(source.as_uri())
                sheet.emulate_media(media="print")
                sheet.screenshot(
                    path=str(IMAGES / "report-page-1.png"), clip={"x": 0, "y": 0, "width": A4[0], "height": A4[1]}
                )
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    for name in ("public-desktop.png", "public-phone.png", "public-phone-ranking.png", "report-page-1.png"):
        print(IMAGES / name)


if __name__ == "__main__":
    main()
