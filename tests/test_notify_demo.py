"""Issue 28's "done when" on the demo: ``nivaran demo``'s accounts, ``nivaran digest`` through a real SMTP
conversation on 127.0.0.1 (tests/test_outbox.py's relay) and to ``.eml`` files, every message parsed back:
its scope, its language, its meeting pack opening in a reader; a rerun sends nothing; a relay answering 451
is retried, and one that keeps failing is reported (exit code 1) with the message kept queued."""

from __future__ import annotations

import email
import email.policy
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import polars as pl
import pytest

from grading.access.accounts import Accounts
from grading.access.identity import Identity
from grading.demo import build
from grading.outputs import outbox
from grading.serve import review
from grading.store import database
from tests.damage import copy_store
from tests.test_digest import cli
from tests.test_outbox import Relay, RelayServer

DAY = date(2024, 8, 31)
ADMIN = Identity("t", "admin")


class FlakyRelay(Relay):
    """The test relay, but the first ``server.refusals`` DATA commands are answered 451 (try again later)."""

    def handle(self) -> None:
        server = self.server
        assert isinstance(server, RelayServer)
        if getattr(server, "refusals", 0) > 0:
            server.refusals -= 1  # type: ignore[attr-defined]
            self.reply("220 test relay")
            while line := self.rfile.readline():
                verb = line.decode().split(" ", 1)[0].strip().upper()
                if verb == "DATA":
                    self.reply("451 4.3.0 try again later")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 OK")
            return
        super().handle()


def _relay(refusals: int = 0) -> RelayServer:
    relay = RelayServer(("127.0.0.1", 0), FlakyRelay)
    relay.messages = []
    relay.refusals = refusals  # type: ignore[attr-defined]
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    return relay


