"""Hindi everywhere a Hindi reader looks (issue 25): every page, signed in as each role, and the CSV, Excel
and PDF exports, scanned in Hindi for Latin words and codes outside a short allowed list."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from grading.words import say

ROOT = Path(__file__).resolve().parent.parent

#: Latin words a Hindi page may show, and why. Everything else in Latin letters is an untranslated word
#: or a code (UJJAIN, POWER_SUPPLY_INTERRUPTION) a Hindi reader should never see.
ALLOWED = {
    "Nivaran",  # the product's name, beside निवारण
    "CM",  # "CM Helpline", the helpline's own name in the store's settings
    "Helpline",
    "SLA",
    "PDF",
    "CSV",
    "Excel",
    "URL",
    "English",  # the language switch offers the other language by its own name
    *(f"L{n}" for n in range(1, 6)),  # escalation levels, as printed on the helpline's own forms
}
#: A grade letter (A-D) or a complaint id (its prefix and digits) is not a word: single letters and
#: tokens with digits are left alone by the pattern below.
LATIN = re.compile(r"(?<![A-Za-z0-9_\-./@])[A-Za-z][A-Za-z_]+(?![A-Za-z0-9_@])")
#: Text that is an address or an e-mail, not words.
ADDRESS = re.compile(r"(?:https?://|data:)[^\s)\"']+|\S+@\S+|\S+\.(?:csv|xlsx|pdf|zip|json|geojson|html)\b")
#: Markup a reader never sees: style sheets, HTML tags and their attributes, Plotly's hover placeholders.
MARKUP = re.compile(r"<style.*?</style>|<script.*?</script>|<[^>]*>|%\{[^}]*\}|&[a-z]+;", re.DOTALL)


def latin_words(text: str) -> set[str]:
    """Latin-letter words of ``text`` outside the allowed list (addresses and file names left out)."""
    text = ADDRESS.sub(" ", MARKUP.sub(" ", text))
    return {w for w in LATIN.findall(text) if w not in ALLOWED}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


#: What a reader sees of a Plotly figure: titles, axis tick labels, legend names, hover templates.
_FIGURE_KEYS = {"text", "ticktext", "name", "hovertemplate", "title", "customdata", "texttemplate"}


def _figure_texts(spec: str) -> Iterator[str]:
    figure = json.loads(spec)
    for trace in figure.get("data", []):
        for key in _FIGURE_KEYS & trace.keys():
            yield from _strings(trace[key])
    layout = figure.get("layout", {})
    for key, part in layout.items():
        if key.startswith(("xaxis", "yaxis", "coloraxis")) and isinstance(part, dict):
            yield from _strings(part.get("title", {}))
            yield from _strings(part.get("ticktext", []))
            colorbar = part.get("colorbar", {})
            yield from _strings(colorbar.get("title", {}))
        elif key in ("title", "annotations"):
            yield from _strings(part)
    if "hovertemplate" not in str(figure.get("data", [])):  # Plotly's own hover: dates as "Aug 2024"
        for trace in figure.get("data", []):
            xs = trace.get("x")
            if isinstance(xs, list) and xs and isinstance(xs[0], str) and re.match(r"\d{4}-\d\d", xs[0]):
                yield "PLOTLY_DEFAULT_DATE_HOVER"


#: Table columns whose cells are identifiers, not words: the "who" column of the administrator's audit log and
#: accounts tables holds login names, shown as they are in both languages (docs/public.md). The column is
#: skipped by its heading; login names elsewhere are judged like any text.
IDENTIFIER_COLUMNS = {say("col_user", "hi"), say("col_user", "en")}


def _table_texts(frame: Any) -> Iterator[str]:
    """A table's headings and its text cells (but those of :data:`IDENTIFIER_COLUMNS`)."""
    yield from (str(column) for column in frame.columns)
    for column in frame.columns:
        if column not in IDENTIFIER_COLUMNS:
            yield from (str(cell) for cell in frame[column].tolist() if isinstance(cell, str | bool))


