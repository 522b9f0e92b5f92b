"""Child process of tests/test_concurrency.py: run page code from many threads at once.

Run as ``python -m tests.concurrency MODE DB THREADS ROUNDS SECONDS``. A watchdog
(:func:`faulthandler.dump_traceback_later`, a C thread that needs no GIL) prints every thread's
stack and ends the process with exit code 1 when the work is not done in SECONDS, so a deadlock
fails the test with its stacks instead of hanging CI. Modes:

- ``pages``: what every page computes and draws (the :mod:`grading.serve.views` / :mod:`grading.serve.public` data, uncached, a cursor
  per call; the :mod:`ui.widgets` formatting; Streamlit's own table and chart conversion), each
  thread starting at a different page; odd rounds in Hindi. (``AppTest`` itself is not
  thread-safe, so the page scripts run concurrently in the browser crowd test instead.)
- ``hang``: a task that deadlocks on purpose (two locks taken in opposite orders), to show the
  watchdog turns a hang into a failure.
"""

from __future__ import annotations

import faulthandler
import io
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path


def in_threads(task: Callable[[int], None], threads: int) -> list[str]:
    """Start ``threads`` threads running ``task(i)`` at the same moment; the errors they raised."""
    errors: list[str] = []
    start = threading.Barrier(threads)

    def run(i: int) -> None:
        start.wait()
        try:
            task(i)
        except Exception:
            errors.append(f"thread {i}: {traceback.format_exc()}")

    workers = [threading.Thread(target=run, args=(i,), name=f"session-{i}") for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


def pages_task(db: Path) -> Callable[[int], None]:
    """What every page computes and draws, from data to Streamlit's own table and chart conversion.

    Streamlit calls outside ``streamlit run`` (bare mode) still convert their data (Arrow tables,
    Plotly JSON) and then drop the message, so ``st.table``/``st.plotly_chart`` run their real
    conversion here. Session state is shared in bare mode: the language is switched per round.
    """
    from datetime import date

    import plotly.express as px
    import polars as pl
    import streamlit as st

    import ui  # noqa: F401 - as the dashboard does first: pandas imported whole before any thread draws
    from grading.access.identity import Identity
    from grading.outputs import fmt
    from grading.scoring import schemes
    from grading.serve import public, views
    from grading.store import database
    from ui.i18n import display_name, metric_label
    from ui.widgets import headers, ranking_table

    con = database.connect_readonly(db)
    scheme = schemes.load(schemes.DEFAULT_SCHEME)
    admin = Identity("t.admin", "admin")
    month = views.data_status(con.cursor())["last_month"]
    assert isinstance(month, date)

    def public_summary() -> None:
        now = public.state_headline(con.cursor(), scheme, month).row(-1, named=True)
        [fmt.pct(v) if k.endswith("_pct") else fmt.in_words(v) for k, v in now.items() if k in public.HEADLINE]
        found = public.suppression(con.cursor(), scheme)
        for kind in ("department", "district"):
            rows = public.ranking(con.cursor(), scheme, kind, month, found=found)
            st.table(ranking_table(rows, kind, scheme), hide_index=True)
            headers(rows.drop("trend")).write_csv()
        trend = public.state_trend(con.cursor(), scheme)
        long = trend.select("month", "satisfied_closure_pct", "force_close_pct").unpivot(index="month")
        st.plotly_chart(px.line(long, x="month", y="value", color="variable", markers=True))
        grid = public.cells(con.cursor(), scheme, month, "satisfied_closure_pct", found=found)
        wide = grid.with_columns(display_name("district").alias("d"), display_name("department").alias("p"))
        wide = wide.pivot(on="p", index="d", values="value", sort_columns=True).sort("d")
        st.plotly_chart(px.imshow(wide.drop("d").to_numpy(), x=wide.columns[1:], y=wide["d"].to_list()))

    def trends() -> None:
        rows = public.history(con.cursor(), scheme, "district")
        series = rows.select("month", display_name("district").alias("who"), pl.col("received").alias("value"))
        st.plotly_chart(
            px.line(series.filter(pl.col("who").is_in(series["who"].unique().head(3).to_list())), x="month", y="value")
        )

    def department() -> None:
        ranking = views.ranking(con.cursor(), scheme, "department", month)
        comp = views.component_comparison(con.cursor(), scheme, "ENERGY", month)
        st.table(comp.select("label_en", pl.col("points").round(2), pl.col("change").round(2)), hide_index=True)
        cases = views.pending_cases(con.cursor(), month, admin, department="ENERGY")
        by = views.pending_summary(cases.with_columns(display_name("district").alias("d")), ["d", "level"])
        st.dataframe(by.pivot(on="level", index="d", values="pending").fill_null(0), hide_index=True)
        st.write(metric_label("received"), ranking.height)

    def collector(i: int) -> None:
        cases = views.pending_cases(con.cursor(), month, admin, district="INDORE")
        st.dataframe(views.pending_summary(cases, ["department", "level"]), hide_index=True)
        shown = cases.select("complaint_id", pl.col("registered_at").dt.strftime("%d-%m-%Y %H:%M"))
        st.dataframe(shown, hide_index=True)
        shown.write_excel(io.BytesIO())
        if cases.height:
            events = views.case_timeline(
                con.cursor(), cases["complaint_id"][i % cases.height], admin, district="INDORE"
            )
            st.dataframe(events.select(pl.col("event_time").dt.strftime("%d-%m-%Y %H:%M"), "note"), hide_index=True)

    def data_page() -> None:
        info = views.data_status(con.cursor())
        st.dataframe(info["log"], hide_index=True)
        st.dataframe(info["quarantine"], hide_index=True)

    def task(i: int) -> None:
        for step in (public_summary, trends, department, lambda: collector(i), data_page)[i % 5 :] + (
            public_summary,
            trends,
            department,
            lambda: collector(i),
            data_page,
        )[: i % 5]:
            step()

    return task


def hang_task() -> Callable[[int], None]:
    first, second = threading.Lock(), threading.Lock()
    both_hold_one = threading.Barrier(2)

    def task(i: int) -> None:
        a, b = (first, second) if i % 2 == 0 else (second, first)
        with a:
            both_hold_one.wait()
            with b:
                pass

    return task


def set_language(code: str) -> None:
    import streamlit as st

    st.session_state["lang"] = code


def main(argv: list[str]) -> int:
    mode, db, threads, rounds, seconds = argv[0], Path(argv[1]), int(argv[2]), int(argv[3]), float(argv[4])
    task = {"pages": lambda: pages_task(db), "hang": hang_task}[mode]()  # imports and connection first
    faulthandler.dump_traceback_later(seconds, exit=True)  # then a hang fails with every thread's stack
    for n in range(rounds):
        if mode == "pages":  # (streamlit is imported by then: nothing slow under the watchdog)
            set_language("hi" if n % 2 else "en")
        errors = in_threads(task, threads)
        if errors:
            print(f"round {n + 1}:", *errors, sep="\n", file=sys.stderr)
            return 1
    faulthandler.cancel_dump_traceback_later()
    print(f"{mode}: {rounds} rounds of {threads} threads done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
