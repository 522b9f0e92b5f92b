"""The metric registry: one entry per metric column, read by the methodology page, table headers, CSV
headers and chart labels. A test fails when a metric column has no entry here.

The registry is one thing to its readers, so this face hands on its names; each lives in one module:
:mod:`~.entry` (what an entry says, and the units), :mod:`~.helpline_metrics` (:data:`METRICS`,
:data:`RATIOS`), :mod:`~.public_columns` (:data:`FIELDS`), :mod:`~.national_metrics`
(:data:`NATIONAL_METRICS`) and :mod:`~.labels` (:func:`label`, :func:`definition`).
"""

from grading.model.registry.entry import Metric
from grading.model.registry.helpline_metrics import METRICS, RATIOS
from grading.model.registry.labels import definition, label
from grading.model.registry.national_metrics import NATIONAL_METRICS
from grading.model.registry.public_columns import FIELDS

__all__ = ["FIELDS", "METRICS", "NATIONAL_METRICS", "RATIOS", "Metric", "definition", "label"]
