"""What one store's data can show: the month the dashboard opens on, the measures its records hold,
why a month's list has no graded entity, and whether its names have a Hindi form.

Pure rules on frames (no database); :mod:`grading.serve.public` and :mod:`ui.data` apply them to a
store (its public statewide totals, its public history, its reference tables).

- **Default month**: the latest month in which at least one department is graded (received at least
  the scheme's minimum, with enough of the score having data, not unassigned); when no month has
  one, the latest month with data. A stray late closing months after a 311 extract ends makes a
  month with data but nothing to grade; the dashboard does not open on it.
- **Measures**: a measure that counts what a record kind holds (call-backs and their answers,
  escalations to higher levels, reopenings, force closures) is shown only when the store holds at
  least one record of that kind (:data:`EVIDENCE`: the monthly columns whose total says so); every
  other measure always. A scheme component whose measure the data lack is left out of the score
  anyway (:mod:`grading.scoring.grade`), so its column is left out of the tables too. Levels (L1–L5
  breakdowns, a case's level, escalations) need escalation records; the department's lists of
  dissatisfied, reopened and force-closed complaints need their own kinds (:data:`OUTCOME_NEEDS`).
- **What a page leads with**: the *lead measure* is the scheme's first component measured in percent
  that the store shows (Madhya Pradesh's scheme: satisfied closures; ``city-311``: closed by the
  promised time), else SLA compliance. The headline figures are received, closed, the lead measure,
  SLA compliance and pending over 50 days; the overall trends the lead measure, SLA compliance,
  satisfaction and force closures; each only where the store shows it.
- **Hindi names**: a store's names have a Hindi form when some department or district has a Hindi
  name that is not empty and not the same as its English name (codes registered from the data take
  the code as both names).
"""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from grading.model.registry import METRICS
from grading.scoring.schemes import Scheme

#: Record kinds, and the monthly columns (any entity type, summed over every month) whose total is
#: above zero when the store holds records of that kind.
EVIDENCE: Final[dict[str, tuple[str, ...]]] = {
    "callback": (
        "feedback_satisfied",
        "feedback_dissatisfied",
        "feedback_unreachable",
        "callback_closed",
        "closed_satisfied_in_month",
    ),
    "level": ("reached_l2",),
    "reopen": ("reopened",),
    "force": ("closed_force",),
}

#: Measures that count one record kind (the others count what every store has: received, closed,
#: time limits, pending ages).
NEEDS: Final[dict[str, str]] = {
    **dict.fromkeys(
        (
            "closed_satisfied",
            "satisfied_closure_pct",
            "closed_satisfied_in_month",
            "feedback_satisfied",
            "feedback_dissatisfied",
            "feedback_unreachable",
            "feedback_rated",
            "satisfaction_pct",
            "callback_closed",
            "callback_coverage_pct",
            "long_pending_closed",
            "long_pending_disposal_pct",
        ),
        "callback",
    ),
    **dict.fromkeys(
        ("reached_l2", "reached_l3", "reached_l4", "reached_l2_pct", "reached_l3_pct", "reached_l4_pct"), "level"
    ),
    **dict.fromkeys(("reopened", "reopen_pct"), "reopen"),
    **dict.fromkeys(("closed_force", "force_close_pct"), "force"),
}


#: The department page's lists of the month's complaints to look at (:data:`grading.scoring.plan.OUTCOMES`),
#: each by the record kind it lists.
OUTCOME_NEEDS: Final[dict[str, str]] = {"dissatisfied": "callback", "reopened": "reopen", "force_closed": "force"}


def recorded(metrics: pl.DataFrame) -> frozenset[str]:
    """The record kinds (:data:`EVIDENCE`) a store holds, from its monthly metrics (any rows, any months)."""
    found = set()
    for kind, columns in EVIDENCE.items():
        present = [c for c in columns if c in metrics.columns]
        if present and metrics.select(pl.sum_horizontal(pl.col(present).fill_null(0).sum())).item() > 0:
            found.add(kind)
    return frozenset(found)


