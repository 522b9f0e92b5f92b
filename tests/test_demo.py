"""The demo generator: schema, volume, lifecycle invariants, realism and determinism.

One small history is generated once per module with the shipped reference data: 6 months of
registrations to 2024-08 (cut-off 2024-08-31 23:59:59.999999) at scale 0.01 (~4,000 complaints a month).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from grading.demo.simulate import generate
from grading.model.schema import (
    CLOSE_OUTCOMES,
    EVENT_SCHEMA,
    EVENTS,
    FEEDBACK_OUTCOMES,
    REQUIRED_BY_EVENT,
    level_number,
)
from grading.store import reference

ARGS = {"months": 6, "end": "2024-08", "scale": 0.01, "seed": 1, "default_limit_days": 7}
CUTOFF = datetime(2024, 8, 31, 23, 59, 59, 999999)
OPTIONAL = ("note", "channel")


def _generate(**overrides: object) -> list[pl.DataFrame]:
    args = {**ARGS, **overrides}
    return list(generate(reference.departments(), reference.districts(), reference.categories(), **args))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def frames() -> list[pl.DataFrame]:
    return _generate()


@pytest.fixture(scope="module")
def events(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """All events with helper columns: position within the complaint, registration time, level number."""
    return pl.concat(frames).with_columns(
        pos=pl.int_range(pl.len()).over("complaint_id"),
        n_events=pl.len().over("complaint_id"),
        registered_at=pl.col("event_time").filter(pl.col("event") == "registered").first().over("complaint_id"),
        lvl=level_number(pl.col("level")),
    )


@pytest.fixture(scope="module")
def registered(events: pl.DataFrame) -> pl.DataFrame:
    return events.filter(pl.col("event") == "registered")


def test_frames_match_the_event_schema_one_per_month_sorted(frames: list[pl.DataFrame]) -> None:
    assert len(frames) == 6
    for month, frame in zip(range(3, 9), frames, strict=True):
        assert frame.schema == EVENT_SCHEMA
        assert frame["complaint_id"].str.starts_with(f"MP24{month:02d}-").all()
        rank = frame.with_columns(order=pl.col("event").to_physical())
        assert rank.equals(rank.sort("complaint_id", "event_time", "order"))


def test_complaint_volume_is_near_4000_a_month(registered: pl.DataFrame) -> None:
    assert 6 * 4000 * 0.85 <= registered.height <= 6 * 4000 * 1.15
    assert registered["complaint_id"].n_unique() == registered.height


def test_ids_are_serials_in_registration_order_and_complainants_are_pseudonyms(registered: pl.DataFrame) -> None:
    assert registered["complaint_id"].str.contains(r"^MP\d{4}-\d{7}$").all()
    assert registered["complainant"].str.contains(r"^CP\d{9}$").all()
    first = registered.filter(pl.col("complaint_id").str.starts_with("MP2403-")).sort("complaint_id")
    assert first["complaint_id"][0] == "MP2403-0000001"
    assert first["event_time"].is_sorted()


def test_every_department_and_district_appears_in_registered_events(registered: pl.DataFrame) -> None:
    departments = reference.departments()["code"]
    assert departments.len() == 52
    assert set(registered["department"]) == set(departments)
    assert set(registered["district"]) == set(reference.districts()["code"])


def test_each_complaint_has_exactly_one_registered_event_and_it_comes_first(events: pl.DataFrame) -> None:
    per_complaint = events.group_by("complaint_id").agg(
        n_registered=(pl.col("event") == "registered").sum(), first=pl.col("event").first()
    )
    assert (per_complaint["n_registered"] == 1).all()
    assert (per_complaint["first"] == "registered").all()


def test_no_event_before_registration_or_after_the_cutoff(events: pl.DataFrame) -> None:
    assert (events["event_time"] >= events["registered_at"]).all()
    assert events.filter(pl.col("event_time") > CUTOFF).is_empty()
    gaps = events.select(gap=pl.col("event_time").diff().over("complaint_id")).drop_nulls()["gap"]
    assert (gaps > timedelta(0)).all(), "events of a complaint are strictly in time order"


def test_closed_happens_at_most_once_and_is_the_last_event(events: pl.DataFrame) -> None:
    closed = events.filter(pl.col("event") == "closed")
    assert closed["complaint_id"].n_unique() == closed.height
    assert (closed["pos"] == closed["n_events"] - 1).all()


def test_levels_only_climb_except_reopens_and_escalations_go_one_level_up(events: pl.DataFrame) -> None:
    steps = (
        events.filter(pl.col("lvl").is_not_null())
        .with_columns(prev=pl.col("lvl").shift().over("complaint_id"))
        .filter(pl.col("prev").is_not_null())
    )
    escalated = steps.filter(pl.col("event") == "escalated")
    assert (escalated["lvl"] == escalated["prev"] + 1).all()
    assert escalated["lvl"].max() == 4, "no automatic escalation beyond L4"
    same = steps.filter(pl.col("event").is_in(["attended", "resolved"]))
    assert (same["lvl"] == same["prev"]).all(), "attended/resolved carry the current level"
    reopened = steps.filter(pl.col("event") == "reopened")
    assert set(reopened["lvl"]) == {1, 2}
    assert set(steps["event"]) <= {"attended", "resolved", "escalated", "reopened"}


def test_reopens_follow_dissatisfied_feedback_first_to_l1_then_to_l2(events: pl.DataFrame) -> None:
    reopened = events.with_columns(before=pl.col("outcome").shift().over("complaint_id")).filter(
        pl.col("event") == "reopened"
    )
    assert (reopened["before"] == "dissatisfied").all()
    nth = reopened.with_columns(nth=pl.int_range(1, pl.len() + 1).over("complaint_id"))
    assert (nth["lvl"] == nth["nth"]).all()


def test_outcomes_are_valid_and_columns_are_filled_exactly_as_domain_requires(events: pl.DataFrame) -> None:
    assert set(events.filter(pl.col("event") == "feedback")["outcome"]) == set(FEEDBACK_OUTCOMES)
    assert set(events.filter(pl.col("event") == "closed")["outcome"]) == set(CLOSE_OUTCOMES)
    for event in EVENTS:
        rows = events.filter(pl.col("event") == event)
        for column in EVENT_SCHEMA.names():
            if column in REQUIRED_BY_EVENT[event] or column in ("complaint_id", "event_time", "event"):
                assert rows[column].null_count() == 0, (event, column)
            elif column not in OPTIONAL:
                assert rows[column].null_count() == rows.height, (event, column)
    assert (
        events.filter(pl.col("event") != "registered")["channel"].null_count()
        == events.height - events.filter(pl.col("event") == "registered").height
    )
    share = events["note"].is_not_null().mean()
    assert share is not None
    assert 0.03 < share < 0.07  # type: ignore[operator]
    assert not events["note"].drop_nulls().str.contains(r"\d{10}").any(), "no phone numbers in notes"


def test_transfers_come_within_a_day_of_registration_before_any_l1_action(events: pl.DataFrame) -> None:
    transferred = events.filter(pl.col("event") == "transferred")
    assert 0.01 < transferred.height / events["complaint_id"].n_unique() < 0.03
    assert (transferred["pos"] == 1).all()
    assert (transferred["event_time"] - transferred["registered_at"] < timedelta(days=1)).all()


def test_history_has_open_escalated_reopened_and_habitual_cases(events: pl.DataFrame, registered: pl.DataFrame) -> None:
    per_complaint = events.group_by("complaint_id").agg(
        closed=(pl.col("event") == "closed").any(),
        top=pl.col("lvl").max(),
        reopens=(pl.col("event") == "reopened").sum(),
        registered_at=pl.col("registered_at").first(),
    )
    still_open = per_complaint.filter(~pl.col("closed"))
    assert still_open.height > 0
    age = pl.lit(CUTOFF) - pl.col("registered_at")
    assert still_open.filter(age > pl.duration(days=50)).height > 0
    assert still_open.filter(age > pl.duration(days=100)).height > 0
    assert per_complaint.filter(pl.col("top") == 4).height > 0
    assert per_complaint.filter(pl.col("reopens") == 2).height > 0
    monthly = registered.group_by("complainant", pl.col("event_time").dt.truncate("1mo")).len()
    assert monthly.filter(pl.col("len") > 10).height >= 2
    assert (monthly["len"] <= 2).mean() > 0.8, "most complainants file one or two complaints a month"  # type: ignore[operator]


def test_a_department_without_categories_gets_a_general_category() -> None:
    departments = pl.DataFrame(
        {"code": ["D1", "D2"], "name_en": ["One", "Two"], "name_hi": ["एक", "दो"], "volume_weight": [1.0, 1.0]}
    )
    categories = reference.categories().head(0)
    frames = list(
        generate(
            departments,
            reference.districts().head(3),
            categories,
            months=1,
            end="2024-01",
            scale=0.002,
            seed=5,
            default_limit_days=7,
        )
    )
    codes = set(frames[0].filter(pl.col("event") == "registered")["category"])
    assert codes == {"D1_GENERAL", "D2_GENERAL"}


def test_progress_is_reported_after_each_month() -> None:
    calls: list[tuple[int, int]] = []
    list(
        generate(
            reference.departments(),
            reference.districts(),
            reference.categories(),
            months=3,
            end="2024-02",
            scale=0.001,
            seed=3,
            default_limit_days=7,
            progress=lambda done, total: calls.append((done, total)),
        )
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_the_same_seed_gives_equal_frames_and_another_seed_does_not(frames: list[pl.DataFrame]) -> None:
    again = _generate()
    assert len(again) == len(frames)
    for a, b in zip(frames, again, strict=True):
        assert_frame_equal(a, b)
    other = _generate(seed=2)
    assert not other[0].equals(frames[0])
