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
    """One metric column: labels in English and Hindi, a plain-words definition in each, unit and direction.
    The Hindi definition keeps the escalation levels (L1-L5) as the helpline's forms print them."""

    label_en: str
    label_hi: str
    description: str
    description_hi: str
    unit: str
    higher_is_better: bool | None


def _m(
    label_en: str, label_hi: str, description: str, description_hi: str, unit: str, *, better: bool | None
) -> Metric:
    return Metric(label_en, label_hi, description, description_hi, unit, better)


METRICS: Final[dict[str, Metric]] = {
    "received": _m(
        "Received",
        "प्राप्त",
        "Complaints registered in the month, habitual complainants' left out.",
        "माह में दर्ज शिकायतें, आदतन शिकायतकर्ताओं की शिकायतें छोड़कर।",
        "count",
        better=None,
    ),
    "excluded_habitual": _m(
        "Left out (habitual)",
        "बहिष्कृत (आदतन)",
        "Complaints registered in the month by a complainant with more than the scheme's limit (default 10) that month; left out of the grading.",
        "माह में उन शिकायतकर्ताओं की दर्ज शिकायतें जिन्होंने उस माह योजना की सीमा (सामान्यतः 10) से अधिक शिकायतें कीं; ये ग्रेडिंग से बाहर रहती हैं।",
        "count",
        better=None,
    ),
    "closed_satisfied": _m(
        "Closed satisfied",
        "संतुष्टि से बंद",
        "Of the complaints received in the month, those closed with the complainant satisfied by the month's end.",
        "माह में प्राप्त शिकायतों में से वे, जो माह के अंत तक शिकायतकर्ता की संतुष्टि के साथ बंद हुईं।",
        "count",
        better=True,
    ),
    "satisfied_closure_pct": _m(
        "Satisfied closure %",
        "संतुष्टिपूर्ण निराकरण %",
        "Closed satisfied ÷ received × 100.",
        "संतुष्टि से बंद ÷ प्राप्त × 100।",
        "pct",
        better=True,
    ),
    "closed": _m(
        "Closed",
        "बंद",
        "Complaints closed in the month, whenever registered.",
        "माह में बंद हुई शिकायतें, चाहे वे कभी भी दर्ज हुई हों।",
        "count",
        better=None,
    ),
    "closed_satisfied_in_month": _m(
        "Closed in month, satisfied",
        "माह में संतुष्टि से बंद",
        "Complaints closed in the month with the complainant satisfied.",
        "माह में शिकायतकर्ता की संतुष्टि के साथ बंद हुई शिकायतें।",
        "count",
        better=True,
    ),
    "closed_force": _m(
        "Force-closed",
        "बलपूर्वक बंद",
        "Complaints closed in the month without the complainant's satisfaction (force close).",
        "माह में शिकायतकर्ता की संतुष्टि के बिना बंद की गई शिकायतें (बलपूर्वक बंद)।",
        "count",
        better=False,
    ),
    "closed_special": _m(
        "Special-closed",
        "विशेष रूप से बंद",
        "Complaints special-closed in the month (out of scope, policy matter, sub-judice, ineligible).",
        "माह में विशेष रूप से बंद की गई शिकायतें (दायरे से बाहर, नीतिगत विषय, न्यायालय में विचाराधीन, अपात्र)।",
        "count",
        better=None,
    ),
    "closed_other": _m(
        "Closed otherwise",
        "अन्य रूप से बंद",
        "Complaints closed in the month as resolved without call-back, withdrawn or duplicate.",
        "माह में अन्य रूप से बंद शिकायतें: बिना कॉल-बैक के निराकृत, वापस ली गई या दोहराई गई।",
        "count",
        better=None,
    ),
    "force_close_pct": _m(
        "Force close %", "बलपूर्वक बंद %", "Force-closed ÷ closed × 100.", "बलपूर्वक बंद ÷ बंद × 100।", "pct", better=False
    ),
    "feedback_satisfied": _m(
        "Satisfied answers",
        "संतुष्ट उत्तर",
        "Call-back answers 'satisfied' in the month (events).",
        "माह में कॉल-बैक पर 'संतुष्ट' उत्तर (घटनाएँ)।",
        "count",
        better=True,
    ),
    "feedback_dissatisfied": _m(
        "Dissatisfied answers",
        "असंतुष्ट उत्तर",
        "Call-back answers 'dissatisfied' in the month (events).",
        "माह में कॉल-बैक पर 'असंतुष्ट' उत्तर (घटनाएँ)।",
        "count",
        better=False,
    ),
    "feedback_unreachable": _m(
        "Unreachable call-backs",
        "संपर्क न हो सका",
        "Call-backs in the month where the complainant could not be reached (events).",
        "माह के वे कॉल-बैक जिनमें शिकायतकर्ता से संपर्क नहीं हो सका (घटनाएँ)।",
        "count",
        better=None,
    ),
    "feedback_rated": _m(
        "Rated call-backs",
        "मूल्यांकित कॉल-बैक",
        "Satisfied plus dissatisfied answers in the month (events).",
        "माह में संतुष्ट और असंतुष्ट उत्तरों का जोड़ (घटनाएँ)।",
        "count",
        better=None,
    ),
    "satisfaction_pct": _m(
        "Satisfaction %",
        "संतुष्टि %",
        "Satisfied answers ÷ (satisfied + dissatisfied answers) in the month × 100.",
        "माह में संतुष्ट उत्तर ÷ (संतुष्ट + असंतुष्ट उत्तर) × 100।",
        "pct",
        better=True,
    ),
    "callback_closed": _m(
        "Closed with call-back",
        "कॉल-बैक सहित बंद",
        "Complaints closed in the month that had at least one call-back.",
        "माह में बंद हुई वे शिकायतें जिन पर कम से कम एक कॉल-बैक हुआ।",
        "count",
        better=True,
    ),
    "callback_coverage_pct": _m(
        "Call-back coverage %",
        "कॉल-बैक कवरेज %",
        "Closed with at least one call-back ÷ closed × 100.",
        "कम से कम एक कॉल-बैक सहित बंद ÷ बंद × 100।",
        "pct",
        better=True,
    ),
    "reopened": _m(
        "Reopened",
        "पुनः खोली गई",
        "Reopen events in the month.",
        "माह में शिकायतें पुनः खोले जाने की घटनाएँ।",
        "count",
        better=False,
    ),
    "reopen_pct": _m(
        "Reopen %",
        "पुनः खोलने की दर %",
        "Reopen events ÷ (satisfied + dissatisfied answers) in the month × 100.",
        "माह में पुनः खोलने की घटनाएँ ÷ (संतुष्ट + असंतुष्ट उत्तर) × 100।",
        "pct",
        better=False,
    ),
    "resolution_days_median": _m(
        "Median days to close",
        "निराकरण के मध्य दिन",
        "Median of (closed − registered) in days, complaints closed in the month.",
        "माह में बंद शिकायतों के (बंद होने − दर्ज होने) के दिनों की माध्यिका।",
        "days",
        better=False,
    ),
    "resolution_days_mean": _m(
        "Mean days to close",
        "निराकरण के औसत दिन",
        "Mean of (closed − registered) in days, complaints closed in the month.",
        "माह में बंद शिकायतों के (बंद होने − दर्ज होने) के दिनों का औसत।",
        "days",
        better=False,
    ),
    "resolution_days_p90": _m(
        "90th percentile days to close",
        "90वाँ प्रतिशतक दिन",
        "90th percentile (linear interpolation) of (closed − registered) in days, complaints closed in the month.",
        "माह में बंद शिकायतों के (बंद होने − दर्ज होने) के दिनों का 90वाँ प्रतिशतक (रैखिक अंतर्वेशन से)।",
        "days",
        better=False,
    ),
    "on_time": _m(
        "Closed on time",
        "समय पर बंद",
        "Complaints closed in the month with no level ever past its time limit.",
        "माह में बंद वे शिकायतें जिनका कोई भी स्तर अपनी समय-सीमा से आगे नहीं गया।",
        "count",
        better=True,
    ),
    "late": _m(
        "Closed late",
        "देर से बंद",
        "Complaints closed in the month with at least one level past its time limit.",
        "माह में बंद वे शिकायतें जिनका कम से कम एक स्तर अपनी समय-सीमा से आगे गया।",
        "count",
        better=False,
    ),
    "open_overdue": _m(
        "Open and overdue",
        "लंबित एवं समय-सीमा बाहर",
        "Complaints open at the month's end with at least one level past its time limit.",
        "माह के अंत में खुली वे शिकायतें जिनका कम से कम एक स्तर अपनी समय-सीमा से आगे जा चुका है।",
        "count",
        better=False,
    ),
    "sla_compliance_pct": _m(
        "SLA compliance %",
        "समय-सीमा पालन %",
        "On time ÷ (on time + late + open and overdue) × 100: unfinished overdue work counts against.",
        "समय पर बंद ÷ (समय पर बंद + देर से बंद + लंबित एवं समय-सीमा बाहर) × 100: समय-सीमा पार कर चुका अधूरा काम भी विरुद्ध गिना जाता है।",
        "pct",
        better=True,
    ),
    "on_time_closure_pct": _m(
        "Closed within limit %",
        "समय-सीमा में निराकरण %",
        "On time ÷ closed × 100.",
        "समय पर बंद ÷ बंद × 100।",
        "pct",
        better=True,
    ),
    "stints_started": _m(
        "Level assignments",
        "स्तर पर आवंटन",
        "Times a complaint arrived at a level (registration, escalation, reopen) in the month.",
        "माह में शिकायतें कितनी बार किसी स्तर पर पहुँचीं (दर्ज होने, स्तर बढ़ने या पुनः खुलने से)।",
        "count",
        better=None,
    ),
    "stints_non_attended": _m(
        "Not attended in time",
        "समय पर अनदेखी",
        "Of those, the ones with no action (attended/resolved/closed) within the level's time limit.",
        "इनमें से वे, जिन पर स्तर की समय-सीमा के भीतर कोई कार्रवाई (संज्ञान, निराकरण या बंद) नहीं हुई।",
        "count",
        better=False,
    ),
    "non_attended_pct": _m(
        "Non-attended %",
        "अनदेखी %",
        "Not attended in time ÷ level assignments in the month × 100.",
        "समय पर अनदेखी ÷ माह में स्तर पर आवंटन × 100।",
        "pct",
        better=False,
    ),
    "pending": _m(
        "Pending",
        "लंबित",
        "Complaints open at the month's end (any registration month).",
        "माह के अंत में खुली शिकायतें (किसी भी माह में दर्ज)।",
        "count",
        better=False,
    ),
    "pending_0_7": _m(
        "Pending 0-7 days",
        "लंबित 0-7 दिन",
        "Open at the month's end, 0 to 7 completed days old.",
        "माह के अंत में खुली, 0 से 7 पूर्ण दिन पुरानी।",
        "count",
        better=None,
    ),
    "pending_8_15": _m(
        "Pending 8-15 days",
        "लंबित 8-15 दिन",
        "Open at the month's end, 8 to 15 completed days old.",
        "माह के अंत में खुली, 8 से 15 पूर्ण दिन पुरानी।",
        "count",
        better=None,
    ),
    "pending_16_30": _m(
        "Pending 16-30 days",
        "लंबित 16-30 दिन",
        "Open at the month's end, 16 to 30 completed days old.",
        "माह के अंत में खुली, 16 से 30 पूर्ण दिन पुरानी।",
        "count",
        better=False,
    ),
    "pending_31_50": _m(
        "Pending 31-50 days",
        "लंबित 31-50 दिन",
        "Open at the month's end, 31 to 50 completed days old.",
        "माह के अंत में खुली, 31 से 50 पूर्ण दिन पुरानी।",
        "count",
        better=False,
    ),
    "pending_51_100": _m(
        "Pending 51-100 days",
        "लंबित 51-100 दिन",
        "Open at the month's end, 51 to 100 completed days old.",
        "माह के अंत में खुली, 51 से 100 पूर्ण दिन पुरानी।",
        "count",
        better=False,
    ),
    "pending_over_100": _m(
        "Pending over 100 days",
        "लंबित 100 दिन से अधिक",
        "Open at the month's end, more than 100 completed days old.",
        "माह के अंत में खुली, 100 पूर्ण दिनों से अधिक पुरानी।",
        "count",
        better=False,
    ),
    "pending_over_50": _m(
        "Pending over 50 days",
        "लंबित 50 दिन से अधिक",
        "Open at the month's end, more than 50 completed days old.",
        "माह के अंत में खुली, 50 पूर्ण दिनों से अधिक पुरानी।",
        "count",
        better=False,
    ),
    "overdue_pending_pct": _m(
        "Pending beyond limit %",
        "समय-सीमा बाहर लंबित %",
        "Open and overdue ÷ pending × 100.",
        "लंबित एवं समय-सीमा बाहर ÷ लंबित × 100।",
        "pct",
        better=False,
    ),
    "long_pending_closed": _m(
        "Long-pending closed satisfied",
        "पुरानी शिकायतें संतुष्टि से बंद",
        "Closed satisfied in the month when over the long-pending age (default 50 days).",
        "माह में संतुष्टि से बंद वे शिकायतें जो बंद होते समय पुरानी शिकायत की आयु (सामान्यतः 50 दिन) पार कर चुकी थीं।",
        "count",
        better=True,
    ),
    "long_pending_open": _m(
        "Long-pending still open",
        "पुरानी लंबित शिकायतें",
        "Open at the month's end and over the long-pending age (default 50 days).",
        "माह के अंत में खुली वे शिकायतें जो पुरानी शिकायत की आयु (सामान्यतः 50 दिन) पार कर चुकी हैं।",
        "count",
        better=False,
    ),
    "long_pending_disposal_pct": _m(
        "Long-pending disposal %",
        "पुरानी शिकायतों का निराकरण %",
        "Long-pending closed satisfied ÷ (those + long-pending still open) × 100; 100 when both are zero (reading of MP's 50-day component).",
        "पुरानी शिकायतें संतुष्टि से बंद ÷ (वे + पुरानी लंबित शिकायतें) × 100; दोनों शून्य हों तो 100 (मध्य प्रदेश के 50 दिन वाले घटक की निवारण की व्याख्या)।",
        "pct",
        better=True,
    ),
    "reached_l2": _m(
        "Reached L2",
        "L2 तक पहुँची",
        "Of the complaints received in the month, those that reached level L2 or higher by the month's end.",
        "माह में प्राप्त शिकायतों में से वे जो माह के अंत तक स्तर L2 या उससे ऊपर पहुँचीं।",
        "count",
        better=False,
    ),
    "reached_l3": _m(
        "Reached L3",
        "L3 तक पहुँची",
        "Of the complaints received in the month, those that reached level L3 or higher by the month's end.",
        "माह में प्राप्त शिकायतों में से वे जो माह के अंत तक स्तर L3 या उससे ऊपर पहुँचीं।",
        "count",
        better=False,
    ),
    "reached_l4": _m(
        "Reached L4",
        "L4 तक पहुँची",
        "Of the complaints received in the month, those that reached level L4 or higher by the month's end.",
        "माह में प्राप्त शिकायतों में से वे जो माह के अंत तक स्तर L4 या उससे ऊपर पहुँचीं।",
        "count",
        better=False,
    ),
    "reached_l2_pct": _m(
        "Reached L2 %", "L2 तक पहुँची %", "Reached L2 ÷ received × 100.", "L2 तक पहुँची ÷ प्राप्त × 100।", "pct", better=False
    ),
    "reached_l3_pct": _m(
        "Reached L3 %", "L3 तक पहुँची %", "Reached L3 ÷ received × 100.", "L3 तक पहुँची ÷ प्राप्त × 100।", "pct", better=False
    ),
    "reached_l4_pct": _m(
        "Reached L4 %", "L4 तक पहुँची %", "Reached L4 ÷ received × 100.", "L4 तक पहुँची ÷ प्राप्त × 100।", "pct", better=False
    ),
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


def _f(label_en: str, label_hi: str, description: str, description_hi: str, unit: str) -> Metric:
    return Metric(label_en, label_hi, description, description_hi, unit, None)


#: The other columns of the public files (who, when, grading and suppression), documented like the
#: metrics: the published data dictionary reads both. Points columns (``points_<component>``) take
#: their labels from the scheme's components.
FIELDS: Final[dict[str, Metric]] = {
    "entity_type": _f("Entity type", "इकाई का प्रकार", "department or district.", "विभाग या ज़िला।", "text"),
    "month": _f(
        "Month",
        "माह",
        "The calendar month graded (first day, YYYY-MM-DD), Asia/Kolkata.",
        "ग्रेड किया गया कैलेंडर माह (उसका पहला दिन, वर्ष-माह-दिन), भारतीय मानक समय में।",
        "date",
    ),
    "department": _f("Department code", "विभाग कोड", "The department's stable code.", "विभाग का स्थायी कोड।", "code"),
    "department_name": _f("Department", "विभाग", "The department's name in English.", "विभाग का नाम अंग्रेज़ी में।", "text"),
    "department_name_hi": _f(
        "Department (Hindi)", "विभाग (हिंदी)", "The department's name in Hindi.", "विभाग का नाम हिन्दी में।", "text"
    ),
    "district": _f("District code", "ज़िला कोड", "The district's stable code.", "ज़िले का स्थायी कोड।", "code"),
    "district_name": _f("District", "ज़िला", "The district's name in English.", "ज़िले का नाम अंग्रेज़ी में।", "text"),
    "district_name_hi": _f(
        "District (Hindi)", "ज़िला (हिंदी)", "The district's name in Hindi.", "ज़िले का नाम हिन्दी में।", "text"
    ),
    "rank": _f(
        "Rank",
        "रैंक",
        "Position by score among ranked entities; equal scores share a rank (1, 2, 2, 4).",
        "रैंक पाने वाली इकाइयों में अंकों के अनुसार स्थान; समान अंकों पर समान रैंक (1, 2, 2, 4)।",
        "rank",
    ),
    "score": _f(
        "Score",
        "अंक",
        "The scheme's total: the sum of the component points.",
        "योजना का कुल: घटकों के अंकों का जोड़।",
        "points",
    ),
    "grade": _f(
        "Grade",
        "ग्रेड",
        "The band the score falls in (A, B, C, D under the default scheme).",
        "अंक जिस श्रेणी में आते हैं (डिफ़ॉल्ट योजना में A, B, C, D)।",
        "text",
    ),
    "is_ranked": _f(
        "Ranked",
        "रैंक प्राप्त",
        "true when the entity received at least the scheme's minimum.",
        "हाँ, जब इकाई को योजना की न्यूनतम संख्या जितनी शिकायतें प्राप्त हुईं।",
        "flag",
    ),
    "not_graded": _f(
        "Not graded",
        "ग्रेड नहीं",
        "true when too few components had data to give a score.",
        "हाँ, जब बहुत कम घटकों का डेटा होने से अंक नहीं दिए जा सके।",
        "flag",
    ),
    "volume_group": _f(
        "Volume group",
        "मात्रा समूह",
        "The group by complaints received that it is ranked in.",
        "प्राप्त शिकायतों की संख्या के अनुसार वह समूह जिसमें इकाई की रैंक दी जाती है।",
        "group",
    ),
    "group_rank": _f("Rank in group", "समूह में रैंक", "Rank inside its volume group.", "अपने मात्रा समूह के भीतर रैंक।", "rank"),
    "rank_best": _f(
        "Best possible rank",
        "सर्वश्रेष्ठ संभव रैंक",
        "Best rank within the score's uncertainty.",
        "अंकों की अनिश्चितता के भीतर सबसे अच्छी संभव रैंक।",
        "rank",
    ),
    "rank_worst": _f(
        "Worst possible rank",
        "न्यूनतम संभव रैंक",
        "Worst rank within the score's uncertainty.",
        "अंकों की अनिश्चितता के भीतर सबसे नीची संभव रैंक।",
        "rank",
    ),
    "rank_is_reliable": _f(
        "Rank is certain",
        "रैंक निश्चित",
        "true when no neighbour's score is within the uncertainty.",
        "हाँ, जब किसी पड़ोसी इकाई के अंक इस अनिश्चितता के भीतर न हों।",
        "flag",
    ),
    "rank_text": _f(
        "Rank",
        "रैंक",
        "The printed rank in its volume group: one rank when it is certain (3), else the ranks it could hold (2–5); empty when not ranked.",
        "मात्रा समूह में दिखाई गई रैंक: निश्चित हो तो एक रैंक (3), अन्यथा वे रैंक जो इकाई पा सकती है (2–5); रैंक न मिली हो तो खाली।",
        "text",
    ),
    "rank_position": _f(
        "Position in group",
        "समूह में स्थान",
        "Rank inside its volume group by score, as charts plot it.",
        "मात्रा समूह में अंकों के अनुसार स्थान, जैसा चार्ट दिखाते हैं।",
        "rank",
    ),
    "rank_change": _f(
        "Rank change",
        "रैंक में बदलाव",
        "Places gained since last month (positive: up); only when both months print a single rank in the same group.",
        "पिछले माह से कितने स्थान ऊपर आए (धनात्मक: ऊपर); केवल तब जब दोनों माह एक ही समूह में एकल रैंक दिखाई गई हो।",
        "rank",
    ),
    "streak_rank_1": _f(
        "Months at rank 1",
        "रैंक 1 पर लगातार माह",
        "Months in a row whose printed rank is 1 (in its group).",
        "लगातार कितने माह दिखाई गई रैंक 1 रही (अपने समूह में)।",
        "months",
    ),
    "streak_top_grade": _f(
        "Months in grade A",
        "ग्रेड A में लगातार माह",
        "Months in a row in the top grade.",
        "लगातार कितने माह सर्वोच्च ग्रेड रहा।",
        "months",
    ),
    "data_weight": _f(
        "Data weight",
        "डेटा भार",
        "Share of the maximum score carried by components that had data.",
        "अधिकतम अंकों का वह हिस्सा जो डेटा वाले घटकों से आता है।",
        "pct",
    ),
    "score_uncertainty": _f(
        "Score uncertainty",
        "अंक की अनिश्चितता",
        "Half-width of the score's 95 % interval.",
        "अंकों के 95 % अंतराल की आधी चौड़ाई।",
        "points",
    ),
    "scheme_version": _f(
        "Scheme version",
        "योजना संस्करण",
        "The version of the scheme that graded the month.",
        "योजना का वह संस्करण जिससे माह की ग्रेडिंग हुई।",
        "text",
    ),
    "needed_next_rank": _f(
        "Needed for next rank",
        "अगली रैंक हेतु आवश्यक",
        "More satisfied closures that would reach the next rank (in months published before the plan re-graded; now on the department page).",
        "अगली रैंक तक पहुँचने के लिए और कितने संतुष्टिपूर्ण निराकरण चाहिए (योजना द्वारा पुनर्गणना शुरू होने से पहले प्रकाशित माहों में; अब विभाग पृष्ठ पर)।",
        "count",
    ),
    "needed_next_grade": _f(
        "Needed for next grade",
        "अगले ग्रेड हेतु आवश्यक",
        "More satisfied closures that would reach the next grade (in months published before the plan re-graded; now on the department page).",
        "अगले ग्रेड तक पहुँचने के लिए और कितने संतुष्टिपूर्ण निराकरण चाहिए (योजना द्वारा पुनर्गणना शुरू होने से पहले प्रकाशित माहों में; अब विभाग पृष्ठ पर)।",
        "count",
    ),
    "published_at": _f(
        "Published at",
        "प्रकाशन समय",
        "When the month's grading was published and frozen.",
        "माह की ग्रेडिंग कब प्रकाशित और स्थिर की गई।",
        "time",
    ),
    "suppressed": _f(
        "Hidden",
        "छिपाया गया",
        "true when every figure of the row is hidden (see suppressed_reason).",
        "हाँ, जब पंक्ति का हर आँकड़ा छिपाया गया हो (कारण: 'छिपाने का कारण' स्तंभ)।",
        "flag",
    ),
    "small_figures": _f(
        "Small counts",
        "छोटी गिनतियाँ",
        "The count columns of a shown row left empty because the count is from 1 to one less than the "
        "publication threshold (suppress_below: 1 to 4 in the shipped schemes); a count of 0 is shown.",
        "दिखाई गई पंक्ति के वे गिनती-स्तंभ जो खाली छोड़े गए, क्योंकि गिनती 1 से प्रकाशन-सीमा से एक कम तक है (साथ आई योजनाओं में 1 से 4); 0 की गिनती दिखाई जाती है।",
        "text",
    ),
    "hidden_figures": _f(
        "Other hidden figures",
        "अन्य छिपाए गए आँकड़े",
        "The other columns of a shown row left empty: a percentage, day figure, points or score uncertainty "
        "computed from a hidden count, and counts hidden so that a small one cannot be worked out from a total.",
        "दिखाई गई पंक्ति के अन्य खाली छोड़े गए स्तंभ: छिपी गिनती से निकला प्रतिशत, दिन, अंक या अंकों की अनिश्चितता, और वे गिनतियाँ जो इसलिए छिपाई गईं कि कुल में से कोई छोटी गिनती निकाली न जा सके।",
        "text",
    ),
    "suppressed_reason": _f(
        "Why hidden",
        "छिपाने का कारण",
        "small: fewer complaints than the publication threshold; complementary: hidden so that a small one "
        "cannot be worked out from a total.",
        "छोटी संख्या: प्रकाशन-सीमा से कम शिकायतें; पूरक: इसलिए छिपाया गया कि कुल में से कोई छोटी संख्या निकाली न जा सके।",
        "text",
    ),
    "hidden": _f(
        "Why empty",
        "खाली क्यों",
        "What an empty figure of a trend file reads on the pages: the row's mark when the whole row is hidden, "
        "the band (1–4) for a small count, hidden for a figure computed from one; empty when the figure is shown.",
        "रुझान फ़ाइल का खाली आँकड़ा पृष्ठों पर क्या पढ़ा जाता है: पूरी पंक्ति छिपी हो तो पंक्ति का चिह्न, छोटी गिनती हो तो "
        "उसकी श्रेणी (1–4), उससे निकला आँकड़ा हो तो 'छिपाया गया'; आँकड़ा दिखाया गया हो तो खाली।",
        "text",
    ),
}


#: The state-level figures of the national view (:mod:`grading.monthly.national`), one row per helpline
#: (state) and month: what the national scheme (``data/national/``) may weigh. They are not helpline
#: metrics (a helpline's own grading never computes them), so they live apart from :data:`METRICS`; the
#: ones a state's helpline already has (satisfaction, median days) are its entries.
NATIONAL_METRICS: Final[dict[str, Metric]] = {
    "received": METRICS["received"],
    "disposed": _m(
        "Disposed",
        "निराकृत",
        "Complaints closed in the month, whenever registered (the helpline's closed).",
        "माह में बंद की गई शिकायतें, चाहे कभी भी दर्ज हुई हों (हेल्पलाइन की बंद शिकायतें)।",
        "count",
        better=None,
    ),
    "pending": _m(
        "Pending",
        "लंबित",
        "Complaints open at the month's cut-off.",
        "माह की अंतिम समय-सीमा पर खुली शिकायतें।",
        "count",
        better=None,
    ),
    "disposal_pct": _m(
        "Disposal %",
        "निराकरण %",
        "Disposed ÷ (disposed + pending at the cut-off) × 100: the share of the month's workload (brought forward plus received) disposed of.",
        "निराकृत ÷ (निराकृत + अंतिम समय-सीमा पर लंबित) × 100: माह के कार्यभार (पिछली शेष और नई प्राप्त) का निराकृत भाग।",
        "pct",
        better=True,
    ),
    "resolution_days_median": METRICS["resolution_days_median"],
    "pending_over_30": _m(
        "Pending > 30 days",
        "30 दिन से अधिक लंबित",
        "Open at the cut-off, older than 30 completed days.",
        "अंतिम समय-सीमा पर खुली, 30 पूरे दिनों से पुरानी शिकायतें।",
        "count",
        better=False,
    ),
    "pending_over_60": _m(
        "Pending > 60 days",
        "60 दिन से अधिक लंबित",
        "Open at the cut-off, older than 60 completed days.",
        "अंतिम समय-सीमा पर खुली, 60 पूरे दिनों से पुरानी शिकायतें।",
        "count",
        better=False,
    ),
    "pending_over_90": _m(
        "Pending > 90 days",
        "90 दिन से अधिक लंबित",
        "Open at the cut-off, older than 90 completed days.",
        "अंतिम समय-सीमा पर खुली, 90 पूरे दिनों से पुरानी शिकायतें।",
        "count",
        better=False,
    ),
    "pending_over_30_pct": _m(
        "Pending > 30 days %",
        "30 दिन से अधिक लंबित %",
        "Pending > 30 days ÷ pending × 100.",
        "30 दिन से अधिक लंबित ÷ लंबित × 100।",
        "pct",
        better=False,
    ),
    "pending_over_60_pct": _m(
        "Pending > 60 days %",
        "60 दिन से अधिक लंबित %",
        "Pending > 60 days ÷ pending × 100.",
        "60 दिन से अधिक लंबित ÷ लंबित × 100।",
        "pct",
        better=False,
    ),
    "pending_over_90_pct": _m(
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
