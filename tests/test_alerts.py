"""Alerts (grading.outputs.alerts): once per crossing, never again while the rule holds, not within the
cool-down, again on a new crossing after it; through the outbox, also to a signed webhook.

The story (Bhopal, BILLING_EXCESS: due 7 days after registration at the same hour; the rule: more than 1
overdue complaint in a district, cool-down 7 days). Overdue at the end of each day:

- X1 registered 01-03 08:00 (overdue from 08-03), closed 11-03;  X2 registered 02-03 08:00 (overdue from
  09-03), closed 20-03;  X3 registered 05-03 08:00 (overdue from 12-03), closed 14-03;  X4 and X5
  registered 15-03 and 16-03 08:00 (overdue from 22-03 and 23-03);  Y1 in Indore, overdue from 08-03.
- 08-03: 1 (X1): nothing.  09-03: 2 (X1, X2): **alert** (crossing).  10-03: 2: nothing (still holding).
  11-03: 1: cleared.  12-03: 2 (X2, X3): a new crossing 3 days after the alert: nothing (cool-down).
  14-03: 1: cleared.  23-03: 2 (X4, X5): a new crossing 14 days after the alert: **alert**.
"""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from grading.access.accounts import Accounts
from grading.cli import main
from grading.intake import ingest
from grading.outputs import alerts, outbox
from tests.conftest import ev, reg
from tests.stores import mp_store
from tests.test_outbox import SECRET, Gateway, GatewayServer, url
from tests.test_store_ingest import write_csv


def _reg(cid: str, when: str, district: str = "BHOPAL") -> dict[str, object]:
    return reg(cid, when, department="ENERGY", district=district, category="BILLING_EXCESS")


STORY = [
    _reg("X1", "2024-03-01 08:00"),
    ev("X1", "2024-03-11 10:00", "closed", outcome="force"),
    _reg("X2", "2024-03-02 08:00"),
    ev("X2", "2024-03-20 10:00", "closed", outcome="force"),
    _reg("X3", "2024-03-05 08:00"),
    ev("X3", "2024-03-14 10:00", "closed", outcome="force"),
    _reg("X4", "2024-03-15 08:00"),
    _reg("X5", "2024-03-16 08:00"),
    _reg("Y1", "2024-03-01 08:00", district="INDORE"),
]
RULES = """
[alerts]
cool_down_days = 7

[[alerts.rules]]
id = "overdue-over-1"
kind = "overdue"
more_than = 1
"""


def cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = mp_store(tmp_path / "a.duckdb")
    ingest.ingest(path, [write_csv(STORY, tmp_path / "story.csv")])
    store = Accounts(path)
    store.add("c.bhopal", "collector", districts=("BHOPAL",), email="c.bhopal@mp.gov.in", lang="hi")
    store.add("c.indore", "collector", districts=("INDORE",), email="c.indore@mp.gov.in")
    store.add("admin", "admin", email="admin@mp.gov.in")
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    cli("alerts", "--db", str(path), "--as-of", "2024-03-08", "--rules", str(rules))
    return path


@pytest.fixture
def hook() -> Iterator[GatewayServer]:
    """A local gateway (tests/test_outbox.py's) on 127.0.0.1 in a thread."""
    server = GatewayServer(("127.0.0.1", 0), Gateway)
    server.received, server.statuses = [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def run(db: Path, day: str, out: Path) -> list[Path]:
    """Check ``day``; the e-mail files the run wrote (new ones only)."""
    before = set(out.glob("*.eml")) if out.exists() else set()
    cli("alerts", "--db", str(db), "--as-of", day, "--outbox", str(out))
    return sorted(set(out.glob("*.eml")) - before)


def test_an_alert_fires_once_per_crossing_and_again_only_after_the_cool_down(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    assert run(db, "2024-03-08", out) == []
    fired = run(db, "2024-03-09", out)
    # Bhopal's collector and the administrator; never Indore's collector (Indore holds 1 overdue).
    mails = {
        str(m["To"]): m for m in (email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in fired)
    }
    assert sorted(mails) == ["admin@mp.gov.in", "c.bhopal@mp.gov.in"]
    admin = mails["admin@mp.gov.in"].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Bhopal: 2 complaints overdue at the end of 09-03-2024 (limit 1)" in admin
    assert "Evidence:\nEnergy: 2" in admin
    assert "http://localhost:8501/collector?district=BHOPAL&month=2024-03&lang=en" in admin
    hindi = mails["c.bhopal@mp.gov.in"].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "शिकायतें समय-सीमा बाहर" in hindi
    assert run(db, "2024-03-09", out) == []  # the same day again: nothing new
    assert run(db, "2024-03-10", out) == []  # still holding
    assert run(db, "2024-03-11", out) == []  # cleared
    said = cli("alerts", "--db", str(db), "--as-of", "2024-03-12", "--outbox", str(out))
    assert "cooling down (last alert 09-03-2024)" in said
    assert run(db, "2024-03-14", out) == []  # cleared
    again = run(db, "2024-03-23", out)  # a new crossing after the cool-down
    assert len(again) == 2
    assert all(".20240323." in p.name for p in again)


def test_an_alert_goes_to_the_gateway_signed_and_a_failure_waits_for_the_next_run(
    db: Path, tmp_path: Path, hook: GatewayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIVARAN_WEBHOOK_SECRET", SECRET.decode())
    out = tmp_path / "outbox"
    hook.statuses = [500] * 3
    said = cli("alerts", "--db", str(db), "--as-of", "2024-03-09", "--outbox", str(out), "--webhook", url(hook), code=1)
    assert "failed <alert.overdue-over-1.BHOPAL.20240309@localhost>" in said
    assert len(outbox.Outbox(Accounts(db)).queued()) == 1
    said = cli("alerts", "--db", str(db), "--as-of", "2024-03-10", "--outbox", str(out), "--webhook", url(hook))
    assert "sent <alert.overdue-over-1.BHOPAL.20240309@localhost>" in said
    headers, body = hook.received[-1]
    assert headers["X-Nivaran-Signature"] == outbox.signature(SECRET, body)
    payload = json.loads(body)
    assert payload["text"]["en"] == "Bhopal: 2 complaints overdue at the end of 09-03-2024 (limit 1)"
    assert payload["evidence"]["en"] == ["Energy: 2"]
    assert sorted(r["username"] for r in payload["recipients"]) == ["admin", "c.bhopal"]


def test_bad_rules_are_one_sentence() -> None:
    with pytest.raises(alerts.AlertRulesError, match="kind must be one of"):
        alerts.parse_rules('[alerts]\n[[alerts.rules]]\nid = "x"\nkind = "weather"\n')
    with pytest.raises(alerts.AlertRulesError, match="needs more_than"):
        alerts.parse_rules('[alerts]\n[[alerts.rules]]\nid = "x"\nkind = "overdue"\n')
    assert len(alerts.parse_rules(alerts.DEFAULT_RULES).rules) == 4
