"""What a load reports, file by file (:class:`FileReport`) and in all (:class:`IngestReport`, with
its plain-text summary for the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from grading.model.problems import PROBLEM_SCHEMA
from grading.store import database


@dataclass
class FileReport:
    """What happened to one file."""

    source: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_quarantined: int = 0
    already_loaded: bool = False
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))
    #: Optional mapped fields the file lacks (``field ('header') → default``), said in the summary.
    absent: list[str] = field(default_factory=list)
    #: New requests that look like requests already stored under another id (:func:`grading.store.writes.look_alikes`).
    look_alikes: int = 0


@dataclass
class IngestReport:
    """What a load did, file by file, and the codes it registered."""

    files: list[FileReport]
    new_codes: dict[str, list[str]]
    refreshed_months: list[date]
    #: Share of superseded rows per table after the load (:func:`grading.store.database.superseded`).
    superseded: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """Plain-text summary for the CLI."""
        lines = []
        for f in self.files:
            if f.already_loaded:
                lines.append(f"{f.source}: already loaded (same content), skipped")
                continue
            lines.append(
                f"{f.source}: {f.rows_read:,} rows read, {f.rows_loaded:,} events loaded, "
                f"{f.rows_duplicate:,} events already stored, {f.rows_quarantined:,} rows quarantined"
            )
            if f.absent:
                lines.append(f"  not in the file (left empty or defaulted): {'; '.join(f.absent)}")
            if f.problems.height:
                by_reason = f.problems.group_by("field", "reason").len().sort("len", descending=True)
                lines.extend(f"  quarantined {n:,}: {fld}: {why}" for fld, why, n in by_reason.iter_rows())
            if f.look_alikes:
                lines.append(
                    f"  {f.look_alikes:,} new requests have the registration time, category and area of a request "
                    "already stored under another id: the same requests loaded twice under two keys? "
                    "(docs/import.md, 'Exports without ids')"
                )
        for kind, codes in self.new_codes.items():
            if codes:
                lines.append(f"new {kind} registered (name = code): {', '.join(codes)}")
        if self.refreshed_months:
            lines.append(
                f"monthly results refreshed: {self.refreshed_months[0]:%Y-%m} to {self.refreshed_months[-1]:%Y-%m}"
            )
        worst = max(self.superseded.items(), key=lambda kv: kv[1], default=None)
        if worst is not None and worst[1] >= database.COMPACT_AT:
            lines.append(
                f"{worst[1]:.0%} of the rows stored in {worst[0]} were replaced by later loads; "
                "`nivaran compact` rewrites the store without them (reads get faster, the file smaller)"
            )
        return "\n".join(lines)
