"""Page-data functions: scope is enforced in the query, public data are aggregates, totals add up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from grading.access.identity import PUBLIC, AccessDeniedError, Identity
from grading.scoring import schemes
from grading.serve import public, views
from grading.store import database

AUG = date(2024, 8, 1)
MP = schemes.load()
ADMIN = Identity("admin", "admin")
INDORE = Identity("c.indore", "collector", districts=("INDORE",))
TWO = Identity("c.two", "collector", districts=("INDORE", "BHOPAL"))
ENERGY = Identity("h.energy", "department_head", departments=("ENERGY",))


@pytest.fixture
def con(demo_db: Path):  # type: ignore[no-untyped-def]
    c = database.connect_readonly(demo_db)
    yield c
    c.close()


def test_pending_cases_stay_inside_the_district_scope(con) -> None:  # type: ignore[no-untyped-def]
    everything = views.pending_cases(con, AUG, ADMIN)
    indore = views.pending_cases(con, AUG, INDORE)
    assert indore.height > 0
    assert set(indore["district"]) == {"INDORE"}
    assert indore.height == everything.filter(pl.col("district") == "INDORE").height
    # A collector of two districts may narrow to one of them, and sees both without narrowing.
    assert views.pending_cases(con, AUG, TWO, district="INDORE").equals(indore)
    assert set(views.pending_cases(con, AUG, TWO)["district"]) == {"INDORE", "BHOPAL"}


def test_a_collector_cannot_widen_the_scope(con) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AccessDeniedError, match="may not see district BHOPAL"):
        views.pending_cases(con, AUG, INDORE, district="BHOPAL")
    energy_in_indore = views.pending_cases(con, AUG, INDORE, department="ENERGY")  # narrows, keeps the district
    assert energy_in_indore.height > 0
    assert set(energy_in_indore["district"]) == {"INDORE"}
    assert set(energy_in_indore["department"]) == {"ENERGY"}
    case = views.pending_cases(con, AUG, ADMIN, district="BHOPAL")["complaint_id"][0]
    assert views.case_timeline(con, case, INDORE).is_empty()
    with pytest.raises(AccessDeniedError):
        views.case_timeline(con, case, INDORE, district="BHOPAL")


def test_the_public_gets_no_case_list(con) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AccessDeniedError):
        views.pending_cases(con, AUG, PUBLIC)
    with pytest.raises(AccessDeniedError):
        views.case_timeline(con, "anything", PUBLIC)


def test_pending_cases_stay_inside_the_department_scope(con) -> None:  # type: ignore[no-untyped-def]
    energy = views.pending_cases(con, AUG, ENERGY)
    assert energy.height > 0
    assert set(energy["department"]) == {"ENERGY"}
    with pytest.raises(AccessDeniedError, match="may not see department REVENUE"):
        views.pending_cases(con, AUG, ENERGY, department="REVENUE")
    # Narrowing by district stays inside the department.
    assert set(views.pending_cases(con, AUG, ENERGY, district="INDORE")["department"]) <= {"ENERGY"}


def test_case_list_matches_the_pending_metric(con) -> None:  # type: ignore[no-untyped-def]
    # At the month's cut-off the case list and monthly_metrics count the same open complaints
    # (the metric leaves habitual complainants' complaints out of the grading; the list keeps them).
    cases = views.pending_cases(con, AUG, ADMIN)
    metric = database.read_monthly_metrics(con, "department", [AUG])["pending"].sum()
    habitual_open = cases.height - metric
    assert 0 <= habitual_open < cases.height * 0.05
    assert (cases["age_days"] >= 0).all()
    assert (cases.filter("is_overdue")["days_to_due"] <= 0).all()  # whole days: due today is 0
    assert (cases.filter("due_soon")["days_to_due"].is_between(0, 2)).all()


def test_a_case_timeline_outside_the_scope_is_empty(con) -> None:  # type: ignore[no-untyped-def]
    case = views.pending_cases(con, AUG, INDORE)["complaint_id"][0]
    inside = views.case_timeline(con, case, INDORE)
    assert inside.height >= 1
    assert inside["event"][0] == "registered"
    assert views.case_timeline(con, case, Identity("b", "collector", districts=("BHOPAL",))).is_empty()


def test_small_cells_are_suppressed_in_the_public_grid(con) -> None:  # type: ignore[no-untyped-def]
    grid = public.cells(con, MP, AUG, "satisfied_closure_pct")
    hidden = grid.filter("suppressed")
    assert hidden.height > 0
    assert hidden["received"].null_count() == hidden.height
    assert hidden["value"].null_count() == hidden.height
    assert (grid.filter(~pl.col("suppressed"))["received"] >= MP.suppress_below).all()
    assert "complaint_id" not in grid.columns


def test_state_headline_adds_up_the_departments(con) -> None:  # type: ignore[no-untyped-def]
    head = views.state_headline(con, MP, AUG)
    assert head["month"].to_list() == [date(2024, 7, 1), AUG]
    departments = database.read_monthly_metrics(con, "department", [AUG])
    now = head.filter(pl.col("month") == AUG).row(0, named=True)
    assert now["received"] == departments["received"].sum()
    assert now["satisfied_closure_pct"] == pytest.approx(
        departments["closed_satisfied"].sum() / departments["received"].sum() * 100
    )


def test_component_comparison_has_every_component(con) -> None:  # type: ignore[no-untyped-def]
    comp = views.component_comparison(con, MP, "ENERGY", AUG)
    assert comp["key"].to_list() == [c.key for c in MP.components]
    assert (comp["best"] >= comp["state_median"]).all()
    assert (comp["points"] <= comp["best"]).all()


def test_public_ranking_rows_with_under_5_complaints_show_no_figures(con) -> None:  # type: ignore[no-untyped-def]
    full = views.ranking(con, MP, "department", AUG)
    shown = public.ranking(con, MP, "department", AUG)
    small = shown.filter("suppressed")
    # The demo has no complementary department at this scale: every hidden row is a small one.
    assert small.height == full.filter(pl.col("received") < MP.suppress_below).height > 0
    assert set(small["suppressed_reason"]) == {"small"}
    for column in ("received", "closed_satisfied", "satisfied_closure_pct", "score", "grade"):
        assert small[column].null_count() == small.height, column
    # The trend keeps the months the row was public; this month's score is missing from it.
    assert small["trend"].list.last().null_count() == small.height
    assert small["department_name"].null_count() == 0  # still listed, by name
    assert not small["is_ranked"].any()
    # A shown row keeps every figure except those its markers name (a count of 1-4 inside it, or a
    # figure computed from one: grading/scoring/suppress.py), which are empty.
    big = shown.filter(~pl.col("suppressed"))
    ref = full.filter(pl.col("received") >= MP.suppress_below)
    assert big["department"].to_list() == ref["department"].to_list()
    for row, want in zip(big.iter_rows(named=True), ref.iter_rows(named=True), strict=True):
        named = set(f"{row['small_figures'] or ''} {row['hidden_figures'] or ''}".split())
        for column, value in want.items():
            if column in named:
                assert row[column] is None, (row["department"], column)
            elif column in row:
                assert row[column] == value, (row["department"], column)


def test_streaks_and_flags_for_the_public_pages(demo_db: Path) -> None:
    con = database.connect_readonly(demo_db)
    try:
        scheme = schemes.load("mp-cm-helpline")
        rows = views.streaks(con, scheme, "department", date(2024, 8, 1))
        flagged = views.integrity_flags(con, scheme, date(2024, 8, 1))
    finally:
        con.close()
    assert rows.height > 0
    assert ((rows["streak_rank_1"] > 0) | (rows["streak_top_grade"] > 0)).all()
    assert rows["department_name"].null_count() == 0
    leaders = rows.filter(pl.col("streak_rank_1") > 0)
    assert (leaders["published_rank"] == 1).all()
    assert "Revenue" in flagged.filter(pl.col("flag") == "closure_spike")["department_name"].to_list()
