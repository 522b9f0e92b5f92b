"""Shared page pieces: sidebar controls, guarded charts, downloads, display tables."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Final

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from grading.access.accessfile import AccessFileError
from grading.access.audit import Entry
from grading.access.identity import Identity, Scope
from grading.model.registry import METRICS
from grading.model.schema import NivaranError
from grading.outputs import export
from grading.outputs.fmt import EMPTY, ago, fixed_expr, indian_expr, rank_change_expr, sparkline_expr
from grading.scoring.schemes import Scheme
from grading.words import zone_name
from ui import permalink, web
from ui.i18n import LANGS, display_name, lang, metric_label, moment, month_name, t, translate

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

_LOG = logging.getLogger(__name__)


#: Widgets whose value is their label rather than a code (Streamlit's ``st.tabs`` keeps the open tab's
#: label), by key prefix: a language switch translates their value (:func:`ui.i18n.translate`).
LABEL_VALUED: Final = ("ranking_tab_",)


def _kept(value: object) -> bool:
    """Whether a widget value is a choice to carry over a language switch: a code, a month, a list of
    codes (never a button's or a toggle's bool, a table's selection or an uploaded file)."""
    if isinstance(value, list | tuple):
        return bool(value) and all(isinstance(v, str | date) for v in value)
    return isinstance(value, str | date)


def _switch_language() -> None:
    """The language switch's callback: the new language, with every choice on the page kept.

    Streamlit sends a choice widget's value between the browser and the server as its label (1.67:
    selectbox, multiselect, radio, tabs), so after the labels change language the browser's value
    matches no option: a month box fell back to its default, a "Compare" radio to nothing, a
    multiselect kept chips in the old language and lost them at the next switch. A callback runs before
    the page, while the old labels still read the browser's values, so here each choice is read (as
    codes and months) and set again: the page then draws every widget with the same choice in the new
    language's labels. A tab's value is its label: translated.
    """
    old, new = lang(), st.session_state["language_switch"]
    for key, value in st.session_state.to_dict().items():
        if key in ("language_switch", "lang"):
            continue
        try:
            if str(key).startswith(LABEL_VALUED) and isinstance(value, str):
                st.session_state[key] = translate(value, old, new)
            elif _kept(value):
                st.session_state[key] = value
        except StreamlitAPIException:  # a widget whose value cannot be set: nothing to keep
            continue
    st.session_state["lang"] = new


def sidebar_controls(months: list[date], default: date | None = None) -> date | None:
    """The language switch and the month picker shared by every page (both kept in the URL, see
    ui.permalink); returns the chosen month. The picker starts on ``default`` (the latest gradable
    month, :func:`ui.data.public_default_month`), else on the latest month.

    The language lives in ``st.session_state["lang"]``, a plain key; the switch is a widget of its own
    that shows it and changes it through its callback. (Keyed by ``lang`` itself, the switch's state was
    Streamlit's widget state: a run cut short before the sidebar, as a sign-in's reload or a quick click
    makes, could leave the switch showing English on a Hindi page and the next click reset the language.)
    """
    st.session_state["language_switch"] = lang()  # from the link's ?lang=, else the browser, on first run
    st.sidebar.radio(
        t("language"),
        list(LANGS),
        format_func=LANGS.__getitem__,
        key="language_switch",
        on_change=_switch_language,
        horizontal=True,
    )
    permalink.publish("lang", lang())
    if not months:
        return None
    permalink.restore("month", "month", permalink.month_in(months))
    if st.session_state.get("month") not in months:
        st.session_state["month"] = default if default in months else months[-1]
    chosen: date = st.sidebar.selectbox(t("month"), months[::-1], format_func=month_name, key="month")
    permalink.publish("month", chosen)
    return chosen


@contextmanager
def guarded(what: str) -> Iterator[None]:
    """Draw inside; on any error show one sentence in this place, in the reader's language, and let the
    page go on. Nivaran's own errors are written as sentences (a store that cannot be read, a request
    outside the scope) and are shown as they are; any other error (``what`` failed) goes to the server's
    log with its stack trace, never to the page (a ``TypeError`` from a widget is no reading for a
    collector)."""
    try:
        yield
    except NivaranError as exc:
        st.warning(t("part_failed_because", reason=str(exc)))
    except Exception:
        _LOG.exception("page section failed: %s", what)
        st.warning(t("part_failed"))


def rank_label() -> pl.Expr:
    """The printed rank as the ranking record holds it (``rank_text``: "3", or the range "3–7"), "—"
    when not ranked. Formatting only: the rank itself is :func:`grading.scoring.grade.rank_text`'s."""
    return pl.col("rank_text").fill_null("—")


def hidden_label(scheme: Scheme) -> pl.Expr:
    """What a hidden count reads (grading.serve.public): "< 5" when the row itself is too small, "hidden"
    when it is hidden so that a small one cannot be worked out from a total."""
    return (
        pl.when(pl.col("suppressed_reason") == "complementary")
        .then(pl.lit(t("hidden_complementary")))
        .otherwise(pl.lit(f"< {scheme.suppress_below}"))
    )


def ranking_table(rows: pl.DataFrame, kind: str, scheme: Scheme) -> pl.DataFrame:
    """A ranking as displayed with ``st.dataframe`` (plain-text cells, drawn cheaply by the browser):
    text formatted by Polars expressions (no Python per cell), labels in the current language; ``rows``
    as from ``grading.serve.public.ranking`` (one row per department or district)."""
    from ui import data

    hi = lang() == "hi"
    shown = [c for c in scheme.components if data.public_shows(c.metric)]  # a component without data: left out
    points = {f"points_{c.key}": c.label_hi if hi else c.label_en for c in shown}
    return rows.select(
        rank_label().alias(t("rank")),
        display_name(kind).alias(t(kind)),  # for st.dataframe: plain-text cells
        pl.col("grade").fill_null(EMPTY).alias(t("grade")),
        fixed_expr(pl.col("score"), 2).fill_null(EMPTY).alias(t("score")),
        *[fixed_expr(pl.col(p), 2).fill_null(EMPTY).alias(label) for p, label in points.items()],
        rank_change_expr(pl.col("rank_change")).fill_null("").alias(t("rank_change")),
        sparkline_expr(pl.col("trend")).alias(t("trend")),
        indian_expr(pl.col("received"))
        .fill_null(hidden_label(scheme))  # suppressed by grading.serve.public
        .alias(metric_label("received")),
    )


def marked(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``frame`` for ``st.dataframe``, its marker column ``column`` first: the words written by
    :func:`grading.outputs.casewords.mark_expr` in the current language ("OVERDUE", "due in 2 days") mark a
    row. The cells are not coloured: Streamlit colours grid cells only from a pandas Styler, and page code
    never converts to pandas (a conversion from several sessions' threads at once can deadlock with Polars'
    thread pool: tests/test_concurrency.py)."""
    return frame.select(column, pl.exclude(column))


def headers(frame: pl.DataFrame) -> pl.DataFrame:
    """Rename metric columns to their labels in the current language (for tables and downloads)."""
    return frame.rename({c: metric_label(c) for c in frame.columns if c in METRICS})


@dataclass(frozen=True)
class CaseFile:
    """A file of case rows to offer: how to make its bytes, how many case rows it holds, its format and
    its file name without the extension (made safe for a file name when offered)."""

    make: Callable[[], bytes]
    rows: int
    fmt: str
    stem: str


def _safe_name(name: str) -> str:
    """``name`` fit for a file or sheet name: codes may hold / : * ? [ ], which neither allows."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def download(frame: pl.DataFrame, name: str, key: str, excel: bool = False) -> None:
    """CSV (UTF-8 with BOM, so Excel shows Hindi) and optionally .xlsx download buttons for aggregate
    tables (no case rows: those go through :func:`case_download`). Formula cells are neutralised.
    The file is written when the button is clicked, not on every run of the page."""
    name = _safe_name(name)
    stem = f"{name}-{lang()}"
    formats = ["csv", "xlsx"] if excel else ["csv"]
    for col, fmt in zip(st.columns(len(formats)), formats, strict=True):
        col.download_button(
            t(f"download_{fmt}"),
            partial(export.write, frame, fmt, sheet=name),
            f"{stem}.{fmt}",
            export.FORMATS[fmt][0],
            key=f"{key}-{fmt}",
            on_click="ignore",
        )


def case_files_offered() -> bool:
    """Whether this page can offer files of case rows: only through Nivaran's export route, so only when
    the server mounted it (``streamlit run dashboard.py``) and this tab is signed in. Otherwise the
    page says so in one sentence, where the buttons would be, and offers nothing."""
    from ui import auth

    if web.MOUNTED and auth.token() is not None:
        return True
    st.caption(t("case_files_need_server"))
    return False


def case_file_link(
    col: DeltaGenerator, label: str, key: str, *, file: CaseFile, who: Identity, scope: Scope, what: Entry
) -> None:
    """A link to one file of case rows, served by the export route to this session only and audited when
    it is downloaded (:func:`ui.web.offer_file`); call only after :func:`case_files_offered`."""
    from ui import auth

    token = auth.token()
    if token is None:  # signed out since case_files_offered: nothing to offer
        return
    url = web.offer_file(
        token,
        key,
        who=who,
        scope=scope,
        make=file.make,
        rows=file.rows,
        fmt=file.fmt,
        what=what,
        file_name=f"{_safe_name(file.stem)}.{export.FORMATS[file.fmt][1]}",
    )
    col.link_button(label, url, key=key)


def case_download(frame: pl.DataFrame, name: str, key: str, *, who: Identity, scope: Scope, what: Entry) -> None:
    """CSV and Excel downloads of case rows, through the one audited path (:func:`grading.outputs.export.audited`).

    Served by Nivaran's export route (ui/web.py), the files answer only to this signed-in session's
    cookie, and each download is audited when it happens. Without the routes (plain ``streamlit run
    navigation.py``, AppTest) there is no download: Streamlit's download button would serve the file from
    ``/media/`` to anyone with its address. ``what``: the files' audit entry; ``name``: the file name
    (without the language and extension, which are added) and the sheet's name.
    """
    if not case_files_offered():
        return
    cols = st.columns(3)
    for col, fmt in zip(cols[:2], ("csv", "xlsx"), strict=True):
        file = CaseFile(partial(export.write, frame, fmt, sheet=name), frame.height, fmt, f"{name}-{lang()}")
        case_file_link(col, t(f"download_{fmt}"), f"{key}-{fmt}", file=file, who=who, scope=scope, what=what)
    cols[2].caption(t("export_note"))


#: The case-list views this browser session has recorded in the audit log: (user, scope, what was shown).
_VIEWED: Final = "case_views_recorded"


def audit_view(who: Identity, scope: Scope, what: Entry, rows: int) -> None:
    """Record in the audit log (``view``) that ``who`` was shown a case list within ``scope``: ``what``
    says which list, of which district or department, as of which day (``Entry("review_list", {"district":
    "BHOPAL", "day": "2024-08-31"})``), ``rows`` how many cases it held. Once per session for each distinct
    view: a rerun of the same view (a click in the list, a filter, a language switch) records nothing more;
    another day, district or list is a view of its own. Call it before the list is shown: when the audit log
    cannot be written, the page says so in one sentence and shows no case."""
    from ui import auth

    seen: set[tuple[str, str, str]] = st.session_state.setdefault(_VIEWED, set())
    key = (who.username, scope.label, f"{what.event} {what.args}")
    if key in seen:
        return
    try:
        auth.accounts().log_view(who, scope, what, rows)
    except AccessFileError as exc:  # the access file is full or unwritable: no unaudited case list
        st.warning(str(exc))
        st.stop()
    seen.add(key)


def page_context() -> tuple[tuple[int, int], date]:
    """The database stamp and the month chosen in the sidebar; explains and stops when there is none."""
    stamp = st.session_state["db_stamp"]
    month = st.session_state.get("selected_month")
    if month is None:
        st.info(t("no_months"))
        st.stop()
    return stamp, month


def freshness(stamp: tuple[int, int]) -> None:
    """The line at the top of every page: how recent the data are and when they were loaded, in words
    ("Data up to 28 Nov 2026 18:00, loaded 10 minutes ago")."""
    from ui import data

    latest, loaded = data.freshness(stamp)
    if latest is None:
        st.caption(t("freshness_empty"))
        return
    since = (datetime.now() - loaded).total_seconds() if loaded else None
    st.caption(t("freshness", upto=moment(latest), ago=ago(since, lang()) if since is not None else EMPTY))


def helpline_banner(stamp: tuple[int, int]) -> None:
    """The store's helpline name, zone and default scheme, at the top of the sidebar on every page."""
    from ui import data

    settings = data.settings(stamp)
    title = data.scheme().title_hi if lang() == "hi" else data.scheme().title_en
    st.sidebar.markdown(
        t("helpline_banner", name=settings.name, zone=zone_name(settings.timezone, lang()), scheme=title)
    )


def data_window(stamp: tuple[int, int]) -> None:
    """The caption every public page carries: data window, last refresh, demo notice."""
    from ui import data

    info = data.status(stamp)
    first, last = info["first_month"], info["last_month"]
    st.caption(
        t(
            "data_window",
            first=month_name(first) if isinstance(first, date) else "—",
            last=month_name(last) if isinstance(last, date) else "—",
            refreshed=info["refreshed_at"] or "—",
            zone=zone_name(data.settings(stamp).timezone, lang()),
        )
    )
    if info["is_demo"]:
        st.caption(t("demo_note"))


def published_marker(stamp: tuple[int, int], month: date) -> None:
    """ "Published on …" under a page title when the month's grading is published; else "provisional"."""
    from ui import data

    found = data.publication(stamp, month)
    if found is None:
        st.caption(t("provisional", month=month_name(month)))
        return
    when = found["published_at"]
    shown = when.strftime("%d-%m-%Y") if isinstance(when, datetime) else str(when)
    st.info(t("published_on", month=month_name(month), date=shown, version=found["version"]))
