"""A session cookie is whatever a client sends: text that is not the cookie's ASCII shape opens nothing
and raises nothing (grading.access.sessions.Sessions.token_from_cookie)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from grading.access.accounts import Accounts
from grading.access.identity import Identity
from grading.access.sessions import Sessions

NOW = datetime(2030, 8, 10, 9, 0)
WHO = Identity("c", "collector", districts=("BHOPAL",))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v.rsplit(".", 1)[0] + ".é",  # a non-ASCII signature (TypeError in hmac.compare_digest)
        lambda v: v.rsplit(".", 1)[0] + "." + "é" * 64,
        lambda v: v.replace("v1.", "v1.ü", 1),  # a non-ASCII token
        lambda v: ".".join([*v.split(".")[:2], "²³", v.split(".")[3]]),  # digits int() refuses
        lambda v: ".".join([*v.split(".")[:2], "9" * 40, v.split(".")[3]]),  # a year out of range
        lambda v: v + "\x00",
    ],
    ids=["signature", "long-signature", "token", "superscript-expiry", "huge-expiry", "nul"],
)
def test_a_cookie_that_is_not_ascii_opens_nothing(tmp_path: Path, tamper) -> None:  # type: ignore[no-untyped-def]
    sessions = Sessions(Accounts(tmp_path / "n.duckdb"))
    value, _ = sessions.cookie(sessions.open(WHO, "password", "local", NOW), NOW)
    assert sessions.token_from_cookie(value, NOW) is not None
    assert sessions.token_from_cookie(tamper(value), NOW) is None
