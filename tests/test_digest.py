"""Weekly digests (grading.outputs.digest) and the outbox (grading.outputs.outbox) on a small hand-made store.

The story (BILLING_EXCESS: a 7-day limit at every level; times Asia/Kolkata; the digest's day is 20-03-2024,
its last review 13-03-2024):

- BPL-1 ENERGY  Bhopal, registered 01-03 08:00, nothing since: due 08-03, overdue by 12 days on the 20th.
- BPL-2 ENERGY  Bhopal, registered 05-03 10:00, attended 08-03: due 12-03, overdue by 8 days.
- BPL-3 REVENUE Bhopal, registered 15-03 11:00: due 22-03 11:00, within 2 days of the 20th's end; new since the 13th.
- BPL-4 ENERGY  Bhopal, resolved 06-03, satisfied 07-03, closed 14-03: pending on the 13th, cleared by the 20th.
- IND-1 ENERGY  Indore, registered 01-03: overdue; IND-2 ENERGY Indore, registered 16-03: pending. Never in
  Bhopal's digest.

So Bhopal on the 20th: 3 pending, 2 overdue (BPL-1 then BPL-2, most overdue first), 1 due within 2 days, none
over 50 days; since the 13th: 1 new (BPL-3), 0 newly overdue (both were overdue on the 13th), 0 escalated,
1 cleared (BPL-4), 0 transferred out.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import threading
import zipfile
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from grading.access.accounts import Accounts
from grading.access.identity import AccessError
from grading.cli import main
from grading.intake import ingest
from grading.outputs import outbox
from grading.outputs.digest.message import message_id
from grading.outputs.digest.sections import collector_sections
from tests.conftest import ev, reg
from tests.damage import copy_store
from tests.stores import mp_store
from tests.test_store_ingest import write_csv

DAY = date(2024, 3, 20)


def _reg(cid: str, when: str, department: str = "ENERGY", district: str = "BHOPAL") -> dict[str, object]:
    return reg(cid, when, department=department, district=district, category="BILLING_EXCESS")


STORY = [
    _reg("BPL-1", "2024-03-01 08:00"),
    _reg("BPL-2", "2024-03-05 10:00"),
    ev("BPL-2", "2024-03-08 09:00", "attended", level="L1"),
    _reg("BPL-3", "2024-03-15 11:00", department="REVENUE"),
    _reg("BPL-4", "2024-03-02 10:00"),
    ev("BPL-4", "2024-03-06 10:00", "resolved", level="L1"),
    ev("BPL-4", "2024-03-07 10:00", "feedback", outcome="satisfied"),
    ev("BPL-4", "2024-03-14 10:00", "closed", outcome="satisfied"),
    _reg("IND-1", "2024-03-01 08:00", district="INDORE"),
    _reg("IND-2", "2024-03-16 08:00", district="INDORE"),
]


def cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = mp_store(tmp_path / "d.duckdb")
    ingest.ingest(path, [write_csv(STORY, tmp_path / "story.csv")])
    store = Accounts(path)
    store.add("c.bhopal", "collector", districts=("BHOPAL",), email="c.bhopal@mp.gov.in")
    store.add("c.indore", "collector", districts=("INDORE",), email="c.indore@mp.gov.in", lang="hi")
    store.add("no.mail", "collector", districts=("BHOPAL",))
    return path


def read_eml(path: Path) -> EmailMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def part(mail: EmailMessage, kind: str) -> str:
    body = mail.get_body(preferencelist=(kind,))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def sheet_text(data: bytes) -> str:
    """Every shared string of a workbook (the case ids of the pack are text cells)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read("xl/sharedStrings.xml").decode()