@pytest.fixture
def relay() -> Iterator[RelayServer]:
    server = _relay()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def demo(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the small demo with ``nivaran demo``'s accounts (addresses at example.org)."""
    db = copy_store(demo_db, tmp_path / "demo")
    build.create_demo_accounts(db)
    return db


def parsed(data: bytes) -> EmailMessage:
    mail = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    return mail


def plain(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def district_cases(db: Path, district: str) -> set[str]:
    with database.connect_readonly(db) as con:
        return set(review.cases(con, DAY, ADMIN, district=district)["complaint_id"].to_list())


def test_demo_accounts_have_example_addresses(demo: Path) -> None:
    addresses = {c.identity.username: (c.email, c.lang) for c in Accounts(demo).contacts()}
    assert addresses["collector.bhopal"] == ("collector.bhopal@example.org", "en")
    assert addresses["collector.indore"] == ("collector.indore@example.org", "hi")
    # every account `nivaran demo` makes (the session's demo copy may also hold other tests' accounts)
    demo_names = [account[0] for account in build.DEMO_ACCOUNTS]
    assert all(addresses[name][0].endswith("@example.org") for name in demo_names)


def test_a_digest_run_of_the_demo_over_smtp_sends_each_account_its_scope_in_its_language(
    demo: Path, relay: RelayServer
) -> None:
    smtp = f"127.0.0.1:{relay.server_address[1]}"
    said = cli("digest", "--db", str(demo), "--as-of", "2024-08-31", "--smtp", smtp)
    with_address = [c for c in Accounts(demo).contacts() if c.email]
    assert f"{len(with_address)} sent, 0 failed, 0 waiting" in said
    mails = {}
    for got in relay.messages:
        (to,) = got["to"]  # type: ignore[misc]
        data = got["data"]
        assert isinstance(data, bytes)
        mails[to] = parsed(data)
    assert set(mails) == {c.email for c in with_address}  # one message per account with an address

    bhopal, indore = district_cases(demo, "BHOPAL"), district_cases(demo, "INDORE")
    assert bhopal
    assert indore
    assert not bhopal & indore
    mine = mails["collector.bhopal@example.org"]
    text = plain(mine)
    assert "Bhopal" in mine["Subject"]
    assert "Indore" not in text
    assert "INDORE" not in text
    assert not [cid for cid in indore if cid in text]  # names no Indore case
    assert mine["Content-Language"] == "en"
    (pack,) = [a for a in mine.iter_attachments() if str(a.get_filename()).endswith(".xlsx")]
    data = pack.get_content()
    assert isinstance(data, bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as book:  # an Excel file: its parts are there and well formed
        assert book.testzip() is None
        assert "xl/workbook.xml" in book.namelist()
    cases = pl.read_excel(io.BytesIO(data), sheet_name="Cases", read_options={"header_row": 2})
    assert set(cases["Complaint"].to_list()) == bhopal  # the pack opens and lists Bhopal's pending cases only

    hindi = mails["collector.indore@example.org"]
    assert hindi["Content-Language"] == "hi"
    assert "लंबित" in plain(hindi)  # "pending", in Hindi
    assert "इंदौर" in str(hindi["Subject"])
    assert not [cid for cid in bhopal if cid in plain(hindi)]

    head = mails["head.energy@example.org"]
    assert "Energy" in str(head["Subject"]) or "ENERGY" in str(head["Subject"])

    again = cli("digest", "--db", str(demo), "--as-of", "2024-08-31", "--smtp", smtp)
    assert "0 sent, 0 failed, 0 waiting" in again  # a rerun sends nothing new
    assert len(relay.messages) == len(with_address)


def test_the_outbox_folder_gets_one_eml_per_account_whose_subject_names_its_district_or_department(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    cli("digest", "--db", str(demo), "--as-of", "2024-08-31", "--outbox", str(out))
    mails = {str(m["To"]): m for m in (parsed(p.read_bytes()) for p in out.glob("*.eml"))}
    assert len(mails) == len([c for c in Accounts(demo).contacts() if c.email])
    assert "Bhopal" in str(mails["collector.bhopal@example.org"]["Subject"])
    assert "Energy" in str(mails["head.energy@example.org"]["Subject"])
    assert "इंदौर" in str(mails["collector.indore@example.org"]["Subject"])


def test_a_relay_answering_451_is_retried_and_the_message_then_sent(demo: Path) -> None:
    server = _relay(refusals=1)
    try:
        said = cli(
            "digest",
            "--db",
            str(demo),
            "--as-of",
            "2024-08-31",
            "--role",
            "collector",
            "--smtp",
            f"127.0.0.1:{server.server_address[1]}",
        )
        assert "2 sent, 0 failed, 0 waiting" in said
        record = outbox.Outbox(Accounts(demo)).record()
        tried_twice = record.filter(pl.col("attempts") == 2)
        assert tried_twice.height == 1
        assert "451" in str(tried_twice["last_error"][0])
    finally:
        server.shutdown()
        server.server_close()


def test_a_relay_that_keeps_failing_is_reported_and_the_message_kept(demo: Path) -> None:
    server = _relay(refusals=100)
    try:
        box = outbox.Outbox(Accounts(demo))
        from grading.outputs.digest.compose import queue_digests

        queue_digests(demo, DAY, roles=("collector",))
        done = box.deliver({"email": outbox.SmtpAdapter("127.0.0.1", server.server_address[1])}, backoff=0)
        assert done.sent == []
        assert len(done.failed) == 2
        assert all("451" in why for _, why in done.failed)
        assert "failed" in done.lines()[0]
        assert "kept in the queue" in done.lines()[0]
        assert len(box.queued()) == 2
        assert set(box.record()["attempts"].to_list()) == {outbox.TRIES}
        # and through the command line: the run says so and exits with code 1 (waits 1 s and 2 s between tries)
        said = cli(
            "digest",
            "--db",
            str(demo),
            "--as-of",
            "2024-08-31",
            "--role",
            "collector",
            "--smtp",
            f"127.0.0.1:{server.server_address[1]}",
            code=1,
        )
        assert "0 sent, 2 failed, 0 waiting" in said
        sent = Accounts(demo).audit().filter(pl.col("action") == "sent")
        assert sent.is_empty()
    finally:
        server.shutdown()
        server.server_close()


def test_messages_sent_are_in_the_audit_log(demo: Path, tmp_path: Path) -> None:
    cli("digest", "--db", str(demo), "--as-of", "2024-08-31", "--role", "head", "--outbox", str(tmp_path / "o"))
    sent = Accounts(demo).audit().filter(pl.col("action") == "sent")
    assert sent.height == 1
    assert json.loads(sent["args"][0])["recipient"] == "head.energy <head.energy@example.org>"
