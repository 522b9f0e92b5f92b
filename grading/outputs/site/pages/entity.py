"""The page of one department or district: its rank, history, components and figures, with a chart of its
months.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from grading.model.registry import METRICS, definition
from grading.outputs.fmt import EMPTY, month_name
from grading.outputs.site import charts, layout
from grading.outputs.site.figures import Row, is_shown, rows_of, show
from grading.outputs.site.pages.parts import (
    Page,
    component_label,
    esc,
    flag_items,
    folded,
    name_of,
    shown_components,
    table,
)
from grading.outputs.site.read import MonthData
from grading.scoring import fit, suppress
from grading.words import say


def history_points(history: Sequence[Row], data: MonthData, lang: str) -> list[charts.MonthPoint]:
    """An entity's months as the history chart draws them (oldest first)."""
    threshold = data.scheme.suppress_below
    points = []
    for r in history:
        month = r.get("month")
        assert isinstance(month, date)
        score = r.get("score")
        shown = isinstance(score, int | float) and is_shown(r, "score")
        ranked = bool(r.get("is_ranked")) and isinstance(r.get("rank_position"), int)
        label = month_name(month, lang).split(" ")[0][: 3 if lang == "en" else 6] + f" {month:%y}"
        rank = f"{say('rank', lang)} {r.get('rank_text') or EMPTY}"
        tip = f"{month_name(month, lang)}: {show(r, 'score', lang, threshold)}, {rank}"
        points.append(
            charts.MonthPoint(
                label=label,
                score=float(score) if shown and isinstance(score, int | float) else None,
                hidden=r.hidden or r.marked("score") is not None,
                grade=str(r.get("grade")) if shown and r.get("grade") else None,
                position=_maybe_int(r.get("rank_position")) if ranked else None,
                best=_maybe_int(r.get("rank_best")) if ranked else None,
                worst=_maybe_int(r.get("rank_worst")) if ranked else None,
                tip=tip,
            )
        )
    return points


def _maybe_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def entity_chart(history: Sequence[Row], kind: str, data: MonthData, lang: str, name: str) -> charts.Chart:
    """An entity's score and position in its group over the months up to this one (the last 24)."""
    words = {"score": say("score", lang), "rank": say("rank_in_group", lang), "hidden": say("report_hidden", lang)}
    title = f"{name}: {say('site_history', lang)}"
    return charts.history_chart(history_points(history[-24:], data, lang), data.version.max_score, words, title, title)


def rank_line(row: Row, data: MonthData, lang: str) -> str:
    """The entity's standing in one line: rank in its group, grade, score and received; or why its
    figures are hidden; or that it is not ranked."""
    threshold = data.scheme.suppress_below
    if row.hidden:
        key = "site_hidden_small" if row.get("suppressed_reason") == suppress.SMALL else "site_hidden_complementary"
        text = say(key, lang, n=threshold)
        if row.get("is_ranked") and row.get("rank_text"):
            group = row.get("volume_group")
            text += " " + say("site_group_rank", lang, rank=row.get("rank_text"), group=group if group else EMPTY)
        return text
    values = {
        "grade": show(row, "grade", lang, threshold),
        "score": show(row, "score", lang, threshold),
        "received": show(row, "received", lang, threshold),
    }
    if not row.get("is_ranked"):
        return say("site_not_ranked", lang, n=data.version.min_received, **values)
    group = row.get("volume_group")
    max_score = f"{data.version.max_score:g}"
    if group is None:
        return say("site_rank_line_nogroup", lang, rank=row.get("rank_text"), max=max_score, **values)
    return say("site_rank_line", lang, rank=row.get("rank_text"), group=group, max=max_score, **values)


def history_table(history: Sequence[Row], data: MonthData, lang: str) -> str:
    """Every month up to this one: rank, group, grade, score, received and whether it is published."""
    threshold = data.scheme.suppress_below
    head = [say("month", lang), say("rank", lang), say("group", lang), say("grade", lang), say("score", lang)]
    head += [say("report_received", lang), say("site_status", lang)]
    body = []
    for r in reversed(history):
        month = r.get("month")
        assert isinstance(month, date)
        status = "site_status_published" if month in data.published else "site_status_provisional"
        body.append(
            [
                esc(month_name(month, lang)),
                esc(r.get("rank_text") or EMPTY),
                esc(r.get("volume_group") or EMPTY),
                esc(show(r, "grade", lang, threshold)),
                esc(show(r, "score", lang, threshold)),
                esc(show(r, "received", lang, threshold)),
                esc(say(status, lang)),
            ]
        )
    return table([esc(h) for h in head], body, [False, True, True, False, True, True, False])


