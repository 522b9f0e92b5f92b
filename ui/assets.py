"""Streamlit's own front-end files (``/static/...``), served from memory and compressed once.

Every new reader's browser fetches Streamlit's JavaScript, styles and fonts: about 4.6 MB for the
public summary and 9.3 MB once a Plotly chart is drawn, in some 125 requests. Streamlit serves them
from disk, uncompressed, in 64 KiB pieces, each read in a worker thread and sent from the event
loop, all under the one interpreter lock the page runs share. When twenty readers arrive at once,
that is what their first page runs wait behind (docs/serving.md, "Shared work").

The files are content-hashed and never change while the server runs, so :class:`PackedAssets` reads
each one once, gzip-compresses the text ones once, and answers every later request with one message
of bytes it already holds: a quarter of the bytes for a reader on a slow connection, and no per-request
work for the server. Only files that are in Streamlit's static folder when the server starts are
answered here (an exact match on the path: nothing a request names can reach another file); anything
else, and any request this does not handle exactly as Streamlit would (not GET or HEAD, a ``Range``
header), goes on to Streamlit unchanged.
"""

from __future__ import annotations

import gzip
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

#: What Streamlit sends with its content-hashed files (starlette_static_routes.py in Streamlit).
IMMUTABLE: Final = b"public, immutable, max-age=31536000"
#: Suffixes worth compressing (fonts and images are compressed already).
TEXT: Final = frozenset({".js", ".mjs", ".css", ".json", ".map", ".svg", ".txt", ".html"})


@dataclass(frozen=True)
class Packed:
    raw: bytes
    gz: bytes | None  # None when compressing does not pay (binary files, tiny files)
    content_type: bytes


def pack(path: Path) -> Packed:
    """One file's bytes, compressed when it is text and that makes it smaller."""
    raw = path.read_bytes()
    gz = gzip.compress(raw, compresslevel=6, mtime=0) if path.suffix in TEXT else None
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith(("javascript", "json")):
        kind += "; charset=utf-8"
    return Packed(raw, gz if gz is not None and len(gz) < 0.9 * len(raw) else None, kind.encode())


def static_root() -> Path:
    """Streamlit's front-end folder (the one its ``/static/...`` URLs name)."""
    from streamlit import file_util

    return Path(file_util.get_static_dir()) / "static"


def base_prefix() -> str:
    """The URL prefix of Streamlit's static files under ``server.baseUrlPath``."""
    from streamlit import config

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/static/" if base else "/static/"


def _hashed(path: Path) -> bool:
    """Whether Streamlit sends the file as immutable (it sends pages and its manifest uncached)."""
    return path.suffix != ".html" and path.name != "manifest.json"


def _accepts_gzip(scope: Any) -> bool:
    """Whether the request's ``Accept-Encoding`` names gzip without refusing it (``gzip;q=0``)."""
    for name, value in scope.get("headers", []):
        if name == b"accept-encoding":
            for part in value.split(b","):
                coding, *params = (p.strip() for p in part.split(b";"))
                if coding == b"gzip":
                    return not any(p.replace(b" ", b"") in (b"q=0", b"q=0.0", b"q=0.00", b"q=0.000") for p in params)
            return False
    return False


def _has_range(scope: Any) -> bool:
    return any(name == b"range" for name, _ in scope.get("headers", []))


class PackedAssets:
    """ASGI middleware: answer ``GET``/``HEAD`` for Streamlit's static files from memory (see module)."""

    def __init__(self, app: Any, root: Path | None = None, prefix: str | None = None) -> None:
        self.app = app
        root = root if root is not None else static_root()
        prefix = prefix if prefix is not None else base_prefix()
        self.files: dict[str, Path] = (
            {prefix + p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file() and _hashed(p)}
            if root.is_dir()
            else {}
        )
        self._packed: dict[str, Packed] = {}
        self._lock = threading.Lock()

    def _get(self, url: str) -> Packed:
        with self._lock:  # one reader compresses a file; the others wait for it instead of repeating it
            found = self._packed.get(url)
            if found is None:
                found = self._packed[url] = pack(self.files[url])
            return found

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        url = scope.get("path", "") if scope["type"] == "http" else ""
        if url not in self.files or scope.get("method") not in ("GET", "HEAD") or _has_range(scope):
            await self.app(scope, receive, send)
            return
        packed = self._packed.get(url)
        if packed is None:
            import anyio.to_thread

            packed = await anyio.to_thread.run_sync(self._get, url)
        zipped = packed.gz is not None and _accepts_gzip(scope)
        body = packed.gz if zipped and packed.gz is not None else packed.raw
        headers = [
            (b"content-type", packed.content_type),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", IMMUTABLE),
        ]
        if packed.gz is not None:
            headers.append((b"vary", b"Accept-Encoding"))
        if zipped:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
