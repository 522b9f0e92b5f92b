"""A new store for tests that load files: ``nivaran init`` with the settings a test needs.

A load never creates a store (``grading.intake.ingest.refuse_missing_store``), so a test makes one first.
"""

from __future__ import annotations

from pathlib import Path

from grading.store import helpline


def mp_store(db: Path, *, name: str = "Test helpline") -> Path:
    """A store at ``db`` for Madhya Pradesh's helpline (Asia/Kolkata, MP reference data, the default
    scheme): what the tests' hand-made events are written for. Returns ``db``."""
    helpline.init(db, timezone="Asia/Kolkata", name=name, reference_choice="mp")
    return db