def shows(metric: str, kinds: frozenset[str]) -> bool:
    """Whether a store holding ``kinds`` of records shows ``metric`` (see the module rules)."""
    need = NEEDS.get(metric)
    return need is None or need in kinds


def shown(metrics: list[str], kinds: frozenset[str]) -> list[str]:
    """``metrics`` (order kept) without the ones a store holding ``kinds`` has no records for."""
    return [m for m in metrics if shows(m, kinds)]


def has_levels(kinds: frozenset[str]) -> bool:
    """Whether a store holding ``kinds`` shows levels: breakdowns by level (L1–L5), a case's level
    and days at it, escalations in a review (a store whose complaints never leave L1 has none)."""
    return "level" in kinds


def outcome_kinds(kinds: frozenset[str]) -> list[str]:
    """The department page's outcome lists a store holding ``kinds`` shows (:data:`OUTCOME_NEEDS`)."""
    return [k for k, need in OUTCOME_NEEDS.items() if need in kinds]


def lead_metric(scheme: Scheme, kinds: frozenset[str]) -> str:
    """The percentage a page leads with for a store holding ``kinds`` (see the module rules)."""
    percent = [c.metric for c in scheme.components if METRICS[c.metric].unit == "pct" and shows(c.metric, kinds)]
    return percent[0] if percent else "sla_compliance_pct"


def headline_metrics(scheme: Scheme, kinds: frozenset[str]) -> list[str]:
    """The public page's headline figures for a store holding ``kinds`` (see the module rules)."""
    wanted = ["received", "closed", lead_metric(scheme, kinds), "sla_compliance_pct", "pending_over_50"]
    return shown(list(dict.fromkeys(wanted)), kinds)


def trend_metrics(scheme: Scheme, kinds: frozenset[str]) -> list[str]:
    """The overall trends' measures for a store holding ``kinds`` (see the module rules)."""
    wanted = [lead_metric(scheme, kinds), "sla_compliance_pct", "satisfaction_pct", "force_close_pct"]
    return shown(list(dict.fromkeys(wanted)), kinds)


def default_month(graded: pl.DataFrame) -> date | None:
    """The month the dashboard opens on: the latest month of ``graded`` (graded rows of one entity
    type, every month) in which at least one entity is graded (``is_ranked``), else the latest month
    of ``graded``; None when it is empty."""
    if graded.is_empty():
        return None
    ranked = graded.filter(pl.col("is_ranked"))
    chosen = (ranked if ranked.height else graded)["month"].max()
    return chosen if isinstance(chosen, date) else None


#: Why no entity of a month's list is graded, in the order the sentence prefers when several apply.
NONE_GRADED: Final = ("no_data", "few_complaints", "too_little_data", "unassigned")


def why_none_graded(rows: pl.DataFrame) -> str | None:
    """Why no entity of ``rows`` (one month's graded rows of one entity type) is graded, one of
    :data:`NONE_GRADED`; None when at least one is. Several reasons: the one most of the entities
    share (ties: the order of :data:`NONE_GRADED`)."""
    if rows.is_empty() or "is_ranked" not in rows.columns:
        return "no_data"
    if rows["is_ranked"].any():
        return None
    counts = dict(rows.group_by("not_graded").len().iter_rows())
    found = [r for r in NONE_GRADED[1:] if counts.get(r)]
    if not found:
        return "few_complaints"
    return max(found, key=lambda r: (counts[r], -NONE_GRADED.index(r)))


def has_hindi_names(*tables: pl.DataFrame) -> bool:
    """Whether any row of ``tables`` (reference tables with ``name_en`` and ``name_hi``) has a Hindi
    name of its own: not empty and not its English name."""
    for table in tables:
        if table.is_empty() or "name_hi" not in table.columns:
            continue
        hindi = pl.col("name_hi").str.strip_chars()
        own = hindi.is_not_null() & (hindi != "") & (hindi != pl.col("name_en").str.strip_chars())
        if table.select(own.fill_null(value=False).any()).item():
            return True
    return False
