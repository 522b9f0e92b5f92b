"""The label and the definition of any public column, metric or other, in English or Hindi."""

from __future__ import annotations

from grading.model.registry.helpline_metrics import METRICS
from grading.model.registry.public_columns import FIELDS


def label(name: str, lang: str = "en") -> str:
    """The display label of a metric or another public column (:data:`FIELDS`; ``lang`` is ``en`` or
    ``hi``); unknown names come back as given."""
    metric = METRICS.get(name) or FIELDS.get(name)
    if metric is None:
        return name
    return metric.label_hi if lang == "hi" else metric.label_en


def definition(name: str, lang: str = "en") -> str:
    """The plain-words definition of a metric or another public column in ``lang`` (``en`` or ``hi``);
    unknown names come back as given."""
    metric = METRICS.get(name) or FIELDS.get(name)
    if metric is None:
        return name
    return metric.description_hi if lang == "hi" else metric.description
