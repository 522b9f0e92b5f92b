"""Nivaran dashboard: `uv run streamlit run dashboard.py`.

Routes pages by audience with st.navigation; the sidebar holds the language switch and the month picker
shared by every page; the first start builds the demo database.
"""

import streamlit as st

from ui import data
from ui.i18n import t
from ui.widgets import sidebar_controls

st.set_page_config(page_title="Nivaran · निवारण", page_icon="⚖️", layout="wide")
# Register the pages before anything slow runs, so the sidebar never falls back to listing pages/.
navigation = st.navigation(
    {
        t("nav_public"): [
            st.Page("pages/public_summary.py", title=t("page_public"), icon="📊", default=True),
            st.Page("pages/methodology.py", title=t("page_methodology"), icon="📐"),
            st.Page("pages/trends.py", title=t("page_trends"), icon="📈"),
        ],
        t("nav_departments"): [st.Page("pages/department.py", title=t("page_department"), icon="🏛️")],
        t("nav_collectors"): [st.Page("pages/collector.py", title=t("page_collector"), icon="🗂️")],
        t("nav_data"): [st.Page("pages/data_status.py", title=t("page_data"), icon="🗄️")],
    }
)
stamp = data.ensure_database()
st.session_state["db_stamp"] = stamp
st.session_state["selected_month"] = sidebar_controls(data.months(stamp))
navigation.run()
