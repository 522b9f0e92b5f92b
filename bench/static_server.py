"""A plain static file server for the crowd benchmark (bench/site_crowd.py), run in its own process:

    python bench/static_server.py SITE_DIR PORT

The standard library's threaded HTTP server with a listen backlog of 1,024 connections. ``python -m
http.server`` keeps the socket default of 5: under 200 readers opening a connection per request the
kernel's queue overflows and clients wait on TCP's 1 s, 2 s retry, a property of that backlog rather
than of the site. Any static server (nginx, a CDN) serves the same files; this one stays in the
standard library so the benchmark runs offline. Request logging is off.
"""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No line per request."""


class Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True


def main() -> None:
    site, port = sys.argv[1], int(sys.argv[2])
    Server(("127.0.0.1", port), functools.partial(Quiet, directory=site)).serve_forever()


if __name__ == "__main__":
    main()
