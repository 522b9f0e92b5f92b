"""Nivaran dashboard: `uv run streamlit run dashboard.py`.

The server: Streamlit's ASGI application (`st.App`) running the pages (`navigation.py`: navigation,
language, month, then the page) with Nivaran's own HTTP routes beside Streamlit's (ui/web.py): the
sign-in cookie that survives reloads and new tabs, and case exports that answer only to the signed-in
session that made them.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui import web

# navigation.py routes every page with st.navigation, which switches off Streamlit's older pages/-folder
# routing for the process, but only once a session has run it. Until then a fresh server answered a
# direct page address (a permalink such as /trends?...) by running that page alone, without the
# navigation script (no database stamp, no month): so the older routing is off from the start.
PagesManager.uses_pages_directory = False

app = st.App("navigation.py", routes=web.routes())
