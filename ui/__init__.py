"""Streamlit-side helpers shared by the pages: database access with caching, and first-start set-up."""
