"""The month's overview page: the headline figures, the rankings by group with their charts, the map and
the flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from grading.model.registry import METRICS
from grading.outputs import fmt, geo
from grading.outputs.fmt import EMPTY, month_name
from grading.outputs.site import charts, layout
from grading.outputs.site.figures import Row, is_shown, rows_of, show
from grading.outputs.site.pages.frame import status_line
from grading.outputs.site.pages.parts import (
    Page,
    component_label,
    esc,
    flag_items,
    folded,
    name_of,
    prose,
    scheme_title,
    shown_components,
    table,
)
from grading.outputs.site.read import MonthData
from grading.scoring import fit
from grading.words import say


def headline_table(data: MonthData, lang: str) -> str:
    """The statewide headline figures of the month against the month before."""
    measures = fit.headline_metrics(data.version, data.kinds)
    rows = rows_of(data.headline.sort("month"))
    now = next((r for r in rows if r.get("month") == data.month), None)
    before = next((r for r in rows if r.get("month") != data.month), None)
    body = []
    for metric in measures:
        entry = METRICS[metric]
        a = show(now, metric, lang, data.scheme.suppress_below) if now else EMPTY
        b = show(before, metric, lang, data.scheme.suppress_below) if before else EMPTY
        change = EMPTY
        x, y = (now.get(metric) if now else None), (before.get(metric) if before else None)
        if isinstance(x, int | float) and isinstance(y, int | float):
            diff = float(x) - float(y)
            if entry.unit == "pct":
                change = say("site_pp", lang, n=f"{diff:+.1f}")
            elif entry.unit == "count":
                change = ("+" if diff >= 0 else "-") + fmt.indian(abs(diff))
            else:
                change = f"{diff:+.1f}"
        body.append([esc(entry.label_hi if lang == "hi" else entry.label_en), esc(a), esc(b), esc(change)])
    head = [say("metric", lang), say("points_now", lang), say("points_last", lang), say("change", lang)]
    return table([esc(h) for h in head], body, [False, True, True, True])


def _change_text(value: object) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        return ""
    return f"▲{value}" if value > 0 else f"▼{-value}" if value < 0 else "–"


def ranking_rows(rows: Sequence[Row], kind: str, data: MonthData, lang: str, page: str, *, link: bool = True) -> str:
    """One ranking table: rank, name (linked to its page), grade, score, each component's points,
    received and the printed change since last month."""
    components = shown_components(data)
    head = [say("rank", lang), say(kind, lang), say("grade", lang), say("score", lang)]
    head += [component_label(c, lang) for c in components]
    head += [say("report_received", lang), say("rank_change", lang)]
    threshold = data.scheme.suppress_below
    body = []
    for r in rows:
        name = esc(name_of(r, kind, data, lang))
        if link:
            target = layout.entity_page(lang, data.month, kind, str(r.get(kind)))
            name = f'<a href="{layout.href(page, target)}">{name}</a>'
        in_first = r.get("volume_group") in (None, 1)
        body.append(
            [
                esc(r.get("rank_text") or EMPTY),
                name,
                esc(show(r, "grade", lang, threshold)),
                esc(show(r, "score", lang, threshold)),
                *[esc(show(r, f"points_{c.key}", lang, threshold)) for c in components],
                esc(show(r, "received", lang, threshold)),
                esc(_change_text(r.get("rank_change")) if in_first else ""),
            ]
        )
    numeric = [True, False, False, True, *[True] * len(components), True, True]
    return table([esc(h) for h in head], body, numeric, cls="ranking")


def grouped(rows: Sequence[Row]) -> list[tuple[int | None, list[Row]]]:
    """Ranked rows by volume group (group 1 first, each by position), then the rows not ranked
    (group None, by name)."""
    ranked = [r for r in rows if r.get("is_ranked")]
    groups = sorted({g for r in ranked if isinstance(g := r.get("volume_group"), int)})
    out: list[tuple[int | None, list[Row]]] = []
    for g in groups:
        members = [r for r in ranked if r.get("volume_group") == g]
        out.append((g, sorted(members, key=lambda r: (_int(r.get("rank_position")), str(r.get("rank_text"))))))
    loose = [r for r in ranked if r.get("volume_group") is None]
    if loose:
        out.append((0, sorted(loose, key=lambda r: _int(r.get("rank_position")))))
    rest = [r for r in rows if not r.get("is_ranked")]
    if rest:
        out.append((None, sorted(rest, key=lambda r: str(r.get("department_name") or r.get("district_name") or ""))))
    return out


def _int(value: object) -> int:
    return value if isinstance(value, int) else 10**9


def groups_note(data: MonthData, kind: str, lang: str) -> str:
    """How the ranking is split into volume groups, in one sentence."""
    if kind == "department":
        return say("dept_groups", lang)
    groups = data.version.groups_for(kind)
    if groups is None:
        return ""
    if groups.method == "top_n":
        return say("district_groups", lang, n=groups.top_n)
    return say("district_groups_min", lang, n=groups.min_received[0] if groups.min_received else 0)


def ranking_chart(rows: Sequence[Row], kind: str, data: MonthData, lang: str, group: int) -> charts.Chart:
    """The scores of a ranking's first group as bars (the overview's chart and its preview image)."""
    threshold = data.scheme.suppress_below
    bars = [
        charts.Bar(
            name_of(r, kind, data, lang),
            float(s) if isinstance(s := r.get("score"), int | float) and is_shown(r, "score") else None,
            show(r, "score", lang, threshold),
            f"{name_of(r, kind, data, lang)}: {show(r, 'score', lang, threshold)} ({r.get('rank_text') or EMPTY})",
        )
        for r in rows
    ]
    title = say("site_ranking_chart", lang, group=group, month=month_name(data.month, lang))
    return charts.ranking_chart(bars, data.version.max_score, say("report_hidden", lang), title, title)


def map_section(data: MonthData, lang: str) -> str:
    """The month's district scores on the store's map with its key and credit, and the same as a table;
    one sentence when the store has no map."""
    heading = f"<h2>{esc(say('map_title', lang))}</h2>"
    if data.boundaries is None:
        return heading + prose(say("map_none", lang))
    rows = rows_of(data.rankings["district"])
    shown = {
        str(r.get("district")): geo.Shown(
            name_of(r, "district", data, lang),
            float(s) if isinstance(s := r.get("score"), int | float) and is_shown(r, "score") else None,
            r.hidden or r.marked("score") is not None,
        )
        for r in rows
    }
    words = (say("report_hidden", lang), say("report_no_data", lang))
    svg = geo.district_svg(shown, words, boundaries=data.boundaries.geojson)
    ends = geo.value_range([s.value for s in shown.values() if not s.hidden])
    low, high = (f"{ends[0]:.2f}", f"{ends[1]:.2f}") if ends else (EMPTY, EMPTY)
    credit = (
        say("map_source", lang)
        if data.boundaries.shipped
        else say("map_own_source", lang, source=data.boundaries.source)
    )
    threshold = data.scheme.suppress_below
    listing = table(
        [esc(say("district", lang)), esc(say("score", lang)), esc(say("grade", lang))],
        [
            [
                esc(name_of(r, "district", data, lang)),
                esc(show(r, "score", lang, threshold)),
                esc(show(r, "grade", lang, threshold)),
            ]
            for r in sorted(rows, key=lambda r: name_of(r, "district", data, lang))
        ],
        [False, True, False],
    )
    return (
        heading
        + f"<figure>{svg}<figcaption class=note>{geo.legend_svg()} {esc(say('map_scale', lang, low=low, high=high))} "
        f"{esc(say('map_legend', lang))} {esc(credit)}</figcaption></figure>"
        + folded(say("site_map_table", lang), listing)
    )


def overview_page(data: MonthData, lang: str, path: str, months: Sequence[date] = ()) -> Page:
    """The month's overview at ``path`` (the month's own, or the language's start page, which lists
    ``months`` too): status, headline figures, both rankings in their groups, the map, reasons to look."""
    title = say("site_title", lang, scheme=scheme_title(data, lang), month=month_name(data.month, lang))
    parts = [f"<h1>{esc(title)}</h1>", f"<p>{esc(status_line(data, lang))}</p>"]
    parts.append(f"<p class=note>{esc(say('public_intro', lang, suppress_below=data.scheme.suppress_below))}</p>")
    if months:
        links = ", ".join(
            f'<a href="{layout.href(path, layout.overview(lang, m))}">{esc(month_name(m, lang))}</a>'
            for m in sorted(months, reverse=True)
        )
        parts.append(f"<p><strong>{esc(say('site_months_title', lang))}:</strong> {links}</p>")
    parts.append(f"<h2>{esc(say('site_headline', lang))}</h2>" + headline_table(data, lang))
    image = None
    for kind, key in (("department", "dept_ranking"), ("district", "district_ranking")):
        parts.append(f"<h2>{esc(say(key, lang, month=month_name(data.month, lang)))}</h2>")
        note = groups_note(data, kind, lang)
        if note:
            parts.append(f"<p class=note>{esc(note)}</p>")
        for group, members in grouped(rows_of(data.rankings[kind])):
            if group is None:
                parts.append(f"<h3>{esc(say('report_not_ranked', lang))}</h3>")
            elif group:
                parts.append(f"<h3>{esc(say('group_n', lang, n=group))}</h3>")
            if kind == "department" and group == 1 and image is None:
                chart = ranking_chart(members, kind, data, lang, group)
                svg_path = layout.chart_svg(lang, data.month, "ranking")
                parts.append(
                    f"<figure>{charts.svg(chart)}<figcaption class=note>"
                    f'<a href="{layout.href(path, svg_path)}">{esc(say("site_chart_svg", lang))}</a>'
                    "</figcaption></figure>"
                )
                image = layout.chart_png(data.month, "ranking")
            parts.append(ranking_rows(members, kind, data, lang, path))
    parts.append(map_section(data, lang))
    parts.append(f"<h2>{esc(say('site_flags_title', lang))}</h2><p class=note>{esc(say('site_flags_intro', lang))}</p>")
    parts.append(flag_items(data.flags, data, lang, path))
    description = say("site_og_overview", lang, name=data.helpline, month=month_name(data.month, lang))
    alt = say("site_ranking_chart", lang, group=1, month=month_name(data.month, lang))
    return Page(path, lang, title, description, image, alt, "".join(parts))


def overview_charts(data: MonthData, lang: str) -> charts.Chart | None:
    """The overview's chart (the first group of the department ranking), None when nobody is ranked."""
    for group, members in grouped(rows_of(data.rankings["department"])):
        if group == 1:
            return ranking_chart(members, "department", data, lang, group)
    return None
