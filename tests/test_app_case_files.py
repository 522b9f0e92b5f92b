"""Case files through the real app in AppTest (navigation.py, demo store).

- Without Nivaran's routes (AppTest, plain ``streamlit run navigation.py``) a case page offers no file
  at all: one sentence says the downloads need ``streamlit run dashboard.py``. Streamlit's download
  button is never used for case rows (its ``/media/`` files answer anyone with the address).
- With the routes, every case file (the review list, the meeting pack) is a link to the export route,
  which serves it to this session's cookie only, made and audited on download.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from streamlit.testing.v1 import AppTest

from grading.access.accounts import Accounts
from grading.access.sessions import COOKIE_NAME, Sessions
from tests.test_app import sign_in
from ui import web

with warnings.catch_warnings():  # starlette asks for httpx2 over the httpx already installed: same API here
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

NEEDS_SERVER = "Downloads of case files need the dashboard server: `streamlit run dashboard.py`."
CASE_KEYS = {"review-csv", "review-xlsx", "pack-xlsx", "pack-pdf"}


def collector_page(at: AppTest, user: tuple[str, str]) -> AppTest:
    at = sign_in(at, *user)
    at.switch_page("pages/collector.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_without_the_routes_a_case_page_offers_no_file(english_app: AppTest, demo_users) -> None:  # type: ignore[no-untyped-def]
    at = collector_page(english_app, demo_users["collector"])
    assert not web.MOUNTED
    assert not at.get("download_button")  # Streamlit's button would serve the rows from /media/
    assert not [b for b in at.get("link_button") if b.key in CASE_KEYS]
    captions = [c.value for c in at.caption]
    assert captions.count(NEEDS_SERVER) == 2  # where the review list's and the pack's buttons would be


def test_with_the_routes_every_case_file_is_a_link_to_this_session(  # type: ignore[no-untyped-def]
    english_app: AppTest, demo_users, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web, "MOUNTED", True)  # as dashboard.py mounts them
    at = collector_page(english_app, demo_users["collector"])
    assert not at.get("download_button")
    links = {b.key: b.proto.url for b in at.get("link_button") if b.key in CASE_KEYS}
    assert {"review-csv", "review-xlsx", "pack-xlsx"} <= set(links)
    assert all(url.startswith(f"{web.PREFIX}/export/") for url in links.values())
    assert NEEDS_SERVER not in [c.value for c in at.caption]
    # The pack's link: refused without this session's cookie, the workbook (audited) with it.
    sessions = Sessions(Accounts(demo_db))
    value, _ = sessions.cookie(at.session_state["signed_in"]["token"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        client = TestClient(Starlette(routes=web.routes()), base_url="http://127.0.0.1")
    before = Accounts(demo_db).audit().height
    assert client.get(links["pack-xlsx"]).status_code == 403
    client.cookies.set(COOKIE_NAME, value)
    answer = client.get(links["pack-xlsx"])
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.content)) as book:
        assert "Since last review" in book.read("xl/workbook.xml").decode()
    audit = Accounts(demo_db).audit()
    assert audit.height == before + 1
    assert audit.row(0, named=True)["event"] == "meeting_pack"
    assert json.loads(audit.row(0, named=True)["args"])["district"] == "INDORE"
