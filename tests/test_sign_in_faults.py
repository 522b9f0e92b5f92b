"""Faults on the web side are sentences, never stack traces (AppTest on the demo store).

- A full disk during a sign-in (the access file cannot be written): one sentence on the page, whether
  the password was right or wrong; nobody is signed in.
- Any uncaught error: Streamlit's generic message only (``client.showErrorDetails = "none"`` in
  ``.streamlit/config.toml``); the exception's text and stack trace go to the server's log.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from grading.access import signin
from tests.test_app import sign_in


@contextmanager
def disk_full() -> Iterator[None]:
    raise OSError(errno.ENOSPC, "No space left on device")
    yield  # pragma: no cover - never reached


@pytest.mark.parametrize("right", [True, False], ids=["right-password", "wrong-password"])
def test_a_full_disk_at_sign_in_is_one_sentence(  # type: ignore[no-untyped-def]
    english_app: AppTest, demo_users, monkeypatch: pytest.MonkeyPatch, right: bool
) -> None:
    monkeypatch.setattr(signin, "immediate", lambda _con: disk_full())  # every sign-in's write
    name, password = demo_users["collector"]
    at = sign_in(english_app, name, password if right else "not the password")
    assert not at.exception, [e.message for e in at.exception]
    errors = [e.value for e in at.error]
    assert errors == [
        "Sign-in is not possible just now: the server cannot write its access file (the disk may be full). "
        "Tell the administrator."
    ]
    assert "signed_in" not in at.session_state  # nobody signed in


def test_an_uncaught_error_shows_no_details(tmp_path: Path) -> None:
    """client.showErrorDetails = "none" (.streamlit/config.toml): the page shows Streamlit's generic
    message, never the exception's text or its stack trace (those go to the server's log)."""
    script = tmp_path / "fails.py"
    script.write_text('raise ValueError("/srv/nivaran/secret.access.sqlite: no such table users")\n')
    at = AppTest.from_file(str(script)).run()
    assert len(at.exception) == 1
    shown = at.exception[0]
    assert "secret" not in shown.message
    assert "ValueError" not in shown.message
    assert not shown.stack_trace
