"""Metric pipeline tests on small event logs whose answers were worked out by hand.

Month under test: March 2024 (31 days); cut-off C = 2024-03-31 23:59:59.999999. Category CAT has a
7-day limit at every level.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import narwhals as nw
import polars as pl
import pytest

from grading.rules.derive import derive
from grading.scoring.edge import micros
from grading.scoring.metrics import MetricSettings, month_metrics
from tests.conftest import CATEGORIES, ev, frame, reg

MARCH = date(2024, 3, 1)

# A: resolved in 3 days, satisfied.                                     closed 4d 5m, on time
# B: L1 ignored 7d 1h (breach, non-attended), L2 resolves, dissatisfied, reopened L1, satisfied.
# C: registered 20 Mar, attended, open at C, 11d 14h at L1: overdue, 11 days old.
# D: registered in January, climbed to L4, force-closed 10 Mar (65 days exactly).
# E: registered 10 Jan, open at C, 81 completed days old: overdue and long pending.
# F: registered 15 Jan, reopened in Jan, resolved 5 Mar, closed satisfied 6 Mar: 51 days 5 min old.
# G: registered 30 Mar, duplicate-closed 2 h later.
# H: registered in D1, transferred to D2, unreachable then satisfied.
# I: registered 25 Mar; resolved and closed in April, after the cut-off: open at C, 6 days old.
# J: L1 escalated after exactly 7 days (no breach) with no action (non-attended); special-closed at L2.
STORY = [
    reg("A", "2024-03-01 10:00"),
    ev("A", "2024-03-02 10:00", "attended", level="L1"),
    ev("A", "2024-03-04 10:00", "resolved", level="L1"),
    ev("A", "2024-03-05 10:00", "feedback", outcome="satisfied"),
    ev("A", "2024-03-05 10:05", "closed", outcome="satisfied"),
    reg("B", "2024-03-01 10:00"),
    ev("B", "2024-03-08 11:00", "escalated", level="L2"),
    ev("B", "2024-03-09 10:00", "attended", level="L2"),
    ev("B", "2024-03-10 10:00", "resolved", level="L2"),
    ev("B", "2024-03-11 10:00", "feedback", outcome="dissatisfied"),
    ev("B", "2024-03-11 10:01", "reopened", level="L1"),
    ev("B", "2024-03-12 10:00", "resolved", level="L1"),
    ev("B", "2024-03-13 10:00", "feedback", outcome="satisfied"),
    ev("B", "2024-03-13 10:05", "closed", outcome="satisfied"),
    reg("C", "2024-03-20 10:00"),
    ev("C", "2024-03-21 10:00", "attended", level="L1"),
    reg("D", "2024-01-05 10:00"),
    ev("D", "2024-01-12 10:30", "escalated", level="L2"),
    ev("D", "2024-01-19 11:00", "escalated", level="L3"),
    ev("D", "2024-01-26 12:00", "escalated", level="L4"),
    ev("D", "2024-03-10 10:00", "closed", outcome="force"),
    reg("E", "2024-01-10 09:00"),
    ev("E", "2024-01-11 09:00", "attended", level="L1"),
    reg("F", "2024-01-15 10:00"),
    ev("F", "2024-01-16 10:00", "attended", level="L1"),
    ev("F", "2024-01-20 10:00", "resolved", level="L1"),
    ev("F", "2024-01-21 10:00", "feedback", outcome="dissatisfied"),
    ev("F", "2024-01-21 10:05", "reopened", level="L1"),
    ev("F", "2024-03-05 10:00", "resolved", level="L1"),
    ev("F", "2024-03-06 10:00", "feedback", outcome="satisfied"),
    ev("F", "2024-03-06 10:05", "closed", outcome="satisfied"),
    reg("G", "2024-03-30 10:00"),
    ev("G", "2024-03-30 12:00", "closed", outcome="duplicate"),
    reg("H", "2024-03-15 10:00"),
    ev("H", "2024-03-15 12:00", "transferred", department="D2"),
    ev("H", "2024-03-16 10:00", "attended", level="L1"),
    ev("H", "2024-03-17 10:00", "resolved", level="L1"),
    ev("H", "2024-03-18 10:00", "feedback", outcome="unreachable"),
    ev("H", "2024-03-19 10:00", "feedback", outcome="satisfied"),
    ev("H", "2024-03-19 10:05", "closed", outcome="satisfied"),
    reg("I", "2024-03-25 10:00"),
    ev("I", "2024-03-26 10:00", "attended", level="L1"),
    ev("I", "2024-04-02 10:00", "resolved", level="L1"),
    ev("I", "2024-04-03 10:00", "feedback", outcome="satisfied"),
    ev("I", "2024-04-03 10:05", "closed", outcome="satisfied"),
    reg("J", "2024-03-02 10:00"),
    ev("J", "2024-03-09 10:00", "escalated", level="L2"),
    ev("J", "2024-03-12 10:00", "closed", outcome="special"),
]
FIVE_MIN = 5 / 1440


def grade_month(rows: list[dict[str, object]], month: date = MARCH, **settings: int) -> pl.DataFrame:
    derived = derive(frame(rows), CATEGORIES, default_limit_days=7)
    return month_metrics(derived, month, MetricSettings(**settings))


def row(
    metrics: pl.DataFrame, entity_type: str, department: str | None = None, district: str | None = None
) -> dict[str, object]:
    found = metrics.filter(
        (pl.col("entity_type") == entity_type)
        & pl.col("department").eq_missing(department)
        & pl.col("district").eq_missing(district)
    )
    assert found.height == 1, found
    return found.row(0, named=True)


@pytest.fixture(scope="module")
def story() -> pl.DataFrame:
    return grade_month(STORY)


# Department D1 holds A B C D E F G I J; H was transferred to D2 before the cut-off.
D1_EXPECTED = {
    "received": 6,  # A B C G I J (D E F were registered in January)
    "excluded_habitual": 0,
    "closed_satisfied": 2,  # A B
    "satisfied_closure_pct": 2 / 6 * 100,
    "closed": 6,  # A B D F G J
    "closed_satisfied_in_month": 3,  # A B F
    "closed_force": 1,  # D
    "closed_special": 1,  # J
    "closed_other": 1,  # G (duplicate)
    "force_close_pct": 1 / 6 * 100,
    "feedback_satisfied": 3,  # A, B (13 Mar), F; I's answer is in April
    "feedback_dissatisfied": 1,  # B (11 Mar)
    "feedback_unreachable": 0,
    "satisfaction_pct": 75.0,  # 3 / 4
    "callback_closed": 3,  # A B F; D G J had no call-back
    "callback_coverage_pct": 50.0,  # 3 / 6
    "reopened": 1,  # B; F's reopen was in January
    "reopen_pct": 25.0,  # 1 / 4
    # closed-in-March ages: G 2h, A 4d5m, J 10d, B 12d5m, F 51d5m, D 65d
    "resolution_days_median": (10 + 12 + FIVE_MIN) / 2,
    "resolution_days_mean": (2 / 24 + 4 + 10 + 12 + 51 + 65 + 3 * FIVE_MIN) / 6,
    "resolution_days_p90": (51 + FIVE_MIN) + 0.5 * (65 - 51 - FIVE_MIN),  # position 0.9 * 5 = 4.5
    "on_time": 3,  # A G J
    "late": 3,  # B D F
    "open_overdue": 2,  # C E (I is 6d 14h into a 7-day limit)
    "sla_compliance_pct": 37.5,  # 3 / (3 + 3 + 2)
    "on_time_closure_pct": 50.0,
    "stints_started": 9,  # A1 B1 B2 B1' C1 G1 I1 J1 J2
    "stints_non_attended": 2,  # B1 (escalated unattended), J1 (no action at all)
    "non_attended_pct": 2 / 9 * 100,
    "pending": 3,  # C E I
    "pending_0_7": 1,  # I (6)
    "pending_8_15": 1,  # C (11)
    "pending_16_30": 0,
    "pending_31_50": 0,
    "pending_51_100": 1,  # E (81)
    "pending_over_100": 0,
    "pending_over_50": 1,
    "overdue_pending_pct": 2 / 3 * 100,
    "long_pending_closed": 1,  # F (51 completed days, satisfied); D was 65 but force-closed
    "long_pending_open": 1,  # E
    "long_pending_disposal_pct": 50.0,
    "reached_l2": 2,  # B J (D reached L4 but was received in January)
    "reached_l3": 0,
    "reached_l4": 0,
    "reached_l2_pct": 2 / 6 * 100,
    "reached_l3_pct": 0.0,
    "reached_l4_pct": 0.0,
}


@pytest.mark.parametrize("name", sorted(D1_EXPECTED))
def test_department_metric_matches_hand_computation(story: pl.DataFrame, name: str) -> None:
    got = row(story, "department", "D1")[name]
    assert got == pytest.approx(D1_EXPECTED[name], abs=1e-9), name


def test_transferred_complaint_counts_for_new_department(story: pl.DataFrame) -> None:
    d2 = row(story, "department", "D2")
    assert (d2["received"], d2["closed_satisfied"], d2["feedback_unreachable"]) == (1, 1, 1)
    assert d2["satisfaction_pct"] == 100.0  # 1 satisfied of 1 rated; unreachable does not count
    assert d2["resolution_days_median"] == pytest.approx(4 + FIVE_MIN)


def test_zero_denominators_are_empty_not_zero(story: pl.DataFrame) -> None:
    d2 = row(story, "department", "D2")
    assert d2["pending"] == 0
    assert d2["overdue_pending_pct"] is None  # 0 open and overdue of 0 pending
    assert d2["long_pending_disposal_pct"] == 100.0  # the stated exception: nothing long pending


def test_district_and_cell_grains_add_up(story: pl.DataFrame) -> None:
    x = row(story, "district", None, "X")
    assert x["received"] == 7  # 6 in D1 + H
    assert x["closed_satisfied"] == 3
    assert x["satisfied_closure_pct"] == pytest.approx(3 / 7 * 100)
    cell = row(story, "department_district", "D1", "X")
    assert cell["received"] == 6


def test_closures_split_adds_up(story: pl.DataFrame) -> None:
    parts = story["closed_satisfied_in_month"] + story["closed_force"] + story["closed_special"] + story["closed_other"]
    assert (parts == story["closed"]).all()
    assert (story["on_time"] + story["late"] == story["closed"]).all()
    assert (story["pending_51_100"] + story["pending_over_100"] == story["pending_over_50"]).all()


def test_events_after_cutoff_are_ignored() -> None:
    """Grading March again after April's events arrive gives the same March."""
    march_only = [r for r in STORY if str(r["event_time"]) < "2024-04-01"]
    assert len(march_only) < len(STORY)
    with_april = grade_month(STORY)
    without_april = grade_month(march_only)
    from polars.testing import assert_frame_equal

    assert_frame_equal(with_april, without_april)


