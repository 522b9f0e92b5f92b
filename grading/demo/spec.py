"""What a demo holds, apart from the code that builds it: the command line reads its defaults
without importing the simulator (and NumPy) on every command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class DemoSpec:
    """What a demo holds: ``months`` calendar months ending with ``end`` (YYYY-MM), ``scale`` (1.0 is
    about 4 lakh new complaints a month statewide) and the random ``seed``."""

    months: int
    end: str
    scale: float
    seed: int


#: The demo ``nivaran demo`` and the dashboard's first start build.
DEFAULT_DEMO: Final = DemoSpec(months=12, end="2026-10", scale=0.05, seed=181)
