"""Nivaran dashboard server: `uv run streamlit run app.py`.

Serves the dashboard (`dashboard.py`) through Streamlit's ASGI app (`st.App`) with Nivaran's own
routes beside it (ui/web.py): the sign-in cookie that survives reloads and new tabs, and case exports
that answer only to the signed-in session that made them.
"""

import streamlit as st

from ui import web

app = st.App("dashboard.py", routes=web.routes())
