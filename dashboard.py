"""Nivaran dashboard: `uv run streamlit run dashboard.py`.

The server: Streamlit's ASGI application (`st.App`) running the pages (`navigation.py`: navigation,
language, month, then the page) with Nivaran's own HTTP routes beside Streamlit's (ui/web.py): the
sign-in cookie that survives reloads and new tabs, and case exports that answer only to the signed-in
session that made them.
"""

import streamlit as st

from ui import web

app = st.App("navigation.py", routes=web.routes())
