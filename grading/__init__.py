"""Nivaran's core: schema, store, derivation, metrics, grading schemes, import and CLI.

Never imports Streamlit (a test enforces it): pages call into this package, not the other way round.
"""
