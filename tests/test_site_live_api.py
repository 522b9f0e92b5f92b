"""The live read API of the served dashboard (`streamlit run dashboard.py` on the demo store, nothing
published): a month's JSON document answers 403 without a live session cookie and 200 with one, and the
document is the one the static site would hold (same schema, ``status`` provisional)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from grading.access.identity import Identity
from grading.outputs.site import api
from tests.browser import ARTIFACTS, streamlit_server
from tests.test_server_security import request, session_cookie
from ui import web

COLLECTOR = Identity("t.indore", "collector", districts=("INDORE",))
ADDRESS = f"{web.PREFIX}/api/v1/2024-08/departments.json"


@pytest.fixture(scope="module")
def server(demo_db: Path, demo_users: dict[str, tuple[str, str]]) -> Iterator[str]:
    with streamlit_server(demo_db, ARTIFACTS / "site-live-api.server.log") as url:
        yield url


def test_the_live_api_answers_only_a_live_session(server: str, demo_db: Path) -> None:
    status, headers, body = request(server + ADDRESS)
    assert status == 403
    assert b"rows" not in body
    assert headers.get("cache-control") == "no-store"
    status, _, body = request(server + ADDRESS, cookie="forged.value.signature")
    assert status == 403
    status, headers, body = request(server + ADDRESS, cookie=session_cookie(demo_db, COLLECTOR))
    assert status == 200, body[:300]
    assert headers["content-type"].startswith("application/json")
    assert headers.get("cache-control") == "no-store"
    assert headers.get("x-frame-options") == "DENY"
    document = json.loads(body)
    assert (document["month"], document["status"], document["endpoint"]) == ("2024-08", "provisional", "departments")
    assert len(document["rows"]) > 20

    import jsonschema  # installed with Streamlit's dependencies (altair)

    errors = [e.message for e in jsonschema.Draft202012Validator(api.schema("departments")).iter_errors(document)]
    assert errors == []


def test_the_live_api_names_what_it_does_not_have(server: str, demo_db: Path) -> None:
    cookie = session_cookie(demo_db, COLLECTOR)
    for path, status in (
        (f"{web.PREFIX}/api/v1/2024-08/people.json", 404),
        (f"{web.PREFIX}/api/v1/August/departments.json", 404),
        (f"{web.PREFIX}/api/v1/1999-01/flags.json", 404),
    ):
        answer, _, body = request(server + path, cookie=cookie)
        assert answer == status, (path, body[:200])
        assert b"<html" not in body.lower()
    answer, _, _ = request(server + f"{web.PREFIX}/api/v1/2024-08/people.json")
    assert answer == 403  # nothing said to a stranger, not even which documents exist