def visible_texts(node: Any) -> Iterator[tuple[str, str]]:
    """(element type, text) for everything the page shows: text elements, labels and options of widgets,
    table headings and cells, metric labels and values, chart titles, ticks and hover text."""
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        label = str(getattr(getattr(node, "proto", None), "label", "") or "")  # tabs and expanders
        if label:
            yield str(getattr(node, "type", "block")), label
        for child in children.values():
            yield from visible_texts(child)
        return
    kind = getattr(node, "type", "?")
    if kind in ("dataframe", "arrow_data_frame", "table", "arrow_table"):
        yield from ((kind, text) for text in _table_texts(node.value))
        return
    if kind == "plotly_chart":
        yield from ((kind, text) for text in _figure_texts(node.proto.spec))
        return
    proto = getattr(node, "proto", None)
    if proto is None:
        return
    for name in ("body", "label", "value", "help", "placeholder", "delta", "caption", "text"):
        try:
            got = getattr(proto, name)
        except AttributeError:
            continue
        if isinstance(got, str) and got:
            yield kind, got
    for option in getattr(proto, "options", []) or []:  # a button group's option is a message: its content shows
        yield kind, str(option.content) if hasattr(option, "content") else str(option)


def workbook_text(book: bytes) -> str:
    """The text of a workbook's cells and sheet names (its XML parts without their tags)."""
    with zipfile.ZipFile(io.BytesIO(book)) as parts:
        xml = [parts.read(n).decode() for n in parts.namelist() if n.startswith("xl/") and n.endswith(".xml")]
    wanted = [x for x in xml if "<sst" in x or "<sheetData" in x or "<sheets>" in x]
    return " ".join(re.sub(r"<[^>]*>", " ", re.sub(r"<f>.*?</f>", " ", x)) for x in wanted)


def collected(at: AppTest) -> dict[str, set[str]]:
    """Latin words on the page by element type (an exception's trace is not the page's text)."""
    found: dict[str, set[str]] = {}
    for kind, text in visible_texts(at._tree):
        if kind != "exception" and (words := latin_words(text)):
            found.setdefault(kind, set()).update(words)
    return found


#: The pages each role opens (navigation.py): the public ones for everyone, then each role's own.
PUBLIC = ["pages/public_summary.py", "pages/methodology.py", "pages/trends.py"]
ROLE_PAGES = {
    "public": [*PUBLIC, "pages/sign_in.py"],
    "collector": [*PUBLIC, "pages/collector.py"],
    "department_head": [*PUBLIC, "pages/department.py"],
    "admin": [*PUBLIC, "pages/department.py", "pages/collector.py", "pages/data_status.py", "pages/audit.py"],
}


