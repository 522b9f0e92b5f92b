"""Catalogue entries of the messages Nivaran sends (weekly digests and alerts): key → (English, हिन्दी).

Merged with the other parts into :data:`grading.words.CATALOGUE`; written by :mod:`grading.outputs.digest`
and :mod:`grading.outputs.alerts`.
"""

from __future__ import annotations

from typing import Final

DIGEST: Final[dict[str, tuple[str, str]]] = {
    "digest_hello": ("Hello {name},", "नमस्ते {name},"),
    # Meeting decisions (grading.access.decisions) and watchlists
    "digest_decisions": ("Meeting decisions", "बैठक के निर्णय"),
    "digest_decisions_of": ("Meeting decisions naming {department}", "{department} से संबंधित बैठक के निर्णय"),
    "digest_decision_line": (
        "[{status}] {what} · owner: {owner} · due {due} · {on} · decided {review_day} (no. {id})",
        "[{status}] {what} · ज़िम्मेदार: {owner} · नियत {due} · {on} · निर्णय {review_day} (क्र. {id})",
    ),
    "digest_no_decisions": (
        "No decisions open or done since the last review.",
        "पिछली समीक्षा से कोई निर्णय खुला या पूरा नहीं।",
    ),
    "decision_open": ("open", "खुला"),
    "decision_overdue": ("overdue", "विलंबित"),
    "decision_done": ("done", "पूरा"),
    "digest_watched": ("Watched first: {names}", "पहले आपकी निगरानी सूची: {names}"),
    "digest_watched_mark": ("(watched)", "(निगरानी में)"),
    "digest_footer": (
        "You receive this message as {role} of {helpline}. Days are whole calendar days; the dashboard holds the full lists.",
        "आपको यह संदेश {helpline} के {role} के रूप में मिला है। दिन पूरे कैलेंडर दिन हैं; पूरी सूचियाँ डैशबोर्ड पर हैं।",
    ),
    # The collector's week
    "digest_subject_collector": ("Weekly review: {district}, {day}", "साप्ताहिक समीक्षा: {district}, {day}"),
    "digest_collector_intro": (
        "{district}: complaints pending at the end of {day}, and what changed since the end of {since}.",
        "{district}: {day} की समाप्ति पर लंबित शिकायतें, और {since} की समाप्ति से हुए बदलाव।",
    ),
    "digest_pending": ("Pending: {n}", "लंबित: {n}"),
    "digest_overdue": ("Overdue: {n}", "समय-सीमा बाहर: {n}"),
    "digest_due_soon": ("Due within 2 days: {n}", "2 दिन में नियत: {n}"),
    "digest_over_50": ("Older than 50 days: {n}", "50 दिन से पुरानी: {n}"),
    "digest_since": ("Since the last review", "पिछली समीक्षा से"),
    "digest_most_overdue": ("Most overdue", "सबसे अधिक विलंबित"),
    "digest_case_line": (
        "{id} · {department} · {level} · {days} days overdue",
        "{id} · {department} · {level} · {days} दिन विलंबित",
    ),
    "digest_more_cases": (
        "… and {n} more overdue in the attached meeting pack.",
        "… और {n} विलंबित शिकायतें संलग्न बैठक पैकेट में।",
    ),
    "digest_attached": (
        "Attached: the meeting pack (Excel: summary, case list, changes, decisions).",
        "संलग्न: बैठक पैकेट (एक्सेल: सारांश, प्रकरण सूची, बदलाव, निर्णय)।",
    ),
    "digest_open_review": ("Open the district review", "जिला समीक्षा खोलें"),
    # The department head's month
    "digest_subject_head": ("{department}: rank and grade, {month}", "{department}: रैंक और ग्रेड, {month}"),
    "digest_rank_line": (
        "{department}, {month}: rank {rank} of {of} in volume group {group}, grade {grade}, score {score}.",
        "{department}, {month}: आयतन समूह {group} के {of} में रैंक {rank}, ग्रेड {grade}, अंक {score}।",
    ),
    "digest_rank_line_nogroup": (
        "{department}, {month}: rank {rank} of {of}, grade {grade}, score {score}.",
        "{department}, {month}: {of} में रैंक {rank}, ग्रेड {grade}, अंक {score}।",
    ),
    "digest_rank_range": (
        "A rank written as a range (2–5) could be any place in it: the scores are too close to tell apart.",
        "सीमा के रूप में लिखी रैंक (2–5) उस सीमा में कोई भी स्थान हो सकती है: अंक इतने पास हैं कि अंतर नहीं बताया जा सकता।",
    ),
    "digest_unranked": (
        "{department}, {month}: not ranked this month.",
        "{department}, {month}: इस माह रैंक नहीं।",
    ),
    "digest_why_moved": ("Why the score moved since last month", "पिछले माह से अंक क्यों बदले"),
    "digest_moved_none": (
        "Not ranked last month in the same group: no comparison.",
        "पिछले माह उसी समूह में रैंक नहीं: तुलना नहीं।",
    ),
    "digest_plan": ("First actions of the plan", "योजना के पहले कदम"),
    "digest_plan_line": ("{component}: {work} (+{gain} points)", "{component}: {work} (+{gain} अंक)"),
    "digest_plan_none": ("No action moves the score this month.", "इस माह कोई कदम अंक नहीं बदलता।"),
    "digest_flags": ("Integrity flags raised", "उठाए गए सत्यनिष्ठा संकेत"),
    "digest_no_flags": ("No integrity flag raised.", "कोई सत्यनिष्ठा संकेत नहीं उठा।"),
    "digest_open_department": ("Open the department page", "विभाग पृष्ठ खोलें"),
    # The administrator's state
    "digest_subject_admin": ("State summary, {day}", "राज्य सारांश, {day}"),
    "digest_admin_intro": (
        "Statewide complaints pending at the end of {day}; the districts with the most overdue first.",
        "{day} की समाप्ति पर राज्य भर में लंबित शिकायतें; सबसे अधिक विलंबित जिले पहले।",
    ),
    "digest_district_line": (
        "{district}: {pending} pending, {overdue} overdue",
        "{district}: {pending} लंबित, {overdue} समय-सीमा बाहर",
    ),
    "digest_flags_count": ("Integrity flags raised in {month}: {n}", "{month} में उठाए गए सत्यनिष्ठा संकेत: {n}"),
    "digest_open_state": ("Open the dashboard", "डैशबोर्ड खोलें"),
    # Alerts
    "alert_subject": ("Alert: {what}", "चेतावनी: {what}"),
    "alert_grade": (
        "{department} fell to grade {grade} in {month} (last month {before}, limit {band})",
        "{department} {month} में ग्रेड {grade} पर गिरा (पिछले माह {before}, सीमा {band})",
    ),
    "alert_overdue": (
        "{district}: {n} complaints overdue at the end of {day} (limit {limit})",
        "{district}: {day} की समाप्ति पर {n} शिकायतें समय-सीमा बाहर (सीमा {limit})",
    ),
    "alert_flag": (
        "{department}: integrity flag “{flag}” raised for {month}",
        "{department}: {month} के लिए सत्यनिष्ठा संकेत “{flag}” उठा",
    ),
    "alert_quarantine": (
        "Load of {source} on {day}: {pct}% of rows quarantined (limit {limit}%)",
        "{day} को {source} का लोड: {pct}% पंक्तियाँ क्वारंटीन (सीमा {limit}%)",
    ),
    "alert_evidence": ("Evidence", "साक्ष्य"),
    "alert_open": ("Open in the dashboard", "डैशबोर्ड में खोलें"),
}
