"""Page sections for the ranking rules: printed ranks, volume-group tables, streaks, integrity flags
and the methodology of all three. Each section is one function a page calls."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import polars as pl
import pyarrow as pa
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from grading.outputs import drawings
from grading.outputs.fmt import EMPTY, RANK_ORDER, fixed_expr, indian_expr, printed_change, rank_change_expr
from grading.scoring import fit, flags
from grading.scoring.schemes import Scheme
from grading.serve import views
from grading.words import CATALOGUE
from ui import data, reader
from ui.i18n import display_name, lang, metric_label, month_name, t
from ui.public_page import figure_note
from ui.widgets import guarded, hidden_label, rank_label

Stamp = tuple[int, int]


def published(row: dict[str, object] | None) -> object:
    """The printed rank of one graded row (its ``rank_text``: "3" or "2–5"), None when not ranked."""
    return None if row is None else row.get("rank_text")


def rank_title(me: dict[str, object], ranking: pl.DataFrame, name: str) -> str:
    """The department page's title: the published rank out of the ranked entities of its list."""
    peers = ranking.filter("is_ranked")
    if me.get("volume_group") is not None:
        peers = peers.filter(pl.col("volume_group") == me["volume_group"])
    score = f"{me['score']:.2f}" if isinstance(me["score"], float) else "—"
    values = {"name": name, "rank": published(me), "of": peers.height, "grade": me["grade"], "score": score}
    if me.get("volume_group") is None:
        return t("dept_title", **values)
    return t("dept_title_group", group=me["volume_group"], **values)


def grid(frame: pl.DataFrame) -> pa.Table:
    """A table for ``st.dataframe`` that Streamlit serialises directly: Arrow with plain (not view)
    string columns, which every browser's Arrow reader knows."""
    return frame.to_arrow(compat_level=pl.CompatLevel.oldest())


def scale_of(scheme: Scheme) -> drawings.Scale:
    """The score axis of the ranking's dot-and-whisker cells: 0 to the scheme's maximum, its grade bands."""
    return drawings.Scale(scheme.max_score, tuple((g.grade, g.min_score) for g in scheme.grades))


def intervals(rows: pl.DataFrame, scheme: Scheme) -> pl.Series:
    """Per row, the score with its 95 % range as a small dot-and-whisker picture (a ``data:`` URL,
    :func:`grading.outputs.drawings.interval_svg`) on the grade bands; a hollow dot where the range is hidden
    (the suppression rule hides a score uncertainty computed from a small count), nothing where the score
    is. Built once per shared ranking (:func:`ui.data.derived`), in plain Python over its rows."""
    scale = scale_of(scheme)
    return pl.Series(
        [
            None if score is None else drawings.data_url(drawings.interval_svg(score, spread, scale, width=160))
            for score, spread in rows.select("score", "score_uncertainty").iter_rows()
        ],
        dtype=pl.String,
    )


def short_label(key: str, fallback: str) -> str:
    """A column's short heading from the catalogue (``short_<key>``), else ``fallback``."""
    return str(t(f"short_{key}")) if f"short_{key}" in CATALOGUE else fallback


def public_ranking_table(rows: pl.DataFrame, kind: str, scheme: Scheme) -> pl.DataFrame:
    """A public ranking as displayed (plain-text cells formatted by Polars expressions, in the order given):
    rank, name, grade, score, the score with its 95 % range drawn on the grade bands, the rank change (only
    where it means something: :func:`grading.outputs.fmt.printed_change`), points per component and
    received. The suppression rule hides figures one by one too: a row hidden whole reads "—" and "< 5" or
    "hidden" for received; on a shown row, points computed from a small count (or hidden with it) read
    "hidden" (:func:`ui.public_page.figure_note`). Headings are the full labels; the grid shows short ones
    (:func:`column_config`)."""
    hi = lang() == "hi"
    shown = [c for c in scheme.components if data.public_shows(c.metric)]  # a component without data: left out
    points = {f"points_{c.key}": c.label_hi if hi else c.label_en for c in shown}

    def figure(column: str) -> pl.Expr:
        return fixed_expr(pl.col(column), 2).fill_null(figure_note(column, scheme)).fill_null(EMPTY)

    return rows.with_columns(printed_change()).select(
        rank_label().alias(t("rank")),
        display_name(kind).alias(t(kind)),  # for st.dataframe: plain-text cells
        pl.col("grade").fill_null(EMPTY).alias(t("grade")),
        figure("score").alias(t("score")),
        pl.lit(intervals(rows, scheme)).alias(t("score_range")),
        rank_change_expr(pl.col("rank_change")).fill_null("").alias(t("rank_change")),
        *[figure(p).alias(label) for p, label in points.items()],
        indian_expr(pl.col("received")).fill_null(hidden_label(scheme)).alias(metric_label("received")),
    )