def _many(prefix: str, complainant: str, n: int, day: int = 3, month: int = 3) -> list[dict[str, object]]:
    return [
        reg(f"{prefix}{i}", f"2024-{month:02d}-{day:02d} {8 + i % 10:02d}:{i:02d}", complainant=complainant)
        for i in range(n)
    ]


HABITUAL_STORY = [
    *_many("H", "HAB", 11),
    *_many("T", "TEN", 10),
    *_many("O", "OLD", 11, month=2),
    ev("O0", "2024-03-04 10:00", "closed", outcome="force"),
]


def test_habitual_complainant_is_left_out_of_everything() -> None:
    # HAB files 11 complaints in March (> 10): all 11 are left out and counted in excluded_habitual.
    # TEN files exactly 10: all count. OLD was habitual in February (11 complaints); one of those is
    # closed in March and must not count as a March closure either.
    rows = HABITUAL_STORY
    d1 = row(grade_month(rows), "department", "D1")
    assert (d1["received"], d1["excluded_habitual"]) == (10, 11)
    assert d1["closed"] == 0  # O0's force closure is out of the grading
    assert d1["pending"] == 10  # TEN's ten; HAB's and OLD's are out
    # With a threshold of 11, HAB (11) is no longer habitual.
    relaxed = row(grade_month(rows, habitual_threshold=11), "department", "D1")
    assert (relaxed["received"], relaxed["excluded_habitual"], relaxed["closed"]) == (21, 0, 1)


