"""Catalogue entries shared by the pages: navigation, page titles, table headers, the department head's,
the collector's, the trends' and the data page's words: key → (English, हिन्दी).

Merged with the other parts into :data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

COMMON: Final[dict[str, tuple[str, str]]] = {
    # navigation and shared controls
    "app_title": ("Nivaran · grievance redressal grading", "निवारण · शिकायत निवारण ग्रेडिंग"),
    "nav_public": ("Public", "सार्वजनिक"),
    "nav_departments": ("Department heads", "विभागाध्यक्ष"),
    "nav_collectors": ("District collectors", "ज़िला कलेक्टर"),
    "nav_data": ("Data", "डेटा"),
    "page_public": ("Public summary", "सार्वजनिक सारांश"),
    "page_methodology": ("Methodology", "पद्धति"),
    "page_trends": ("Trends", "रुझान"),
    "page_department": ("Department", "विभाग"),
    "page_collector": ("District review", "ज़िला समीक्षा"),
    "page_data": ("Data loaded", "लोड किया गया डेटा"),
    "page_audit": ("Audit log", "ऑडिट लॉग"),
    "page_sign_in": ("Sign in", "साइन इन"),
    "nav_account": ("Account", "खाता"),
    "language": ("भाषा · Language", "भाषा · Language"),  # one label in both: the switch keeps its identity
    "month": ("Month", "माह"),
    "helpline_banner": (
        "**{name}** · months in {zone} · graded under {scheme}",
        "**{name}** · माह {zone} समय में · {scheme} के अनुसार ग्रेड",
    ),
    "part_failed": (
        "This part of the page could not be drawn; the rest of the page is complete. The details are in "
        "the server's log.",
        "पृष्ठ का यह भाग नहीं बन सका; शेष पृष्ठ पूरा है। विवरण सर्वर के लॉग में है।",
    ),
    "part_failed_because": (
        "This part of the page could not be drawn: {reason}",
        "पृष्ठ का यह भाग नहीं बन सका: {reason}",
    ),
    "no_months": (
        "The database has no graded months yet. Import events with `uv run nivaran ingest FILE`.",
        "डेटाबेस में अभी कोई ग्रेड किया गया माह नहीं है। `uv run nivaran ingest FILE` से घटनाएँ आयात करें।",
    ),
    "download_csv": ("Download CSV", "CSV डाउनलोड करें"),
    "download_xlsx": ("Download Excel", "Excel डाउनलोड करें"),
    "data_window": (
        "Data from {first} to {last}; results refreshed {refreshed}. Months are graded as of their last instant ({zone}).",
        "डेटा {first} से {last} तक; परिणाम {refreshed} को अद्यतन। प्रत्येक माह उसके अंतिम क्षण ({zone}) की स्थिति पर ग्रेड किया जाता है।",
    ),
    "published_on": (
        "{month}: published grading, published on {date} (version {version}). Events that arrived later change it only as a listed revision.",
        "{month}: प्रकाशित ग्रेडिंग, {date} को प्रकाशित (संस्करण {version})। बाद में आई घटनाएँ इसे नहीं बदलतीं, केवल संशोधन सूची में दिखती हैं।",
    ),
    "provisional": (
        "{month}: provisional, not yet published; figures can change as late events arrive.",
        "{month}: अनंतिम, अभी प्रकाशित नहीं; देर से आई घटनाओं से आँकड़े बदल सकते हैं।",
    ),
    "freshness": ("Data up to {upto}, loaded {ago}.", "{upto} तक का डेटा, {ago} लोड किया गया।"),
    "freshness_empty": ("No events loaded yet.", "अभी कोई घटना लोड नहीं हुई है।"),
    "demo_note": (
        "This is the built-in demo: synthetic complaints, not real ones.",
        "यह अंतर्निहित डेमो है: कृत्रिम शिकायतें, वास्तविक नहीं।",
    ),
    # table headers
    "rank": ("Rank", "रैंक"),
    "department": ("Department", "विभाग"),
    "district": ("District", "ज़िला"),
    "score": ("Score", "अंक"),
    "grade": ("Grade", "ग्रेड"),
    "rank_change": ("Change", "परिवर्तन"),
    "trend": ("Last 6 months", "पिछले 6 माह"),
    "group": ("Volume group", "मात्रा समूह"),
    "group_rank": ("Rank in group", "समूह में रैंक"),
    "not_ranked": ("not ranked (fewer than {n} received)", "रैंक नहीं (प्राप्त {n} से कम)"),
    "level": ("Level", "स्तर"),
    "age_days": ("Age (days)", "आयु (दिन)"),
    "days": ("days", "दिन"),
    "due": ("Due", "नियत तिथि"),
    "days_to_due": ("Days to due", "नियत तिथि तक दिन"),
    "overdue": ("Overdue", "समय-सीमा बाहर"),
    "due_soon": ("Breach in 2 days", "2 दिन में समय-सीमा"),
    "complaint": ("Complaint", "शिकायत"),
    "category": ("Category", "श्रेणी"),
    "registered": ("Registered", "दर्ज"),
    "awaiting_callback": ("Awaiting call-back", "कॉल-बैक प्रतीक्षित"),
    "pending": ("Pending", "लंबित"),
    "over_50": ("Over 50 days", "50 दिन से अधिक"),
    "yes": ("yes", "हाँ"),
    "no": ("no", "नहीं"),
    "event": ("Event", "घटना"),
    "time": ("Time", "समय"),
    "outcome": ("Outcome", "परिणाम"),
    "note": ("Note", "टिप्पणी"),
    # department head
    "pick_department": ("Department", "विभाग"),
    "dept_title": (
        "{name}: rank {rank} of {of}, grade {grade}, {score} points",
        "{name}: {of} में रैंक {rank}, ग्रेड {grade}, {score} अंक",
    ),
    "dept_unranked": (
        "{name}: not ranked this month (fewer than {n} complaints received)",
        "{name}: इस माह रैंक नहीं (प्राप्त शिकायतें {n} से कम)",
    ),
    "rank_over_time": ("Rank over time (1 = best)", "समय के साथ रैंक (1 = सर्वश्रेष्ठ)"),
    "rank_in_group": ("Rank in group (band: possible ranks)", "समूह में रैंक (पट्टी: संभावित रैंक)"),
    "components_vs": (
        "Points per component: this department, the state median and the best",
        "घटकवार अंक: यह विभाग, राज्य माध्यिका और सर्वश्रेष्ठ",
    ),
    "this_department": ("This department", "यह विभाग"),
    "state_median": ("Median of ranked departments", "रैंक वाले विभागों की माध्यिका"),
    "best": ("Best department", "सर्वश्रेष्ठ विभाग"),
    "why_moved": ("Why the rank moved since last month", "पिछले माह से रैंक क्यों बदली"),
    "moved_sentence": (
        "Rank {before} → {now}. Points per component, last month → this month:",
        "रैंक {before} → {now}। घटकवार अंक, पिछला माह → यह माह:",
    ),
    "no_last_month": ("Not ranked last month: no comparison.", "पिछले माह रैंक नहीं: तुलना नहीं।"),
    "points_last": ("Last month", "पिछला माह"),
    "points_now": ("This month", "यह माह"),
    "change": ("Change", "परिवर्तन"),
    "to_move": ("What would move it", "क्या बदलाव लाएगा"),
    "needed_rank": (
        "{n} more satisfied closures of this month's complaints would lift it to the next rank.",
        "इस माह की {n} और शिकायतों का संतुष्टिपूर्ण निराकरण इसे अगली रैंक तक ले जाएगा।",
    ),
    "needed_grade": ("{n} more would reach grade {grade}.", "{n} और से ग्रेड {grade} मिलेगा।"),
    "needed_none_rank": (
        "Already first, or the next rank is out of reach with satisfied closures alone.",
        "पहले से प्रथम, या केवल संतुष्टिपूर्ण निराकरण से अगली रैंक संभव नहीं।",
    ),
    "needed_none_grade": (
        "Already in the top grade, or it is out of reach with satisfied closures alone.",
        "पहले से शीर्ष ग्रेड में, या केवल संतुष्टिपूर्ण निराकरण से संभव नहीं।",
    ),
    "pending_by_district": ("Pending by district and level", "ज़िला और स्तर अनुसार लंबित"),
    "pending_by_district_only": ("Pending by district", "ज़िला अनुसार लंबित"),
    "no_outcome_lists": (
        "This helpline's data record no call-back answers, reopenings or force closures: no such lists.",
        "इस हेल्पलाइन के डेटा में कॉल-बैक उत्तर, पुनः खोलना या बलपूर्वक बंद दर्ज नहीं: ऐसी सूचियाँ नहीं।",
    ),
    "oldest_cases": ("Oldest pending cases", "सबसे पुराने लंबित प्रकरण"),
    # collector
    "pick_district": ("District", "ज़िला"),
    "collector_title": ("Weekly review: {district}", "साप्ताहिक समीक्षा: {district}"),
    "as_of": ("Pending as of {when}.", "{when} की स्थिति में लंबित।"),
    "by_dept_level": ("Pending by department and level", "विभाग और स्तर अनुसार लंबित"),
    "by_dept": ("Pending by department", "विभाग अनुसार लंबित"),
    "review_list": ("Review list: overdue first, then oldest", "समीक्षा सूची: पहले समय-सीमा बाहर, फिर सबसे पुराने"),
    "only_overdue": ("Only overdue or breaching in 2 days", "केवल समय-सीमा बाहर या 2 दिन में"),
    "pick_case": ("Select a row to see the case's timeline.", "प्रकरण की समय-रेखा देखने के लिए पंक्ति चुनें।"),
    "timeline": ("Timeline of {id}", "{id} की समय-रेखा"),
    "no_cases": ("No pending cases.", "कोई लंबित प्रकरण नहीं।"),
    # trends
    "trends_title": ("A metric over the months", "माह-दर-माह मापदंड"),
    "pick_metric": ("Metric", "मापदंड"),
    "pick_entity_type": ("Compare", "तुलना करें"),
    "pick_entities": ("Choose up to 8", "अधिकतम 8 चुनें"),
    "state_line": ("All", "सभी"),
    "days_no_state": (
        "Day statistics do not add up across departments, so there is no state line for them.",
        "दिनों के आँकड़े विभागों में जोड़े नहीं जा सकते, इसलिए उनकी राज्य रेखा नहीं है।",
    ),
    # data page
    "data_title": ("What is loaded", "क्या लोड है"),
    "events": ("Events", "घटनाएँ"),
    "complaints": ("Complaints", "शिकायतें"),
    "quarantined": ("Rows quarantined", "रोकी गई पंक्तियाँ"),
    "loads": ("Loads", "लोड"),
    "ingest_log": ("Load history", "लोड इतिहास"),
    "quarantine_reasons": ("Rows rejected and why", "अस्वीकृत पंक्तियाँ और कारण"),
    "quarantined_rows": (
        "Latest rejected rows (file, line, field, value, reason)",
        "हाल में अस्वीकृत पंक्तियाँ (फ़ाइल, पंक्ति, फ़ील्ड, मान, कारण)",
    ),
    "nothing_rejected": ("No row has been rejected.", "कोई पंक्ति अस्वीकृत नहीं हुई।"),
    "months_loaded": ("Months", "माह"),
}