def test_a_bhopal_collectors_digest_holds_only_bhopal_with_the_counts_worked_by_hand(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    said = cli("digest", "--db", str(db), "--as-of", "2024-03-20", "--role", "collector", "--outbox", str(out))
    assert "skipped no.mail: no e-mail address" in said
    assert "2 sent, 0 failed, 0 waiting" in said
    files = sorted(out.glob("*.eml"))
    assert len(files) == 2
    mails = {str(m["To"]): m for m in map(read_eml, files)}
    bhopal = mails["c.bhopal@mp.gov.in"]
    text = part(bhopal, "plain")
    for line in ("Pending: 3", "Overdue: 2", "Due within 2 days: 1", "Older than 50 days: 0"):
        assert line in text
    for line in ("New (still pending): 1", "Newly overdue: 0", "Escalated to L3 or above: 0", "Cleared: 1"):
        assert line in text
    # Most overdue first: BPL-1 (12 days), then BPL-2 (8 days); BPL-3 is not overdue.
    assert text.index("BPL-1 · ") < text.index("BPL-2 · ")
    assert "12 days overdue" in text
    assert "8 days overdue" in text
    assert "IND-" not in text
    assert "IND-" not in part(bhopal, "html")
    assert "http://localhost:8501/collector?district=BHOPAL&month=2024-03&lang=en" in text
    attachments = list(bhopal.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["review-BHOPAL-2024-03-20.xlsx"]
    pack = sheet_text(attachments[0].get_content())  # type: ignore[attr-defined]
    assert "BPL-1" in pack
    assert "BPL-4" in pack  # cleared since the last review: in the changes sheet
    assert "IND-" not in pack
    assert bhopal["Message-ID"] == message_id("c.bhopal", "collector", DAY, "localhost")
    # The pack left through the audited path, named for the digest and the account.
    audit = Accounts(db).audit().filter(action="export")
    assert sorted(audit["username"].to_list()) == ["digest:c.bhopal", "digest:c.indore"]


def test_a_hindi_account_gets_its_digest_in_hindi(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    cli("digest", "--db", str(db), "--as-of", "2024-03-20", "--outbox", str(out))
    mails = {str(m["To"]): m for m in map(read_eml, out.glob("*.eml"))}
    indore = mails["c.indore@mp.gov.in"]
    text = part(indore, "plain")
    assert "लंबित: 2" in text  # IND-1 and IND-2
    assert "समय-सीमा बाहर: 1" in text
    assert "साप्ताहिक समीक्षा" in str(indore["Subject"])
    assert indore["Content-Language"] == "hi"
    assert "lang=hi" in text
    assert "BPL-" not in text


def test_a_rerun_sends_nothing_new(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    cli("digest", "--db", str(db), "--as-of", "2024-03-20", "--outbox", str(out))
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    ids = set(Accounts(db).audit()["args"].to_list())
    again = cli("digest", "--db", str(db), "--as-of", "2024-03-20", "--outbox", str(out))
    assert "already queued or sent" in again
    assert "0 sent, 0 failed, 0 waiting" in again
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first  # nothing written
    assert set(Accounts(db).audit()["args"].to_list()) == ids  # nothing made again
    record = outbox.Outbox(Accounts(db)).record()
    assert sorted(record["address"].to_list()) == ["c.bhopal@mp.gov.in", "c.indore@mp.gov.in"]
    assert record["sent_at"].null_count() == 0
    assert sorted(record["message_id"].to_list()) == sorted(
        message_id(u, "collector", DAY, "localhost") for u in ("c.bhopal", "c.indore")
    )


def test_a_collector_can_not_get_another_districts_digest_by_scope(db: Path) -> None:
    from grading.access.identity import AccessDeniedError, Identity
    from grading.store import database

    con = database.connect_readonly(db)
    try:
        who = Identity("c.indore", "collector", districts=("INDORE",))
        with pytest.raises(AccessDeniedError):
            collector_sections(con, who, "BHOPAL", DAY, since=date(2024, 3, 13), lang="en", base_url="x")
    finally:
        con.close()


def test_users_add_and_set_contact_keep_an_address_and_a_language(tmp_path: Path) -> None:
    db = mp_store(tmp_path / "u.duckdb")
    cli("users", "add", "h.energy", "--db", str(db), "--role", "department_head", "--department", "ENERGY", "--oidc")
    cli("users", "set-contact", "h.energy", "--db", str(db), "--email", "h@mp.gov.in", "--lang", "hi")
    (contact,) = Accounts(db).contacts()
    assert (contact.identity.departments, contact.email, contact.lang) == (("ENERGY",), "h@mp.gov.in", "hi")
    cli("users", "set-contact", "h.energy", "--db", str(db), "--lang", "en")
    assert Accounts(db).contacts()[0].email == "h@mp.gov.in"  # what was not given stays
    with pytest.raises(AccessError, match="expected name@domain"):
        Accounts(db).set_contact("h.energy", email="not an address")


def test_json_of_the_record_is_plain(db: Path, tmp_path: Path) -> None:
    cli("digest", "--db", str(db), "--as-of", "2024-03-20")  # no adapter: queued, waiting
    record = outbox.Outbox(Accounts(db)).record()
    assert record["sent_at"].null_count() == 2
    assert json.loads(record.write_json())[0]["kind"] == "digest"


def test_a_heads_digest_has_the_rank_and_grade_the_cli_grade_shows(demo_db: Path, tmp_path: Path) -> None:
    db = copy_store(demo_db, tmp_path / "demo")
    Accounts(db).add("h.energy", "department_head", departments=("ENERGY",), email="h.energy@mp.gov.in")
    Accounts(db).add("h.energy.hi", "department_head", departments=("ENERGY",), email="h.hi@mp.gov.in", lang="hi")
    graded = json.loads(cli("grade", "--db", str(db), "--month", "2024-08", "--format", "json"))
    energy = next(r for r in graded if r["code"] == "ENERGY")
    out = tmp_path / "outbox"
    cli("digest", "--db", str(db), "--as-of", "2024-08-31", "--role", "head", "--outbox", str(out))
    mails = {str(m["To"]): m for m in map(read_eml, out.glob("*.eml"))}
    text = part(mails["h.energy@mp.gov.in"], "plain")
    assert f"rank {energy['rank_text']} of " in text
    assert f"grade {energy['grade']}, score {energy['score']:.2f}" in text
    for heading in ("Why the score moved since last month", "First actions of the plan", "Integrity flags raised"):
        assert heading in text
    assert "http://localhost:8501/department?department=ENERGY&month=2024-08&lang=en" in text
    hindi = part(mails["h.hi@mp.gov.in"], "plain")
    assert f"रैंक {energy['rank_text']}" in hindi
    assert f"ग्रेड {energy['grade']}" in hindi
    assert "योजना के पहले कदम" in hindi


def test_the_digest_goes_through_a_local_smtp_relay(db: Path) -> None:
    from tests.test_outbox import Relay, RelayServer

    relay = RelayServer(("127.0.0.1", 0), Relay)
    relay.messages = []
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    try:
        port = relay.server_address[1]
        said = cli(
            "digest", "--db", str(db), "--as-of", "2024-03-20", "--role", "collector", "--smtp", f"127.0.0.1:{port}"
        )
        assert "2 sent, 0 failed, 0 waiting" in said
        received = {tuple(m["to"]): m["data"] for m in relay.messages}  # type: ignore[arg-type]
        assert set(received) == {("c.bhopal@mp.gov.in",), ("c.indore@mp.gov.in",)}
        mail = email.message_from_bytes(received[("c.bhopal@mp.gov.in",)], policy=email.policy.default)  # type: ignore[arg-type]
        assert mail["Message-ID"] == message_id("c.bhopal", "collector", DAY, "localhost")
        assert "Overdue: 2" in part(mail, "plain")  # type: ignore[arg-type]
    finally:
        relay.shutdown()
        relay.server_close()


def test_grade_below_alert_names_the_rank_and_grade_of_the_department(demo_db: Path, tmp_path: Path) -> None:
    from grading.outputs import alerts

    db = copy_store(demo_db, tmp_path / "demo")
    Accounts(db).add("admin", "admin", email="admin@mp.gov.in")
    graded = json.loads(cli("grade", "--db", str(db), "--month", "2024-08", "--format", "json"))
    worst = {r["grade"] for r in graded if r["rank_text"]}
    assert "A" in worst
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[alerts]\n[[alerts.rules]]\nid = "below-A"\nkind = "grade_below"\ngrade = "A"\n', encoding="utf-8"
    )
    said = cli(
        "alerts", "--db", str(db), "--as-of", "2024-08-31", "--rules", str(rules), "--outbox", str(tmp_path / "o")
    )
    below = sorted(r["code"] for r in graded if r["rank_text"] and r["grade"] != "A")
    assert (
        sorted(line.split()[2].rstrip(":") for line in said.splitlines() if line.startswith("alert below-A")) == below
    )
    again = cli("alerts", "--db", str(db), "--as-of", "2024-08-31", "--outbox", str(tmp_path / "o"))
    assert "queued" not in again
    assert alerts.parse_rules(rules.read_text()).rules[0].threshold == "A"