# P climbs L1 → L2 → L3 → L4 within March; Q is reopened to L2 after two dissatisfied answers;
# R stays at L1.
ESCALATION_STORY = [
    reg("P", "2024-03-01 10:00"),
    ev("P", "2024-03-08 10:01", "escalated", level="L2"),
    ev("P", "2024-03-15 10:02", "escalated", level="L3"),
    ev("P", "2024-03-22 10:03", "escalated", level="L4"),
    reg("Q", "2024-03-01 10:00"),
    ev("Q", "2024-03-02 10:00", "resolved", level="L1"),
    ev("Q", "2024-03-03 10:00", "feedback", outcome="dissatisfied"),
    ev("Q", "2024-03-03 10:01", "reopened", level="L1"),
    ev("Q", "2024-03-04 10:00", "resolved", level="L1"),
    ev("Q", "2024-03-05 10:00", "feedback", outcome="dissatisfied"),
    ev("Q", "2024-03-05 10:01", "reopened", level="L2"),
    reg("R", "2024-03-01 10:00"),
    ev("R", "2024-03-02 10:00", "attended", level="L1"),
]


def test_escalation_and_reopen_paths_reach_levels() -> None:
    # P climbs L1 → L2 → L3 → L4 within March; Q is reopened to L2 after two dissatisfied answers;
    # R stays at L1. Received 3: reached L2 = P Q (2), L3 = P, L4 = P.
    rows = ESCALATION_STORY
    d1 = row(grade_month(rows), "department", "D1")
    assert (d1["reached_l2"], d1["reached_l3"], d1["reached_l4"]) == (2, 1, 1)
    assert d1["reached_l4_pct"] == pytest.approx(100 / 3)
    # P's stints lasted 7d 1m each (> 7 days) and its L4 stint runs 9d 14h at C: overdue.
    # Q's L2 stint (since 5 Mar 10:01) runs 26d 14h at C: overdue. R: 30d 14h at L1: overdue.
    assert d1["open_overdue"] == 3
    assert (d1["reopened"], d1["feedback_dissatisfied"], d1["reopen_pct"]) == (2, 2, 100.0)
    # Stints started in March: P ×4, Q ×3, R ×1 = 8. Non-attended: P's four (no action at all;
    # the L4 stint's limit passed on 29 Mar), Q's last (L2 since 5 Mar, no action), none for R.
    assert (d1["stints_started"], d1["stints_non_attended"]) == (8, 5)


