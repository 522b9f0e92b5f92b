"""Nivaran dashboard: the pages each browser session runs (served by dashboard.py: `uv run streamlit run dashboard.py`).

Routes pages by audience and role with st.navigation: the public pages for everyone, the collector and
department pages for signed-in collectors, department heads and administrators, the data and audit
pages for administrators. The sidebar holds the language switch, the month picker shared by every page
and the signed-in user; the first start builds the demo database.
"""

import os
import sys
import time

import streamlit as st

from ui import auth, data, permalink, startup
from ui.i18n import t
from ui.widgets import freshness, helpline_banner, sidebar_controls

#: Pages that need a role: name (Identity.can_see) → (file, title, navigation section). No page has an
#: icon: st.Page takes an emoji (empty boxes on a machine without an emoji font) or a Material icon (a
#: font the browser fetches from the internet); the titles say where each page leads.
PROTECTED = {
    "department": ("pages/department.py", "page_department", "nav_departments"),
    "collector": ("pages/collector.py", "page_collector", "nav_collectors"),
    "data": ("pages/data_status.py", "page_data", "nav_data"),
    "audit": ("pages/audit.py", "page_audit", "nav_data"),
}

#: The page each role lands on after signing in (a name in PROTECTED).
HOME = {"collector": "collector", "department_head": "department", "admin": "data"}


def waited_for_core() -> float:
    """Seconds this thread has spent ready to run but waiting for a CPU (Linux schedstat; 0 elsewhere)."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


timed = bool(os.environ.get("NIVARAN_PAGE_TIMES"))
started, started_cpu, started_wait = time.perf_counter(), time.thread_time(), waited_for_core() if timed else 0.0
st.set_page_config(page_title="Nivaran · निवारण", layout="wide")  # no emoji favicon: it is fetched from a CDN
who = auth.current()
# Register the pages before anything slow runs, so the sidebar never falls back to listing pages/.
pages: dict[str, list[st.Page]] = {
    t("nav_public"): [
        st.Page("pages/public_summary.py", title=t("page_public"), default=True),
        st.Page("pages/methodology.py", title=t("page_methodology")),
        st.Page("pages/trends.py", title=t("page_trends")),
    ],
}
own: dict[str, st.Page] = {}  # the protected pages this role opens
for name, (file, title, section) in PROTECTED.items():
    if who.can_see(name):
        own[name] = st.Page(file, title=t(title))
        pages.setdefault(t(section), []).append(own[name])
    else:
        # Not this role's page: its address (a bookmark) still answers, hidden from the menu, with the
        # sign-in form for the public (then the page itself) or a refusal; the page's code never runs.
        url_path = file.removeprefix("pages/").removesuffix(".py")
        stand_in = st.Page(auth.stand_in(name), title=t(title), url_path=url_path, visibility="hidden")
        pages[t("nav_public")].append(stand_in)
if who.is_public:
    pages[t("nav_account")] = [st.Page("pages/sign_in.py", title=t("page_sign_in"))]
navigation = st.navigation(pages)
home = own.get(HOME.get(who.role, ""))  # after signing in, each role lands on its own page
auth.hand_off(f"/{home.url_path}" if home else "/")  # a sign-in or sign-out waiting for its cookie: go there now
if home is not None and auth.landing():
    st.switch_page(home)
stamp = startup.ensure_database()
st.session_state["db_stamp"] = stamp
helpline_banner(stamp)  # every page: whose data, months in which zone, graded under which scheme
# Every page opens on the latest month with a graded department (a stray late event makes a month
# with data but nothing to grade), see grading.scoring.fit.
st.session_state["selected_month"] = sidebar_controls(data.months(stamp), data.public_default_month(stamp))
auth.sidebar(who)
freshness(stamp)  # every page: how fresh its data are, in words
permalink.restore_tabs(navigation.url_path)  # the rankings' open tabs, from a link
try:
    navigation.run()
    permalink.publish_tabs(navigation.url_path)
finally:  # this run's wall clock, its thread's CPU and its wait for a core, for bench/bench_crowd.py
    if timed:
        wall, cpu = time.perf_counter() - started, time.thread_time() - started_cpu
        wait = waited_for_core() - started_wait
        sys.stdout.write(f"nivaran-page-time\t{navigation.title}\t{wall:.4f}\t{cpu:.4f}\t{wait:.4f}\n")
