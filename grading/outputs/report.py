"""The monthly press report: a self-contained HTML document in English or Hindi, printed to PDF by
:func:`grading.outputs.pdf.html_to_pdf` (Debian's chromium, offline, Devanagari shaped).

Pure: public frames in (read through :mod:`grading.serve.public`, so every figure is already suppressed;
a row hidden whole, or on a shown row the points computed from a small count, read "hidden"), text out.
The report holds the month's statewide figures against last month (a table and a chart), headline
sentences (who leads, streaks, biggest movers in group 1), the department and district rankings (a
dot-and-whisker chart of the scores with their intervals, then the tables in their volume groups), the
district map (names on it, a ticked key), the integrity flags raised as reasons to look, the method in
brief, and on every page the source, the data window, the publication date and the page number. A
heading never ends a page: each is kept with what follows it. Its words are entries of
:mod:`grading.words` (:mod:`grading.words.report`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

import polars as pl

from grading.model.registry import METRICS, label
from grading.outputs import drawings, geo
from grading.outputs.fmt import RANK_ORDER, indian, month_name, pct, printed_change
from grading.scoring import flags, suppress
from grading.scoring.schemes import Scheme
from grading.words import say

_CSS: Final = """
@page { size: A4; margin: 16mm 14mm 22mm 14mm; }
body { font-family: 'Noto Sans', 'Noto Sans Devanagari', sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 18pt; margin: 0 0 4mm; } h2 { font-size: 13pt; margin: 6mm 0 2mm; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
table { border-collapse: collapse; width: 100%; margin-bottom: 3mm; }
thead { display: table-header-group; } tr { page-break-inside: avoid; }
th, td { border-bottom: 0.3mm solid #bbb; padding: 1mm 1.5mm; text-align: left; }
td.n, th.n { text-align: right; } td.n { white-space: nowrap; }
.map { page-break-inside: avoid; text-align: center; } .note { font-size: 8.5pt; color: #333; }
.chart { text-align: center; margin: 1mm 0 2mm; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
.keep { break-inside: avoid; page-break-inside: avoid; }
"""
#: The footer of every page: CSS page margin boxes (chromium prints them on each page, the first included),
#: the source and data window at the foot, the page number at the top right (the foot keeps its whole width).
_FOOTER: Final = (
    "@page {{ @bottom-left {{ content: {text}; font-size: 7.5pt; color: #444; }}"
    " @top-right {{ content: {page}; font-size: 7.5pt; color: #444; }} }}"
)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes and backslashes escaped, ``<`` too: it sits in a style tag)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return '"' + escaped + '"'


@dataclass(frozen=True)
class ReportData:
    """What the report shows: public rankings of the month (with ``suppressed``), the standing
    streaks, the scheme and where the data come from."""

    month: date
    scheme: Scheme
    departments: pl.DataFrame
    districts: pl.DataFrame
    streaks: pl.DataFrame
    first_month: date
    published_at: datetime
    #: Statewide figures of the month and the month before (:func:`grading.serve.public.state_headline`).
    headline: pl.DataFrame | None = None
    #: The integrity flags raised, as the public reads them (:func:`grading.serve.public.flags`): who and which.
    flags: pl.DataFrame | None = None


def _raw_name(row: dict[str, object], kind: str, lang: str) -> str:
    return str(row.get(f"{kind}_name_hi" if lang == "hi" else f"{kind}_name") or row.get(f"{kind}_name") or "")


def _name(row: dict[str, object], kind: str, lang: str) -> str:
    return html.escape(_raw_name(row, kind, lang))


def _score(value: object) -> str:
    return "—" if value is None else f"{float(value):.2f}"  # type: ignore[arg-type]


def _hidden(row: dict[str, object], column: str) -> bool:
    """Whether ``column`` of a shown row is one of its figures hidden one by one (the suppression
    markers of :mod:`grading.scoring.suppress`; a CSV read back may hold them as empty)."""
    return any(column in str(row.get(m) or "").split() for m in suppress.MARKERS)


def leader(rows: pl.DataFrame) -> dict[str, object] | None:
    """The entity a reader sees first: position 1 of the first volume group (highest volume), shown. It
    *leads* only when its printed rank is "1"; else its rank is a range (see :func:`headlines`)."""
    ranked = rows.filter(pl.col("is_ranked").fill_null(value=False), ~pl.col("suppressed"))
    ranked = ranked.sort("volume_group", "rank_position", nulls_last=True)
    return ranked.row(0, named=True) if ranked.height else None


def headlines(data: ReportData, lang: str) -> list[str]:
    """The report's headline sentences: the leaders, the longest rank-1 streaks, the biggest movers."""
    out = []
    for frame, kind, keys in (
        (data.departments, "department", ("report_leads", "report_tops")),
        (data.districts, "district", ("report_district_leads", "report_district_tops")),
    ):
        row = leader(frame)
        if row is not None:
            name, score, group = _name(row, kind, lang), _score(row["score"]), row["volume_group"] or 1
            rank = str(row["rank_text"])  # a CSV read back may hold "1" as a number
            if rank == "1":  # a certain first place
                out.append(say(keys[0], lang, name=name, score=score, grade=row["grade"], group=group))
            else:
                out.append(say(keys[1], lang, name=name, score=score, grade=row["grade"], group=group, rank=rank))
    for row in data.streaks.filter(pl.col("streak_rank_1") >= 2).head(3).iter_rows(named=True):
        out.append(say("report_streak", lang, name=_name(row, "department", lang), n=row["streak_rank_1"]))
    # Only a move that means something: both months a single rank (the record) in the busiest group.
    moved = data.departments.with_columns(printed_change()).filter(
        pl.col("rank_change").is_not_null() & pl.col("is_ranked")
    )
    if moved.height:
        up = moved.sort("rank_change", descending=True).row(0, named=True)
        down = moved.sort("rank_change").row(0, named=True)
        if up["rank_change"] > 0:
            out.append(say("report_rise", lang, name=_name(up, "department", lang), n=up["rank_change"]))
        if down["rank_change"] < 0:
            out.append(say("report_fall", lang, name=_name(down, "department", lang), n=-down["rank_change"]))
    return out


def _table(rows: pl.DataFrame, kind: str, scheme: Scheme, lang: str) -> str:
    """One ranking table: rank, name, grade, score, each component's points, received."""
    labels = [c.label_hi if lang == "hi" else c.label_en for c in scheme.components]
    head = [
        say("rank", lang),
        say(kind, lang),
        say("grade", lang),
        say("score", lang),
        *labels,
        say("report_received", lang),
    ]
    cells = ["<tr>" + "".join(f"<th{' class=n' if i != 1 else ''}>{html.escape(h)}</th>" for i, h in enumerate(head))]
    hidden = say("report_hidden", lang)
    for row in rows.iter_rows(named=True):
        # A row hidden whole reads "—" (and "hidden" for received); on a shown row, a figure hidden one
        # by one (points computed from a small count, or its complement) reads "hidden".
        shown = [
            html.escape(row["rank_text"]) if row.get("rank_text") else "—",  # the ranking record's printed rank
            _name(row, kind, lang),
            html.escape(str(row["grade"])) if row["grade"] is not None else "—",
            hidden if _hidden(row, "score") else _score(row["score"]),
            *[hidden if _hidden(row, f"points_{c.key}") else _score(row[f"points_{c.key}"]) for c in scheme.components],
            hidden if row["suppressed"] else indian(row["received"]),
        ]
        cells.append("<tr>" + "".join(f"<td{' class=n' if i != 1 else ''}>{v}</td>" for i, v in enumerate(shown)))
    return "<table><thead>" + cells[0] + "</thead><tbody>" + "".join(cells[1:]) + "</tbody></table>"


def _order(rows: pl.DataFrame) -> list[str]:
    """The rank order (:data:`grading.outputs.fmt.RANK_ORDER`) by the columns ``rows`` has (a ranking read
    back from an older file may lack the rank range)."""
    return [c for c in RANK_ORDER if c in rows.columns]


def _ranking(rows: pl.DataFrame, kind: str, scheme: Scheme, lang: str) -> str:
    """The ranking in its volume groups (group 1 first), then the entities not ranked."""
    parts = []
    ranked = rows.filter(pl.col("is_ranked"))
    for group in sorted(g for g in ranked["volume_group"].unique().to_list() if g is not None):
        members = ranked.filter(pl.col("volume_group") == group).sort(_order(ranked), nulls_last=True)
        parts.append(
            f"<div class=keep><h3>{say('group_n', lang, n=group)}</h3>{_table(members, kind, scheme, lang)}</div>"
        )
    ungrouped = ranked.filter(pl.col("volume_group").is_null())
    if ungrouped.height:
        parts.append(_table(ungrouped.sort(_order(ungrouped)), kind, scheme, lang))
    rest = rows.filter(~pl.col("is_ranked").fill_null(value=False)).sort(f"{kind}_name")
    if rest.height:
        parts.append(
            f"<div class=keep><h3>{say('report_not_ranked', lang)}</h3>{_table(rest, kind, scheme, lang)}</div>"
        )
    return "".join(parts)


def district_map(districts: pl.DataFrame, lang: str) -> str:
    """The month's district scores as an inline SVG map (:func:`grading.outputs.geo.district_svg`) with its
    legend and the boundaries' attribution; hidden districts grey, districts without a score white."""
    shown = {
        row["district"]: geo.Shown(_raw_name(row, "district", lang), row["score"], bool(row["suppressed"]))
        for row in districts.iter_rows(named=True)
    }
    words = (say("report_hidden", lang), say("report_no_data", lang))
    svg = geo.district_svg(shown, words, width=640, labels=6.5)
    ends = geo.value_range(districts.filter(~pl.col("suppressed"))["score"].to_list())
    low, high = (_score(ends[0]), _score(ends[1])) if ends else ("—", "—")
    legend = geo.ticked_legend_svg(ends[0], ends[1], "", words) if ends else geo.legend_svg()
    note = html.escape(say("report_map_note", lang, low=low, high=high))
    return (
        f"<div class=keep><h2>{say('report_map', lang)}</h2><div class=map>{svg}<br>{legend}</div>"
        f"<p class=note>{note}</p></div>"
    )


def report_html(data: ReportData, lang: str) -> str:
    """The whole report as one HTML document (``lang``: ``en`` or ``hi``), nothing fetched."""
    s = data.scheme
    title = s.title_hi if lang == "hi" else s.title_en
    parts = " + ".join(f"{c.weight:g} × {c.label_hi if lang == 'hi' else c.label_en}" for c in s.components)
    method_score = say("report_method_score", lang, max=f"{s.max_score:g}", parts=parts, min_received=s.min_received)
    method_hidden = say("report_method_hidden", lang, suppress_below=s.suppress_below)
    method_figures = say("figures_rule", lang, band=suppress.band(s.suppress_below))
    footer = say(
        "report_footer",
        lang,
        source=s.source_in(lang),
        first=month_name(data.first_month, lang),
        last=month_name(data.month, lang),
        published=f"{data.published_at:%Y-%m-%d}",
    )
    body = [
        f"<h1>{html.escape(title)}: {say('report_title', lang)}, {month_name(data.month, lang)}</h1>",
        figures(data, lang),
        f"<div class=keep><h2>{say('report_headlines', lang)}</h2><ul>"
        + "".join(f"<li>{line}</li>" for line in headlines(data, lang))
        + "</ul></div>",
        *(
            f"<div class=keep><h2>{say(heading, lang)}</h2>{ranking_chart(rows, kind, s, lang)}</div>"
            + _ranking(rows, kind, s, lang)
            for heading, rows, kind in (
                ("report_departments", data.departments, "department"),
                ("report_districts", data.districts, "district"),
            )
        ),
        district_map(data.districts, lang),
        reasons_to_look(data, lang),
        f"<div class=keep><h2>{say('report_method', lang)}</h2>"
        f"<p>{html.escape(method_score)}</p><p>{html.escape(method_hidden)} {html.escape(method_figures)}</p></div>",
    ]
    # The page number is a CSS counter: the sentence is cut around its two numbers.
    page = _css_string(say("report_page", lang, page="@PAGE@", pages="@PAGES@"))
    page = page.replace("@PAGES@", '" counter(pages) "').replace("@PAGE@", '" counter(page) "')
    style = _FOOTER.format(text=_css_string(footer), page=page)
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_CSS}{style}</style></head><body>{''.join(body)}</body></html>"
    )


#: The statewide figures the report opens with, in this order, when the month has them.
FIGURES: Final = ("received", "closed", "satisfied_closure_pct", "sla_compliance_pct", "pending_over_50")


def figures(data: ReportData, lang: str) -> str:
    """The month's statewide figures against last month: a table (this month, last month, the change:
    counts in Indian digits, percentages with one decimal and the change in percentage points) and a chart
    of the percentages. Statewide totals are shown whole (docs/public.md). Empty without a headline."""
    if data.headline is None or data.headline.is_empty():
        return ""
    now_rows = data.headline.filter(pl.col("month") == data.month)
    if now_rows.is_empty():
        return ""
    now = now_rows.row(0, named=True)
    before_rows = data.headline.filter(pl.col("month") < data.month).sort("month")
    before = before_rows.row(-1, named=True) if before_rows.height else {}
    last = before.get("month")
    head = [
        say("report_measure", lang),
        month_name(data.month, lang),
        month_name(last, lang) if isinstance(last, date) else "—",
        say("report_change", lang),
    ]
    rows, bars = [], []
    for name in (f for f in FIGURES if f in now and now[f] is not None):
        value, earlier = now[name], before.get(name)
        is_pct = METRICS[name].unit == "pct"
        shown = pct if is_pct else indian
        if earlier is None:
            change = "—"
        elif is_pct:
            change = say("report_pp", lang, n=f"{value - earlier:+.1f}")
        else:
            change = ("+" if value >= earlier else "") + indian(value - earlier)
        cells = [html.escape(label(name, lang)), shown(value), shown(earlier), html.escape(change)]
        rows.append("<tr>" + "".join(f"<td{' class=n' if i else ''}>{c}</td>" for i, c in enumerate(cells)) + "</tr>")
        if is_pct:
            bars.append((label(name, lang), value, earlier))
    table = (
        "<table><thead><tr>"
        + "".join(f"<th{' class=n' if i else ''}>{html.escape(h)}</th>" for i, h in enumerate(head))
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    chart = drawings.versus_svg(bars, (head[1], head[2])) if bars else ""
    return f"<div class=keep><h2>{say('report_figures', lang)}</h2>{table}<div class=chart>{chart}</div></div>"


def chart_rows(rows: pl.DataFrame, kind: str, lang: str) -> list[tuple[int | None, list[drawings.Row]]]:
    """The ranked, shown rows of a ranking as the chart draws them: per volume group (group 1 first; None
    for an entity type without groups), in rank order, with the printed rank, name, score and the score
    uncertainty where the suppression rule shows it (None: a hollow dot); in rank order
    (:data:`grading.outputs.fmt.RANK_ORDER`)."""
    ranked = rows.filter(
        pl.col("is_ranked").fill_null(value=False), ~pl.col("suppressed"), pl.col("score").is_not_null()
    )
    ranked = ranked.sort([*_order(ranked), kind], nulls_last=True)
    out: list[tuple[int | None, list[drawings.Row]]] = []
    for row in ranked.iter_rows(named=True):
        group = row["volume_group"]
        if not out or out[-1][0] != group:
            out.append((group, []))
        uncertainty = None if _hidden(row, "score_uncertainty") else row.get("score_uncertainty")
        out[-1][1].append(
            drawings.Row(str(row["rank_text"]), _raw_name(row, kind, lang), float(row["score"]), uncertainty)
        )
    return out


def ranking_chart(rows: pl.DataFrame, kind: str, scheme: Scheme, lang: str) -> str:
    """The ranking's scores with their intervals as one dot-and-whisker chart on the scheme's grade bands
    (:func:`grading.outputs.drawings.ranking_svg`), with its note; empty when nothing is ranked and shown."""
    groups = chart_rows(rows, kind, lang)
    if not groups:
        return ""
    scale = drawings.Scale(scheme.max_score, tuple((g.grade, g.min_score) for g in scheme.grades))
    named = [(say("group_n", lang, n=g) if g is not None else "", members) for g, members in groups]
    key = say("report_chart_key", lang).split("|")
    svg = drawings.ranking_svg(named, scale, (key[0], key[1], key[2]))
    return f"<div class=chart>{svg}</div><p class=note>{html.escape(say('report_chart_note', lang))}</p>"


def reasons_to_look(data: ReportData, lang: str) -> str:
    """The integrity flags raised in the month, as reasons to look: per entity, the flag's title and (in
    English, as the scheme states its rules) the rule that was met; no figure (the public reads who and
    which, :func:`grading.serve.public.flags`). Empty when the report was given no flags."""
    if data.flags is None:
        return ""
    head = f"<h2>{say('report_flags', lang)}</h2>"
    if data.flags.is_empty():
        return f"<div class=keep>{head}<p>{say('report_no_flags', lang)}</p></div>"
    settings = data.scheme.in_force(data.month).flags
    items = []
    for row in data.flags.iter_rows(named=True):
        kind = "department" if row.get("entity_type", "department") == "department" else "district"
        title_en, title_hi, *_ = flags.FLAGS[row["flag"]]
        title = title_hi if lang == "hi" else title_en
        rule = " " + html.escape(flags.describe(row["flag"], settings, lang))
        items.append(f"<li><b>{_name(row, kind, lang)}</b>: {html.escape(title)}.{rule}</li>")
    intro = f"<p class=note>{say('report_flags_intro', lang)}</p>"
    return f"<div class=keep>{head}{intro}<ul>{items[0]}</ul></div><ul>{''.join(items[1:])}</ul>"
