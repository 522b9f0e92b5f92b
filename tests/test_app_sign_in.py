"""Signing in through the real app in AppTest: a failed try keeps the user name typed and empties the
password box, and the right password then signs in with the name as it stands. (Where each role lands
after signing in is tested in a real browser, tests/test_browser_roles.py: AppTest does not follow a
page switch.)"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from grading.words import CATALOGUE
from tests.test_app import sign_in


def test_a_failed_sign_in_keeps_the_user_name_and_empties_the_password(english_app: AppTest, demo_users) -> None:  # type: ignore[no-untyped-def]
    name, password = demo_users["collector"]
    at = sign_in(english_app, name, "not-the-password")
    assert [e.value for e in at.error] == [CATALOGUE["sign_in_failed"][0]]
    assert at.text_input(key="username").value == name
    assert at.text_input(key="password").value == ""
    assert "sign_in_sent" not in at.session_state  # the password is not kept after its one run
    at.text_input(key="password").input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert not at.error
    assert at.session_state["signed_in"]["identity"].username == name
