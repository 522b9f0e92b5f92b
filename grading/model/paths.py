"""Where Nivaran's shipped files live: ``data/`` beside the ``grading`` package (reference tables,
grading schemes, mappings, boundaries) and the default database in it."""

from __future__ import annotations

from pathlib import Path
from typing import Final

DATA_DIR: Final = Path(__file__).resolve().parents[2] / "data"
