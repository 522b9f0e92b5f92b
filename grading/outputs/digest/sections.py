"""What a digest says, role by role: a collector's districts, a department head's departments, the
administrator's state, and the meeting decisions carried over.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import duckdb
import polars as pl

from grading.access.identity import Identity
from grading.monthly import results
from grading.outputs.digest.message import Section, link
from grading.outputs.fmt import indian, indian_expr, month_name
from grading.rules.asof import previous_month
from grading.scoring import plan
from grading.scoring.flags import FLAGS, evidence_of
from grading.scoring.schemes import Scheme
from grading.serve import review, views
from grading.store import month_reads
from grading.words import say

#: How many overdue complaints a collector's digest lists by id (the pack holds them all).
LISTED: Final = 10


#: How many of the plan's actions a head's digest names.
ACTIONS: Final = 3


def place_name(con: duckdb.DuckDBPyConnection, kind: str, code: str, lang: str) -> str:
    """A district's or department's name in ``lang`` (its code when the reference data lack it)."""
    other = "department" if kind == "district" else "district"
    names = results.attach_names(con, pl.DataFrame({kind: [code], other: [""]}))
    found = names[f"{kind}_name_hi" if lang == "hi" else f"{kind}_name"][0]
    return str(found) if found else code


def _num(value: object, lang: str) -> str:
    """A count with Indian grouping (12,34,567), the same in either language."""
    del lang
    return indian(float(value)) if isinstance(value, int | float) else str(value)


def collector_sections(
    con: duckdb.DuckDBPyConnection,
    who: Identity,
    district: str,
    day: date,
    *,
    since: date,
    lang: str,
    base_url: str,
    cases: pl.DataFrame | None = None,
    changes: pl.DataFrame | None = None,
) -> tuple[Section, ...]:
    """A collector's sections for one district of their scope (the core refuses any other). ``cases`` and
    ``changes``: the district's :func:`grading.serve.review.cases` and :func:`~grading.serve.review.changes`
    when the caller has read them already (the meeting pack reads the same)."""
    if cases is None:
        cases = review.cases(con, day, who, district=district)
    if changes is None:
        changes = review.changes(con, day, since, who, district=district, now=cases)
    counts = review.change_counts(changes)
    name = place_name(con, "district", district, lang)
    dept = "department_name_hi" if lang == "hi" else "department_name"
    overdue = cases.filter("is_overdue")
    listed = [
        say(
            "digest_case_line",
            lang,
            id=r["complaint_id"],
            department=r[dept] or r["department"],
            level=r["level"],
            days=-int(r["days_to_due"]) if r["days_to_due"] is not None else "",
        )
        for r in overdue.head(LISTED).iter_rows(named=True)
    ]
    if overdue.height > LISTED:
        listed.append(say("digest_more_cases", lang, n=_num(overdue.height - LISTED, lang)))
    return (
        Section(
            name,
            (
                say("digest_collector_intro", lang, district=name, day=f"{day:%d-%m-%Y}", since=f"{since:%d-%m-%Y}"),
                say("digest_pending", lang, n=_num(cases.height, lang)),
                say("digest_overdue", lang, n=_num(overdue.height, lang)),
                say("digest_due_soon", lang, n=_num(int(cases["due_soon"].sum()), lang)),
                say("digest_over_50", lang, n=_num(int(cases["is_over_50"].sum()), lang)),
            ),
        ),
        Section(
            f"{say('digest_since', lang)} ({since:%d-%m-%Y})",
            tuple(f"{say(f'change_{k}', lang)}: {_num(n, lang)}" for k, n in counts.items()),
        ),
        Section(
            say("digest_most_overdue", lang),
            tuple(listed),
            (
                say("digest_open_review", lang),
                link(base_url, "collector", district=district, month=f"{day:%Y-%m}", lang=lang),
            ),
        ),
    )


def decision_section(found: pl.DataFrame, lang: str, heading: str) -> Section:
    """The meeting decisions of :func:`grading.serve.decisions.carried` as one section: one line per
    decision with its status, owner, due day and what it is on (a complaint, a department or the district)."""
    dept = "department_name_hi" if lang == "hi" else "department_name"
    dist = "district_name_hi" if lang == "hi" else "district_name"
    lines = tuple(
        say(
            "digest_decision_line",
            lang,
            status=say(f"decision_{r['status']}", lang),
            what=r["what"],
            owner=r["owner"],
            due=f"{r['due']:%d-%m-%Y}",
            on=" · ".join(
                str(v) for v in (r[dist] or r["district"], r[dept] or r["department"], r["complaint_id"]) if v
            ),
            review_day=f"{r['review_day']:%d-%m-%Y}",
            id=r["decision_id"],
        )
        for r in found.iter_rows(named=True)
    )
    return Section(heading, lines or (say("digest_no_decisions", lang),))


def watched_first(codes: tuple[str, ...], pinned: tuple[str, ...]) -> list[str]:
    """``codes`` with the pinned ones first (in the order pinned), then the rest in code order."""
    return [c for c in pinned if c in codes] + sorted(c for c in codes if c not in pinned)


def head_month(con: duckdb.DuckDBPyConnection, day: date) -> date | None:
    """The month a department head's digest of ``day`` reports: the month of ``day``, or the last month
    with data when the data end earlier (None: an empty store)."""
    bounds = month_reads.month_bounds(con)
    return None if bounds is None else min(bounds[1], day.replace(day=1))


def _score(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else "—"


def head_sections(
    con: duckdb.DuckDBPyConnection,
    scheme: Scheme,
    department: str,
    month: date,
    *,
    ranking: pl.DataFrame,
    flags: pl.DataFrame,
    lang: str,
    base_url: str,
) -> tuple[Section, ...]:
    """A department head's sections for one department: the title of the department page (the printed
    rank, its range, grade and score), why the score moved, the plan's first actions, the flags."""
    name = place_name(con, "department", department, lang)
    month_text = month_name(month, lang)
    found = ranking.filter(pl.col("department") == department)
    me = found.row(0, named=True) if found.height else None
    label = "label_hi" if lang == "hi" else "label_en"
    if me is None or not me.get("is_ranked"):
        title: tuple[str, ...] = (say("digest_unranked", lang, department=name, month=month_text),)
    else:
        peers = ranking.filter("is_ranked")
        if me.get("volume_group") is not None:
            peers = peers.filter(pl.col("volume_group") == me["volume_group"])
        values = {"department": name, "month": month_text, "rank": me["rank_text"], "of": peers.height}
        values |= {"grade": me["grade"], "score": _score(me["score"])}
        title = (
            say("digest_rank_line_nogroup", lang, **values)
            if me.get("volume_group") is None
            else say("digest_rank_line", lang, group=me["volume_group"], **values),
        )
        if "–" in str(me["rank_text"]):
            title += (say("digest_rank_range", lang),)
    moved: tuple[str, ...] = (say("digest_moved_none", lang),)
    before = views.ranking(con, scheme, "department", previous_month(month))
    prior = before.filter(pl.col("department") == department) if not before.is_empty() else before
    last = prior.row(0, named=True) if prior.height else None
    if (
        me is not None
        and last is not None
        and me.get("rank_text")
        and last.get("rank_text")
        and last.get("volume_group") == me.get("volume_group")
    ):
        why = plan.why_moved(last, me, scheme)
        moved = tuple(
            f"{r[label]}: {r['change_shown']:+.2f}"
            for r in why.iter_rows(named=True)
            if r["change_shown"] or r["key"] == "total"
        )
    actions: tuple[str, ...] = (say("digest_plan_none", lang),)
    if me is not None and me.get("is_ranked"):
        rows = plan.department_plan(ranking, scheme, department).filter(pl.col("cases") > 0).head(ACTIONS)
        if rows.height:
            actions = tuple(
                say(
                    "digest_plan_line",
                    lang,
                    component=r[label],
                    work=r["work_hi" if lang == "hi" else "work_en"],
                    gain=f"{(r['gain_median'] if (r['cases_median'] or 0) > 0 else r['gain_best']) or 0.0:.2f}",
                )
                for r in rows.iter_rows(named=True)
            )
    mine = flags.filter(pl.col("department") == department) if not flags.is_empty() else flags
    if not mine.is_empty():  # the evidence in the reader's language, digits grouped the Indian way
        mine = mine.with_columns(evidence_of(scheme.in_force(month).flags, lang, indian_expr))
    raised = tuple(
        f"{FLAGS[r['flag']][1 if lang == 'hi' else 0]}: {r['sentence']}" for r in mine.iter_rows(named=True)
    ) or (say("digest_no_flags", lang),)
    return (
        Section(name, title),
        Section(say("digest_why_moved", lang), moved),
        Section(say("digest_plan", lang), actions),
        Section(
            say("digest_flags", lang),
            raised,
            (
                say("digest_open_department", lang),
                link(base_url, "department", department=department, month=f"{month:%Y-%m}", lang=lang),
            ),
        ),
    )


