"""A language switch in a real browser (Debian chromium against `streamlit run dashboard.py`): on every
page each role can open, with a month and a selection picked first, English → हिन्दी → English keeps
the month, the selection, the open tab and the link's codes, shows no error, and leaves every widget
label in the language chosen.

Streamlit sends a choice widget's value as its label, so a switch once left the browser holding labels
in the old language: the month fell back to its default, the "Compare" radio to nothing, chips stayed in
English and were lost at the next switch, and the public summary's link got ``metric=Score``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import polars as pl
import pytest

from grading.words import CATALOGUE
from tests.browser import ARTIFACTS, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser
HI, EN = "हिन्दी", "English"

#: Every widget on the page (sidebar included) as [kind, label, shown values]: a selectbox's shown
#: option, a multiselect's chips, a radio's options (the chosen one starred), the tabs (the open one
#: starred), a toggle's label (starred when on), a button's or expander's text, a text box's content.
WIDGETS = r"""() => {
  const kinds = ['stSelectbox', 'stMultiSelect', 'stRadio', 'stTabs', 'stButtonGroup', 'stCheckbox', 'stToggle', 'stDateInput',
    'stTextInput', 'stButton', 'stLinkButton', 'stDownloadButton', 'stFormSubmitButton', 'stExpander'];
  const icon = /^[a-z_]+$/;  // a Material icon's ligature ("keyboard_arrow_right"), not words
  const text = (e) => (e ? e.innerText : '').split('\n').map(s => s.trim()).filter(s => s && !icon.test(s)).join(' ');
  const out = [];
  for (const el of document.querySelectorAll(kinds.map(k => `[data-testid="${k}"]`).join(','))) {
    const kind = el.getAttribute('data-testid');
    const label = text(el.querySelector('[data-testid="stWidgetLabel"]'));
    let shown;
    if (['stSelectbox', 'stDateInput', 'stTextInput'].includes(kind)) {
      shown = [...el.querySelectorAll('input')].map(i => i.type === 'password' ? '' : i.value);
    } else if (kind === 'stMultiSelect') {
      shown = [...el.querySelectorAll('.react-aria-ComboBox [data-tag]')].map(t => t.getAttribute('aria-label'));
    } else if (kind === 'stRadio') {
      shown = [...el.querySelectorAll('label')].filter(l => l.querySelector('input'))
        .map(l => (l.querySelector('input').checked ? '*' : '') + text(l));
    } else if (kind === 'stTabs') {
      shown = [...el.querySelectorAll('[role="tab"]')]
        .map(b => (b.getAttribute('aria-selected') === 'true' ? '*' : '') + text(b));
    } else if (kind === 'stButtonGroup') {
      shown = [...el.querySelectorAll('button')].map(b => (b.getAttribute('aria-checked') === 'true' ? '*' : '') + text(b));
    } else if (kind === 'stCheckbox' || kind === 'stToggle') {
      const box = el.querySelector('input');
      shown = [(box && box.checked ? '*' : '') + text(el)];
    } else if (kind === 'stExpander') {
      shown = [text(el.querySelector('summary'))];
    } else {
      shown = [text(el)];
    }
    out.push([kind, label, shown]);
  }
  for (const link of document.querySelectorAll('[data-testid="stSidebarNav"] a')) out.push(['nav', '', [text(link)]]);
  return out;
}"""
#: How a part of a page that failed starts (ui.widgets.guarded), in both languages.
PART_FAILED = tuple(CATALOGUE["part_failed_because"][i].split(":")[0] for i in (0, 1))
#: Texts written the same in both languages: the switch's options.
SAME_IN_BOTH = {EN, HI, f"*{EN}", f"*{HI}"}


def free_text(kind: str) -> bool:
    """Widgets whose content is the reader's own (a typed complaint id, a day): not words to translate."""
    return kind in ("stDateInput", "stTextInput")


def settle(page, log: Path) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page's runs are over (a click may start a second one) and check it is clean."""
    wait_for_app(page, log)
    page.wait_for_timeout(400)
    wait_for_app(page, log)
    no_error_on(page, log)


def no_error_on(page, log: Path) -> None:  # type: ignore[no-untyped-def]
    """No exception, no error box and no "could not be drawn" warning (ui.widgets.guarded): an error is a
    sentence, never a traceback, and a working page has none."""
    failures = [
        page.locator(f'[data-testid="{testid}"]').all_inner_texts() for testid in ("stException", "stAlertContentError")
    ]
    warnings = page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
    failed = [w for w in warnings if w.startswith(PART_FAILED)]
    assert not any(failures), f"{page.url}: {failures}\nserver log:\n{log.read_text()}"
    assert not failed, f"{page.url}: {failed}\nserver log:\n{log.read_text()}"


