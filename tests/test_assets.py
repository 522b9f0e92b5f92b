"""Streamlit's front-end files from memory (ui/assets.py): the same bytes Streamlit would send, gzip
when the browser takes it, and everything else handed on to Streamlit untouched."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path
from typing import Any

import pytest

from ui import web
from ui.assets import IMMUTABLE, PackedAssets, static_root

SCRIPT = b"export const answer = 42;\n" * 400  # text that compresses well
FONT = bytes(range(256)) * 40  # bytes that do not


class Inner:
    """Stands for Streamlit: records what reached it and answers 404."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"inner"})


def call(app: Any, path: str, *, method: str = "GET", headers: tuple[tuple[bytes, bytes], ...] = ()) -> tuple[int, dict[bytes, bytes], bytes]:  # fmt: skip
    """One request through the ASGI app: status, headers, body as sent."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": list(headers)}
    asyncio.run(app(scope, receive, send))
    start, *bodies = sent
    return start["status"], dict(start["headers"]), b"".join(b.get("body", b"") for b in bodies)


@pytest.fixture
def assets(tmp_path: Path) -> tuple[PackedAssets, Inner]:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "index.AbCdEf12.js").write_bytes(SCRIPT)
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "font.AbCdEf12.woff2").write_bytes(FONT)
    (tmp_path / "page.html").write_bytes(b"<html></html>")
    inner = Inner()
    return PackedAssets(inner, root=tmp_path, prefix="/static/"), inner


GZIP = ((b"accept-encoding", b"br, gzip;q=0.8, deflate"),)


def test_a_script_is_sent_compressed_to_a_browser_that_takes_gzip(assets: tuple[PackedAssets, Inner]) -> None:
    app, inner = assets
    status, headers, body = call(app, "/static/js/index.AbCdEf12.js", headers=GZIP)
    assert status == 200
    assert headers[b"content-encoding"] == b"gzip"
    assert gzip.decompress(body) == SCRIPT
    assert len(body) < len(SCRIPT) / 10
    assert headers[b"content-length"] == str(len(body)).encode()
    assert headers[b"cache-control"] == IMMUTABLE
    assert headers[b"vary"] == b"Accept-Encoding"
    assert headers[b"content-type"].split(b";")[0] in (b"text/javascript", b"application/javascript")
    assert inner.seen == []


def test_the_same_script_is_sent_plain_to_a_browser_that_does_not(assets: tuple[PackedAssets, Inner]) -> None:
    app, _ = assets
    call(app, "/static/js/index.AbCdEf12.js", headers=GZIP)  # packed once, both forms kept
    status, headers, body = call(app, "/static/js/index.AbCdEf12.js", headers=((b"accept-encoding", b"identity"),))
    assert (status, body) == (200, SCRIPT)
    assert b"content-encoding" not in headers
    assert headers[b"content-length"] == str(len(SCRIPT)).encode()


@pytest.mark.parametrize("accept", [b"identity", b"gzip;q=0, identity", b"deflate, br", b"x-gzip"])
def test_no_gzip_unless_the_browser_takes_it(assets: tuple[PackedAssets, Inner], accept: bytes) -> None:
    app, _ = assets
    _, headers, body = call(app, "/static/js/index.AbCdEf12.js", headers=((b"accept-encoding", accept),))
    assert body == SCRIPT
    assert b"content-encoding" not in headers


def test_a_font_is_sent_as_it_is_and_head_sends_no_body(assets: tuple[PackedAssets, Inner]) -> None:
    app, _ = assets
    status, headers, body = call(app, "/static/media/font.AbCdEf12.woff2", headers=GZIP)
    assert (status, body) == (200, FONT)
    assert b"content-encoding" not in headers
    assert b"vary" not in headers
    status, headers, body = call(app, "/static/media/font.AbCdEf12.woff2", method="HEAD")
    assert (status, body, headers[b"content-length"]) == (200, b"", str(len(FONT)).encode())


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/static/js/missing.js", "GET", ()),  # not a file there
        ("/static/js/../js/index.AbCdEf12.js", "GET", ()),  # only exact names, never a path made up of parts
        ("/static/js/index.AbCdEf12.js/", "GET", ()),
        ("/static/page.html", "GET", ()),  # pages are sent uncached by Streamlit
        ("/static/js/index.AbCdEf12.js", "POST", ()),
        ("/static/js/index.AbCdEf12.js", "GET", ((b"range", b"bytes=0-9"),)),
        ("/js/index.AbCdEf12.js", "GET", ()),  # outside the prefix
    ],
)
def test_anything_else_goes_on_to_streamlit(
    assets: tuple[PackedAssets, Inner], path: str, method: str, headers: tuple[tuple[bytes, bytes], ...]
) -> None:
    app, inner = assets
    assert call(app, path, method=method, headers=headers) == (404, {}, b"inner")
    assert inner.seen == [path]


def test_websockets_go_on_to_streamlit(assets: tuple[PackedAssets, Inner]) -> None:
    app, _ = assets
    reached: list[str] = []

    async def passthrough(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["type"])

    app.app = passthrough
    asyncio.run(app({"type": "websocket", "path": "/_stcore/stream"}, None, None))
    assert reached == ["websocket"]


def test_the_dashboard_serves_streamlits_real_files_byte_for_byte() -> None:
    """Mounted as dashboard.py mounts it, over Streamlit's installed front-end files."""
    middleware = [m for m in web.middleware() if m.cls is PackedAssets]
    assert len(middleware) == 1
    app = PackedAssets(Inner())
    scripts = sorted(url for url in app.files if url.endswith(".js"))
    assert len(scripts) > 50
    assert all(url.startswith("/static/") for url in scripts)
    url = scripts[0]
    expected = (static_root() / url.removeprefix("/static/")).read_bytes()
    _, headers, body = call(app, url, headers=GZIP)
    assert (gzip.decompress(body) if headers.get(b"content-encoding") == b"gzip" else body) == expected