def column_config(table: pa.Table, scheme: Scheme) -> dict[str, ColumnConfig]:
    """Widths and headings that fit a 1440-px screen with the sidebar open (about 890 px of table): rank and
    name pinned, names in a wide column, figures in narrow ones, points under short headings from the
    catalogue (the full heading on hover), the score's range as a picture."""
    hi = lang() == "hi"
    names = table.column_names
    config: dict[str, ColumnConfig] = {
        names[0]: st.column_config.TextColumn(width=64, pinned=True),
        names[1]: st.column_config.TextColumn(width=330 if str(t("grade")) in names else 220, pinned=True),
        str(t("grade")): st.column_config.TextColumn(width=56),
        str(t("score")): st.column_config.TextColumn(width=64),
        str(t("score_range")): st.column_config.ImageColumn(
            t("score_range_short"), width=165, help=t("score_range_help")
        ),
        str(t("rank_change")): st.column_config.TextColumn(width=76, help=t("rank_change_help")),
        metric_label("received"): st.column_config.TextColumn(width=84),
    }
    for c in scheme.components:
        full = c.label_hi if hi else c.label_en
        if full in names:
            heading = f"{short_label(c.key, full)} /{c.weight:g}"
            tip = t("points_help", label=full, n=f"{c.weight:g}")
            config[full] = st.column_config.TextColumn(heading, width=96, help=tip)
    return {name: config[name] for name in names if name in config}


