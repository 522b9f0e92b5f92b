"""The state-level figures of the national view, one entry each."""

from __future__ import annotations

from typing import Final

from grading.model.registry.entry import Metric, metric
from grading.model.registry.helpline_metrics import METRICS

#: The state-level figures of the national view (:mod:`grading.monthly.national`), one row per helpline
#: (state) and month: what the national scheme (``data/national/``) may weigh. They are not helpline
#: metrics (a helpline's own grading never computes them), so they live apart from :data:`METRICS`; the
#: ones a state's helpline already has (satisfaction, median days) are its entries.
NATIONAL_METRICS: Final[dict[str, Metric]] = {
    "received": METRICS["received"],
    "disposed": metric(
        "Disposed",
        "निराकृत",
        "Complaints closed in the month, whenever registered (the helpline's closed).",
        "माह में बंद की गई शिकायतें, चाहे कभी भी दर्ज हुई हों (हेल्पलाइन की बंद शिकायतें)।",
        "count",
        better=None,
    ),
    "pending": metric(
        "Pending",
        "लंबित",
        "Complaints open at the month's cut-off.",
        "माह की अंतिम समय-सीमा पर खुली शिकायतें।",
        "count",
        better=None,
    ),
    "disposal_pct": metric(
        "Disposal %",
        "निराकरण %",
        "Disposed ÷ (disposed + pending at the cut-off) × 100: the share of the month's workload (brought forward plus received) disposed of.",
        "निराकृत ÷ (निराकृत + अंतिम समय-सीमा पर लंबित) × 100: माह के कार्यभार (पिछली शेष और नई प्राप्त) का निराकृत भाग।",
        "pct",
        better=True,
    ),
    "resolution_days_median": METRICS["resolution_days_median"],
    "pending_over_30": metric(
        "Pending > 30 days",
        "30 दिन से अधिक लंबित",
        "Open at the cut-off, older than 30 completed days.",
        "अंतिम समय-सीमा पर खुली, 30 पूरे दिनों से पुरानी शिकायतें।",
        "count",
        better=False,
    ),
    "pending_over_60": metric(
        "Pending > 60 days",
        "60 दिन से अधिक लंबित",
        "Open at the cut-off, older than 60 completed days.",
        "अंतिम समय-सीमा पर खुली, 60 पूरे दिनों से पुरानी शिकायतें।",
        "count",
        better=False,
    ),
    "pending_over_90": metric(
        "Pending > 90 days",
        "90 दिन से अधिक लंबित",
        "Open at the cut-off, older than 90 completed days.",
        "अंतिम समय-सीमा पर खुली, 90 पूरे दिनों से पुरानी शिकायतें।",
        "count",
        better=False,
    ),
    "pending_over_30_pct": metric(
        "Pending > 30 days %",
        "30 दिन से अधिक लंबित %",
        "Pending > 30 days ÷ pending × 100.",
        "30 दिन से अधिक लंबित ÷ लंबित × 100।",
        "pct",
        better=False,
    ),
    "pending_over_60_pct": metric(
        "Pending > 60 days %",
        "60 दिन से अधिक लंबित %",
        "Pending > 60 days ÷ pending × 100.",
        "60 दिन से अधिक लंबित ÷ लंबित × 100।",
        "pct",
        better=False,
    ),
    "pending_over_90_pct": metric(
        "Pending > 90 days %",
        "90 दिन से अधिक लंबित %",
        "Pending > 90 days ÷ pending × 100.",
        "90 दिन से अधिक लंबित ÷ लंबित × 100।",
        "pct",
        better=False,
    ),
    "feedback_satisfied": METRICS["feedback_satisfied"],
    "feedback_dissatisfied": METRICS["feedback_dissatisfied"],
    "satisfaction_pct": METRICS["satisfaction_pct"],
}
