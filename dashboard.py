"""Nivaran dashboard: `uv run streamlit run dashboard.py`.

The server: Streamlit's ASGI application (`st.App`) running the pages (`navigation.py`: navigation,
language, month, then the page) with Nivaran's own HTTP routes beside Streamlit's (ui/web.py): the
sign-in cookie that survives reloads and new tabs, and case files (lists, the meeting pack) that answer
only to the signed-in session that offered them. Its middleware adds the no-framing headers to every
response and keeps Streamlit's metrics for administrators (docs/access.md).
"""

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui import web

# Streamlit finds a pages/ folder beside navigation.py and, until some session has run st.navigation,
# serves a deep link (/department?month=...) by running pages/department.py alone: no navigation, no
# sign-in check, no database stamp. Nivaran's pages are always routed by navigation.py, from the first
# request of a fresh server on (st.navigation sets the same switch on its first run).
PagesManager.uses_pages_directory = False


@asynccontextmanager
async def warm_at_start(_app: Any) -> AsyncIterator[None]:
    """On a first start, build the demo database before serving (its accounts' passwords printed in this
    terminal now, not after the first page visit); then compute the public pages' data in the
    background, so that a crowd arriving at a fresh server does not wait for it (new versions are
    warmed by the reader's watcher)."""
    from ui import startup

    await asyncio.to_thread(startup.first_start)
    threading.Thread(target=startup.warm_current, name="nivaran-warm", daemon=True).start()
    yield


app = st.App("navigation.py", routes=web.routes(), middleware=web.middleware(), lifespan=warm_at_start)