def switch(page, log: Path, to: str) -> None:  # type: ignore[no-untyped-def]
    """Click the sidebar's language switch and wait for the page in that language."""
    page.locator('[data-testid="stSidebar"] label').filter(has_text=to).first.click()
    nav = CATALOGUE["nav_public"][0 if to == EN else 1]
    page.locator('[data-testid="stSidebarNav"]').get_by_text(nav).first.wait_for(timeout=60_000)
    settle(page, log)


def view(page) -> tuple[list[list[object]], dict[str, list[str]]]:  # type: ignore[no-untyped-def]
    """Every widget as shown, and the link's query without its language."""
    query = parse_qs(urlparse(page.url).query)
    query.pop("lang", None)
    return page.evaluate(WIDGETS), query


def choose(page, log: Path, label: str, option: str | int, sidebar: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Pick ``option`` (its name, or its place in the list) in the selectbox or multiselect ``label``."""
    where = page.locator('[data-testid="stSidebar"]' if sidebar else '[data-testid="stMain"]')
    box = where.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(has_text=label).first
    box.scroll_into_view_if_needed()
    box.locator("input").click()
    if isinstance(option, str):  # long lists are drawn a screenful at a time: type to find it
        box.locator("input").fill(option)
    options = page.get_by_role("option")
    (options.nth(option) if isinstance(option, int) else options.filter(has_text=option).first).click()
    page.keyboard.press("Escape")
    settle(page, log)


def go(page, log: Path, title_key: str) -> None:  # type: ignore[no-untyped-def]
    """Open a page from the sidebar (English titles) and pick June 2024 there."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=CATALOGUE[title_key][0]).first.click()
    page.wait_for_timeout(300)
    settle(page, log)
    choose(page, log, "Month", "June 2024", sidebar=True)


def pick_public_summary(page, log: Path) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Group 2").first.click()
    settle(page, log)
    choose(page, log, "Show on the map", 2)
    page.get_by_text("Show the chart").first.click()
    settle(page, log)


def pick_trends(page, log: Path) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stRadio"]').filter(has_text="Compare").get_by_text("District").click()
    settle(page, log)
    choose(page, log, "Choose up to 8", 4)


def pick_collector(page, log: Path, case: str, district: str | None) -> None:  # type: ignore[no-untyped-def]
    if district is not None:
        choose(page, log, "District", district)
    page.get_by_text("Only overdue").first.click()
    settle(page, log)
    search = page.get_by_label("Find a complaint")
    search.fill(case)
    search.press("Enter")
    settle(page, log)


def pick_department(page, log: Path, department: str | None) -> None:  # type: ignore[no-untyped-def]
    if department is not None:
        choose(page, log, "Department", department)
    page.locator('[data-testid="stButtonGroup"]').get_by_role("radio", name="Reopened").click()
    settle(page, log)


def assert_in_the_language(english: list[list[object]], hindi: list[list[object]], where: str) -> None:
    """Every label and shown option changed language, except the reader's own text and the switch."""
    assert len(english) == len(hindi), f"{where}: other widgets in Hindi\n{english}\n{hindi}"
    for (kind, label_en, shown_en), (_, label_hi, shown_hi) in zip(english, hindi, strict=True):
        if free_text(str(kind)):
            assert shown_en == shown_hi, f"{where}: {kind} {label_en} changed its content"
            assert label_en != label_hi or not label_en, f"{where}: {kind} label '{label_hi}' not in Hindi"
            continue
        texts_en = [label_en, *shown_en]  # type: ignore[misc]
        texts_hi = [label_hi, *shown_hi]  # type: ignore[misc]
        for en, hi in zip(texts_en, texts_hi, strict=True):
            if en == hi and en and en not in SAME_IN_BOTH and re.search("[A-Za-z]{2,}", str(en)):
                pytest.fail(f"{where}: {kind} '{hi}' is still in English after the switch to Hindi")


@pytest.fixture(scope="module")
def server(demo_db: Path, demo_users) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    log = ARTIFACTS / "language.server.log"
    with streamlit_server(demo_db, log) as url:
        yield url, log


@pytest.fixture(scope="module")
def overdue_case(demo_db: Path) -> Callable[[str], str]:
    """An overdue pending complaint of a district on the last day of the demo (for the search box)."""
    from grading.access.identity import Identity
    from grading.serve import views
    from grading.store import database

    con = database.connect_readonly(demo_db)
    try:
        cases = views.pending_cases(con, date(2024, 8, 31), Identity("t", "admin"))
    finally:
        con.close()
    return lambda district: str(cases.filter(pl.col("district") == district)["complaint_id"].sort()[0])


def round_trip(page, log: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    """English → हिन्दी → English on the page as it stands: the same view each way, in the language."""
    before, query = view(page)
    assert query.get("month") == ["2024-06"], f"{where}: {page.url}"
    switch(page, log, HI)
    page.screenshot(path=str(ARTIFACTS / f"language-{where}-hi.png"), full_page=True)
    hindi, query_hi = view(page)
    assert query_hi == query, f"{where}: the link changed with the language"
    assert_in_the_language(before, hindi, where)
    switch(page, log, EN)
    after, query_en = view(page)
    assert query_en == query, f"{where}: the link changed after switching back"
    assert after == before, f"{where}: the view changed after switching back\n{before}\n{after}"


def sign_in(page, log: Path, user: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Sign in").first.click()
    settle(page, log)
    page.get_by_label("User name").fill(user[0])
    page.get_by_label(re.compile("^Password$")).fill(user[1])
    page.get_by_role("button", name=re.compile("^Sign in$")).click()
    page.get_by_text(f"{user[0]} ·").first.wait_for(timeout=60_000)
    settle(page, log)


PUBLIC_PAGES = [("page_public", pick_public_summary), ("page_methodology", None), ("page_trends", pick_trends)]


@pytest.mark.parametrize("role", ["public", "collector", "department_head", "admin"])
def test_a_language_switch_keeps_every_page_as_it_was(  # type: ignore[no-untyped-def]
    browser, server, demo_users, overdue_case, role: str
) -> None:
    url, log = server
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    settle(page, log)
    pages: list[tuple[str, Callable[..., None] | None]] = list(PUBLIC_PAGES)
    if role == "public":
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Sign in").first.click()
        settle(page, log)
        round_trip_sign_in(page, log)
    else:
        sign_in(page, log, demo_users[role])
    if role == "collector":
        pages.append(("page_collector", lambda p, lg: pick_collector(p, lg, overdue_case("INDORE"), None)))
    if role == "department_head":
        pages.append(("page_department", lambda p, lg: pick_department(p, lg, None)))
    if role == "admin":
        pages.append(("page_department", lambda p, lg: pick_department(p, lg, "Revenue")))
        pages.append(("page_collector", lambda p, lg: pick_collector(p, lg, overdue_case("BHOPAL"), "Bhopal")))
        pages += [("page_data", None), ("page_audit", None)]
    for title_key, pick in pages:
        go(page, log, title_key)
        if pick is not None:
            pick(page, log)
        round_trip(page, log, f"{role}-{title_key}")
    context.close()


def round_trip_sign_in(page, log: Path) -> None:  # type: ignore[no-untyped-def]
    """The sign-in page after a failed try: the user name stays in its box (the password does not),
    also across the switch."""
    page.get_by_label("User name").fill("someone.typing")
    page.get_by_label(re.compile("^Password$")).fill("a wrong password")
    page.get_by_role("button", name=re.compile("^Sign in$")).click()
    page.get_by_text(CATALOGUE["sign_in_failed"][0]).wait_for()
    assert page.get_by_label("User name").input_value() == "someone.typing"
    assert page.get_by_label(re.compile("^Password$")).input_value() == ""
    before, _ = view(page)
    switch(page, log, HI)
    hindi, _ = view(page)
    assert_in_the_language(before, hindi, "sign-in")
    assert page.get_by_label(CATALOGUE["username"][1]).input_value() == "someone.typing"
    switch(page, log, EN)
    assert view(page)[0] == before


def test_the_server_logged_no_missing_script_run_context(server, browser) -> None:  # type: ignore[no-untyped-def]
    """After every page, language switch and sign-in above (and the start's warm-up thread), nothing of
    Nivaran's touched Streamlit's session outside a page run."""
    url, log = server
    page = browser.new_page()
    page.goto(f"{url}/trends?lang=hi")
    settle(page, log)
    page.close()
    assert "missing ScriptRunContext" not in log.read_text()


#: The widths, in the page's own heading font, of a conjunct (क + virama + ष, which a Devanagari font shapes
#: into one glyph, क्ष) and of the two consonants side by side (कष). Without a font that has the glyphs, every
#: code point is drawn as the same empty box, so the conjunct is three boxes against two: 1.5 times as wide.
GLYPHS = """() => {
  const heading = document.querySelector('[data-testid="stMain"] h1');
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = getComputedStyle(heading).font;
  return {text: heading.innerText, font: pen.font,
          conjunct: pen.measureText('\u0915\u094d\u0937').width, pair: pen.measureText('\u0915\u0937').width,
          box: pen.measureText('\u25a1').width};
}"""


def test_hindi_pages_draw_devanagari_with_a_font_that_has_its_glyphs(server, browser) -> None:  # type: ignore[no-untyped-def]
    """No tofu: in Hindi, the public summary's heading is Devanagari, and its font shapes a conjunct (a machine
    without a Devanagari font, e.g. without fonts-noto-core, draws three boxes and fails here)."""
    url, log = server
    page = browser.new_page()
    page.goto(f"{url}/?lang=hi")
    settle(page, log)
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    seen = page.evaluate(GLYPHS)
    page.screenshot(path=str(ARTIFACTS / "language-glyphs-hi.png"))
    page.close()
    assert re.search("[\u0900-\u097f]", seen["text"]), seen
    assert seen["conjunct"] < 1.25 * seen["pair"], f"Devanagari drawn as boxes: {seen}"
    assert seen["pair"] != 2 * seen["box"], f"Devanagari drawn as boxes: {seen}"
