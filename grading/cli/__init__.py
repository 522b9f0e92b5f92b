"""The ``nivaran`` command line: ``init``, ``demo``, ``ingest``, ``grade``, ``flags``, ``review``, ``publish``,
``export``, ``national``, ``migrate``, ``compact``, ``check``, ``users``.

Every command takes ``--db PATH`` (default: ``$NIVARAN_DB``, else ``data/nivaran.duckdb``). Errors a
user can fix are printed as one clear message (no traceback) with exit code 2.
"""

from __future__ import annotations

from grading.cli import meetings, notify, people, results, store
from grading.cli.base import main, run

#: The modules whose commands the group holds (importing them registers them on ``main``).
COMMANDS = (store, results, meetings, people, notify)

__all__ = ["COMMANDS", "main", "run"]
