"""Nivaran dashboard: `uv run streamlit run dashboard.py`.

Routes pages by audience and role with st.navigation: the public pages for everyone, the collector and
department pages for signed-in collectors, department heads and administrators, the data and audit
pages for administrators. The sidebar holds the language switch, the month picker shared by every page
and the signed-in user; the first start builds the demo database.
"""

import streamlit as st

from ui import auth, data
from ui.i18n import t
from ui.widgets import helpline_banner, sidebar_controls

st.set_page_config(page_title="Nivaran · निवारण", page_icon="⚖️", layout="wide")
who = auth.current()
# Register the pages before anything slow runs, so the sidebar never falls back to listing pages/.
# A page the role may not open is not registered at all: its URL then shows the default page.
pages = {
    t("nav_public"): [
        st.Page("pages/public_summary.py", title=t("page_public"), icon="📊", default=True),
        st.Page("pages/methodology.py", title=t("page_methodology"), icon="📐"),
        st.Page("pages/trends.py", title=t("page_trends"), icon="📈"),
    ],
}
if who.can_see("department"):
    pages[t("nav_departments")] = [st.Page("pages/department.py", title=t("page_department"), icon="🏛️")]
if who.can_see("collector"):
    pages[t("nav_collectors")] = [st.Page("pages/collector.py", title=t("page_collector"), icon="🗂️")]
if who.can_see("data"):
    pages[t("nav_data")] = [
        st.Page("pages/data_status.py", title=t("page_data"), icon="🗄️"),
        st.Page("pages/audit.py", title=t("page_audit"), icon="🔏"),
    ]
if who.is_public:
    pages[t("nav_account")] = [st.Page("pages/sign_in.py", title=t("page_sign_in"), icon="🔑")]
navigation = st.navigation(pages)
stamp = data.ensure_database()
st.session_state["db_stamp"] = stamp
helpline_banner(stamp)
st.session_state["selected_month"] = sidebar_controls(data.months(stamp))
auth.sidebar(who)
navigation.run()
