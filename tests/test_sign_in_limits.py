"""Sign-in limits (grading.access.signin.SignIn.sign_in): atomic counting, per client and per user name
(the name's lock for every client: tests/test_sign_in_lockout.py)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from grading.access import signin
from grading.access.accounts import Accounts

NOW = datetime(2024, 8, 10, 9, 0)
RIGHT = "correct horse"


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Accounts:
    # Still Argon2id, with a small memory cost: the limits under test do not depend on the hash's cost,
    # and 60 parallel default verifications take seconds on a 2-core machine.
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(signin, "_HASHER", cheap)
    dummy = cheap.hash("dummy")
    monkeypatch.setattr(signin, "_dummy_hash", lambda: dummy)
    a = Accounts(tmp_path / "n.duckdb")
    a.add("collector.bhopal", "collector", password=RIGHT, districts=("BHOPAL",))
    return a


def failures(accounts: Accounts, kind: str) -> dict[tuple[str, str], tuple[int, bool]]:
    """(user name, client) → (failures counted, locked) for one kind of counter, read from the file."""
    with sqlite3.connect(accounts.path) as con:
        rows = con.execute(
            "select username, client, failures, locked_until from failures where kind = ?", (kind,)
        ).fetchall()
    return {(u, c): (n, until is not None) for u, c, n, until in rows}


def test_sixty_parallel_wrong_passwords_are_all_counted_and_lock(accounts: Accounts) -> None:
    start = threading.Barrier(60)
    results: list[object] = []

    def attempt() -> None:
        start.wait()  # all 60 threads go at once, against the real SQLite file
        results.append(accounts.sign_in("collector.bhopal", "guess", NOW, client="203.0.113.9"))

    threads = [threading.Thread(target=attempt) for _ in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [None] * 60
    # Not one failure lost to a race (read, check and write happen in one BEGIN IMMEDIATE transaction).
    assert failures(accounts, "client") == {("", "203.0.113.9"): (60, True)}
    assert failures(accounts, "pair") == {("collector.bhopal", "203.0.113.9"): (60, True)}
    # The name's counter locked at its limit and counted on during the lock (towards its next lock).
    assert failures(accounts, "name") == {("collector.bhopal", ""): (60 - signin.NAME_MAX_FAILURES, True)}
    # Locked: the right password fails from that client, and (the name is locked) from any other.
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW + timedelta(minutes=1), client="203.0.113.9") is None
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW + timedelta(minutes=1), client="198.51.100.7") is None


def test_a_pair_locks_after_five_failures_and_only_that_pair(accounts: Accounts) -> None:
    for _ in range(signin.MAX_FAILURES):
        assert accounts.sign_in("collector.bhopal", "guess", NOW, client="a") is None
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW, client="a") is None
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW, client="b") is not None
    # Attempts during the lock count on, but the lock does not grow.
    assert failures(accounts, "pair")[("collector.bhopal", "a")] == (signin.MAX_FAILURES + 1, True)
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW + signin.LOCK_TIME + timedelta(seconds=1), client="a")


def test_a_client_failing_on_many_names_is_locked_for_every_name(accounts: Accounts) -> None:
    # Four tries on each of five names (never five on one name): 20 failures from one client.
    for i in range(signin.CLIENT_MAX_FAILURES):
        assert accounts.sign_in(f"guess{i // 4}", "guess", NOW, client="sprayer") is None
    assert failures(accounts, "client")[("", "sprayer")] == (signin.CLIENT_MAX_FAILURES, True)
    assert not any(locked for _, locked in failures(accounts, "pair").values())
    # The client is locked even for an account it never tried, with the right password ...
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW, client="sprayer") is None
    # ... and every other client is not.
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW, client="office") is not None


def test_many_clients_failing_on_one_name_lock_it_for_every_client(accounts: Accounts) -> None:
    # 20 clients, one wrong guess each: no pair or client limit is reached, the name's limit is.
    for i in range(signin.NAME_MAX_FAILURES):
        assert accounts.sign_in("collector.bhopal", "guess", NOW, client=f"bot{i}") is None
    assert failures(accounts, "name")[("collector.bhopal", "")][1]  # locked
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW, client="bot7") is None  # it failed on this name
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW, client="office") is None  # it never failed: locked too
    # (tests/test_sign_in_lockout.py: the lock's length, its doubling, the administrator's unlock)


def test_a_locked_client_is_refused_after_the_same_password_check(
    accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A locked attempt costs the same Argon2 check as any other, so its answer takes as long: skipping
    it told an attacker when a lock held (49 ms against 142 ms). Right or not, it is refused."""
    for _ in range(signin.MAX_FAILURES):
        accounts.sign_in("collector.bhopal", "guess", NOW, client="a")
    checked: list[str] = []
    real = signin._HASHER

    class Counting:
        def verify(self, hashed: str, password: str) -> bool:
            checked.append(password)
            return bool(real.verify(hashed, password))

    monkeypatch.setattr(signin, "_HASHER", Counting())
    assert accounts.sign_in("collector.bhopal", "guess", NOW, client="a") is None
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW, client="a") is None  # locked: refused all the same
    assert checked == ["guess", RIGHT]  # both were checked like any attempt
    assert accounts.sign_in("collector.bhopal", RIGHT, NOW, client="b") is not None
    assert checked == ["guess", RIGHT, RIGHT]


def test_counts_start_again_after_a_quiet_lock_time(accounts: Accounts) -> None:
    for _ in range(signin.MAX_FAILURES - 1):
        accounts.sign_in("collector.bhopal", "guess", NOW, client="a")
    later = NOW + signin.LOCK_TIME + timedelta(seconds=1)
    accounts.sign_in("collector.bhopal", "guess", later, client="a")  # the 5th, but 15 quiet minutes later
    assert failures(accounts, "pair")[("collector.bhopal", "a")] == (1, False)
    assert accounts.sign_in("collector.bhopal", RIGHT, later, client="a") is not None
