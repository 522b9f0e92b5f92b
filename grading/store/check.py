"""``nivaran check``: read a store's files in full and say whether they are sound (part of the store).

What it looks at (the layout is :mod:`grading.store.slots`'s):

- the link ``P``: which slot it names as the current version (or that it names a missing one, or that
  ``P`` is one plain file of an older Nivaran);
- every slot: the current version, the standby, unfinished copies (``.partial``) and older slots the
  next write discards;
- each of the current version and the standby: its version (``meta``: ``generation``, the ``parent`` it
  was written on, ``write_mode``, ``schema_version``), the last load (``ingest_log``), its size and free
  blocks (DuckDB's ``pragma_database_size``), and **every table read in full**
  (:func:`grading.store.replay.read_in_full`: a hash of every row, so DuckDB reads, and checks the
  checksum of, every block the rows live in) with its row count;
- whether the standby holds the same version as the current one (a load's replay ran after it,
  :mod:`grading.store.standby`), is one write behind it (the next write replays the last one on it) or
  neither (the next write makes a full copy).

DuckDB 2.0 has no statement that verifies a database file (no ``PRAGMA integrity_check``): a block's
checksum is checked when the block is read, so reading every column of every row is the check. Free
blocks (space left by earlier versions of the rows) are not read; they hold nothing a reader sees.

The result is a few lines and one verdict sentence: healthy, or what is wrong and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from grading.store import faults, layout, migrations, replay
from grading.store.sqltext import sql


@dataclass(frozen=True)
class Disagreement:
    """One way the open backlog's tables disagree with the log: what is found, what the next loads would do
    with it, and what ``nivaran compact`` does about it (each a clause of the verdict's sentence)."""

    what: str
    risk: str
    mend: str


@dataclass
class Version:
    """What was found in one slot file."""

    slot: Path
    role: str  # "current" or "standby"
    #: Why the file cannot be used (damaged, unreadable, not a Nivaran store); None when it is sound.
    problem: str | None = None
    #: A load holds the file for writing right now: not checked.
    busy: bool = False
    meta: dict[str, str] = field(default_factory=dict)
    last_load: int | None = None
    blocks: tuple[int, int] | None = None
    rows: dict[str, int] = field(default_factory=dict)
    #: How the open backlog's tables disagree with the log and the complaints (none: they agree, or no such tables).
    disagrees: list[Disagreement] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return self.problem is None and not self.busy

    def describe(self) -> list[str]:
        """One line for the version, and one with the row count of every table read."""
        head = f"{self.slot.name} ({self.role})"
        if self.busy:
            return [f"{head}: being written by a load right now; not checked"]
        mib = self.slot.stat().st_size / 2**20
        facts = [f"{mib:,.1f} MiB"]
        if self.blocks is not None:
            facts[0] += f" ({self.blocks[0]:,} blocks, {self.blocks[1]:,} free)"
        if self.meta:
            facts.insert(0, f"version {_short(self.meta.get('generation'))}, {self._how()}")
            facts.insert(1, f"schema {self.meta.get('schema_version', '?')}")
        if self.last_load is not None:
            facts.insert(-1, f"last load #{self.last_load}")
        if self.problem is not None:
            return [f"{head}: {', '.join(facts)}: DAMAGED OR UNUSABLE: {self.problem}"]
        total = sum(self.rows.values())
        counts = "; ".join(f"{t} {n:,}" for t, n in self.rows.items())
        return [
            f"{head}: {', '.join(facts)}: {len(self.rows)} tables read in full, {total:,} rows",
            f"  {counts}",
            *(f"  {d.what}" for d in self.disagrees),
        ]

    def _how(self) -> str:
        parent = _short(self.meta.get("parent"))
        return {
            "fresh": "built fresh",
            "delta": f"a delta written on version {parent}",
            "full copy": f"a full copy of version {parent}",
            "compacted": f"compacted from version {parent}",
        }.get(self.meta.get("write_mode", ""), "written by an older Nivaran")


@dataclass
class Health:
    """The lines ``nivaran check`` prints, its verdict sentence, and whether the store is healthy."""

    lines: list[str]
    verdict: str
    healthy: bool


def _short(generation: str | None) -> str:
    return generation[:8] if generation else "?"


def inspect(path: Path, slot: Path, role: str) -> Version:
    """Open ``slot`` read-only and read its version and every table in full."""
    found = Version(slot, role)
    try:
        con = duckdb.connect(str(slot), read_only=True)
    except duckdb.Error as exc:
        if faults.is_lock_conflict(exc):
            found.busy = True
        else:
            why = faults.damage(exc)
            found.problem = why or f"DuckDB cannot open it ({str(exc).splitlines()[0]})"
        return found
    table = "meta"
    try:
        if not faults.is_nivaran(con):
            found.problem = "it is not a Nivaran store (it has no Nivaran schema version)"
            return found
        found.meta = {str(k): str(v) for k, v in con.execute("select key, value from meta").fetchall()}
        name = replay.current_database(con)
        size = con.execute(
            "select total_blocks, free_blocks from pragma_database_size() where database_name = ?", [name]
        ).fetchall()
        found.blocks = (int(size[0][0]), int(size[0][1])) if size else None
        for table in replay.tables(con, name):
            found.rows[table] = replay.read_in_full(con, table)
        if {"open_events", "events", "complaints"} <= found.rows.keys():
            table = "open_events"
            found.disagrees = _backlog_disagrees(con, set(found.rows))
        if "ingest_log" in found.rows:
            last = con.execute("select max(ingest_id) from ingest_log").fetchall()[0][0]
            found.last_load = None if last is None else int(last)
    except duckdb.Error as exc:
        why = faults.damage(exc)
        first = str(exc).splitlines()[0]
        found.problem = f"{why}, in table {table}" if why else f"reading table {table} failed ({first})"
    finally:
        con.close()
    return found


def _backlog_disagrees(con: duckdb.DuckDBPyConnection, tables: set[str]) -> list[Disagreement]:
    """How the open backlog's tables disagree with the log and the complaints: ``open_events`` against the
    log's events of the complaints not closed, and the rows of ``stints`` and ``feedback_events`` kept in the
    wrong one of their two tables. Neither changes a grade (the grades read the log's derived rows through
    both tables alike); both would mislead the next loads."""
    said = []
    con.execute(migrations.OPEN_NOW)  # a temporary table: the read-only connection may make it
    missing, extra = con.execute(migrations.OPEN_EVENTS_DIFFERENCE).fetchall()[0]
    if missing or extra:
        said.append(
            Disagreement(
                f"open_events (the copy of the open complaints' events) differs from the event log (events of open "
                f"complaints missing from it: {missing:,}; rows that do not belong in it: {extra:,})",
                "check these complaints against the wrong history",
                "makes the copy again from the log",
            )
        )
    splits = [migrations.split_parts(table) for table in migrations.SPLIT_TABLES]
    misplaced = sum(
        int(con.execute(sql(migrations.MISPLACED_ROWS, o=open_part, c=closed_part)).fetchall()[0][0])
        for open_part, closed_part in splits
        if {open_part, closed_part} <= tables
    )
    if misplaced:
        said.append(
            Disagreement(
                f"{misplaced:,} rows of stints or feedback_events are kept with the open complaints' rows while their "
                "complaint is closed, or the other way round",
                "leave superseded rows of these complaints beside their new ones",
                "puts every row with its complaint's state",
            )
        )
    return said


def _same_version(current: Version, standby: Version) -> bool:
    """The standby was brought up after the last write (:func:`grading.store.slots.bring_standby_up`)."""
    return bool(standby.meta.get("generation")) and standby.meta.get("generation") == current.meta.get("generation")


def _one_write_behind(current: Version, standby: Version) -> bool:
    return (
        bool(standby.meta.get("generation"))
        and standby.meta.get("generation") == current.meta.get("parent")
        and current.meta.get("replayable") != "false"
    )


def check(path: Path) -> Health:
    """Verify the store at ``path`` (see the module docstring)."""
    if not path.is_symlink() and not path.exists():
        return Health([], layout.missing_version(path) or f"No database at {path}.", healthy=False)
    current_path = layout.current_file(path)
    standby_path = layout.standby_file(path, current_path)
    lines = _layout(path, current_path, standby_path)
    current = inspect(path, current_path, "current") if current_path else None
    standby = inspect(path, standby_path, "standby") if standby_path else None
    for version in (current, standby):
        if version is not None:
            lines += version.describe()
    if standby is None:
        lines.append("no standby: the next load makes a full copy of the current version")
    elif current is not None and current.sound and standby.sound:
        lines.append(
            "the standby holds the same version as the current one (the last load's replay ran after it): the "
            "next load starts from it as it is"
            if _same_version(current, standby)
            else "the standby is one write behind the current version: the next load replays the last write on it"
            if _one_write_behind(current, standby)
            else "the standby is not one write behind the current version (another history, or a write that "
            "cannot be replayed): the next load makes a full copy of the current version"
        )
    verdict, healthy = _verdict(path, current, standby)
    return Health(lines, verdict, healthy)


def _layout(path: Path, current: Path | None, standby: Path | None) -> list[str]:
    """The link, and the slots that are neither the current version nor the standby."""
    if path.is_symlink():
        lines = [f"{path} -> {path.readlink()} ({'the current version' if current else 'MISSING'})"]
    else:
        lines = [f"{path}: one plain file (written by an older Nivaran, or copied by hand), the current version"]
    for slot in layout.slot_files(path):
        if slot.name in (getattr(current, "name", None), getattr(standby, "name", None)):
            continue
        if layout.is_partial(slot):
            lines.append(f"{slot.name}: an unfinished copy (a .partial marker): the next load discards it")
        else:
            lines.append(f"{slot.name}: an older slot: the next load discards it")
    return lines


def _verdict(path: Path, current: Version | None, standby: Version | None) -> tuple[str, bool]:
    """The verdict sentence and whether the store is healthy."""
    back = standby if standby is not None and standby.sound else None
    if current is None or not current.sound:
        return _lost_current(path, current, back), False
    if standby is not None and standby.problem is not None:
        return (
            f"{standby.slot} (the standby of {path}) is damaged or unusable: {standby.problem}; the current version "
            f"{current.slot.name} reads in full: remove {standby.slot.name} (`rm {standby.slot}`), and the next load "
            "writes a full copy of the current version.",
            False,
        )
    differing = [v for v in (current, standby) if v is not None and v.disagrees]
    if differing:
        which = " and ".join(f"{v.slot.name} ({v.role})" for v in differing)
        found = differing[0].disagrees
        return (
            f"{path}: in {which}, {'; '.join(d.what for d in found)}. The event log is intact and no grade is "
            f"changed by it, but the next loads would {' and '.join(d.risk for d in found)}: run `nivaran compact "
            f"--db {path}`, which {' and '.join(d.mend for d in found)}.",
            False,
        )
    if standby is None:
        tail = "there is no standby (the next load makes a full copy)"
    elif standby.busy:
        tail = f"the standby {standby.slot.name} is being written by a load and was not checked"
    else:
        tail = f"so does the standby {standby.slot.name}"
    return f"{path} is healthy: every table of the current version {current.slot.name} reads in full; {tail}.", True


def _lost_current(path: Path, current: Version | None, back: Version | None) -> str:
    """The verdict when the current version is missing, damaged or unusable; ``back``: a sound standby."""
    if current is None:
        head = f"{path} points at {path.readlink()}, which is missing"
        broken = str(path.readlink())
    elif current.busy:  # a load writes the standby, never the current version; a compaction writes a new file
        return f"{path}: {current.slot.name} is being written right now; check again when the write is done."
    else:
        head = f"{current.slot} (the current version of {path}) is damaged or unusable: {current.problem}"
        broken = current.slot.name
    if back is None:
        return f"{head}, and there is no sound standby to go back to: restore {broken} from a backup."
    if current is not None and _same_version(current, back):
        return (
            f"{head}; the standby {back.slot.name} reads in full and holds the same version: make it current with "
            f"`ln -sfn {back.slot.name} {path}` (nothing is lost), or restore {broken} from a backup."
        )
    behind = ", one write behind" if current is not None and _one_write_behind(current, back) else ""
    return (
        f"{head}; the standby {back.slot.name} reads in full{behind}: make it current with "
        f"`ln -sfn {back.slot.name} {path}` (what was written after it is then lost), or restore {broken} "
        "from a backup."
    )