def components_table(row: Row, data: MonthData, lang: str) -> str:
    """Each component: its measure, the month's value, the points earned and the weight."""
    threshold = data.scheme.suppress_below
    head = [say("method_components", lang), say("metric", lang), say("site_value", lang)]
    head += [say("site_points", lang), say("method_weight", lang)]
    body = []
    for c in shown_components(data):
        metric = METRICS[c.metric]
        body.append(
            [
                esc(component_label(c, lang)),
                esc(metric.label_hi if lang == "hi" else metric.label_en),
                esc(show(row, c.metric, lang, threshold)),
                esc(show(row, f"points_{c.key}", lang, threshold)),
                esc(f"{c.weight:g}"),
            ]
        )
    return table([esc(h) for h in head], body, [False, False, True, True, True])


def figures_table(row: Row, before: Row | None, data: MonthData, lang: str) -> str:
    """Every measure the store shows: this month, last month, and what it means."""
    threshold = data.scheme.suppress_below
    head = [say("metric", lang), say("points_now", lang), say("points_last", lang), say("definition", lang)]
    body = []
    for name, metric in METRICS.items():
        if name not in row.raw or not fit.shows(name, data.kinds):
            continue
        body.append(
            [
                esc(metric.label_hi if lang == "hi" else metric.label_en),
                esc(show(row, name, lang, threshold)),
                esc(show(before, name, lang, threshold) if before is not None else EMPTY),
                esc(definition(name, lang)),
            ]
        )
    return table([esc(h) for h in head], body, [False, True, True, False])


def entity_page(
    row: Row, history: Sequence[Row], kind: str, data: MonthData, lang: str, *, flags: pl.DataFrame
) -> tuple[Page, charts.Chart]:
    """The page of one department or district for the month, and its chart (drawn inline, and as the
    page's SVG file and preview image)."""
    code = str(row.get(kind))
    path = layout.entity_page(lang, data.month, kind, code)
    name = name_of(row, kind, data, lang)
    month_text = month_name(data.month, lang)
    chart = entity_chart(history, kind, data, lang, name)
    name_chart = layout.entity_chart(kind, code)
    before = history[-2] if len(history) > 1 and history[-2].get("month") != data.month else None
    parts = [
        f"<h1>{esc(name)}</h1>",
        f"<p class=note>{esc(say(kind, lang))} · {esc(code)} · {esc(month_text)}</p>",
        f"<p><strong>{esc(rank_line(row, data, lang))}</strong></p>",
        f"<h2>{esc(say('site_history', lang))}</h2>",
        f"<figure>{charts.svg(chart)}<figcaption class=note>"
        f'<a href="{layout.href(path, layout.chart_svg(lang, data.month, name_chart))}">'
        f"{esc(say('site_chart_svg', lang))}</a></figcaption></figure>",
        folded(say("chart_table", lang), history_table(history, data, lang)),
        f"<h2>{esc(say('site_components', lang))}</h2>",
        components_table(row, data, lang),
        f"<h2>{esc(say('site_figures', lang))}</h2>",
        f"<p class=note>{esc(say('figures_rule', lang, band=suppress.band(data.scheme.suppress_below)))}</p>",
        figures_table(row, before, data, lang),
    ]
    if not flags.is_empty():
        parts.append(f"<h2>{esc(say('site_flags_title', lang))}</h2>")
        parts.append(flag_items(flags, data, lang, path, names=False))
    threshold = data.scheme.suppress_below
    if row.hidden:
        description = say("site_og_hidden", lang, name=name, month=month_text)
    else:
        description = say(
            "site_og_entity",
            lang,
            name=name,
            month=month_text,
            rank=row.get("rank_text") or EMPTY,
            grade=show(row, "grade", lang, threshold),
            score=show(row, "score", lang, threshold),
        )
    title = f"{name}, {month_text}"
    page = Page(path, lang, title, description, layout.chart_png(data.month, name_chart), chart.title, "".join(parts))
    return page, chart


def entity_rows(data: MonthData, kind: str) -> list[tuple[Row, list[Row]]]:
    """Each entity of the month's ranking with its history rows (oldest first, up to the month)."""
    history = rows_of(data.history[kind].sort(kind, "month"))
    by_code: dict[str, list[Row]] = {}
    for r in history:
        by_code.setdefault(str(r.get(kind)), []).append(r)
    return [(r, by_code.get(str(r.get(kind)), [r])) for r in rows_of(data.rankings[kind])]
