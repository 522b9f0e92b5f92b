"""Scheme, score, rank, streak and needed-closure tests on hand-made metric rows."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from grading.scoring import schemes
from grading.scoring.grade import grade, score
from grading.scoring.schemes import SchemeError

MP = schemes.load("mp-cm-helpline")


def metric_rows(rows: list[dict[str, object]], entity_type: str = "department") -> pl.DataFrame:
    """Metric rows with neutral defaults: every percentage at its best unless given."""
    base = {
        "entity_type": entity_type,
        "department": None,
        "district": None,
        "month": date(2024, 3, 1),
        "received": 100,
        "closed_satisfied": 50,
        "satisfied_closure_pct": 50.0,
        "long_pending_disposal_pct": 100.0,
        "force_close_pct": 0.0,
        "non_attended_pct": 0.0,
        "on_time_closure_pct": None,
        "overdue_pending_pct": None,
        "satisfaction_pct": None,
        "reopen_pct": None,
        "resolution_days_median": None,
        # The counts behind the other shares: zero here, so only satisfied_closure_pct (over
        # `received`) carries sampling uncertainty (grading.scoring.reliability).
        **dict.fromkeys(
            ("closed", "feedback_satisfied", "feedback_dissatisfied", "on_time", "late", "open_overdue", "pending"), 0
        ),
        **dict.fromkeys(("stints_started", "long_pending_closed", "long_pending_open"), 0),
    }
    return pl.DataFrame([{**base, **r} for r in rows], infer_schema_length=None).with_columns(
        pl.col("department", "district").cast(pl.String)
    )


def test_published_mp_example_reproduces() -> None:
    # Morena: 60 × 93.4333/100 = 56.06; 20 × 93.9/100 = 18.78; 10 × (1 − 0) = 10; 10 × (1 − 0.4/100) = 9.96
    rows = metric_rows(
        [
            {
                "department": "MORENA",
                "satisfied_closure_pct": 56.06 / 0.6,
                "long_pending_disposal_pct": 93.9,
                "non_attended_pct": 0.4,
            }
        ]
    )
    got = score(rows, MP).row(0, named=True)
    assert got["points_satisfied_closure"] == pytest.approx(56.06)
    assert got["points_long_pending_disposal"] == pytest.approx(18.78)
    assert got["points_no_force_close"] == pytest.approx(10.0)
    assert got["points_attended_in_time"] == pytest.approx(9.96)
    assert got["score"] == 94.8
    assert got["grade"] == "A"


@pytest.mark.parametrize(
    ("sat", "expected_score", "expected_grade"),
    [
        # score = 60 × sat/100 + 20 + 10 + 10 (the other components at full marks)
        (100.0, 100.0, "A"),
        (200 / 3, 80.0, "A"),  # exactly on the A boundary
        (66.65, 79.99, "B"),
        (50.0, 70.0, "B"),
        (50 - 1 / 60, 69.99, "C"),
        (100 / 3, 60.0, "C"),
        (100 / 3 - 0.02, 59.99, "D"),  # 59.988 rounds to 59.99
        (0.0, 40.0, "D"),
    ],
)
def test_grade_bands(sat: float, expected_score: float, expected_grade: str) -> None:
    rows = metric_rows([{"department": "D", "satisfied_closure_pct": sat}])
    got = score(rows, MP).row(0, named=True)
    assert (got["score"], got["grade"]) == (pytest.approx(expected_score), expected_grade)


@pytest.mark.parametrize(
    ("mode", "points", "expected"),
    [
        # sat 50 → 30 points; force and attended 10 each; long-pending (20) has no data.
        ("reweight", None, 62.5),  # (30 + 10 + 10) / 80 × 100 = 62.5
        ("zero", 0.0, 50.0),  # 30 + 0 + 10 + 10
        ("full", 20.0, 70.0),  # 30 + 20 + 10 + 10
    ],
)
def test_missing_component_reweight_zero_or_full(
    tmp_path: Path, mode: str, points: float | None, expected: float
) -> None:
    rows = metric_rows([{"department": "D", "long_pending_disposal_pct": None}])
    custom = tmp_path / f"{mode}.toml"
    custom.write_text(
        MP.path.read_text(encoding="utf-8").replace('missing = "reweight"', f'missing = "{mode}"'), encoding="utf-8"
    )
    got = score(rows, schemes.load(custom)).row(0, named=True)
    assert (got["points_long_pending_disposal"], got["score"]) == (points, expected)


def test_too_little_data_gives_no_score_and_no_rank() -> None:
    # Only satisfied closure (60 of 100) has data → graded; only force (10) and attended (10) → 20 < 50: none.
    rows = metric_rows(
        [
            {
                "department": "SOME",
                "long_pending_disposal_pct": None,
                "force_close_pct": None,
                "non_attended_pct": None,
            },
            {"department": "NONE", "satisfied_closure_pct": None, "long_pending_disposal_pct": None},
        ]
    )
    out = grade(rows, MP)
    some, none = (out.filter(pl.col("department") == d).row(0, named=True) for d in ("SOME", "NONE"))
    assert (some["score"], some["grade"], some["rank"], some["not_graded"]) == (
        50.0,
        "D",
        1,
        None,
    )  # 30 / 60 × 100 = 50: D (below 60)
    assert (none["score"], none["grade"], none["rank"], none["not_graded"]) == (None, None, None, "too_little_data")


def test_competition_ranking_ties_and_minimum_cases() -> None:
    # sat 100 → 100; 90 → 94; 90 → 94; 50 → 70; tiny has 4 received (< 5): listed, not ranked
    rows = metric_rows(
        [
            {"department": "TOP", "satisfied_closure_pct": 100.0, "closed_satisfied": 100},
            {"department": "TIE1", "satisfied_closure_pct": 90.0, "closed_satisfied": 90},
            {"department": "TIE2", "satisfied_closure_pct": 90.0, "closed_satisfied": 90},
            {"department": "LOW", "satisfied_closure_pct": 50.0},
            {"department": "TINY", "received": 4, "closed_satisfied": 4, "satisfied_closure_pct": 100.0},
        ]
    )
    out = grade(rows, MP)
    ranks = dict(zip(out["department"], out["rank"], strict=True))
    assert ranks == {"TOP": 1, "TIE1": 2, "TIE2": 2, "LOW": 4, "TINY": None}
    tiny = out.filter(pl.col("department") == "TINY").row(0, named=True)
    # listed without score or grade: 4 complaints at 100 % must never read as "A"
    assert (tiny["is_ranked"], tiny["score"], tiny["grade"], tiny["not_graded"]) == (
        False,
        None,
        None,
        "few_complaints",
    )
    assert out["department"].to_list()[-1] == "TINY"  # unranked listed last


def test_every_month_ranks_each_eligible_entity_exactly_once() -> None:
    rows = []
    for m in (1, 2, 3):
        for i, d in enumerate("ABCDEF"):
            rows.append(
                {
                    "department": d,
                    "month": date(2024, m, 1),
                    "satisfied_closure_pct": float((i * 7 + m * 13) % 100),
                    "received": 3 if d == "F" else 100,
                }
            )
    out = grade(metric_rows(rows), MP)
    for _, month in out.group_by("month"):
        ranked = month.filter("is_ranked")
        assert sorted(ranked["department"].to_list()) == list("ABCDE")
        assert ranked["rank"].min() == 1
        assert ranked["rank"].null_count() == 0


def test_rank_change_and_streaks() -> None:
    # Jan: A 1st, B 2nd; Feb: A 1st, B 2nd; Mar: B 1st, A 2nd; May (April missing): A 1st.
    def month(m: int, a: float, b: float) -> list[dict[str, object]]:
        return [
            {"department": "A", "month": date(2024, m, 1), "satisfied_closure_pct": a},
            {"department": "B", "month": date(2024, m, 1), "satisfied_closure_pct": b},
        ]

    rows = metric_rows(month(1, 100, 60) + month(2, 100, 60) + month(3, 70, 100) + month(5, 100, 60))
    out = grade(rows, MP).sort("department", "month")
    a = out.filter(pl.col("department") == "A")
    b = out.filter(pl.col("department") == "B")
    assert a["streak_rank_1"].to_list() == [1, 2, 0, 1]  # April missing breaks the run
    assert a["rank_change"].to_list() == [None, 0, -1, None]  # climbed = positive; no April rank
    assert b["rank_change"].to_list() == [None, 0, 1, None]
    # grade A (≥ 80): A scores 100, 100, 82, 100; B scores 76, 76, 100, 76
    assert a["streak_top_grade"].to_list() == [1, 2, 3, 1]
    assert b["streak_top_grade"].to_list() == [0, 0, 1, 0]


def test_volume_groups_rank_districts_inside_groups(tmp_path: Path) -> None:
    two = tmp_path / "two.toml"
    two.write_text(MP.path.read_text(encoding="utf-8").replace("top_n = 26", "top_n = 2"), encoding="utf-8")
    rows = metric_rows(
        [
            {"district": "BIG1", "received": 900, "satisfied_closure_pct": 60.0},
            {"district": "BIG2", "received": 800, "satisfied_closure_pct": 70.0},
            {"district": "SMALL1", "received": 100, "satisfied_closure_pct": 90.0},
            {"district": "SMALL2", "received": 50, "satisfied_closure_pct": 80.0},
        ],
        entity_type="district",
    )
    out = grade(rows, schemes.load(two))
    got = {r["district"]: (r["rank"], r["volume_group"], r["group_rank"]) for r in out.iter_rows(named=True)}
    assert got == {"SMALL1": (1, 2, 1), "SMALL2": (2, 2, 2), "BIG2": (3, 1, 1), "BIG1": (4, 1, 2)}


def test_department_within_district_ranked_inside_its_district() -> None:
    rows = metric_rows(
        [
            {"department": "A", "district": "X", "satisfied_closure_pct": 90.0},
            {"department": "B", "district": "X", "satisfied_closure_pct": 80.0},
            {"department": "A", "district": "Y", "satisfied_closure_pct": 10.0},
        ],
        entity_type="department_district",
    )
    out = grade(rows, MP)
    got = {(r["department"], r["district"]): r["rank"] for r in out.iter_rows(named=True)}
    assert got == {("A", "X"): 1, ("B", "X"): 2, ("A", "Y"): 1}


def test_cpgrams_and_up_schemes_score_by_hand() -> None:
    rows = metric_rows(
        [
            {
                "department": "D",
                "on_time_closure_pct": 80.0,
                "overdue_pending_pct": 10.0,
                "satisfaction_pct": 75.0,
                "reopen_pct": 20.0,
                "force_close_pct": 5.0,
            }
        ]
    )
    # CPGRAMS: 30 × 0.8 + 10 × 0.9 + 30 × 0.75 + 20 × 0.75 + 10 × 0.8 = 24 + 9 + 22.5 + 15 + 8 = 78.5 → B
    cp = score(rows, schemes.load("cpgrams-gri")).row(0, named=True)
    assert (cp["score"], cp["grade"]) == (78.5, "B")
    # UP: 40 × 0.8 + 40 × 0.75 + 30 × 0.9 + 30 × 0.95 = 32 + 30 + 27 + 28.5 = 117.5 of 140 → A (≥ 112)
    up = score(rows, schemes.load("up-igrs-points")).row(0, named=True)
    assert (up["score"], up["grade"]) == (117.5, "A")


def test_city_311_reads_median_days_to_close_against_its_target() -> None:
    city = schemes.load("city-311")
    common = {"on_time_closure_pct": 80.0, "overdue_pending_pct": 10.0}
    rows = metric_rows(
        [
            {"department": "SLOW", **common, "resolution_days_median": 6.0},
            {"department": "FAST", **common, "resolution_days_median": 1.5},
            {"department": "NONE", **common},  # nothing closed: no median
        ]
    )
    got = {r["department"]: r for r in score(rows, city).iter_rows(named=True)}
    # Nobody has reopening data: that component (10) is left out for everyone, the rest scaled to 100/90.
    # SLOW: 50 × 0.8 + 25 × 0.9 + 15 × min(1, 3 ÷ 6) = 40 + 22.5 + 7.5 = 70 → 70 × 100/90 = 77.78 → B
    # FAST: 40 + 22.5 + 15 × min(1, 3 ÷ 1.5) = 77.5 → 86.11 → A
    # NONE: 40 + 22.5 with 75 of 90 points' data → 62.5 × 100/75 = 83.33 → A (no free points for the median)
    assert {d: (r["points_close_fast"], r["score"], r["grade"]) for d, r in got.items()} == {
        "SLOW": (7.5, 77.78, "B"),
        "FAST": (15.0, 86.11, "A"),
        "NONE": (None, 83.33, "A"),
    }


@pytest.mark.parametrize(
    ("component", "message"),
    [
        (
            'metric = "resolution_days_median"\ndirection = "lower"',
            "resolution_days_median is in days: give target_days",
        ),
        (
            'metric = "resolution_days_median"\ndirection = "higher"\ntarget_days = 3',
            "give target_days and direction = 'lower'",
        ),
        ('metric = "on_time_closure_pct"\ndirection = "higher"\ntarget_days = 3', "only a days metric has a target"),
    ],
)
def test_a_days_component_needs_a_target(tmp_path: Path, component: str, message: str) -> None:
    text = schemes.load("city-311").path.read_text(encoding="utf-8")
    start = text.index('key = "close_fast"')
    end = text.index("reading = true", start)
    bad = tmp_path / "bad.toml"
    bad.write_text(text[:start] + 'key = "close_fast"\nweight = 15\n' + component + "\n" + text[end:], encoding="utf-8")
    with pytest.raises(SchemeError, match=re.escape(message)):
        schemes.load(bad)


def test_a_copied_scheme_with_a_changed_weight_grades_without_code(tmp_path: Path) -> None:
    text = MP.path.read_text(encoding="utf-8")
    custom = tmp_path / "my-state.toml"
    custom.write_text(
        text.replace("weight = 60", "weight = 50").replace("weight = 20", "weight = 30"), encoding="utf-8"
    )
    rows = metric_rows([{"department": "D", "satisfied_closure_pct": 100.0, "long_pending_disposal_pct": 0.0}])
    assert score(rows, MP)["score"][0] == 80.0  # 60 + 0 + 10 + 10
    assert score(rows, schemes.load(custom))["score"][0] == 70.0  # 50 + 0 + 10 + 10


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("weight = 60", "weight = 61"), "weights add up to 101, but max_score is 100"),
        (("weight = 60", 'weight = "sixty"'), "[[components]] #1.weight: expected a positive number"),
        (('metric = "force_close_pct"', 'metric = "force_pct"'), "#3.metric: expected a percentage or days metric"),
        (('metric = "force_close_pct"', 'metric = "closed_force"'), "#3.metric: expected a percentage or days metric"),
        (("min_score = 70", "min_score = 90"), "min_score must fall strictly"),
        (("min_received = 5", "min_receivd = 5"), "[scheme]: unknown key(s) ['min_receivd']"),
        (('direction = "lower"', 'direction = "down"'), "expected 'higher' or 'lower'"),
        (("top_n = 26", "top_n = 0"), "[[volume_groups]] #1.top_n: expected an integer ≥ 1"),
        (('missing = "reweight"', 'missing = "free"'), "[scheme].missing: expected one of"),
        (("[scheme]", "[scheme"), "not valid TOML"),
    ],
)
def test_bad_scheme_files_name_file_and_key(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(MP.path.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    with pytest.raises(SchemeError) as err:
        schemes.load(bad)
    assert str(bad) in str(err.value)
    assert message in str(err.value)


def test_unknown_scheme_name_lists_the_shipped_ones() -> None:
    with pytest.raises(SchemeError, match="mp-cm-helpline"):
        schemes.load("no-such-scheme")


def test_shipped_schemes_load() -> None:
    assert schemes.available() == ["city-311", "cpgrams-gri", "mp-cm-helpline", "up-igrs-points"]
    for name in schemes.available():
        s = schemes.load(name)
        assert sum(c.weight for c in s.components) == s.max_score
