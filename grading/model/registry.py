"""The metric registry: one entry per metric column, read by the methodology page, table headers, CSV
headers and chart labels. A test fails when a metric column has no entry here.

Units: ``count`` (complaints, or events where the description says so), ``pct`` (0-100), ``days``
(calendar days, decimal). ``higher_is_better`` is None where neither direction is good in itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Metric:
    """One metric column: labels in English and Hindi, a plain-words definition, unit and direction."""

    label_en: str
    label_hi: str
    description: str
    unit: str
    higher_is_better: bool | None


def _m(label_en: str, label_hi: str, description: str, unit: str, better: bool | None) -> Metric:
    return Metric(label_en, label_hi, description, unit, better)


METRICS: Final[dict[str, Metric]] = {
    "received": _m(
        "Received", "प्राप्त", "Complaints registered in the month, habitual complainants' left out.", "count", None
    ),
    "excluded_habitual": _m(
        "Left out (habitual)",
        "बहिष्कृत (आदतन)",
        "Complaints registered in the month by a complainant with more than the scheme's limit (default 10) that month; left out of the grading.",
        "count",
        None,
    ),
    "closed_satisfied": _m(
        "Closed satisfied",
        "संतुष्टि से बंद",
        "Of the complaints received in the month, those closed with the complainant satisfied by the month's end.",
        "count",
        True,
    ),
    "satisfied_closure_pct": _m(
        "Satisfied closure %", "संतुष्टिपूर्ण निराकरण %", "Closed satisfied ÷ received × 100.", "pct", True
    ),
    "closed": _m("Closed", "बंद", "Complaints closed in the month, whenever registered.", "count", None),
    "closed_satisfied_in_month": _m(
        "Closed in month, satisfied",
        "माह में संतुष्टि से बंद",
        "Complaints closed in the month with the complainant satisfied.",
        "count",
        True,
    ),
    "closed_force": _m(
        "Force-closed",
        "बलपूर्वक बंद",
        "Complaints closed in the month without the complainant's satisfaction (force close).",
        "count",
        False,
    ),
    "closed_special": _m(
        "Special-closed",
        "विशेष रूप से बंद",
        "Complaints special-closed in the month (out of scope, policy matter, sub-judice, ineligible).",
        "count",
        None,
    ),
    "closed_other": _m(
        "Closed otherwise",
        "अन्य रूप से बंद",
        "Complaints closed in the month as resolved without call-back, withdrawn or duplicate.",
        "count",
        None,
    ),
    "force_close_pct": _m("Force close %", "बलपूर्वक बंद %", "Force-closed ÷ closed × 100.", "pct", False),
    "feedback_satisfied": _m(
        "Satisfied answers", "संतुष्ट उत्तर", "Call-back answers 'satisfied' in the month (events).", "count", True
    ),
    "feedback_dissatisfied": _m(
        "Dissatisfied answers", "असंतुष्ट उत्तर", "Call-back answers 'dissatisfied' in the month (events).", "count", False
    ),
    "feedback_unreachable": _m(
        "Unreachable call-backs",
        "संपर्क न हो सका",
        "Call-backs in the month where the complainant could not be reached (events).",
        "count",
        None,
    ),
    "feedback_rated": _m(
        "Rated call-backs",
        "मूल्यांकित कॉल-बैक",
        "Satisfied plus dissatisfied answers in the month (events).",
        "count",
        None,
    ),
    "satisfaction_pct": _m(
        "Satisfaction %",
        "संतुष्टि %",
        "Satisfied answers ÷ (satisfied + dissatisfied answers) in the month × 100.",
        "pct",
        True,
    ),
    "callback_closed": _m(
        "Closed with call-back",
        "कॉल-बैक सहित बंद",
        "Complaints closed in the month that had at least one call-back.",
        "count",
        True,
    ),
    "callback_coverage_pct": _m(
        "Call-back coverage %", "कॉल-बैक कवरेज %", "Closed with at least one call-back ÷ closed × 100.", "pct", True
    ),
    "reopened": _m("Reopened", "पुनः खोली गई", "Reopen events in the month.", "count", False),
    "reopen_pct": _m(
        "Reopen %",
        "पुनः खोलने की दर %",
        "Reopen events ÷ (satisfied + dissatisfied answers) in the month × 100.",
        "pct",
        False,
    ),
    "resolution_days_median": _m(
        "Median days to close",
        "निराकरण के मध्य दिन",
        "Median of (closed − registered) in days, complaints closed in the month.",
        "days",
        False,
    ),
    "resolution_days_mean": _m(
        "Mean days to close",
        "निराकरण के औसत दिन",
        "Mean of (closed − registered) in days, complaints closed in the month.",
        "days",
        False,
    ),
    "resolution_days_p90": _m(
        "90th percentile days to close",
        "90वाँ प्रतिशतक दिन",
        "90th percentile (linear interpolation) of (closed − registered) in days, complaints closed in the month.",
        "days",
        False,
    ),
    "on_time": _m(
        "Closed on time",
        "समय पर बंद",
        "Complaints closed in the month with no level ever past its time limit.",
        "count",
        True,
    ),
    "late": _m(
        "Closed late",
        "देर से बंद",
        "Complaints closed in the month with at least one level past its time limit.",
        "count",
        False,
    ),
    "open_overdue": _m(
        "Open and overdue",
        "लंबित एवं समय-सीमा बाहर",
        "Complaints open at the month's end with at least one level past its time limit.",
        "count",
        False,
    ),
    "sla_compliance_pct": _m(
        "SLA compliance %",
        "समय-सीमा पालन %",
        "On time ÷ (on time + late + open and overdue) × 100: unfinished overdue work counts against.",
        "pct",
        True,
    ),
    "on_time_closure_pct": _m("Closed within limit %", "समय-सीमा में निराकरण %", "On time ÷ closed × 100.", "pct", True),
    "stints_started": _m(
        "Level assignments",
        "स्तर पर आवंटन",
        "Times a complaint arrived at a level (registration, escalation, reopen) in the month.",
        "count",
        None,
    ),
    "stints_non_attended": _m(
        "Not attended in time",
        "समय पर अनदेखी",
        "Of those, the ones with no action (attended/resolved/closed) within the level's time limit.",
        "count",
        False,
    ),
    "non_attended_pct": _m(
        "Non-attended %", "अनदेखी %", "Not attended in time ÷ level assignments in the month × 100.", "pct", False
    ),
    "pending": _m("Pending", "लंबित", "Complaints open at the month's end (any registration month).", "count", False),
    "pending_0_7": _m(
        "Pending 0-7 days", "लंबित 0-7 दिन", "Open at the month's end, 0 to 7 completed days old.", "count", None
    ),
    "pending_8_15": _m(
        "Pending 8-15 days", "लंबित 8-15 दिन", "Open at the month's end, 8 to 15 completed days old.", "count", None
    ),
    "pending_16_30": _m(
        "Pending 16-30 days", "लंबित 16-30 दिन", "Open at the month's end, 16 to 30 completed days old.", "count", False
    ),
    "pending_31_50": _m(
        "Pending 31-50 days", "लंबित 31-50 दिन", "Open at the month's end, 31 to 50 completed days old.", "count", False
    ),
    "pending_51_100": _m(
        "Pending 51-100 days",
        "लंबित 51-100 दिन",
        "Open at the month's end, 51 to 100 completed days old.",
        "count",
        False,
    ),
    "pending_over_100": _m(
        "Pending over 100 days",
        "लंबित 100 दिन से अधिक",
        "Open at the month's end, more than 100 completed days old.",
        "count",
        False,
    ),
    "pending_over_50": _m(
        "Pending over 50 days",
        "लंबित 50 दिन से अधिक",
        "Open at the month's end, more than 50 completed days old.",
        "count",
        False,
    ),
    "overdue_pending_pct": _m(
        "Pending beyond limit %", "समय-सीमा बाहर लंबित %", "Open and overdue ÷ pending × 100.", "pct", False
    ),
    "long_pending_closed": _m(
        "Long-pending closed satisfied",
        "पुरानी शिकायतें संतुष्टि से बंद",
        "Closed satisfied in the month when over the long-pending age (default 50 days).",
        "count",
        True,
    ),
    "long_pending_open": _m(
        "Long-pending still open",
        "पुरानी लंबित शिकायतें",
        "Open at the month's end and over the long-pending age (default 50 days).",
        "count",
        False,
    ),
    "long_pending_disposal_pct": _m(
        "Long-pending disposal %",
        "पुरानी शिकायतों का निराकरण %",
        "Long-pending closed satisfied ÷ (those + long-pending still open) × 100; 100 when both are zero (reading of MP's 50-day component).",
        "pct",
        True,
    ),
    "reached_l2": _m(
        "Reached L2",
        "L2 तक पहुँची",
        "Of the complaints received in the month, those that reached level L2 or higher by the month's end.",
        "count",
        False,
    ),
    "reached_l3": _m(
        "Reached L3",
        "L3 तक पहुँची",
        "Of the complaints received in the month, those that reached level L3 or higher by the month's end.",
        "count",
        False,
    ),
    "reached_l4": _m(
        "Reached L4",
        "L4 तक पहुँची",
        "Of the complaints received in the month, those that reached level L4 or higher by the month's end.",
        "count",
        False,
    ),
    "reached_l2_pct": _m("Reached L2 %", "L2 तक पहुँची %", "Reached L2 ÷ received × 100.", "pct", False),
    "reached_l3_pct": _m("Reached L3 %", "L3 तक पहुँची %", "Reached L3 ÷ received × 100.", "pct", False),
    "reached_l4_pct": _m("Reached L4 %", "L4 तक पहुँची %", "Reached L4 ÷ received × 100.", "pct", False),
}


#: What each percentage and day statistic is computed from: metric → (numerator, denominator), each a
#: tuple of count columns added up (``sla_compliance_pct``: on time ÷ (on time + late + open and overdue)).
#: A day statistic has no numerator: it is taken over the denominator's complaints (those closed in the
#: month). The public side's suppression rule (:mod:`grading.scoring.suppress`) hides such a figure when a
#: count it is computed from is hidden; a test checks these against the formulas that compute them.
RATIOS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "satisfied_closure_pct": (("closed_satisfied",), ("received",)),
    "force_close_pct": (("closed_force",), ("closed",)),
    "satisfaction_pct": (("feedback_satisfied",), ("feedback_rated",)),
    "callback_coverage_pct": (("callback_closed",), ("closed",)),
    "reopen_pct": (("reopened",), ("feedback_rated",)),
    "sla_compliance_pct": (("on_time",), ("on_time", "late", "open_overdue")),
    "on_time_closure_pct": (("on_time",), ("closed",)),
    "overdue_pending_pct": (("open_overdue",), ("pending",)),
    "non_attended_pct": (("stints_non_attended",), ("stints_started",)),
    "long_pending_disposal_pct": (("long_pending_closed",), ("long_pending_closed", "long_pending_open")),
    "reached_l2_pct": (("reached_l2",), ("received",)),
    "reached_l3_pct": (("reached_l3",), ("received",)),
    "reached_l4_pct": (("reached_l4",), ("received",)),
    "resolution_days_median": ((), ("closed",)),
    "resolution_days_mean": ((), ("closed",)),
    "resolution_days_p90": ((), ("closed",)),
}


def _f(label_en: str, label_hi: str, description: str, unit: str) -> Metric:
    return Metric(label_en, label_hi, description, unit, None)


#: The other columns of the public files (who, when, grading and suppression), documented like the
#: metrics: the published data dictionary reads both. Points columns (``points_<component>``) take
#: their labels from the scheme's components.
FIELDS: Final[dict[str, Metric]] = {
    "entity_type": _f("Entity type", "इकाई का प्रकार", "department or district.", "text"),
    "month": _f("Month", "माह", "The calendar month graded (first day, YYYY-MM-DD), Asia/Kolkata.", "date"),
    "department": _f("Department code", "विभाग कोड", "The department's stable code.", "code"),
    "department_name": _f("Department", "विभाग", "The department's name in English.", "text"),
    "department_name_hi": _f("Department (Hindi)", "विभाग (हिंदी)", "The department's name in Hindi.", "text"),
    "district": _f("District code", "ज़िला कोड", "The district's stable code.", "code"),
    "district_name": _f("District", "ज़िला", "The district's name in English.", "text"),
    "district_name_hi": _f("District (Hindi)", "ज़िला (हिंदी)", "The district's name in Hindi.", "text"),
    "rank": _f(
        "Rank", "रैंक", "Position by score among ranked entities; equal scores share a rank (1, 2, 2, 4).", "rank"
    ),
    "score": _f("Score", "अंक", "The scheme's total: the sum of the component points.", "points"),
    "grade": _f("Grade", "ग्रेड", "The band the score falls in (A, B, C, D under the default scheme).", "text"),
    "is_ranked": _f("Ranked", "रैंक प्राप्त", "true when the entity received at least the scheme's minimum.", "flag"),
    "not_graded": _f("Not graded", "ग्रेड नहीं", "true when too few components had data to give a score.", "flag"),
    "volume_group": _f("Volume group", "मात्रा समूह", "The group by complaints received that it is ranked in.", "group"),
    "group_rank": _f("Rank in group", "समूह में रैंक", "Rank inside its volume group.", "rank"),
    "rank_best": _f("Best possible rank", "सर्वश्रेष्ठ संभव रैंक", "Best rank within the score's uncertainty.", "rank"),
    "rank_worst": _f("Worst possible rank", "न्यूनतम संभव रैंक", "Worst rank within the score's uncertainty.", "rank"),
    "rank_is_reliable": _f(
        "Rank is certain", "रैंक निश्चित", "true when no neighbour's score is within the uncertainty.", "flag"
    ),
    "rank_text": _f(
        "Rank",
        "रैंक",
        "The printed rank in its volume group: one rank when it is certain (3), else the ranks it could hold (2–5); empty when not ranked.",
        "text",
    ),
    "rank_position": _f(
        "Position in group", "समूह में स्थान", "Rank inside its volume group by score, as charts plot it.", "rank"
    ),
    "rank_change": _f(
        "Rank change",
        "रैंक में बदलाव",
        "Places gained since last month (positive: up); only when both months print a single rank in the same group.",
        "rank",
    ),
    "streak_rank_1": _f(
        "Months at rank 1", "रैंक 1 पर लगातार माह", "Months in a row whose printed rank is 1 (in its group).", "months"
    ),
    "streak_top_grade": _f("Months in grade A", "ग्रेड A में लगातार माह", "Months in a row in the top grade.", "months"),
    "data_weight": _f(
        "Data weight", "डेटा भार", "Share of the maximum score carried by components that had data.", "pct"
    ),
    "score_uncertainty": _f(
        "Score uncertainty", "अंक की अनिश्चितता", "Half-width of the score's 95 % interval.", "points"
    ),
    "scheme_version": _f("Scheme version", "योजना संस्करण", "The version of the scheme that graded the month.", "text"),
    "needed_next_rank": _f(
        "Needed for next rank",
        "अगली रैंक हेतु आवश्यक",
        "More satisfied closures that would reach the next rank (in months published before the plan re-graded; now on the department page).",
        "count",
    ),
    "needed_next_grade": _f(
        "Needed for next grade",
        "अगले ग्रेड हेतु आवश्यक",
        "More satisfied closures that would reach the next grade (in months published before the plan re-graded; now on the department page).",
        "count",
    ),
    "published_at": _f("Published at", "प्रकाशन समय", "When the month's grading was published and frozen.", "time"),
    "suppressed": _f(
        "Hidden", "छिपाया गया", "true when every figure of the row is hidden (see suppressed_reason).", "flag"
    ),
    "small_figures": _f(
        "Small counts",
        "छोटी गिनतियाँ",
        "The count columns of a shown row left empty because the count is from 1 to one less than the "
        "publication threshold (suppress_below: 1 to 4 in the shipped schemes); a count of 0 is shown.",
        "text",
    ),
    "hidden_figures": _f(
        "Other hidden figures",
        "अन्य छिपाए गए आँकड़े",
        "The other columns of a shown row left empty: a percentage, day figure, points or score uncertainty "
        "computed from a hidden count, and counts hidden so that a small one cannot be worked out from a total.",
        "text",
    ),
    "suppressed_reason": _f(
        "Why hidden",
        "छिपाने का कारण",
        "small: fewer complaints than the publication threshold; complementary: hidden so that a small one "
        "cannot be worked out from a total.",
        "text",
    ),
}


def label(name: str, lang: str = "en") -> str:
    """The display label of a metric or another public column (:data:`FIELDS`; ``lang`` is ``en`` or
    ``hi``); unknown names come back as given."""
    metric = METRICS.get(name) or FIELDS.get(name)
    if metric is None:
        return name
    return metric.label_hi if lang == "hi" else metric.label_en
