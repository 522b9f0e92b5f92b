"""Streamlit-side helpers shared by the pages: database access with caching, and first-start set-up."""

# Import pandas whole before any session draws: Plotly and Streamlit look it up in sys.modules
# without importing it, and a second session could otherwise see a half-imported module while
# the first one is importing it (AttributeError: partially initialized module 'pandas').
import pandas  # noqa: F401
