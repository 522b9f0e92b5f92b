"""The department plan and "why the score moved" (grading.scoring.plan) on hand-made graded rows (MP scheme:
60 satisfied closure + 20 long-pending disposal + 10 no force close + 10 attended in time; every
component has data, so the reweighting scale is 1 and contributions are the points)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from grading.model.registry import METRICS
from grading.scoring import plan, schemes
from grading.scoring.counts import percentages
from grading.scoring.grade import grade

MP = schemes.load("mp-cm-helpline")


def dept(
    code: str, counts: dict[str, int], points: tuple[float, float, float, float], score: float
) -> dict[str, object]:
    keys = ("satisfied_closure", "long_pending_disposal", "no_force_close", "attended_in_time")
    return {
        "department": code,
        "is_ranked": True,
        "volume_group": 1,
        "data_weight": 100.0,
        "score": score,
        **counts,
        **{f"points_{k}": p for k, p in zip(keys, points, strict=True)},
    }


def counts(*values: int) -> dict[str, int]:
    """received, closed_satisfied, long_pending_closed, long_pending_open, closed, closed_force,
    stints_started, stints_non_attended."""
    received, sat, lp_closed, lp_open, closed, force, stints, late = values
    return {
        "received": received,
        "closed_satisfied": sat,
        "long_pending_closed": lp_closed,
        "long_pending_open": lp_open,
        "closed": closed,
        "closed_force": force,
        "stints_started": stints,
        "stints_non_attended": late,
    }


# A (best):   90/100 satisfied -> 54;  20 of 20 old disposed -> 20;   0/100 forced -> 10;  0/100 late -> 10;  94
# C (median): 35/50 -> 42;            5 of 10 -> 10;                 0/40 -> 10;         5/50 = 10% -> 9;  71
# B (this):   100/200 -> 30;          10 of 60 -> 3.3333;            8/80 = 10% -> 9;    20/200 = 10% -> 9; 51.3333
ROWS = pl.DataFrame(
    [
        dept("A", counts(100, 90, 20, 0, 100, 0, 100, 0), (54.0, 20.0, 10.0, 10.0), 94.0),
        dept("B", counts(200, 100, 10, 50, 80, 8, 200, 20), (30.0, 20 / 6, 9.0, 9.0), 51.33),
        dept("C", counts(50, 35, 5, 5, 40, 0, 50, 5), (42.0, 10.0, 10.0, 9.0), 71.0),
    ]
)


def graded(*departments: tuple[str, dict[str, int]], group: dict[str, int] | None = None) -> pl.DataFrame:
    """The month graded from counts alone, as the store would hold it: every count of the registry 0
    unless given, every percentage computed from the counts, then scored and ranked under MP's scheme."""
    rows = [
        {"entity_type": "department", "department": code, "district": None, "month": date(2024, 3, 1)}
        | {name: 0 for name, m in METRICS.items() if m.unit == "count"}
        | given
        for code, given in departments
    ]
    metrics = percentages(pl.DataFrame(rows).with_columns(pl.col("district").cast(pl.String)))
    out = grade(metrics, MP)
    if group:  # a volume group set by hand (the MP scheme puts three departments in one group)
        out = out.with_columns(volume_group=pl.col("department").replace_strict(group, return_dtype=pl.Int8))
    return out


MONTH = graded(
    ("A", counts(100, 90, 20, 0, 100, 0, 100, 0)),
    ("B", counts(200, 100, 10, 50, 80, 8, 200, 20)),
    ("C", counts(50, 35, 5, 5, 40, 0, 50, 5)),
)


def test_best_and_median_department() -> None:
    # Ordered by score: A 94, C 71, B 51.33 -> best A, median (the middle of three) C.
    assert plan.reference_departments(ROWS, MP) == ("A", "C")
    assert plan.reference_departments(MONTH, MP, 1) == ("A", "C")


def test_the_month_graded_from_counts_gives_the_hand_scores() -> None:
    assert dict(zip(MONTH["department"], MONTH["score"], strict=True)) == {"A": 94.0, "C": 71.0, "B": 51.33}


