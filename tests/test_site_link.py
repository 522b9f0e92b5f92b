"""The dashboard's public page links to the month on the published site when its address is set
(``$NIVARAN_SITE_URL``), and only for a published month."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from grading.outputs.site import layout
from tests.site_demo import MONTH, publish_demo

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://grievances.example.gov.in/grading/"


def test_the_address_of_a_month_on_the_site() -> None:
    assert layout.public_address("en", MONTH, SITE) == SITE + "en/2024-08/index.html"
    assert layout.public_address("hi", MONTH, "http://127.0.0.1:8000") == "http://127.0.0.1:8000/hi/2024-08/index.html"
    for unusable in ("", "  ", "grievances.example.gov.in", "javascript:alert(1)", 'https://x/"><script>'):
        assert layout.public_address("en", MONTH, unusable) is None


def test_the_address_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(layout.SITE_URL_ENV, raising=False)
    assert layout.public_address("en", MONTH) is None
    monkeypatch.setenv(layout.SITE_URL_ENV, SITE)
    assert layout.public_address("en", MONTH) == SITE + "en/2024-08/index.html"


def public_page(db: Path, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.session_state["lang"] = lang  # as tests/test_app.py's open_page switches the language
    at.switch_page("pages/public_summary.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def links(at: AppTest) -> list[tuple[str, str]]:
    return [(b.proto.label, b.proto.url) for b in at.get("link_button")]


def test_the_public_page_links_to_the_published_month_only_when_the_address_is_set(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIVARAN_DB", str(demo_db))  # August 2024 not published: no link, address or not
    monkeypatch.setenv(layout.SITE_URL_ENV, SITE)
    assert links(public_page(demo_db, "en")) == []
    db, _ = publish_demo(demo_db, tmp_path)
    monkeypatch.setenv("NIVARAN_DB", str(db))
    assert links(public_page(db, "en")) == [("This month on the public website", SITE + "en/2024-08/index.html")]
    assert links(public_page(db, "hi")) == [("यह माह सार्वजनिक वेबसाइट पर", SITE + "hi/2024-08/index.html")]
    monkeypatch.delenv(layout.SITE_URL_ENV)
    assert links(public_page(db, "en")) == []
