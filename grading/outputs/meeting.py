"""The district review's meeting pack: the same content as a workbook (``.xlsx``) and as a printable PDF
agenda, built from :mod:`grading.serve.review` (``nivaran review`` and the district review page both call it).

Sheets, in order: **Summary** (pending by department and level with totals, sorted by overdue, and the
counts of changes since the last review), **Cases** (the review list, overdue first), **Since last review**
(one row per change), **Decisions** (the meeting decisions carried over, with their status as of the day:
:mod:`grading.serve.decisions`). Headers are English (the pack is the file a meeting circulates; the page shows the
same rows in the reader's language).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

import duckdb
import polars as pl

from grading.access.identity import Identity
from grading.monthly import results
from grading.outputs import casewords, export
from grading.serve import review

#: The default gap between two reviews: one week.
DEFAULT_GAP: Final = timedelta(days=7)
CHANGE_LABELS: Final = {
    "new": "New cases (registered since the last review, still pending)",
    "newly_overdue": "Newly overdue",
    "escalated": "Escalated to L3 or above",
    "cleared": "Cleared (closed since the last review)",
    "moved_out": "Transferred out of this list",
}


@dataclass(frozen=True)
class Pack:
    """A district's review of one day: the title and the three tables of the pack."""

    title: str
    summary: pl.DataFrame
    cases: pl.DataFrame
    changes: pl.DataFrame
    change_counts: dict[str, int]
    decisions: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: The agenda's first items: the overdue cases (most days overdue first) and those due within 2 days.
    overdue: pl.DataFrame = field(default_factory=pl.DataFrame)
    due_soon: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def rows(self) -> int:
        """Case rows in the pack (what the audit log counts): the case list and the changes."""
        return self.cases.height + self.changes.height


def build(
    con: duckdb.DuckDBPyConnection,
    who: Identity,
    district: str,
    day: date,
    since: date | None = None,
    *,
    decisions: pl.DataFrame | None = None,
    cases: pl.DataFrame | None = None,
    changes: pl.DataFrame | None = None,
) -> Pack:
    """The pack of ``district`` as of the end of ``day``, changes since the end of ``since`` (default a
    week earlier). ``who``'s scope is enforced by :mod:`grading.serve.review` (a collector of another district
    gets :class:`grading.access.identity.AccessDeniedError`). ``decisions``: the district's meeting
    decisions as :func:`grading.serve.decisions.carried` reads them (None: the pack has no such sheet).
    ``cases`` and ``changes``: the district's :func:`grading.serve.review.cases` and
    :func:`~grading.serve.review.changes` of the same day, scope and span when the caller read them already."""
    since = since or day - DEFAULT_GAP
    if cases is None:  # a caller that read them already (a digest) passes them in
        cases = review.cases(con, day, who, district=district)
    if changes is None:
        changes = review.changes(con, day, since, who, district=district, now=cases)
    names = results.attach_names(con, pl.DataFrame({"department": [""], "district": [district]}))
    name = names["district_name"][0] or district
    title = f"{name} district review, {day:%d-%m-%Y} (changes since {since:%d-%m-%Y})"
    summary = review.summary(cases).select(
        pl.col("department_name").fill_null("Total").alias("Department"),
        *review.LEVELS,
        pl.col("pending").alias("Pending"),
        pl.col("overdue").alias("Overdue"),
        pl.col("due_soon").alias("Due within 2 days"),
        pl.col("over_50").alias("Over 50 days old"),
    )
    case_rows = cases.select(
        pl.col("complaint_id").alias("Complaint"),
        pl.col("department_name").alias("Department"),
        pl.col("category_name").alias("Category"),
        pl.col("level").alias("Level"),
        pl.col("days_at_level").alias("Days at level"),
        pl.col("registered_at").dt.date().alias("Registered"),
        pl.col("age_days").alias("Age (days)"),
        pl.col("due_date").alias("Due date"),
        pl.col("days_to_due").alias("Days to due"),
        pl.col("is_overdue").alias("Overdue"),
        casewords.event_expr(pl.col("last_action"), "en").alias("Last action"),
        pl.col("last_action_at").dt.date().alias("Last action on"),
    )
    change_rows = changes.select(
        pl.col("change").cast(pl.String).replace_strict(CHANGE_LABELS).alias("Change"),
        pl.col("complaint_id").alias("Complaint"),
        pl.col("department_name").alias("Department"),
        pl.col("category_name").alias("Category"),
        pl.col("level_then").alias("Level then"),
        pl.col("level_now").alias("Level now"),
        pl.col("registered_at").dt.date().alias("Registered"),
        pl.col("due_date").alias("Due date"),
        casewords.event_expr(pl.col("last_action"), "en").alias("Last action"),
        pl.col("last_action_at").dt.date().alias("Last action on"),
    )
    decision_rows = pl.DataFrame()
    if decisions is not None:
        decision_rows = decisions.select(
            pl.col("status").str.to_titlecase().alias("Status"),
            pl.col("what").alias("Decision"),
            pl.col("owner").alias("Owner"),
            pl.col("due").alias("Due"),
            pl.coalesce("department_name", "department").alias("Department"),
            pl.col("complaint_id").alias("Complaint"),
            pl.col("review_day").alias("Decided at the review of"),
            pl.col("done_at").str.to_date().alias("Done on"),
            pl.col("decision_id").alias("Decision no."),
        )
    first = [pl.col("complaint_id").alias("Complaint"), pl.col("level").alias("Level")]
    then = [
        pl.col("due_date").alias("Due date"),
        casewords.event_expr(pl.col("last_action"), "en").alias("Last action"),
        pl.col("last_action_at").dt.date().alias("Last action on"),
        pl.col("department_name").alias("Department"),
        pl.col("category_name").alias("Category"),
    ]
    overdue = cases.filter("is_overdue").select(*first, (-pl.col("days_to_due")).alias("Days overdue"), *then)
    due_soon = cases.filter(pl.col("due_soon") & ~pl.col("is_overdue")).select(
        *first, pl.col("days_to_due").alias("Days to due"), *then
    )
    counts = review.change_counts(changes)
    return Pack(title, summary, case_rows, change_rows, counts, decision_rows, overdue, due_soon)


