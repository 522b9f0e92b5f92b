"""`nivaran users reset NAME`: an administrator resets a forgotten password. A new one-time password is
made and shown once (or read from standard input); the old one stops working, the account's sessions
end and its sign-in lock is cleared; an identity-provider account or an unknown name is one sentence."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner

from grading.access import signin
from grading.access.accounts import Accounts
from grading.access.identity import AccessError
from grading.access.sessions import Sessions
from grading.cli import main

NAME, OLD = "collector.bhopal", "the old password"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Accounts:
    """An access file with one collector, hashed cheaply (the reset does not depend on the hash's cost)."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(signin, "_HASHER", hasher)
    dummy = hasher.hash("dummy")
    monkeypatch.setattr(signin, "_dummy_hash", lambda: dummy)
    accounts = Accounts(tmp_path / "n.duckdb")
    accounts.add(NAME, "collector", password=OLD, districts=("BHOPAL",))
    return accounts


def reset(store: Accounts, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    db = store.path.parent / "n.duckdb"  # the access file lives beside its database
    return CliRunner().invoke(main, ["users", "reset", "--db", str(db), *args], input=stdin)


def test_a_reset_shows_a_new_password_once_and_ends_the_old_one_and_the_sessions(store: Accounts) -> None:
    sessions = Sessions(store)
    token = sessions.open(store.sign_in(NAME, OLD), "password", "office")  # type: ignore[arg-type]
    for i in range(signin.NAME_MAX_FAILURES):  # locked out by guesses from everywhere
        store.sign_in(NAME, "guess", client=f"bot{i}")
    done = reset(store, "Collector.Bhopal")
    assert done.exit_code == 0, done.output
    lines = done.output.strip().splitlines()
    assert lines[0] == f"{NAME}: password reset; its sessions are ended"
    found = re.fullmatch(
        r"New password \(shown once; give it to collector\.bhopal in person or by phone\): (\S+)", lines[1]
    )
    assert found is not None
    new = found.group(1)
    assert len(new) >= 16
    assert store.sign_in(NAME, OLD, client="office") is None
    assert store.sign_in(NAME, new, client="office") is not None  # the lock is cleared too
    assert sessions.check(token).identity is None  # signed out everywhere
    assert store.audit().filter(event="account_password_reset", args=f'{{"user": "{NAME}"}}').height == 1


def test_a_reset_reads_the_password_from_standard_input_and_prints_none(store: Accounts) -> None:
    done = reset(store, NAME, "--password-stdin", stdin="a chosen password\n")
    assert done.exit_code == 0, done.output
    assert "a chosen password" not in done.output
    assert "New password" not in done.output
    assert store.sign_in(NAME, "a chosen password", datetime.now()) is not None


def test_a_reset_of_an_unknown_or_identity_provider_account_is_one_sentence(store: Accounts) -> None:
    store.add("someone@example.org", "admin")  # signs in through the identity provider
    unknown = reset(store, "nobody")
    assert isinstance(unknown.exception, AccessError)
    assert str(unknown.exception) == "no user 'nobody'"
    oidc = reset(store, "someone@example.org")
    assert isinstance(oidc.exception, AccessError)
    assert "identity provider" in str(oidc.exception)
    empty = reset(store, NAME, "--password-stdin", stdin="\n")
    assert empty.exit_code == 2
    assert store.sign_in(NAME, OLD) is not None  # nothing changed
