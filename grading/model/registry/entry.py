"""What one entry of the registry says (:class:`Metric`), and the two ways the registry writes one.

Units: ``count`` (complaints, or events where the description says so), ``pct`` (0-100), ``days``
(calendar days, decimal). ``higher_is_better`` is None where neither direction is good in itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """One metric column: labels in English and Hindi, a plain-words definition in each, unit and direction.
    The Hindi definition keeps the escalation levels (L1-L5) as the helpline's forms print them."""

    label_en: str
    label_hi: str
    description: str
    description_hi: str
    unit: str
    higher_is_better: bool | None


def metric(
    label_en: str, label_hi: str, description: str, description_hi: str, unit: str, *, better: bool | None
) -> Metric:
    """A metric's entry; ``better`` is its ``higher_is_better``."""
    return Metric(label_en, label_hi, description, description_hi, unit, better)


def column(label_en: str, label_hi: str, description: str, description_hi: str, unit: str) -> Metric:
    """Another public column's entry: no direction."""
    return Metric(label_en, label_hi, description, description_hi, unit, None)