@pytest.fixture(scope="module")
def published_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo store with August 2024 published (so the page offers the package and report)."""
    import shutil
    from datetime import date

    from grading.outputs import publish
    from grading.scoring import schemes

    where = tmp_path_factory.mktemp("hindi-scan")
    db = where / "demo.duckdb"
    shutil.copy(demo_db, db)
    publish.publish(db, date(2024, 8, 1), schemes.load(), where / "package")
    return db


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, pl.DataFrame]]:
    """The frames the pages offer as CSV and Excel files (aggregates and case lists), as the pages hand
    them to the download helpers (the files are written from them by grading.outputs.export.write)."""
    from ui import widgets

    got: list[tuple[str, pl.DataFrame]] = []
    plain_download, case_download = widgets.download, widgets.case_download

    def record(frame: pl.DataFrame, name: str, *args: Any, **kwargs: Any) -> None:
        got.append((name, frame))
        plain_download(frame, name, *args, **kwargs)

    def record_cases(frame: pl.DataFrame, name: str, *args: Any, **kwargs: Any) -> None:
        got.append((name, frame))
        case_download(frame, name, *args, **kwargs)

    monkeypatch.setattr(widgets, "download", record)
    monkeypatch.setattr(widgets, "case_download", record_cases)
    return got


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_every_page_in_hindi_shows_no_latin_word_or_code(
    role: str,
    published_db: Path,
    demo_users: dict[str, tuple[str, str]],
    offered: list[tuple[str, pl.DataFrame]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from grading.access.accounts import Accounts
    from grading.outputs import export
    from tests.conftest import TEST_USERS
    from tests.test_app import sign_in

    monkeypatch.setenv("NIVARAN_DB", str(published_db))
    accounts = Accounts(published_db)
    for name, (user, password, districts, departments) in TEST_USERS.items():
        accounts.add(user, name, password=password, districts=districts, departments=departments, replace=True)
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=120)
    at.session_state["lang"] = "en"  # signed in through the English form (tests/test_app.py's helper)
    at.run()
    if role != "public":
        sign_in(at, *demo_users[role])
    offered.clear()  # the files of the English runs above are English by design: the Hindi pages' files are judged
    found: dict[str, dict[str, set[str]]] = {}
    for page in ROLE_PAGES[role]:
        at.session_state["lang"] = "hi"
        at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
        if words := collected(at):
            found[page] = words
    for name, frame in offered:  # every file a page offers, as CSV and as Excel
        csv = export.write(frame, "csv").decode("utf-8-sig")
        if in_file := latin_words(csv):
            found.setdefault(f"{name}.csv", {})["csv"] = in_file
        cells = workbook_text(export.write(frame, "xlsx", sheet="data"))
        if in_file := latin_words(cells):
            found.setdefault(f"{name}.xlsx", {})["xlsx"] = in_file
    assert offered, "the pages offer files"
    assert not found, "\n".join(
        f"{where}: {kind}: {sorted(words)}" for where, f in found.items() for kind, words in f.items()
    )


def test_the_hindi_press_report_pdf_has_no_latin_word_or_code(published_db: Path) -> None:
    from datetime import date

    from pypdf import PdfReader

    from grading.outputs import publish
    from grading.scoring import schemes
    from grading.store import database
    from tests.browser import require_chromium

    require_chromium()
    con = database.connect_readonly(published_db)
    try:
        files = publish.published_package(con, schemes.load(), date(2024, 8, 1))
    finally:
        con.close()
    assert files is not None
    # Devanagari comes out of a PDF's text layer imperfectly (conjuncts, matras): only Latin is judged.
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(files["report-hi.pdf"])).pages)
    assert not latin_words(text), sorted(latin_words(text))


def emoji(text: str) -> list[str]:
    """Characters drawn from an emoji font (pictographs and the variation selector that asks for one)."""
    return [ch for ch in text if ord(ch) >= 0x1F000 or "\u2600" <= ch <= "\u27bf" or ch == "\ufe0f"]


def test_navigation_banner_and_buttons_use_no_emoji_and_no_material_icon() -> None:
    # A machine without an emoji font draws emoji as empty boxes, and a Material icon makes the browser
    # fetch its font from the internet (issue 25).
    for path in (
        "navigation.py",
        *(str(p.relative_to(ROOT)) for p in [*ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py")]),
    ):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert not emoji(text), path
        assert ":material/" not in text, path


def test_the_trend_chart_names_its_months_in_hindi(published_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Plotly writes a date axis's months in English; the Hindi chart gives the axis its own ticks. The demo
    # holds six months, March to August 2024: one tick each.
    monkeypatch.setenv("NIVARAN_DB", str(published_db))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=120)
    at.session_state["lang"] = "hi"
    at.run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.get("plotly_chart"), [w.value for w in at.warning]
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    hindi = ["मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त"]
    assert figure["layout"]["xaxis"]["ticktext"] == [f"{m} 2024" for m in hindi]
    hover = {month for trace in figure["data"] for month in trace["customdata"]}  # the hover's month, in Hindi
    assert hover == {f"{m} 2024" for m in hindi}
