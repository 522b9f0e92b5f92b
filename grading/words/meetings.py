"""Catalogue entries of the meeting tools (district review and department plan): key → (English, हिन्दी).

Merged with the other parts into :data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

MEETINGS: Final[dict[str, tuple[str, str]]] = {
    "review_day": ("Review day", "समीक्षा दिनांक"),
    "last_review": ("Last review (changes since)", "पिछली समीक्षा (तब से बदलाव)"),
    "review_as_of": (
        "Pending at the end of {day}; changes since the end of {since}. Days are whole calendar days.",
        "{day} की समाप्ति पर लंबित; {since} की समाप्ति से बदलाव। दिन पूरे कैलेंडर दिन हैं।",
    ),
    "since_last": ("Since the last review", "पिछली समीक्षा से"),
    "change_new": ("New (still pending)", "नई (अभी लंबित)"),
    "change_newly_overdue": ("Newly overdue", "नई समय-सीमा बाहर"),
    "change_escalated": ("Escalated to L3 or above", "L3 या ऊपर भेजी गईं"),
    "change_cleared": ("Cleared", "निराकृत"),
    "change_moved_out": ("Transferred out", "अन्यत्र अंतरित"),
    "changes_detail": ("Each change since the last review", "पिछली समीक्षा से प्रत्येक बदलाव"),
    "change_kind": ("Change", "बदलाव"),
    "level_then": ("Level then", "तब स्तर"),
    "level_now": ("Level now", "अब स्तर"),
    "total": ("Total", "कुल"),
    # The review list and a case's timeline in words (grading.outputs.casewords).
    "days_overdue": ("{n} days overdue", "{n} दिन से विलंबित"),
    "day_overdue": ("1 day overdue", "1 दिन से विलंबित"),
    "due_today": ("due today", "आज देय"),
    "due_tomorrow": ("due tomorrow", "कल देय"),
    "due_in_days": ("due in {n} days", "{n} दिन में देय"),
    "no_due_date": ("no time limit", "कोई समय-सीमा नहीं"),
    "when_due": ("Overdue / due", "विलंब / देय"),
    "mark": ("Mark", "चिह्न"),
    "mark_overdue": ("OVERDUE", "विलंबित"),
    "mark_due_soon": ("due in 2 days", "2 दिन में देय"),
    "event_registered": ("Registered", "दर्ज"),
    "event_transferred": ("Transferred to another department", "अन्य विभाग को अंतरित"),
    "event_attended": ("Attended (action started)", "कार्यवाही प्रारंभ"),
    "event_resolved": ("Resolved by the department", "विभाग द्वारा निराकृत"),
    "event_feedback": ("Complainant called back", "शिकायतकर्ता से संपर्क"),
    "event_reopened": ("Reopened", "पुनः खोली गई"),
    "event_escalated": ("Escalated", "अगले स्तर पर भेजी गई"),
    "event_closed": ("Closed", "बंद"),
    "result_satisfied": ("satisfied", "संतुष्ट"),
    "result_dissatisfied": ("dissatisfied", "असंतुष्ट"),
    "result_unreachable": ("could not be reached", "संपर्क नहीं हो सका"),
    "result_resolved": ("resolved", "निराकृत"),
    "result_force": ("force-closed", "बलपूर्वक बंद"),
    "result_special": ("special closure", "विशेष निराकरण"),
    "result_withdrawn": ("withdrawn", "वापस ली गई"),
    "result_duplicate": ("duplicate", "दोहराव"),
    "search_case": ("Find a complaint by its id (your district only)", "शिकायत क्रमांक से खोजें (केवल आपका जिला)"),
    "case_not_found": ("No complaint {id} in your scope.", "आपके दायरे में शिकायत {id} नहीं है।"),
    "due_date": ("Due date", "नियत दिनांक"),
    "days_to_due_whole": ("Days to due", "नियत तिथि तक दिन"),
    "days_at_level": ("Days at level", "स्तर पर दिन"),
    "last_action": ("Last action", "अंतिम कार्यवाही"),
    "last_action_on": ("Last action on", "अंतिम कार्यवाही दिनांक"),
    "category_name": ("Category", "श्रेणी"),
    "meeting_pack": (
        "Meeting pack (summary, case list, changes, decisions)",
        "बैठक पैकेट (सारांश, प्रकरण सूची, बदलाव, निर्णय)",
    ),
    "download_pack_xlsx": ("Download the pack (Excel)", "पैकेट डाउनलोड करें (एक्सेल)"),
    "download_pack_pdf": ("Download the agenda (PDF)", "एजेंडा डाउनलोड करें (पीडीएफ)"),
    "pdf_unavailable": (
        "The PDF agenda needs chromium on the server; the Excel pack has the same content.",
        "पीडीएफ एजेंडा के लिए सर्वर पर क्रोमियम चाहिए; एक्सेल पैकेट में वही सामग्री है।",
    ),
    "list_filtered": ("List shown: overdue or due within 2 days only.", "दिखाई गई सूची: केवल समय-सीमा बाहर या 2 दिन में।"),
    "plan_title": ("The plan: where the points are", "योजना: अंक कहाँ हैं"),
    "plan_intro": (
        "Against the best department ({best}) and the median department ({median}) of its own volume group; work ranked by points per case.",
        "अपने मात्रा समूह के सर्वश्रेष्ठ विभाग ({best}) और मध्य विभाग ({median}) की तुलना में; कार्य प्रति प्रकरण अंकों के क्रम में।",
    ),
    # The plan's work, one sentence per percentage metric ({n} cases; {days} the long-pending age).
    "work_satisfied_closure_pct": (
        "close {n} more of the month's complaints with the complainant satisfied",
        "माह की {n} और शिकायतें शिकायतकर्ता की संतुष्टि के साथ बंद करें",
    ),
    "work_long_pending_disposal_pct": (
        "dispose {n} complaints older than {days} days",
        "{days} दिन से पुरानी {n} शिकायतों का निराकरण करें",
    ),
    "work_force_close_pct": (
        "close {n} fewer complaints by force (resolve them instead)",
        "{n} शिकायतें कम बलपूर्वक बंद करें (उनका निराकरण करें)",
    ),
    "work_non_attended_pct": (
        "attend {n} more complaints within the level's time limit",
        "{n} और शिकायतों पर स्तर की समय-सीमा में कार्यवाही करें",
    ),
    "work_on_time_closure_pct": ("close {n} more complaints within the time limit", "{n} और शिकायतें समय-सीमा में बंद करें"),
    "work_overdue_pending_pct": (
        "clear {n} pending complaints past their time limit",
        "समय-सीमा पार {n} लंबित शिकायतों का निराकरण करें",
    ),
    "work_satisfaction_pct": (
        "turn {n} dissatisfied call-backs into satisfied ones",
        "{n} असंतुष्ट प्रतिक्रियाओं को संतुष्ट में बदलें",
    ),
    "work_reopen_pct": ("avoid {n} reopened complaints", "{n} शिकायतों को पुनः खुलने से रोकें"),
    "work_other": ("move {n} cases", "{n} मामले बदलें"),
    "work_none": (
        "nothing to recover here: level with the best department of its group",
        "यहाँ वापस लाने को कुछ नहीं: अपने समूह के सर्वश्रेष्ठ विभाग के बराबर",
    ),
    "work_no_case": (
        "no single case moves this component (it is not a share of cases)",
        "कोई एक प्रकरण इस घटक को नहीं बदलता (यह प्रकरणों का अनुपात नहीं है)",
    ),
    "gap_best": ("Missing vs best", "सर्वश्रेष्ठ से कमी"),
    "gap_median": ("Missing vs median", "मध्य से कमी"),
    "per_case": ("Points per case", "प्रति प्रकरण अंक"),
    "work": ("Work that recovers it", "इसे वापस लाने वाला कार्य"),
    "gain": ("Points", "अंक"),
    "next_rank_cases": ("Cases for +1 rank", "+1 रैंक हेतु प्रकरण"),
    "plan_none": ("Not ranked this month: no plan against the others.", "इस माह रैंक नहीं: तुलना की योजना नहीं।"),
    "moved_note": (
        "Component changes are rounded so that they add up to the change of the published score.",
        "घटकों के बदलाव इस तरह पूर्णांकित हैं कि उनका योग प्रकाशित अंक के बदलाव के बराबर हो।",
    ),
    "by_district_score": ("The department's score by district", "जिलेवार विभाग के अंक"),
    "outcome_lists": ("Complaints of the month to look at", "माह की देखने योग्य शिकायतें"),
    "outcome_dissatisfied": ("Dissatisfied call-backs", "असंतुष्ट प्रतिक्रिया"),
    "outcome_reopened": ("Reopened", "पुनः खोली गईं"),
    "outcome_force_closed": ("Force-closed", "बलपूर्वक बंद"),
    "event_on": ("On", "दिनांक"),
    # Meeting decisions on the district review and the department page (grading.access.decisions); the
    # statuses are the digest's words (decision_open, decision_overdue, decision_done).
    "decisions_intro": (
        "Decisions of this district's reviews up to {day}, with their status at the end of that day: open and "
        "overdue ones carry over to every later review; those done before the last review drop off. Recording "
        "a decision or marking it done is written to the audit log.",
        "{day} तक की इस ज़िले की समीक्षाओं के निर्णय, उस दिन की समाप्ति पर उनकी स्थिति के साथ: खुले और विलंबित "
        "निर्णय हर अगली समीक्षा में आगे आते हैं; पिछली समीक्षा से पहले पूरे हुए निर्णय हट जाते हैं। निर्णय दर्ज "
        "करना या उसे पूरा चिह्नित करना ऑडिट लॉग में लिखा जाता है।",
    ),
    "decisions_dept_intro": (
        "Decisions of the district reviews that name this department, in every district, with their status at "
        "the end of {day}.",
        "सभी ज़िलों की समीक्षाओं के वे निर्णय जिनमें यह विभाग है, {day} की समाप्ति पर उनकी स्थिति के साथ।",
    ),
    "decisions_none": ("No decision to show.", "दिखाने के लिए कोई निर्णय नहीं।"),
    "col_decision_status": ("Status", "स्थिति"),
    "col_decision": ("Decision", "निर्णय"),
    "col_owner": ("Owner", "ज़िम्मेदार"),
    "col_decided_at": ("Decided at the review of", "निर्णय की समीक्षा"),
    "col_done_on": ("Done on", "पूरा होने का दिनांक"),
    "col_decision_no": ("No.", "क्र."),
    "decision_record": ("Record a decision", "निर्णय दर्ज करें"),
    "decision_what": ("What is to be done", "क्या करना है"),
    "decision_owner": ("Who owns it (an officer or office)", "ज़िम्मेदार (अधिकारी या कार्यालय)"),
    "decision_due": ("Due day", "नियत दिनांक"),
    "decision_department": ("On a department", "विभाग पर"),
    "decision_whole_district": ("The district as a whole", "पूरा ज़िला"),
    "decision_complaint": (
        "On a complaint (its id, optional: its department is taken)",
        "शिकायत पर (उसका क्रमांक, वैकल्पिक: उसका विभाग लिया जाता है)",
    ),
    "decision_save": ("Record the decision", "निर्णय दर्ज करें"),
    "decision_recorded": ("Decision no. {id} recorded.", "निर्णय क्र. {id} दर्ज हुआ।"),
    "decision_pick_done": ("Decision", "निर्णय"),
    "decision_mark_done": ("Mark done on the review day", "समीक्षा दिनांक पर पूरा चिह्नित करें"),
    "decision_marked_done": ("Decision no. {id} marked done on {day}.", "निर्णय क्र. {id} {day} को पूरा चिह्नित हुआ।"),
}
