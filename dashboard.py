"""Nivaran dashboard: `uv run streamlit run dashboard.py`.

Routes pages by audience with st.navigation; the first start builds the demo database.
"""

import streamlit as st

from ui import data

st.set_page_config(page_title="Nivaran · निवारण", page_icon="⚖️", layout="wide")
stamp = data.ensure_database()
st.session_state["db_stamp"] = stamp

navigation = st.navigation(
    {
        "Public": [st.Page("pages/public_summary.py", title="Public summary", icon="📊", default=True)],
    }
)
navigation.run()
