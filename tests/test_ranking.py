"""Ranking rules nobody can game or misread: no free points for inactivity, volume groups for
departments, rank reliability, 16-month streaks and scheme versions by effective month."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from grading.rules.derive import derive
from grading.scoring import schemes
from grading.scoring.grade import grade, rank_text, streaks
from grading.scoring.metrics import month_metrics
from tests.conftest import CATEGORIES, ev, frame, reg
from tests.test_grading import metric_rows

MARCH = date(2024, 3, 1)


def active_and_idle_log() -> list[dict[str, object]]:
    """ACTIVE: 6 complaints in early March, each attended, resolved, called back and closed satisfied in
    3 days. IDLE: 6 complaints registered 28-30 March, nothing done (not yet past the 7-day limit)."""
    rows: list[dict[str, object]] = []
    for i in range(6):
        cid, day = f"A{i}", 1 + i
        rows += [
            reg(cid, f"2024-03-{day:02d} 10:00", department="ACTIVE"),
            ev(cid, f"2024-03-{day + 1:02d} 10:00", "attended", level="L1"),
            ev(cid, f"2024-03-{day + 2:02d} 10:00", "resolved", level="L1"),
            ev(cid, f"2024-03-{day + 3:02d} 10:00", "feedback", outcome="satisfied"),
            ev(cid, f"2024-03-{day + 3:02d} 10:05", "closed", outcome="satisfied"),
        ]
        rows.append(reg(f"I{i}", f"2024-03-{28 + i % 3:02d} 10:00", department="IDLE"))
    return rows


@pytest.mark.parametrize(
    ("scheme_name", "idle_score"),
    [
        # IDLE: received 6, closed 0, no call-backs, nothing overdue, long-pending 100 (nothing long pending).
        # MP: satisfied 0/60 + long-pending 20 + attended 10 = 30 over 90 with data (force: no closures)
        #     → 30 / 90 × 100 = 33.33, grade D. (Full marks for missing data gave 40.)
        ("mp-cm-helpline", 33.33),
        # CPGRAMS: disposed in time 0 (nothing disposed: missing = "zero"), not pending beyond 10;
        #     feedback (50) and reopen (10) have no data → 40 of 100 with data < 50 %: no score.
        #     (Full marks for missing data gave 30 + 10 + 30 + 20 + 10 = 100: a tie with ACTIVE.)
        ("cpgrams-gri", None),
        # UP: disposal 0 of 40 (zero), no overdue 30 of 30; feedback and quality no data
        #     → 70 of 140 with data (50 %) → 30 / 70 × 140 = 60.00. (Full marks gave 140.)
        ("up-igrs-points", 60.0),
    ],
)
def test_an_idle_department_ranks_below_an_active_one(scheme_name: str, idle_score: float | None) -> None:
    scheme = schemes.load(scheme_name)
    metrics = month_metrics(
        derive(frame(active_and_idle_log()), CATEGORIES, default_limit_days=7), MARCH, scheme.metric_settings
    )
    out = grade(metrics.filter(pl.col("entity_type") == "department"), scheme)
    got = {r["department"]: r for r in out.iter_rows(named=True)}
    active, idle = got["ACTIVE"], got["IDLE"]
    assert active["score"] == scheme.max_score  # everything closed satisfied on time
    assert active["rank"] == 1
    assert idle["score"] == idle_score
    assert idle["rank"] is None or idle["rank"] > active["rank"]
    assert out["department"].to_list().index("IDLE") > out["department"].to_list().index("ACTIVE")
    if idle_score is None:
        assert (idle["grade"], idle["not_graded"]) == (None, "too_little_data")


def test_a_department_with_nothing_received_gets_no_grade() -> None:
    # OLD was registered in February and force-closed in March: March has 0 received for OLD.
    rows = [reg("O1", "2024-02-10 10:00", department="OLD"), ev("O1", "2024-03-05 10:00", "closed", outcome="force")]
    metrics = month_metrics(derive(frame(rows), CATEGORIES, default_limit_days=7), MARCH)
    out = grade(metrics.filter(pl.col("entity_type") == "department"), schemes.load("mp-cm-helpline"))
    old = out.row(0, named=True)
    assert (old["received"], old["grade"], old["score"], old["not_graded"]) == (0, None, None, "few_complaints")


def grouped(tmp_path: Path, thresholds: str) -> schemes.Scheme:
    text = schemes.load("cpgrams-gri").path.read_text(encoding="utf-8")
    path = tmp_path / "grouped.toml"
    path.write_text(text.replace("min_received = 1500", f"min_received = {thresholds}"), encoding="utf-8")
    return schemes.load(path)


@pytest.mark.parametrize(
    ("thresholds", "expected"),
    [
        # GRAI: ≥ 1,500 / fewer. Scores: BIG 85 (sat 85), BIG2 95, SMALL 100, SMALL2 90 (feedback only component).
        ("1500", {"SMALL": (1, 2, 1), "BIG2": (2, 1, 1), "SMALL2": (3, 2, 2), "BIG": (4, 1, 2)}),
        # three groups: ≥ 1,500; 100-1,499; fewer than 100
        ("[1500, 100]", {"SMALL": (1, 2, 1), "BIG2": (2, 1, 1), "SMALL2": (3, 3, 1), "BIG": (4, 1, 2)}),
    ],
)
def test_departments_ranked_inside_volume_groups(
    tmp_path: Path, thresholds: str, expected: dict[str, tuple[int, int, int]]
) -> None:
    scheme = grouped(tmp_path, thresholds)
    rows = metric_rows(
        [
            {"department": "BIG", "received": 2000, "satisfaction_pct": 85.0},
            {"department": "BIG2", "received": 1600, "satisfaction_pct": 95.0},
            {"department": "SMALL", "received": 100, "satisfaction_pct": 100.0},
            {"department": "SMALL2", "received": 30, "satisfaction_pct": 90.0},
        ]
    )
    # only the two satisfaction components (50 of 100) have data: score = satisfaction %
    out = grade(rows, scheme)
    got = {r["department"]: (r["rank"], r["volume_group"], r["group_rank"]) for r in out.iter_rows(named=True)}
    assert got == expected


def test_shipped_schemes_group_departments() -> None:
    for name in schemes.available():
        assert schemes.load(name).groups_for("department") is not None, name


def test_rank_printed_only_when_no_neighbour_is_within_reach() -> None:
    # Only satisfied closure (60 points, over `received`) carries uncertainty here (tests.test_grading.metric_rows).
    # Wilson half-width at z = 1.96: h(p, n) = z / (1 + z²/n) × sqrt(p(1 − p)/n + z²/(4n²)).
    # A: n 100, p 0.5 → score 70, h = 1.88749 × 0.050951 = 0.096170 → U = 60 h = 5.770
    # B: n 100, p 0.6 → score 76, h = 1.88749 × 0.049960 = 0.094299 → U = 5.658
    # C: n 10,000, p 0.9 → score 94, h = 1.95925 × 0.0030005 = 0.0058787 → U = 0.353
    # B − A = 6 < sqrt(5.770² + 5.658²) = 8.08: neither is surely above the other → both 2-3.
    # C − B = 18 > sqrt(0.353² + 5.658²) = 5.67: C is surely first → printed.
    rows = metric_rows(
        [
            {"department": "A", "received": 100, "satisfied_closure_pct": 50.0},
            {"department": "B", "received": 100, "satisfied_closure_pct": 60.0},
            {"department": "C", "received": 10_000, "satisfied_closure_pct": 90.0},
        ]
    )
    out = grade(rows, schemes.load("mp-cm-helpline"))
    got = {r["department"]: r for r in out.iter_rows(named=True)}
    assert got["A"]["score_uncertainty"] == pytest.approx(5.770, abs=1e-3)
    assert got["B"]["score_uncertainty"] == pytest.approx(5.658, abs=1e-3)
    assert got["C"]["score_uncertainty"] == pytest.approx(0.3527, abs=1e-3)
    ranges = {d: (r["rank"], r["rank_best"], r["rank_worst"], r["rank_is_reliable"]) for d, r in got.items()}
    assert ranges == {"C": (1, 1, 1, True), "B": (2, 2, 3, False), "A": (3, 2, 3, False)}
    # The one printed rank: C certain, A and B the range they share.
    assert {d: r["rank_text"] for d, r in got.items()} == {"C": "1", "B": "2–3", "A": "2–3"}
    assert {d: r["rank_position"] for d, r in got.items()} == {"C": 1, "B": 2, "A": 3}


def test_a_change_and_a_streak_need_single_printed_ranks() -> None:
    # March and May: X 94 and Y 70 from 10,000 complaints each (uncertainty 0.35 and 0.59 points): certain,
    # "1" and "2". April: X 76 (n 100, U 5.658) and Y 70 (n 100, U 5.770), 6 apart < 8.08: both "1–2".
    big, small = 10_000, 100
    months = {
        date(2024, 3, 1): ((big, 90.0), (big, 50.0)),
        date(2024, 4, 1): ((small, 60.0), (small, 50.0)),
        date(2024, 5, 1): ((big, 90.0), (big, 50.0)),
    }
    rows = [
        {"department": dept, "month": month, "received": n, "satisfied_closure_pct": sat}
        for month, pair in months.items()
        for dept, (n, sat) in zip(("X", "Y"), pair, strict=True)
    ]
    out = grade(metric_rows(rows), schemes.load("mp-cm-helpline")).sort("department", "month")
    x = out.filter(pl.col("department") == "X")
    y = out.filter(pl.col("department") == "Y")
    assert x["rank_text"].to_list() == ["1", "1–2", "1"]
    assert y["rank_text"].to_list() == ["2", "1–2", "2"]
    # No change is printed next to a range, nor against a month that printed one.
    assert x["rank_change"].to_list() == [None, None, None]
    assert y["rank_change"].to_list() == [None, None, None]
    # "Rank 1 for N months" counts months that printed "1": the range in April breaks it.
    assert x["streak_rank_1"].to_list() == [1, 0, 1]


def test_reliability_z_zero_prints_every_rank(tmp_path: Path) -> None:
    mp = schemes.load("mp-cm-helpline")
    path = tmp_path / "z0.toml"
    path.write_text(mp.path.read_text(encoding="utf-8").replace("reliability_z = 1.96", "reliability_z = 0"), "utf-8")
    rows = metric_rows([{"department": "A", "satisfied_closure_pct": 50.0}, {"department": "B"}])  # a tie at 70
    out = grade(rows, schemes.load(path))
    assert out["rank_is_reliable"].to_list() == [True, True]
    assert out["rank"].to_list() == [1, 1]


def sixteen_months() -> pl.DataFrame:
    """ENERGY tops 15 months running (Jan 2023 - Mar 2024, score 100), then WATER in April 2024.

    ENERGY: sat 100 → 100 (A) for 15 months, sat 50 → 70 (B) in month 16.
    WATER: sat 70 → 82 (A) for 15 months, sat 100 → 100 (A) in month 16.
    SLOW: sat 40 → 64 (C) every month.
    """
    rows = []
    for i in range(16):
        month = date(2023 + i // 12, i % 12 + 1, 1)
        last = i == 15
        for dept, sat in (("ENERGY", 50.0 if last else 100.0), ("WATER", 100.0 if last else 70.0), ("SLOW", 40.0)):
            rows.append({"department": dept, "month": month, "satisfied_closure_pct": sat})
    return grade(metric_rows(rows), schemes.load("mp-cm-helpline"))


def test_streaks_over_a_sixteen_month_history() -> None:
    out = sixteen_months().sort("department", "month")
    energy = out.filter(pl.col("department") == "ENERGY")
    water = out.filter(pl.col("department") == "WATER")
    slow = out.filter(pl.col("department") == "SLOW")
    assert energy["streak_rank_1"].to_list() == [*range(1, 16), 0]
    assert energy["streak_top_grade"].to_list() == [*range(1, 16), 0]
    assert water["streak_rank_1"].to_list() == [0] * 15 + [1]
    assert water["streak_top_grade"].to_list() == list(range(1, 17))
    assert slow["streak_top_grade"].to_list() == [0] * 16
    assert water["rank_change"].to_list() == [None] + [0] * 14 + [1]


def test_streak_table_reads_the_month() -> None:
    graded = sixteen_months()
    march = streaks(graded, date(2024, 3, 1))
    first = march.row(0, named=True)
    assert (first["department"], first["streak_rank_1"], first["streak_top_grade"]) == ("ENERGY", 15, 15)
    april = streaks(graded, date(2024, 4, 1))
    got = {r["department"]: (r["streak_rank_1"], r["streak_top_grade"]) for r in april.iter_rows(named=True)}
    assert got == {"WATER": (1, 16)}  # ENERGY (B) and SLOW (C) hold no streak in April


def test_each_month_graded_under_the_version_in_force(tmp_path: Path) -> None:
    # From 2024-02 the weights change 60/20/10/10 → 50/30/10/10. D every month: sat 100, long-pending 50.
    # Jan (2024.1): 60 + 20 × 0.5 + 10 + 10 = 90.  Feb and Mar (2024.2): 50 + 30 × 0.5 + 10 + 10 = 85.
    base = schemes.load("mp-cm-helpline").path.read_text(encoding="utf-8")
    components = base[base.index("[[components]]") : base.index("[[grades]]")]
    changed = components.replace("[[components]]", "[[versions.components]]")
    changed = changed.replace("weight = 60", "weight = 50").replace("weight = 20", "weight = 30")
    path = tmp_path / "versioned.toml"
    path.write_text(base + '\n[[versions]]\neffective_from = "2024-02"\nversion = "2024.2"\n' + changed, "utf-8")
    scheme = schemes.load(path)
    assert [v.version for v in scheme.all_versions()] == ["2024.1", "2024.2"]
    assert scheme.in_force(date(2024, 1, 1)).version == "2024.1"
    assert scheme.in_force(date(2024, 3, 1)).version == "2024.2"
    rows = metric_rows(
        [
            {
                "department": "D",
                "month": date(2024, m, 1),
                "satisfied_closure_pct": 100.0,
                "long_pending_disposal_pct": 50.0,
            }
            for m in (1, 2, 3)
        ]
    )
    out = grade(rows, scheme).sort("month")
    assert out["score"].to_list() == [90.0, 85.0, 85.0]
    assert out["scheme_version"].to_list() == ["2024.1", "2024.2", "2024.2"]
    assert out["points_long_pending_disposal"].to_list() == [10.0, 15.0, 15.0]


def test_a_version_may_not_change_metric_settings(tmp_path: Path) -> None:
    base = schemes.load("mp-cm-helpline").path.read_text(encoding="utf-8")
    path = tmp_path / "bad.toml"
    path.write_text(
        base + '\n[[versions]]\neffective_from = "2024-02"\nversion = "x"\n[versions.scheme]\nlong_pending_days = 30\n',
        "utf-8",
    )
    with pytest.raises(schemes.SchemeError, match=r"\[\[versions\]\] #1.scheme.long_pending_days: cannot change"):
        schemes.load(path)


def test_the_printed_rank_is_the_group_rank_or_a_range() -> None:
    from ui.widgets import rank_label

    rows = pl.DataFrame(
        {
            "is_ranked": [True, True, False, True],
            "rank": [5, 7, None, 3],
            "group_rank": [2, 3, None, None],
            "rank_best": [2, 2, None, 3],
            "rank_worst": [2, 5, None, 3],
            "rank_is_reliable": [True, False, None, True],
        }
    )
    # The record's rule (grading.scoring.grade.rank_text), and the page's label only formats it.
    assert rows.select(rank_text())["rank_text"].to_list() == ["2", "2–5", None, "3"]
    shown = rows.with_columns(rank_text=rank_text()).select(rank_label().alias("shown"))
    assert shown["shown"].to_list() == ["2", "2–5", "—", "3"]


def test_a_component_nobody_has_data_for_is_left_out_for_everyone() -> None:
    # A 311 export without call-backs: no department has satisfaction or reopen data (60 of CPGRAMS' 100).
    # The month offers 40 points (disposed in time 30, not pending beyond 10), so the floor is 50 % of 40.
    # A: 30 × 0.8 + 10 × 0.9 = 33 of 40 → 82.5.  B: 30 × 0.5 + 10 × 1.0 = 25 of 40 → 62.5.
    rows = metric_rows(
        [
            {"department": "A", "on_time_closure_pct": 80.0, "overdue_pending_pct": 10.0},
            {"department": "B", "on_time_closure_pct": 50.0, "overdue_pending_pct": 0.0},
        ]
    )
    out = grade(rows, schemes.load("cpgrams-gri"))
    assert dict(zip(out["department"], out["score"], strict=True)) == {"A": 82.5, "B": 62.5}
    assert out["rank"].to_list() == [1, 2]
