"""A small hand-made history in a store kept in America/New_York (not Asia/Kolkata), with a snapshot's
export time: two busy months with quiet months between them, a transfer in the last minute of a
month, two departments that tie (``tests/test_engines.py``, ``tests/test_floor_months.py``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from grading.intake import ingest
from grading.store import helpline
from tests.conftest import ev, frame, reg


def twins(department: str, district: str, day: int) -> list[dict[str, object]]:
    """Six complaints of one department in March 2024 with the same story: five closed satisfied after a
    call-back, one still open; with its twin department, it scores the same (a tie)."""
    rows: list[dict[str, object]] = []
    for i in range(6):
        cid = f"{department}-{district}-{i}"
        at = f"2024-03-{day + i:02d}"
        rows.append(reg(cid, f"{at} 09:00", department=department, district=district))
        rows.append(ev(cid, f"{at} 10:00", "attended", level="L1"))
        if i < 5:
            rows.append(ev(cid, f"{at} 18:00", "resolved", level="L1"))
            rows.append(ev(cid, f"2024-03-{day + i + 1:02d} 10:00", "feedback", outcome="satisfied"))
            rows.append(ev(cid, f"2024-03-{day + i + 1:02d} 10:05", "closed", outcome="satisfied"))
    return rows


#: Two busy months (2023-11 and 2024-03) with three quiet months between them: nothing registered,
#: nothing alive but LATE-OPEN (and NOV-1 closed on the first instant of December).
HISTORY = [
    reg("NOV-1", "2023-11-01 00:00", department="D2"),  # the first instant of a month
    ev("NOV-1", "2023-11-30 23:59", "transferred", department="D3"),  # moved in the last minute of it
    ev("NOV-1", "2023-12-01 00:00", "closed", outcome="force"),  # closed in the first of the next
    reg("NOV-2", "2023-11-15 12:00", district="Y"),
    ev("NOV-2", "2023-11-16 12:00", "escalated", level="L2"),
    ev("NOV-2", "2023-11-20 12:00", "closed", outcome="special"),
    reg("LATE-OPEN", "2023-11-30 23:30", department="D4", category="SLOW"),  # open at every later cut-off
    *twins("D1", "X", 2),
    *twins("D2", "X", 2),
    *twins("D3", "Y", 10),
    reg("D3-FORCED", "2024-03-20 09:00", department="D3", district="Y"),  # D3 differs by one forced closure
    ev("D3-FORCED", "2024-03-21 09:00", "closed", outcome="force"),
    reg("END", "2024-04-15 09:00", department="D2", district="Y"),  # after the snapshot's export time
]
EXPORTED_AT = "2024-04-10T12:00:00"


def build(folder: Path) -> Path:
    """The history in a new store under ``folder`` (its month of April judged as of :data:`EXPORTED_AT`)."""
    db = folder / "ny.duckdb"
    helpline.init(db, timezone="America/New_York", name="Zoned", reference_choice="mp")
    path = folder / "events.csv"
    frame(HISTORY).with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%S")).write_csv(path)
    report = ingest.ingest(db, [path], exported_at=EXPORTED_AT)
    assert sum(f.rows_loaded for f in report.files) == len(HISTORY)
    return db