def _counts_frame(pack: Pack) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "Since the last review": [CHANGE_LABELS[k] for k in pack.change_counts],
            "Cases": list(pack.change_counts.values()),
        }
    )


def xlsx(pack: Pack) -> bytes:
    """The pack as a workbook (:func:`grading.outputs.export.workbook`): Summary, Changes (counts), Cases,
    Since last review."""
    return export.workbook(
        [
            export.Sheet("Summary", pack.title, pack.summary),
            export.Sheet("Changes", f"{pack.title}: what changed", _counts_frame(pack)),
            export.Sheet("Cases", f"{pack.title}: pending cases, overdue first", pack.cases),
            export.Sheet("Since last review", f"{pack.title}: each change", pack.changes),
            *(
                [export.Sheet("Decisions", f"{pack.title}: decisions carried over, with their status", pack.decisions)]
                if pack.decisions.width
                else []
            ),
        ]
    )


#: An annex's heading: it starts a new page.
_ANNEX: Final = 'h2 class="annex"'
#: Columns whose values are identifiers: never wrapped inside a cell.
_IDS: Final = ("Complaint", "Decision no.")


def _table(frame: pl.DataFrame) -> str:
    """``frame`` as an HTML table: numbers right-aligned (``num``), identifiers and days on one line
    (``id``), days in words ("3 Oct 2026"), yes/no as "yes" or nothing."""

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else ""
        if isinstance(value, date):
            return casewords.day_text(value, "en")
        return html.escape(str(value))

    kinds = [
        "num" if dtype.is_numeric() else "id" if name in _IDS or dtype.is_temporal() else ""
        for name, dtype in frame.schema.items()
    ]
    classes = [f' class="{k}"' if k else "" for k in kinds]
    head = "".join(f"<th{c}>{html.escape(name)}</th>" for name, c in zip(frame.columns, classes, strict=True))
    body = "".join(
        "<tr>" + "".join(f"<td{c}>{cell(v)}</td>" for v, c in zip(row, classes, strict=True)) + "</tr>"
        for row in frame.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _css_text(text: str) -> str:
    """``text`` as a CSS string (the running header's content)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


_CSS: Final = """
@page {{
  size: A4 landscape; margin: 16mm 12mm 14mm;
  @top-left {{ content: {header}; font: 8pt "Noto Sans", sans-serif; color: #444; }}
  @top-right {{ content: "Nivaran · district review agenda"; font: 8pt "Noto Sans", sans-serif; color: #444; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 8pt "Noto Sans", sans-serif; }}
}}
body {{ font-family: "Noto Sans", "Noto Sans Devanagari", sans-serif; font-size: 9pt; }}
h1 {{ font-size: 15pt; margin: 0 0 4pt; }} h2 {{ font-size: 12pt; margin: 12pt 0 4pt; break-after: avoid; }}
h2.annex {{ break-before: page; }}
p.glance {{ font-size: 10pt; margin: 0 0 6pt; }} p.none {{ color: #444; margin: 0; }}
table {{ border-collapse: collapse; width: 100%; }} thead {{ display: table-header-group; }}
th, td {{ border: 0.5pt solid #999; padding: 2pt 4pt; text-align: left; vertical-align: top; }}
th {{ background: #eee; }} h3 {{ font-size: 10pt; margin: 8pt 0 3pt; break-after: avoid; }}
th.num, td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
td.id, th.id {{ white-space: nowrap; }}
tr {{ break-inside: avoid; }}
"""


def _section(heading: str, frame: pl.DataFrame, *, tag: str = "h2", empty: str = "None.") -> str:
    """One agenda item: its heading (``tag``, with its class: ``h2 class="annex"`` starts a new page) and
    its table, or a sentence when it has no rows."""
    body = _table(frame) if frame.height else f'<p class="none">{html.escape(empty)}</p>'
    return f"<{tag}>{html.escape(heading)}</{tag.split(maxsplit=1)[0]}>{body}"


def agenda_html(pack: Pack) -> str:
    """The pack as a self-contained HTML agenda (for :func:`grading.outputs.pdf.html_to_pdf`).

    A short agenda first, what a meeting decides on: the figures at a glance, 1. the overdue cases, 2. the
    cases due within 2 days, 3. what changed since the last review (counts, and the cases newly overdue or
    escalated), 4. pending by department and level, 5. the decisions carried over (when the pack has
    them). Then the annexes, each from a new page: A. every pending case (overdue first), B. every change
    since the last review. Every page repeats the title at its top and "Page n of N" at its foot; numbers
    are right-aligned and complaint ids stay on one line.
    """
    totals = pack.summary.filter(pl.col("Department") == "Total")
    glance = totals.row(0, named=True) if totals.height else {}
    at_a_glance = " · ".join(
        f"{label}: {glance.get(column, 0):,}"
        for label, column in (
            ("Pending", "Pending"),
            ("Overdue", "Overdue"),
            ("Due within 2 days", "Due within 2 days"),
            ("Over 50 days old", "Over 50 days old"),
        )
    )
    pressing = pack.changes.filter(pl.col("Change").is_in([CHANGE_LABELS["newly_overdue"], CHANGE_LABELS["escalated"]]))
    parts = [
        f'<p class="glance">{html.escape(at_a_glance)}</p>',
        _section("1. Overdue cases (most days overdue first)", pack.overdue, empty="No case is overdue."),
        _section("2. Due within 2 days", pack.due_soon, empty="No case falls due within 2 days."),
        f"<h2>3. Since the last review</h2>{_table(_counts_frame(pack))}",
        _section("Newly overdue or escalated since the last review", pressing, tag="h3"),
        _section("4. Pending by department and level", pack.summary),
    ]
    if pack.decisions.width:
        parts.append(_section("5. Decisions carried over, with their status", pack.decisions))
    parts += [
        _section("Annex A. All pending cases, overdue first", pack.cases, tag=_ANNEX, empty="No pending case."),
        _section("Annex B. Each change since the last review", pack.changes, tag=_ANNEX),
    ]
    style = _CSS.format(header=_css_text(pack.title))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(pack.title)}</title>'
        f"<style>{style}</style></head><body><h1>{html.escape(pack.title)}</h1>{''.join(parts)}</body></html>"
    )


def pdf(pack: Pack) -> bytes:
    """The pack as a PDF agenda (printed by Debian's chromium, :mod:`grading.outputs.pdf`)."""
    from grading.outputs.pdf import html_to_pdf

    return html_to_pdf(agenda_html(pack))


def render(pack: Pack, fmt: str) -> bytes:
    """The pack as ``xlsx`` or ``pdf`` bytes."""
    if fmt == "xlsx":
        return xlsx(pack)
    if fmt == "pdf":
        return pdf(pack)
    msg = f"meeting pack format {fmt!r}: expected xlsx or pdf"
    raise ValueError(msg)
