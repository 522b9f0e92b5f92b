"""The standby brought up to date after a load, off the load's path (part of the store, issue 26).

Each write leaves the version it replaced as the standby, one write behind (:mod:`grading.store.slots`).
The next write used to begin by replaying that last write on it: a day's load at state scale paid about
a CPU second for the previous day's. A load now hands that replay on, and ``nivaran ingest`` returns
without waiting for it. How it is handed on is ``$NIVARAN_STANDBY``:

- ``background`` (the default): a process of its own (``python -m grading.store.standby DB``), detached
  from the load's, takes the writer lock and replays the write (:func:`grading.store.slots.bring_standby_up`).
  A load that starts meanwhile waits for the lock; a machine that stops meanwhile loses nothing (the
  standby's transaction rolls back and the next write replays, as before).
- ``now``: in the loading process, after the new version is in place (the tests; a warm loader does this
  between looks at its folder).
- ``next``: not at all; the next write replays it first (the behaviour before).

Whichever runs, the standby then holds the same version as the current one (not one write behind): a
current version lost or damaged is replaced by it without losing the last write.

A warm loader then keeps the current version open until its next file (:class:`KeptOpen`), letting go of it
before the next replay writes it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import duckdb

from grading.model.schema import NivaranError
from grading.store import layout, slots

#: The environment variable that chooses how a load's replay is handed on (see the module docstring).
MODE_VARIABLE: Final = "NIVARAN_STANDBY"
MODES: Final = ("background", "now", "next")


def mode() -> str:
    """The chosen mode; a value that is none of :data:`MODES` is refused in one sentence."""
    chosen = os.environ.get(MODE_VARIABLE, "background").strip() or "background"
    if chosen not in MODES:
        msg = f"${MODE_VARIABLE} is {chosen!r}: give one of {', '.join(MODES)} (the default is background)."
        raise NivaranError(msg)
    return chosen


def after_load(path: Path, *, warm: bool = False) -> str:
    """Hand the standby's replay on after a load into the store at ``path``, as :func:`mode` says; returns
    what was done (``started`` for a background process). A ``warm`` process (the warm loader, whose
    folder is quiet now) replays in itself rather than starting another."""
    chosen = mode()
    if chosen == "now" or (warm and chosen == "background"):
        return slots.bring_standby_up(path)
    if chosen == "background":
        subprocess.Popen(  # noqa: S603 - this interpreter, this module, the store's path
            [sys.executable, "-m", "grading.store.standby", str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
        return "started"
    return "left"


class KeptOpen:
    """The current version of the store at ``path`` kept open read-only by a process that loads often
    (the warm loader, :mod:`grading.intake.watch`) while it waits for the next file.

    DuckDB keeps one instance per open file in a process: while this connection is open, the next
    load's opens of the current version (the unchanged-load check, the check that it is a Nivaran
    store, the replay's source) find it open instead of reading its catalog again, about 0.03 s of an
    hour's load at state scale (BENCHMARKS.md). The version it holds becomes the standby once a write
    replaces it, and no write opens a file held read-only (DuckDB refuses, in this process and in others):
    :meth:`release` before the standby is written (:func:`grading.store.slots.bring_standby_up`), and :meth:`keep` again
    after; :meth:`keep` lets go of a version a write elsewhere replaced before this process loads. Best
    effort: a version that cannot be opened is not held, and the load opens it as it would have.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: Path | None = None
        self._con: duckdb.DuckDBPyConnection | None = None

    def keep(self) -> None:
        """Hold the current version (nothing to do when it is the one held)."""
        current = layout.current_file(self.path)
        if self._con is not None and current == self.file:
            return
        self.release()
        if current is None:
            return
        try:
            self._con = duckdb.connect(str(current), read_only=True)  # the path string every open resolves
        except duckdb.Error:
            return
        self.file = current

    def release(self) -> None:
        """Close the connection held, if any."""
        if self._con is not None:
            self._con.close()
        self._con, self.file = None, None


def main(argv: list[str]) -> int:
    """``python -m grading.store.standby DB``: bring DB's standby up; quiet (nobody reads its output)."""
    with contextlib.suppress(NivaranError, OSError, duckdb.Error):
        slots.bring_standby_up(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
