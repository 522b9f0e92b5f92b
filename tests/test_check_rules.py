"""The row and history checks of a load, on small hand-made frames (grading.rules.rowcheck, lifecycle)."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from grading.model.schema import EVENT_COLUMNS, EVENT_SCHEMA
from grading.rules import lifecycle
from grading.rules.rowcheck import check_rows


def _rows(*rows: dict[str, str | None]) -> pl.DataFrame:
    """Normalised text rows (every event column, empty ones null) numbered from 1."""
    text = pl.DataFrame(
        [{c: r.get(c) for c in EVENT_COLUMNS} for r in rows], schema=dict.fromkeys(EVENT_COLUMNS, pl.String)
    )
    return text.with_row_index("row_number", offset=1).with_columns(pl.col("row_number").cast(pl.Int64))


def test_kinds_levels_channels_and_outcomes_are_read_in_any_case() -> None:
    # Row 1 as the store writes its values; row 2 the same in other cases; row 3 a kind and a level
    # that no case makes valid: only row 3 is a problem, twice (event and level).
    frame = _rows(
        {
            "complaint_id": "A",
            "event_time": "2024-03-01T10:00:00",
            "event": "closed",
            "level": "L2",
            "outcome": "force",
        },
        {
            "complaint_id": "B",
            "event_time": "2024-03-01T10:00:00",
            "event": "Registered",
            "level": "l1",
            "department": "D1",
            "district": "X",
            "category": "C",
            "complainant": "P",
            "channel": "APP",
        },
        {"complaint_id": "C", "event_time": "2024-03-01T10:00:00", "event": "Closing", "level": "l9"},
    )
    good, problems = check_rows(frame)
    assert good["row_number"].to_list() == [1, 2]
    assert good.select("event", "level", "channel", "outcome").cast(pl.String).rows() == [
        ("closed", "L2", None, "force"),
        ("registered", "L1", "app", None),
    ]
    assert good.schema["event"] == EVENT_SCHEMA["event"]
    assert problems.select("row_number", "field", "value").rows() == [(3, "event", "Closing"), (3, "level", "l9")]


def test_a_history_problem_stays_with_its_own_complaint_in_a_sorted_frame() -> None:
    # Three complaints one after the other in one frame. A: registered, closed, then attended (after
    # the closure). B: attended with no registration. C: registered, escalated L1 -> L2 (lawful). The
    # counts of one complaint must not run on into the next: C's escalation is judged from C's own L1,
    # and B's lack of a registration is not covered by A's.
    times = [datetime(2024, 3, 1, h) for h in (9, 10, 11, 9, 9, 10)]
    new = pl.DataFrame(
        {
            "row_number": [1, 2, 3, 4, 5, 6],
            "complaint_id": ["A", "A", "A", "B", "C", "C"],
            "event_time": times,
            "event": ["registered", "closed", "attended", "attended", "registered", "escalated"],
            "level": ["L3", None, "L3", "L1", "L1", "L2"],
        }
    ).with_columns(pl.col("event").cast(EVENT_SCHEMA["event"]), pl.col("level").cast(EVENT_SCHEMA["level"]))
    stored = pl.DataFrame(schema=EVENT_SCHEMA)
    found = lifecycle.lifecycle_problems(new, stored, new_sorted=True)
    assert found.select("row_number", "complaint_id", "field").rows() == [(3, "A", "event"), (4, "B", "complaint_id")]


@given(st.lists(st.tuples(st.integers(0, 3), st.booleans(), st.one_of(st.none(), st.integers(1, 5))), max_size=40))
def test_running_counts_over_runs_equal_group_windows(rows: list[tuple[int, bool, int | None]]) -> None:
    # The sorted-run arithmetic of lifecycle checks against Polars' own per-group windows.
    frame = pl.DataFrame(rows, schema={"complaint": pl.UInt32, "flag": pl.Boolean, "value": pl.Int8}, orient="row")
    frame = frame.sort("complaint", maintain_order=True)
    got = frame.select(
        so_far=lifecycle._count_in_run(pl.col("flag")),
        whole=lifecycle._count_in_run(pl.col("flag"), whole=True),
        before=lifecycle._previous_in_run(pl.col("value")),
    )
    expected = frame.select(
        so_far=pl.col("flag").cast(pl.Int64).cum_sum().over("complaint"),
        whole=pl.col("flag").cast(pl.Int64).sum().over("complaint"),
        before=pl.col("value").shift(1).forward_fill().over("complaint"),
    )
    assert_frame_equal(got, expected, check_dtypes=False)
