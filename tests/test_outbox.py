"""The outbox's adapters against real local servers: a webhook (http.server) and an SMTP relay (socketserver),
both on 127.0.0.1 in a thread; a failing gateway leaves the message queued with its error."""

from __future__ import annotations

import hashlib
import hmac
import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from grading.access.accounts import Accounts
from grading.outputs import outbox

SECRET = b"shared-secret-of-the-gateway"


class Gateway(BaseHTTPRequestHandler):
    """Records each POST (headers, body); answers with the server's next status (200 when none left)."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        assert isinstance(server, GatewayServer)
        server.received.append((dict(self.headers), body))
        status = server.statuses.pop(0) if server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class GatewayServer(HTTPServer):
    received: list[tuple[dict[str, str], bytes]]
    statuses: list[int]


@pytest.fixture
def gateway() -> Iterator[GatewayServer]:
    server = GatewayServer(("127.0.0.1", 0), Gateway)
    server.received, server.statuses = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server: HTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/hook"


def alert(mid: str = "<alert.1@nivaran>") -> outbox.Message:
    body = json.dumps({"message_id": mid, "text": "BHOPAL: 12 overdue"}).encode()
    return outbox.Message(mid, "alert", "", "webhook", "", "BHOPAL: 12 overdue", body)


def test_the_webhook_gets_the_json_signed_with_the_shared_secret(tmp_path: Path, gateway: GatewayServer) -> None:
    box = outbox.Outbox(Accounts(tmp_path / "a.duckdb"))
    assert box.enqueue(alert())
    done = box.deliver({"webhook": outbox.WebhookAdapter(url(gateway), SECRET)}, backoff=0)
    assert (len(done.sent), done.failed) == (1, [])
    (headers, body) = gateway.received[0]
    assert json.loads(body) == {"message_id": "<alert.1@nivaran>", "text": "BHOPAL: 12 overdue"}
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    assert headers[outbox.SIGNATURE_HEADER] == expected
    assert headers["X-Nivaran-Message-Id"] == "<alert.1@nivaran>"
    assert box.queued() == []


def test_a_failing_webhook_leaves_the_message_queued_and_a_later_run_delivers_it(
    tmp_path: Path, gateway: GatewayServer
) -> None:
    box = outbox.Outbox(Accounts(tmp_path / "a.duckdb"))
    box.enqueue(alert())
    gateway.statuses = [500, 500, 500]  # every try of the first run fails
    waits: list[float] = []
    adapters: dict[str, outbox.Adapter] = {"webhook": outbox.WebhookAdapter(url(gateway), SECRET)}
    first = box.deliver(adapters, tries=3, backoff=0.5, sleep=waits.append)
    assert first.sent == []
    assert first.failed == [("<alert.1@nivaran>", "DeliveryError: the gateway answered 500 Internal Server Error")]
    assert waits == [0.5, 1.0]  # bounded: 3 tries, the wait doubling
    row = box.record().row(0, named=True)
    assert (row["attempts"], row["sent_at"]) == (3, None)
    assert "500" in row["last_error"]
    assert [m.message_id for m in box.queued()] == ["<alert.1@nivaran>"]
    second = box.deliver(adapters, backoff=0)  # the gateway is back
    assert second.sent == [("<alert.1@nivaran>", f"webhook:{url(gateway)}")]
    assert box.queued() == []
    assert len(gateway.received) == 4
    assert box.record().row(0, named=True)["attempts"] == 4


def test_an_unreachable_gateway_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    box = outbox.Outbox(Accounts(tmp_path / "a.duckdb"))
    box.enqueue(alert())
    done = box.deliver({"webhook": outbox.WebhookAdapter("http://127.0.0.1:9/none", SECRET, timeout=2)}, backoff=0)
    assert len(done.failed) == 1
    assert len(box.queued()) == 1


def test_a_message_without_an_adapter_waits_and_a_known_id_is_never_queued_again(tmp_path: Path) -> None:
    box = outbox.Outbox(Accounts(tmp_path / "a.duckdb"))
    assert box.enqueue(alert())
    assert not box.enqueue(alert())
    done = box.deliver({})
    assert done.waiting == [("<alert.1@nivaran>", "no webhook adapter in this run")]
    file_adapter = outbox.FileAdapter(tmp_path / "out")
    box.deliver({"webhook": file_adapter})
    written = tmp_path / "out" / "alert.1_nivaran.json"
    assert json.loads(written.read_text())["text"] == "BHOPAL: 12 overdue"
    assert written.stat().st_mode & 0o777 == 0o600


class Relay(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to take one message: EHLO/HELO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server = self.server
        assert isinstance(server, RelayServer)
        self.reply("220 test relay")
        envelope: dict[str, object] = {"to": []}
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test relay")
            elif verb == "MAIL":
                envelope["from"] = command
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["to"].append(command.split(":", 1)[1].strip("<> "))  # type: ignore[attr-defined]
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                envelope["data"] = data
                server.messages.append(envelope)
                envelope = {"to": []}
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


class RelayServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    messages: list[dict[str, object]]


def test_email_through_a_local_smtp_relay(tmp_path: Path) -> None:
    relay = RelayServer(("127.0.0.1", 0), Relay)
    relay.messages = []
    thread = threading.Thread(target=relay.serve_forever, daemon=True)
    thread.start()
    try:
        body = (
            b"From: nivaran@localhost\r\nTo: c.bhopal@mp.gov.in\r\nSubject: Weekly review\r\n"
            b"Message-ID: <digest.1@localhost>\r\n\r\nPending: 3\r\n.a line starting with a dot\r\n"
        )
        box = outbox.Outbox(Accounts(tmp_path / "a.duckdb"))
        box.enqueue(
            outbox.Message("<digest.1@localhost>", "digest", "c.bhopal", "email", "c.bhopal@mp.gov.in", "W", body)
        )
        done = box.deliver({"email": outbox.SmtpAdapter("127.0.0.1", relay.server_address[1])}, backoff=0)
        assert done.sent == [("<digest.1@localhost>", "c.bhopal@mp.gov.in")]
        (got,) = relay.messages
        assert got["to"] == ["c.bhopal@mp.gov.in"]
        data = got["data"]
        assert isinstance(data, bytes)
        assert b"Message-ID: <digest.1@localhost>" in data
        assert b"Pending: 3" in data
        assert b"\r\n.a line starting with a dot" in data  # dot-stuffing undone
    finally:
        relay.shutdown()
        relay.server_close()
