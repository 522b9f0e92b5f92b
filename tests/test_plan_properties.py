"""The plan keeps its promises on the demo, for any month and department (hypothesis draws them).

- Doing the plan's first work on the month's data (the department's stored counts changed by the work,
  :func:`grading.scoring.plan.apply_work`) and grading the month again with the grading itself
  (:func:`grading.scoring.grade.grade`, ranks and all) moves the published score by the points the plan
  promised, within the rounding of the two published scores.
- The plan's hints agree with that re-grading: the cases it names for the next rank lift the department
  above the next one of its group, one case fewer does not.
- "Why it moved" adds up to the change of the published score, component by component.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading.cli.base import store_scheme
from grading.monthly import results
from grading.scoring import plan
from grading.scoring.grade import grade
from grading.scoring.schemes import Scheme
from grading.store import database

Demo = tuple[Scheme, pl.DataFrame, pl.DataFrame]  # scheme, graded department rows, stored metric rows


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> Demo:
    con = database.connect_readonly(demo_db)
    try:
        scheme = store_scheme(con, None)
        graded = results.graded(con, scheme, "department")
        stored = database.read_monthly_metrics(con, "department")
    finally:
        con.close()
    return scheme, graded, stored


def _regraded(demo: Demo, month: date, department: str, metric: str, cases: int) -> pl.DataFrame:
    """The stored months up to ``month`` with the work done on ``month``'s data, graded again."""
    scheme, _, stored = demo
    months = stored.filter(pl.col("month") <= month)
    mine = (pl.col("month") == month) & (pl.col("department") == department)
    changed = plan.apply_work(months.filter(mine), metric, pl.lit(cases))
    again = pl.concat([months.filter(~mine), changed.select(months.columns)], how="vertical_relaxed")
    return grade(again, scheme).filter(pl.col("month") == month)


def _score(rows: pl.DataFrame, department: str) -> float:
    return float(rows.filter(pl.col("department") == department)["score"].item())


DRAWS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _draw(demo: Demo, data: st.DataObject) -> tuple[date, pl.DataFrame, str]:
    """A month of the demo, its graded department rows and one of its ranked departments."""
    graded = demo[1]
    month = data.draw(st.sampled_from(sorted(set(graded["month"]))), label="month")
    ranked = graded.filter(pl.col("month") == month)
    department = data.draw(st.sampled_from(sorted(ranked.filter("is_ranked")["department"])), label="department")
    return month, ranked, department


@DRAWS
@given(data=st.data())
def test_doing_the_first_work_moves_the_score_by_the_promised_points(demo: Demo, data: st.DataObject) -> None:
    scheme = demo[0]
    month, ranked, department = _draw(demo, data)
    rows = plan.department_plan(ranked, scheme, department)
    work = rows.filter(pl.col("cases") > 0).head(1)
    if work.is_empty():  # level with the best on every component: nothing to do, and the plan says so
        assert set(rows["work_en"]) <= {
            plan.work_sentence("", 0, 0.0, 50, "en"),
            plan.work_sentence("", 0, None, 50, "en"),
        }
        return
    first = work.row(0, named=True)
    promised = first["gain_median"] if first["cases_median"] > 0 else first["gain_best"]
    after = _regraded(demo, month, department, first["metric"], first["cases"])
    moved = _score(after, department) - _score(ranked, department)
    assert moved == pytest.approx(promised, abs=0.0101), first["work_en"]  # two published scores, 2 decimals


@DRAWS
@given(data=st.data())
def test_the_cases_for_the_next_rank_are_the_fewest_that_pass(demo: Demo, data: st.DataObject) -> None:
    scheme = demo[0]
    month, ranked, department = _draw(demo, data)
    mine = pl.col("department") == department
    now = plan.contributions(ranked, scheme)
    me = now.filter(mine).row(0, named=True)
    group = now.filter(pl.col("is_ranked"), pl.col("volume_group").eq_missing(me["volume_group"]))
    above = group.filter(pl.col("score_unrounded") > me["score_unrounded"])["score_unrounded"].min()
    rows = plan.department_plan(ranked, scheme, department).filter(pl.col("cases_next_rank").is_not_null())
    for work in rows.iter_rows(named=True):
        n = work["cases_next_rank"]
        passed, short = (
            plan.contributions(_regraded(demo, month, department, work["metric"], k), scheme) for k in (n, n - 1)
        )
        assert passed.filter(mine)["score_unrounded"].item() > above
        assert short.filter(mine)["score_unrounded"].item() <= above


@DRAWS
@given(data=st.data())
def test_why_it_moved_adds_up_to_the_change_of_the_published_score(demo: Demo, data: st.DataObject) -> None:
    scheme, graded, _ = demo
    months = sorted(set(graded["month"]))
    k = data.draw(st.integers(1, len(months) - 1), label="month index")
    both = graded.filter(pl.col("month").is_in(months[k - 1 : k + 1]), pl.col("score").is_not_null())
    pairs = both.group_by("department").len().filter(pl.col("len") == 2)["department"].sort()
    department = data.draw(st.sampled_from(pairs.to_list()), label="department")
    before, now = both.filter(pl.col("department") == department).sort("month").iter_rows(named=True)
    got = plan.why_moved(before, now, scheme)
    total = got.filter(pl.col("key") == "total")["change_shown"].item()
    assert total == pytest.approx(round(now["score"] - before["score"], 2), abs=1e-9)
    assert got.filter(pl.col("key") != "total")["change_shown"].sum() == pytest.approx(total, abs=1e-9)
