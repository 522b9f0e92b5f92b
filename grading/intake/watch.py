"""A warm loader: ``nivaran ingest --watch DIR`` loads files as they arrive in a folder (issue 26).

A helpline that exports every hour pays, per ``nivaran ingest`` run, for starting Python and importing
Polars, DuckDB and Nivaran (about a second on a 2-core machine) before the load itself. A watcher is one
process that stays up: it looks at the folder every ``interval`` seconds and loads each new file with
:func:`grading.intake.ingest.ingest`, the same load a one-off run makes, in the same store.

What the folder is for
----------------------
- A file is picked up once it is **complete**: its size and modification time are the same at two looks
  in a row (a copy still being written is left for the next look), and its name does not start with a
  dot or end with ``.part``/``.tmp`` (the usual names of a transfer in progress). With ``--once`` every
  file present is taken as complete.
- Files are loaded one at a time, oldest first (by modification time, then name), so a day's file is
  never loaded before the previous day's.
- A loaded file moves to ``DIR/loaded/``; bad rows in it are quarantined as in any load and said in its
  line. A file refused as a whole (unreadable, ``--strict`` with bad rows, a line too long) moves to
  ``DIR/failed/`` with a ``<name>.reason.txt`` holding the one sentence; nothing of it is in the store.
  A file whose content was loaded before is said and moved to ``loaded/`` as well.
- A fault of the store itself (damaged, read-only, disk full) stops the watcher with its sentence: the
  next file would meet it too.

While the folder is quiet the watcher brings the standby up to the last load (the replay a one-off
``nivaran ingest`` hands to a process of its own, :mod:`grading.store.standby`) and then keeps the current
version open read-only (:class:`grading.store.standby.KeptOpen`), so that the next load does not open it
from cold; it lets go of it before any write of its own and, at every look, of a version a write
elsewhere (another ``nivaran ingest``) replaced.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from grading.intake import ingest
from grading.intake.mapping import Mapping
from grading.model.schema import NivaranError
from grading.store import database, standby

#: Names of files a transfer is still writing.
_PARTIAL: Final = (".part", ".tmp", ".partial", ".crdownload")
LOADED: Final = "loaded"
FAILED: Final = "failed"


@dataclass
class Watcher:
    """One warm loader over ``folder`` into the store at ``db`` (see the module docstring)."""

    db: Path
    folder: Path
    mapping: Mapping | None = None
    strict: bool = False
    say: Callable[[str], None] = print
    #: (size, modification time) of each candidate at the previous look.
    seen: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: The current version, kept open between looks by :func:`watch` (see the module docstring).
    kept: standby.KeptOpen | None = None

    def candidates(self) -> dict[Path, tuple[int, int]]:
        """The files of the folder a load may take, oldest first, each with its (size, modification time)
        read once, as the folder is listed; a file gone meanwhile is left out."""
        found = []
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or entry.name.lower().endswith(_PARTIAL):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    if entry.is_file(follow_symlinks=False):
                        st = entry.stat(follow_symlinks=False)
                        found.append((st.st_mtime_ns, entry.name, Path(entry.path), st.st_size))
        return {path: (size, mtime) for mtime, _, path, size in sorted(found)}

    def ready(self, *, settled: bool) -> list[Path]:
        """The candidates that are complete: unchanged since the previous look (all, when ``settled``)."""
        now = self.candidates()
        ready = [p for p, stamp in now.items() if settled or self.seen.get(p) == stamp]
        self.seen = now
        return ready

    def load(self, path: Path) -> bool:
        """Load one file; move it to ``loaded/`` or ``failed/``; say one line. True when it was loaded."""
        try:
            report = ingest.ingest(self.db, [path], strict=self.strict, mapping=self.mapping)
        except database.StoreError:
            raise  # the store itself: every next file would meet it
        except NivaranError as exc:
            _move(path, self.folder / FAILED)
            reason = self.folder / FAILED / f"{path.name}.reason.txt"
            reason.write_text(str(exc) + "\n", encoding="utf-8")
            self.say(f"{path.name}: not loaded, moved to {FAILED}/: {exc}")
            return False
        _move(path, self.folder / LOADED)
        self.say(report.summary().replace(str(path), path.name, 1))
        return True

    def look(self, *, settled: bool = False) -> int:
        """One look at the folder: load every complete file; return how many were taken."""
        taken = loaded = 0
        ready = self.ready(settled=settled)
        if ready and self.kept is not None:
            self.kept.keep()  # never the standby of this write: a version replaced elsewhere is let go
        for path in ready:
            loaded += self.load(path)
            self.seen.pop(path, None)
            taken += 1
        if loaded:  # the last load's replay on the standby, while the folder is quiet
            if self.kept is not None:
                self.kept.release()  # the version it holds is that standby now
            standby.after_load(self.db, warm=True)
        return taken

    def rest(self) -> None:
        """Between looks: keep the current version open (a version replaced meanwhile is let go)."""
        if self.kept is None:
            self.kept = standby.KeptOpen(self.db)
        self.kept.keep()

    def stop(self) -> None:
        """Let go of the version kept open."""
        if self.kept is not None:
            self.kept.release()


def _move(path: Path, into: Path) -> Path:
    """Move ``path`` into the folder ``into`` (made when missing); a name taken there gets a suffix."""
    into.mkdir(exist_ok=True)
    target = into / path.name
    n = 1
    while target.exists():
        n += 1
        target = into / f"{path.stem}.{n}{path.suffix}"
    os.replace(path, target)
    return target


def watch(
    db: Path,
    folder: Path,
    *,
    interval: float = 2.0,
    once: bool = False,
    mapping: Mapping | None = None,
    strict: bool = False,
    say: Callable[[str], None] = print,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Load the files arriving in ``folder`` into ``db`` until ``stop()`` (or, with ``once``, the files
    present now); return how many files were taken. Raises :class:`grading.store.database.StoreError` for
    a fault of the store, and :class:`NivaranError` for a folder that is not one."""
    if not folder.is_dir():
        msg = f"{folder}: no such folder to watch; make it, or name the folder the exports arrive in."
        raise NivaranError(msg)
    ingest.refuse_missing_store(db)
    watcher = Watcher(db, folder, mapping, strict, say)
    if once:
        return watcher.look(settled=True)
    taken = 0
    say(f"watching {folder} every {interval:g} s for files to load into {db} (Ctrl-C stops)")
    try:
        while not stop():
            taken += watcher.look()
            watcher.rest()
            time.sleep(interval)
    finally:
        watcher.stop()
    return taken
