"""Integrity flags on hand-made fixtures: each flag raised where the gaming is, silent on a clean twin.

Month under test: March 2024 (31 days, cut-off 31 Mar 23:59:59.999999). Settings: the shipped
defaults (ratio 2, min_z 3, floors per flag) with ``min_count`` 10 so that fixtures stay small.
"Beyond chance" = count − base × p ≥ 3 × sqrt(base × p × (1 − p)), p the reference share.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from grading.scoring import flags
from grading.scoring.schemes import FlagSettings
from tests.test_cli import run

MARCH = date(2024, 3, 1)
S = FlagSettings(min_count=10)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2024, 3, day, hour)


def raised(frame: pl.DataFrame) -> list[tuple[str, int, int]]:
    return [(r["department"], r["count"], r["base"]) for r in frame.iter_rows(named=True)]


def closures(dept: str, days: list[int]) -> list[dict[str, object]]:
    return [{"department": dept, "district": "X", "closed_at": at(d)} for d in days]


# STEADY closes one a day (31), STEADY2 two a day (62); GAMER 10 on 1-28 Mar and 10 on 30 Mar.
CLEAN_CLOSURES = closures("STEADY", list(range(1, 32))) + closures("STEADY2", [d for d in range(1, 32) for _ in "ab"])
GAMER_CLOSURES = closures("GAMER", [*range(1, 11), *[30] * 10])


def test_closure_spike_raised_on_bulk_closures_before_the_cutoff() -> None:
    # GAMER: 10 of 20 in the last 3 days = 50 %. Own pace on other days: 10 / 28 a day → 3 days = 1.07 of 20
    # = 5.36 %. State: (10 + 3 + 6) / (20 + 31 + 62) = 16.81 %. 50 ≥ 20 (floor), ≥ 2 × 5.36, ≥ 2 × 16.81;
    # beyond chance vs state: 10 − 3.36 = 6.64 ≥ 3 × 1.67 = 5.02; vs own: 10 − 1.07 ≥ 3 × 1.01.
    # STEADY: 3 / 31 = 9.7 % < 20: silent.
    out = flags.closure_spike(pl.DataFrame(CLEAN_CLOSURES + GAMER_CLOSURES), MARCH, "department", S)
    assert raised(out) == [("GAMER", 10, 20)]
    row = out.row(0, named=True)
    assert row["own_pct"] == pytest.approx(10 / 28 * 3 / 20 * 100)
    assert row["state_pct"] == pytest.approx(19 / 113 * 100)
    assert row["sentence"].startswith("10 of 20 closures (50.0%) came in the last 3 days")


def test_closure_spike_silent_on_steady_closures() -> None:
    assert flags.closure_spike(pl.DataFrame(CLEAN_CLOSURES), MARCH, "department", S).is_empty()


def satisfied(dept: str, keys: range) -> list[dict[str, object]]:
    return [
        {
            "complaint_key": k,
            "department": dept,
            "district": "X",
            "registered_at": at(1),
            "category": "CAT",
            "complainant": f"P{k}",
            "closed_at": at(5),
            "close_outcome": "satisfied",
        }
        for k in keys
    ]


def again(key: int, person: int, when: datetime, category: str = "CAT") -> dict[str, object]:
    return {
        "complaint_key": key,
        "department": "BOUNCE",
        "district": "X",
        "registered_at": when,
        "category": category,
        "complainant": f"P{person}",
        "closed_at": None,
        "close_outcome": None,
    }


def test_repeat_after_satisfied_closure_raised() -> None:
    # BOUNCE: 20 closed satisfied on 5 Mar; P1-P6 file the same category again on 10 Mar → 6 of 20 = 30 %.
    # Not repeats: P7 files another category; P8's new complaint came before the closure (1 Mar).
    # FINE: 60 satisfied, none back. State 6 / 80 = 7.5 %: 30 ≥ 10 (floor), ≥ 2 × 7.5; 6 − 1.5 = 4.5 ≥ 3 × 1.18.
    rows = satisfied("BOUNCE", range(1, 21)) + satisfied("FINE", range(21, 81))
    rows += [again(100 + p, p, at(10)) for p in range(1, 7)]
    rows += [again(107, 7, at(10), "OTHER"), again(108, 8, at(1, 9))]
    out = flags.repeat_after_satisfied(pl.DataFrame(rows), MARCH, "department", S)
    assert raised(out) == [("BOUNCE", 6, 20)]
    assert out["state_pct"].to_list() == [pytest.approx(7.5)]


def test_repeat_after_satisfied_silent_without_repeats() -> None:
    rows = satisfied("BOUNCE", range(1, 21)) + satisfied("FINE", range(21, 81))
    rows += [again(107, 7, at(10), "OTHER"), again(108, 8, at(1, 9))]
    assert flags.repeat_after_satisfied(pl.DataFrame(rows), MARCH, "department", S).is_empty()


def monthly(dept: str, month: date, closed: int, forced: int, callback: int | None = None) -> dict[str, object]:
    return {
        "entity_type": "department",
        "department": dept,
        "district": None,
        "month": month,
        "closed": closed,
        "closed_force": forced,
        "closed_special": 0,
        "callback_closed": closed if callback is None else callback,
    }


HISTORY = [date(2023, 9 + i, 1) if i < 4 else date(2024, i - 3, 1) for i in range(6)]  # Sep 2023 - Feb 2024


def test_forced_closures_far_above_own_history() -> None:
    # SPIKY: 3 of 50 forced each month Sep-Feb (own 18 / 300 = 6 %), then 20 of 50 in March = 40 %:
    # ≥ 15 (floor), ≥ 2 × 6, and 20 − 3 = 17 ≥ 3 × 1.68. STABLE: 5 of 100 every month = 5 % < 15: silent.
    rows = [monthly("SPIKY", m, 50, 3) for m in HISTORY] + [monthly("STABLE", m, 100, 5) for m in HISTORY]
    rows += [monthly("SPIKY", MARCH, 50, 20), monthly("STABLE", MARCH, 100, 5)]
    out = flags.forced_closures(pl.DataFrame(rows), MARCH, "department", S)
    assert raised(out) == [("SPIKY", 20, 50)]
    assert out["own_pct"].to_list() == [pytest.approx(6.0)]


def test_forced_closures_far_above_peers_without_history() -> None:
    # NEWBIE has no history: 20 of 40 = 50 %. State (20 + 5 + 25) / (40 + 100 + 500) = 7.81 %:
    # 50 ≥ 3 × 7.81 (peer ratio) and 20 − 3.13 = 16.9 ≥ 3 × 1.70.
    rows = [monthly("NEWBIE", MARCH, 40, 20), monthly("STABLE", MARCH, 100, 5), monthly("BIG", MARCH, 500, 25)]
    out = flags.forced_closures(pl.DataFrame(rows), MARCH, "department", S)
    assert raised(out) == [("NEWBIE", 20, 40)]
    assert out["own_pct"].to_list() == [None]


def test_forced_closures_silent_when_the_share_is_usual() -> None:
    # SPIKY keeps its 6 % in March (3 of 50).
    rows = [monthly("SPIKY", m, 50, 3) for m in [*HISTORY, MARCH]] + [monthly("STABLE", MARCH, 100, 5)]
    assert flags.forced_closures(pl.DataFrame(rows), MARCH, "department", S).is_empty()


@pytest.mark.parametrize(("silent_callbacks", "expected"), [(20, [("SILENT", 20, 40)]), (38, [])])
def test_no_callback(silent_callbacks: int, expected: list[tuple[str, int, int]]) -> None:
    # SILENT: 40 closed, 20 called back → 20 without = 50 %; OTHERS 10 of 200 = 5 %; state 30 / 240 = 12.5 %:
    # 50 ≥ 20 (floor), ≥ 2 × 12.5, 20 − 5 = 15 ≥ 3 × 2.09. Clean twin: 38 called back → 2 of 40 = 5 %.
    rows = [monthly("SILENT", MARCH, 40, 0, silent_callbacks), monthly("OTHERS", MARCH, 200, 0, 190)]
    assert raised(flags.no_callback(pl.DataFrame(rows), MARCH, "department", S)) == expected


def stints(dept: str, hours_taken: list[float]) -> list[dict[str, object]]:
    start = at(2)
    return [
        {
            "department": dept,
            "district": "X",
            "level": 1,
            "started_at": start,
            "ended_at": start + timedelta(hours=h),
            "limit_days": 7,
        }
        for h in hours_taken
    ]


@pytest.mark.parametrize(("brink", "expected"), [(12, [("BRINK", 12, 20)]), (0, [])])
def test_closure_at_limit(brink: int, expected: list[tuple[str, int, int]]) -> None:
    # 7-day limit = 168 h; the last 24 h start at 144 h. BRINK: `brink` of 20 stints end at 164 h, the rest
    # at 48 h, and one more ends late at 200 h (not "within the limit": left out of the base).
    # NORMAL: 60 at 48 h. With 12: 60 %, state 12 / 80 = 15 %; 60 ≥ 25, ≥ 30, 12 − 3 = 9 ≥ 3 × 1.60.
    rows = stints("BRINK", [164.0] * brink + [48.0] * (20 - brink) + [200.0]) + stints("NORMAL", [48.0] * 60)
    assert raised(flags.closure_at_limit(pl.DataFrame(rows), MARCH, "department", S)) == expected


def test_flags_cli_lists_the_planted_gaming_department(demo_db: Path) -> None:
    # The demo's REVENUE department bulk-closes its open complaints in the last 3 days of the last month.
    rows = json.loads(run("flags", "--db", str(demo_db), "--month", "2024-08", "--format", "json"))
    revenue = {r["flag"] for r in rows if r["code"] == "REVENUE"}
    assert {"closure_spike", "no_callback"} <= revenue
    assert all(r["sentence"] and r["count"] <= r["base"] for r in rows)
    districts = pl.read_csv(
        run("flags", "--db", str(demo_db), "--month", "2024-08", "--by", "district", "--format", "csv").encode()
    )
    assert districts.columns == [
        "code",
        "name",
        "flag",
        "sentence",
        "count",
        "base",
        "share_pct",
        "own_pct",
        "state_pct",
    ]
    assert "REVENUE" not in districts["code"].to_list()  # district codes, not departments
    quiet = run("flags", "--db", str(demo_db), "--month", "2024-03")  # the first month: nothing planted
    assert "REVENUE" not in quiet