def split(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """The ranking at a glance (rank, name, grade, score, its range, change, received) and its points per
    component (rank, name, the points, received): two tables that each fit the screen."""
    names = table.column_names
    glance = [*names[:6], names[-1]]
    return table.select(glance), table.select([names[0], names[1], *names[6:]])


def ranking_cards(rows: pl.DataFrame, kind: str, scheme: Scheme) -> str:
    """The ranking as cards for a phone (HTML, every name escaped): per row its printed rank, name, grade,
    score with the range picture and the change; a hidden row reads "—" and "< 5" or "hidden"."""
    shown = rows.with_columns(
        printed_change(),
        display_name(kind).alias("_name"),
        hidden_label(scheme).alias("_hidden"),
        pl.lit(intervals(rows, scheme)).alias("_range"),
    )
    cards = []
    for r in shown.iter_rows(named=True):
        score = EMPTY if r["score"] is None else f"{r['score']:.2f}"
        change = r["rank_change"]
        moved = "" if change is None else f"▲{change}" if change > 0 else f"▼{-change}" if change < 0 else "–"
        picture = f'<img class="nv-range" alt="" src="{r["_range"]}">' if r["_range"] else ""
        note = f'<span class="nv-note">{html.escape(str(r["_hidden"]))}</span>' if r["suppressed"] else ""
        cards.append(
            f'<div class="nv-card"><span class="nv-rank">{html.escape(r["rank_text"] or EMPTY)}</span>'
            f'<span class="nv-name">{html.escape(str(r["_name"]))}</span>'
            f'<span class="nv-grade">{html.escape(r["grade"] or EMPTY)}</span>'
            f'<span class="nv-score">{score}</span>'
            f'<span class="nv-change">{moved}</span>{picture}{note}</div>'
        )
    heads = (t("rank"), t(kind), t("grade"), t("score"))
    header = "".join(f"<span>{html.escape(str(h))}</span>" for h in heads)
    return f'<div class="nv-cards"><div class="nv-head">{header}</div>{"".join(cards)}</div>'


def grouped_tables(
    rows: pl.DataFrame, kind: str, draw: Callable[[pl.DataFrame], pl.DataFrame], scheme: Scheme | None = None
) -> None:
    """Tabs leading with volume group 1, then the other groups, then everyone (by group first); each in
    rank order (:data:`grading.outputs.fmt.RANK_ORDER`). ``draw`` turns rows into the displayed table (from
    the rows and the language only: the tables are built once per shared ``rows`` frame, language and
    ``draw``, see :func:`ui.data.derived`). With ``scheme``, the public page's form: widths and short
    headings that fit, and on a phone cards instead of the grid."""

    def build() -> list[tuple[str, pa.Table, str]]:
        groups = sorted(g for g in rows["volume_group"].unique().to_list() if g is not None)
        every = rows.sort([*RANK_ORDER, kind], nulls_last=True)
        labels = [t("group_n", n=g) for g in groups] + [t(f"all_{kind}s")]
        subsets = [rows.filter(pl.col("volume_group") == g).sort([*RANK_ORDER, kind]) for g in groups] + [every]
        # Kept as Arrow: st.dataframe sends an Arrow table as it is, where a Polars frame would go
        # through pandas on every run of every reader's page.
        return [
            (label, grid(draw(subset)), ranking_cards(subset, kind, scheme) if scheme else "")
            for label, subset in zip(labels, subsets, strict=True)
        ]

    tables = data.derived(rows, "grouped_tables", kind, lang(), draw.__code__, scheme is None, build=build)
    # Only the chosen tab's grid is sent (a tab switch reruns the page): a reader's browser draws one
    # grid per ranking on the first paint instead of one per tab, and the server sends a third.
    tabs = st.tabs([label for label, _, _ in tables], key=f"ranking_tab_{kind}", on_change="rerun")
    for i, (tab, (_, table, cards)) in enumerate(zip(tabs, tables, strict=True)):
        if tab.open is False:
            continue
        # st.dataframe, not st.table: st.table renders Markdown in its cells (an imported name could
        # become a link or an image), and the browser draws a grid of 52 rows far faster.
        if scheme is None:
            rank, name, *rest = table.column_names
            config: dict[str, ColumnConfig] = {c: st.column_config.Column(width="small") for c in rest}
            config[rank] = st.column_config.Column(width="small", pinned=True)
            config[name] = st.column_config.Column(width="medium", pinned=True)
            tab.dataframe(table, hide_index=True, column_config=config, height="content")
            continue
        # Wide screens and print: the grid at a glance (every row, printed too) and the points per component
        # folded under it; a phone: the cards (ui.public_page.STYLE shows one or the other by the width).
        wide = tab.container(key=f"ranking_grid_{kind}_{i}")
        glance, points = split(table)
        wide.dataframe(glance, hide_index=True, column_config=column_config(glance, scheme), height="content")
        with wide.expander(t("points_title")):
            st.dataframe(points, hide_index=True, column_config=column_config(points, scheme), height="content")
        tab.container(key=f"ranking_cards_{kind}_{i}").html(cards)


def none_graded(rows: pl.DataFrame, kind: str, month: date, scheme: Scheme) -> str | None:
    """Why no ``kind`` of ``rows`` (the month's ranking) is graded, in one sentence
    (:func:`grading.scoring.fit.why_none_graded`); None when one is. A row the public boundary hides
    keeps no reason: hidden rows are small ones (and their complements), read as too few complaints."""
    why = fit.why_none_graded(rows)
    if why is None:
        return None
    version = scheme.in_force(month)
    return t(
        f"none_graded_{why}",
        kind=t(f"one_{kind}"),
        month=month_name(month),
        **({"n": version.min_received} if why == "few_complaints" else {}),
        **({"pct": f"{version.min_data_pct:g}"} if why == "too_little_data" else {}),
    )


def ranking_tables(
    rows: pl.DataFrame, kind: str, month: date, scheme: Scheme, draw: Callable[[pl.DataFrame], pl.DataFrame]
) -> bool:
    """The month's ranking of ``kind`` as :func:`grouped_tables`, or, when no entity is graded, the
    reason in one sentence instead of a table of empty rows; returns whether the tables were drawn."""
    why = none_graded(rows, kind, month, scheme)
    if why is not None:
        st.info(why)
        return False
    grouped_tables(rows, kind, draw, scheme)
    return True


@st.cache_data(max_entries=32, show_spinner=False)
def _flags(stamp: Stamp, month: date, entity_type: str) -> pl.DataFrame:
    return reader.read(stamp, views.integrity_flags, data.scheme_for(stamp), month, entity_type)


def streaks_section(stamp: Stamp, month: date, entity_type: str = "department", top: int = 5) -> None:
    """The month's longest streaks: rank 1 (in its group) and top grade, in sentences."""
    st.subheader(t("streaks_title"))
    with guarded("streaks"):
        rows = data.public_streaks(stamp, entity_type, month)
        if rows.is_empty():
            st.write(t("no_streaks"))
            return
        named = rows.with_columns(display_name(entity_type).alias("shown"))
        lines = []
        for r in named.filter(pl.col("streak_rank_1") > 0).head(top).iter_rows(named=True):
            group = t("in_group", g=r["volume_group"]) if r["volume_group"] is not None else ""
            lines.append(t("streak_rank", name=r["shown"], n=r["streak_rank_1"], group=group))
        by_grade = named.filter(pl.col("streak_top_grade") > 0).sort("streak_top_grade", descending=True)
        for r in by_grade.head(top).iter_rows(named=True):
            lines.append(t("streak_grade", name=r["shown"], n=r["streak_top_grade"], grade=r["grade"] or "A"))
        st.markdown("\n".join(f"- {line}" for line in lines))


def flags_section(stamp: Stamp, month: date, department: str) -> None:
    """The integrity flags of one department for the month, each with its sentence and figures."""
    st.subheader(t("flags_title"))
    st.caption(t("flags_intro"))
    with guarded("integrity flags"):
        rows = _flags(stamp, month, "department").filter(pl.col("department") == department)
        if rows.is_empty():
            st.write(t("no_flags"))
            return
        titles = {code: (hi if lang() == "hi" else en) for code, (en, hi, *_) in flags.FLAGS.items()}
        st.dataframe(
            rows.select(
                pl.col("flag").replace_strict(titles).alias(t("flag")),
                flags.evidence_of(data.scheme().in_force(month).flags, lang(), indian_expr).alias(t("evidence")),
                pl.col("share_pct").round(1).alias(t("share_pct")),
                pl.col("own_pct").round(1).alias(t("own_pct")),
                pl.col("state_pct").round(1).alias(t("state_pct")),
            ),
            hide_index=True,
            width="stretch",
        )


def methodology_section(scheme: Scheme, month: date) -> None:
    """Which version grades the month, volume groups, when a rank is printed, and the flags."""
    hi = lang() == "hi"
    version = scheme.in_force(month)
    st.markdown(f"#### {t('method_versions')}")
    st.write(t("method_version", month=month_name(month), version=version.version))
    st.table(
        pl.DataFrame(
            {
                t("method_scheme"): [v.version for v in scheme.all_versions()],
                t("effective_from"): [
                    v.effective_from.strftime("%Y-%m") if v.effective_from else t("from_start")
                    for v in scheme.all_versions()
                ],
            }
        )
    )
    st.markdown(f"#### {t('method_groups')}")
    for groups in version.volume_groups:
        for kind in groups.entity_types:
            if groups.method == "top_n":
                st.markdown(f"- {t('groups_top_n', kind=t(kind), n=groups.top_n)}")
            else:
                limits = ", ".join(f"{n:,}" for n in groups.min_received)
                st.markdown(f"- {t('groups_thresholds', kind=t(kind), thresholds=limits)}")
    st.markdown(f"#### {t('method_reliability')}")
    confidence = {1.96: 95, 1.645: 90, 2.576: 99}.get(version.reliability_z, version.reliability_z)
    st.markdown(t("method_reliability_text", pct=confidence))
    st.markdown(f"#### {t('method_flags')}")
    s = version.flags
    st.markdown(t("method_flags_text", ratio=s.ratio, z=s.min_z, n=s.min_count))
    st.table(
        pl.DataFrame(
            {
                t("flag"): [hi_t if hi else en for en, hi_t, *_ in flags.FLAGS.values()],
                t("definition"): [flags.describe(code, s, lang()) for code in flags.FLAGS],
            }
        )
    )
