"""Nivaran dashboard: `uv run streamlit run dashboard.py`.

Routes pages by audience with st.navigation; the first start builds the demo database.
"""

import streamlit as st

from ui import data

st.set_page_config(page_title="Nivaran · निवारण", page_icon="⚖️", layout="wide")
# Register the pages before anything slow runs, so the sidebar never falls back to listing pages/.
navigation = st.navigation(
    {
        "Public": [st.Page("pages/public_summary.py", title="Public summary", icon="📊", default=True)],
    }
)
st.session_state["db_stamp"] = data.ensure_database()
navigation.run()