def admin_sections(
    con: duckdb.DuckDBPyConnection,
    who: Identity,
    day: date,
    *,
    month: date | None,
    flags: pl.DataFrame,
    lang: str,
    base_url: str,
    pinned: tuple[str, ...] = (),
) -> tuple[Section, ...]:
    """The administrator's sections: statewide pending and overdue, then the districts the account
    watches (``pinned``, in the order pinned, each marked), then the others with the most overdue."""
    cases = review.cases(con, day, who)
    name = "district_name_hi" if lang == "hi" else "district_name"
    by = (
        cases.group_by("district", name)
        .agg(pending=pl.len(), overdue=pl.col("is_overdue").sum())
        .sort(["overdue", "pending", "district"], descending=[True, True, False])
    )
    order = {code: i for i, code in enumerate(pinned)}
    watched = (
        by.filter(pl.col("district").is_in(list(pinned)))
        .with_columns(mark=pl.lit(" " + say("digest_watched_mark", lang)))
        .sort(pl.col("district").replace_strict(order, return_dtype=pl.Int64))
    )
    by = pl.concat(
        [watched, by.filter(~pl.col("district").is_in(list(pinned))).head(LISTED).with_columns(mark=pl.lit(""))]
    )
    lines = [
        say("digest_pending", lang, n=_num(cases.height, lang)),
        say(
            "digest_overdue",
            lang,
            n=_num(int(cases["is_overdue"].sum()), lang),
        ),
        *(
            say(
                "digest_district_line",
                lang,
                district=(r[name] or r["district"]) + r["mark"],
                pending=_num(r["pending"], lang),
                overdue=_num(r["overdue"], lang),
            )
            for r in by.iter_rows(named=True)
        ),
    ]
    if month is not None:
        lines.append(say("digest_flags_count", lang, month=month_name(month, lang), n=_num(flags.height, lang)))
    query = {"month": f"{month:%Y-%m}", "lang": lang} if month is not None else {"lang": lang}
    return (
        Section(
            say("digest_admin_intro", lang, day=f"{day:%d-%m-%Y}"),
            tuple(lines),
            (say("digest_open_state", lang), link(base_url, "data_status", **query)),
        ),
    )
