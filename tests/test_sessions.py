"""Sign-in sessions (grading.access.sessions): server-side records, signed cookies, ended at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from grading.access import accounts
from grading.access.accounts import Accounts
from grading.access.identity import Identity
from grading.access.sessions import Check, Sessions
from grading.cli import main

NOW = datetime(2030, 8, 10, 9, 0)  # cookies carry a real unix expiry: keep the test times in the future
WHO = Identity("collector.bhopal", "collector", districts=("BHOPAL",))


@pytest.fixture
def sessions(tmp_path: Path) -> Sessions:
    a = Accounts(tmp_path / "n.duckdb")
    a.add("collector.bhopal", "collector", password="correct horse", districts=("BHOPAL",))
    return Sessions(a)


def test_a_session_is_found_again_from_its_signed_cookie(sessions: Sessions) -> None:
    token = sessions.open(WHO, "password", "local", NOW)
    value, max_age = sessions.cookie(token, NOW)
    assert max_age == 8 * 3600  # the cookie lives as long as the session may
    again = sessions.token_from_cookie(value, NOW + timedelta(minutes=5))
    assert again == token
    assert sessions.check(again, NOW + timedelta(minutes=5)).identity == WHO


def test_the_access_file_holds_only_a_hash_of_the_token(sessions: Sessions) -> None:
    token = sessions.open(WHO, "password", "local", NOW)
    raw = b"".join(f.read_bytes() for f in sessions.accounts.path.parent.glob(sessions.accounts.path.name + "*"))
    assert token.encode() not in raw


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v.replace(".", "..", 1),  # malformed
        lambda v: v[:-1] + ("0" if v[-1] != "0" else "1"),  # signature changed
        lambda v: "v1.someoneelse" + v[v.index(".", 3) :],  # another token with this signature
        lambda v: v.rsplit(".", 2)[0] + ".9999999999." + v.rsplit(".", 1)[1],  # expiry pushed back
    ],
)
def test_a_forged_or_altered_cookie_opens_nothing(sessions: Sessions, tamper) -> None:  # type: ignore[no-untyped-def]
    value, _ = sessions.cookie(sessions.open(WHO, "password", "local", NOW), NOW)
    assert sessions.token_from_cookie(tamper(value), NOW) is None


def test_a_cookie_signed_with_another_deployments_key_opens_nothing(sessions: Sessions, tmp_path: Path) -> None:
    value, _ = sessions.cookie(sessions.open(WHO, "password", "local", NOW), NOW)
    other = Sessions(Accounts(tmp_path / "other.duckdb"))
    assert other.token_from_cookie(value, NOW) is None


def test_sessions_end_after_thirty_idle_minutes_or_eight_hours(sessions: Sessions) -> None:
    idle = sessions.open(WHO, "password", "local", NOW)
    assert sessions.check(idle, NOW + timedelta(minutes=29)).identity == WHO
    ended = sessions.check(idle, NOW + timedelta(minutes=29 + 31))
    assert (ended.identity, ended.expired) == (None, True)
    assert sessions.check(idle, NOW + timedelta(minutes=61)).identity is None  # stays ended
    busy = sessions.open(WHO, "password", "local", NOW)
    for minutes in range(20, 8 * 60, 20):  # used every 20 minutes
        assert sessions.check(busy, NOW + timedelta(minutes=minutes)).identity == WHO
    assert sessions.check(busy, NOW + timedelta(hours=8, minutes=1)).expired
    value, _ = sessions.cookie(busy, NOW)
    assert sessions.token_from_cookie(value, NOW + timedelta(hours=8, minutes=1)) is None


def test_sign_out_ends_the_session(sessions: Sessions) -> None:
    token = sessions.open(WHO, "password", "local", NOW)
    sessions.end(token, NOW)
    assert sessions.check(token, NOW) == Check(None)


@pytest.mark.parametrize(
    "change",
    [
        lambda a: a.remove("collector.bhopal"),
        lambda a: a.set_scope("collector.bhopal", districts=("BHOPAL", "SEHORE")),  # widened: still ends
        lambda a: a.add("collector.bhopal", "admin", password="x", replace=True),
    ],
)
def test_removing_or_changing_an_account_ends_its_sessions_at_once(sessions: Sessions, change) -> None:  # type: ignore[no-untyped-def]
    token = sessions.open(WHO, "password", "local", NOW)
    other = Identity("someone", "admin")
    sessions.accounts.add("someone", "admin", password="y")
    theirs = sessions.open(other, "password", "local", NOW)
    change(sessions.accounts)
    assert sessions.check(token, NOW + timedelta(minutes=1)).identity is None
    assert sessions.check(theirs, NOW + timedelta(minutes=1)).identity == other  # other accounts go on


def test_users_set_scope_changes_the_scope_and_ends_sessions(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    runner = CliRunner()
    args = ["users", "add", "--db", str(db), "c.sehore", "--role", "collector", "--district", "sehore"]
    assert runner.invoke(main, [*args, "--password-stdin"], input="s3cret-pass\n").exit_code == 0
    sessions = Sessions(Accounts(db))
    token = sessions.open(Identity("c.sehore", "collector", districts=("SEHORE",)), "password", "local", NOW)
    done = runner.invoke(main, ["users", "set-scope", "--db", str(db), "c.sehore", "--district", "raisen"])
    assert done.exit_code == 0, done.output
    assert sessions.check(token, NOW).identity is None
    listed = Accounts(db).list().row(0, named=True)
    assert listed["districts"] == "RAISEN"
    missing = runner.invoke(main, ["users", "set-scope", "--db", str(db), "nobody", "--district", "raisen"])
    assert missing.exit_code != 0
    assert accounts.Accounts(db).identity_for_email("c.sehore") == Identity("c.sehore", "collector", ("RAISEN",))