AT_LIMIT_STORY = [reg("ON", "2024-03-24 23:59:59.999999"), reg("OVER", "2024-03-24 23:59:59.999998")]
SLOW_STORY = [reg("S", "2024-03-11 10:00", category="SLOW"), reg("F", "2024-03-11 10:00")]


def test_a_stint_exactly_at_its_limit_is_not_a_breach() -> None:
    # Registered 24 Mar 23:59:59.999999: at C it is exactly 7 days old (not older): no breach.
    # Registered one microsecond earlier: older than 7 days at C: overdue.
    rows = AT_LIMIT_STORY
    d1 = row(grade_month(rows), "department", "D1")
    assert d1["open_overdue"] == 1
    assert d1["stints_non_attended"] == 1


def test_category_limits_set_the_stint_limit() -> None:
    # SLOW has a 30-day L1 limit: 20 days unattended at C is neither overdue nor non-attended.
    rows = SLOW_STORY
    d1 = row(grade_month(rows), "department", "D1")
    assert (d1["open_overdue"], d1["stints_non_attended"]) == (1, 1)  # only F (7-day limit)


def test_a_complaints_own_limit_overrides_its_category() -> None:
    # Both registered 11 Mar 10:00, no action by C (20d 14h). OWN carries limit_days = 30 (a due
    # date from a snapshot import): within its limit. CAT's 7 days have passed: overdue, non-attended.
    rows = [reg("OWN", "2024-03-11 10:00", limit_days=30), reg("CAT", "2024-03-11 10:00")]
    d1 = row(grade_month(rows), "department", "D1")
    assert (d1["open_overdue"], d1["stints_non_attended"]) == (1, 1)


#: Naive instants and their microseconds since 1970-01-01, worked out by hand.
INSTANTS = [
    (datetime(1970, 1, 1), 0),
    (datetime(1969, 12, 31, 23, 59, 59, 999999), -1),  # a day before the epoch, less one microsecond
    # 10,957 days to 2000-01-01, 59 more to 29 February (a leap day: 2000 divides by 400), then 12 hours
    (datetime(2000, 2, 29, 12), (10_957 + 59) * 86_400_000_000 + 12 * 3_600_000_000),
    # 47,482 days to 2100-01-01, 59 more to 1 March (2100 divides by 100, not 400: no 29 February)
    (datetime(2100, 3, 1), (47_482 + 59) * 86_400_000_000),
    # the hour New York's clocks skip that night: a wall-clock time, kept as it reads
    (datetime(2024, 3, 10, 2, 30, 0, 123456), (19_723 + 69) * 86_400_000_000 + 9_000_123_456),
]


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_instants_become_microseconds_of_the_wall_clock_from_their_fields(engine: str) -> None:
    data = pl.DataFrame({"t": [t for t, _ in INSTANTS]})
    con = duckdb.connect()
    con.execute("set TimeZone = 'Pacific/Kiritimati'")  # a session zone never enters
    native = data.lazy() if engine == "polars" else con.from_arrow(data.to_arrow())
    got = nw.from_native(native).select(micros("t")).collect("polars").to_native()["t"].to_list()
    assert got == [n for _, n in INSTANTS]