def test_the_plan_is_found_by_regrading_and_adds_up_to_the_gap() -> None:
    got = plan.department_plan(MONTH, MP, "B")
    # The first case of each work, re-graded. A closure also adds one to B's 80 closures, so its 8 force
    # closures weigh less: 10 x (1 - 8/81) = 9.01235, +0.01235 on top.
    # old complaint disposed: 20/60 = 0.33333 + 0.01235; satisfied closure: 60/200 = 0.3 + 0.01235;
    # a force closure fewer: 7/80 -> 9.125, +0.125; one late stint fewer: 19/200 -> 9.05, +0.05.
    assert got["key"].to_list() == ["long_pending_disposal", "satisfied_closure", "no_force_close", "attended_in_time"]
    assert got["per_case"].to_list() == pytest.approx([1 / 3 + 1 / 81, 0.3 + 1 / 81, 0.125, 0.05])
    # Gaps to the median department C: 6.6667 + 12 + 1 + 0 = 19.6667 = 71 - 51.3333; to A: 16.667 + 24 + 1 + 1.
    assert got["gap_median"].sum() == pytest.approx(71 - (30 + 20 / 6 + 9 + 9))
    assert got["gap_best"].sum() == pytest.approx(94 - (30 + 20 / 6 + 9 + 9))
    # Cases that bring each component level with C's: (10 + n)/60 >= 50 % -> 20; 60 (100 + n)/200 >= 42 ->
    # 40; 8 force closures fewer (all B has); level with C on attendance, so to A: all 20 late stints.
    assert got["cases_median"].to_list() == [20, 40, 8, 0]
    assert got["cases_best"].to_list() == [50, 80, 8, 20]
    # Their points, side effects included: 20 disposals +6.6667 and 100 closures (8 % forced: 9.2, +0.2);
    # 40 satisfied closures +12 and 120 closures (9.3333, +0.3333); 8 force closures fewer +1.
    assert got["gain_median"].to_list() == pytest.approx([20 / 3 + 0.2, 12 + 1 / 3, 1.0, 0.0])
    assert got["work_en"].to_list() == [
        "dispose 20 complaints older than 50 days",
        "close 40 more of the month's complaints with the complainant satisfied",
        "close 8 fewer complaints by force (resolve them instead)",
        "attend 20 more complaints within the level's time limit",
    ]
    # Passing C (71) needs more than 19.6667 points: n satisfied closures give 0.3 n + 1 - 80/(80 + n);
    # 64 give 19.644, 65 give 19.948 (the linear 0.3 per case alone would say 66). All 50 old complaints
    # give 17.05, the force closures and late stints at most 1 each: not alone.
    assert got["cases_next_rank"].to_list() == [None, 65, None, None]
    # Grade C starts at 60 (the published score, 2 decimals): 8.6617 points or more. Disposals: 26 give
    # 8.667 + 0.245 (25 give 8.571); satisfied closures: 29 give 8.966 (28 give 59.9926, shown 59.99).
    assert got["cases_next_grade"].to_list() == [26, 29, None, None]


def test_apportion_keeps_the_shown_parts_equal_to_the_shown_total() -> None:
    # 0.104 + 0.104 + 0.002 = 0.21: floors 0.10 + 0.10 + 0.00, the missing cent to the largest remainder.
    assert plan.apportion([0.104, 0.104, 0.002], 0.21) == [0.11, 0.10, 0.0]
    assert plan.apportion([-0.104, -0.104, 0.002], -0.21) == [-0.10, -0.11, 0.0]
    assert sum(plan.apportion([1 / 3, 1 / 3, 1 / 3], 1.0)) == pytest.approx(1.0)


def test_why_it_moved_sums_to_the_score_change() -> None:
    # The example: 49.74 -> 49.94. Before: 30.004 + 3.333 + 9 + 7.4 = 49.737 (shown 49.74);
    # now: 30.1 + 3.44 + 9 + 7.4 = 49.94. Changes 0.096 and 0.107 (0.203 in all); rounding each part
    # would show 0.10 + 0.11 = 0.21 against a total of 0.20; largest remainder shows 0.09 + 0.11.
    before = dept("B", counts(200, 100, 10, 50, 80, 8, 200, 20), (30.004, 3.333, 9.0, 7.4), 49.74)
    now = dept("B", counts(200, 100, 10, 50, 80, 8, 200, 20), (30.1, 3.44, 9.0, 7.4), 49.94)
    got = plan.why_moved(before, now, MP)
    assert got["change_shown"].to_list() == pytest.approx([0.09, 0.11, 0.0, 0.0, 0.20])
    parts, total = got["change_shown"][:-1], got["change_shown"][-1]
    assert round(parts.sum(), 2) == total
    assert got["change"][:-1].sum() == pytest.approx(0.203)
    assert got["key"][-1] == "total"


def test_the_plan_compares_inside_the_departments_own_volume_group() -> None:
    # D, a small department put in group 2, scores 100: it is no reference for B, ranked in group 1.
    rows = graded(
        ("A", counts(100, 90, 20, 0, 100, 0, 100, 0)),
        ("B", counts(200, 100, 10, 50, 80, 8, 200, 20)),
        ("C", counts(50, 35, 5, 5, 40, 0, 50, 5)),
        ("D", counts(25, 25, 0, 0, 25, 0, 25, 0)),
        group={"A": 1, "B": 1, "C": 1, "D": 2},
    )
    assert plan.reference_departments(rows, MP, 1) == ("A", "C")
    assert plan.reference_departments(rows, MP, 2) == ("D", "D")
    got = plan.department_plan(rows, MP, "B")
    assert got["gap_best"].sum() == pytest.approx(94 - (30 + 20 / 6 + 9 + 9))  # against A, not D


def test_a_component_with_nothing_to_recover_says_so_and_no_template_is_left() -> None:
    # A is the best department: every gap is 0 or below, so no work is proposed, in words.
    got = plan.department_plan(MONTH, MP, "A")
    assert got["cases_best"].to_list() == [0, 0, 0, 0]
    assert set(got["work_en"]) == {"nothing to recover here: level with the best department of its group"}
    for text in [*got["work_en"], *got["work_hi"]]:
        assert not set("{}") & set(text), text
