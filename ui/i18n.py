"""हिन्दी / English: the language switch and the catalogue of every label the pages show.

Metric labels come from :mod:`grading.registry`, department and district names from the reference
tables; everything else a page writes is a key here. A test checks that every key has both languages
and that every ``t("...")`` used in pages/ and ui/ exists.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

import polars as pl
import streamlit as st

from grading import fmt
from grading.registry import label
from ui.meetings_text import MEETINGS
from ui.text import Text, plain

LANGS: Final = {"en": "English", "hi": "हिन्दी"}

CATALOGUE: Final[dict[str, tuple[str, str]]] = {
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
    # sign-in and roles
    "sign_in_title": ("Sign in", "साइन इन करें"),
    "sign_in_intro": (
        "Collectors, department heads and state administrators sign in to see pending cases of their "
        "districts or departments. The public pages need no sign-in.",
        "कलेक्टर, विभागाध्यक्ष और राज्य प्रशासक अपने ज़िलों या विभागों के लंबित प्रकरण देखने के लिए साइन इन "
        "करते हैं। सार्वजनिक पृष्ठों के लिए साइन इन आवश्यक नहीं है।",
    ),
    "sign_in_oidc": ("Sign in with your organisation account", "अपने संस्थागत खाते से साइन इन करें"),
    "username": ("User name", "उपयोगकर्ता नाम"),
    "password": ("Password", "पासवर्ड"),
    "sign_in": ("Sign in", "साइन इन"),
    "sign_out": ("Sign out", "साइन आउट"),
    "sign_in_failed": (
        "Sign-in failed. Check the user name and password and try again later.",
        "साइन इन नहीं हो सका। उपयोगकर्ता नाम और पासवर्ड जाँचें और कुछ देर बाद पुनः प्रयास करें।",
    ),
    "no_role": (
        "{email} is signed in with the identity provider but has no role in Nivaran; ask the state administrator.",
        "{email} पहचान प्रदाता से साइन इन है, पर निवारण में इसकी कोई भूमिका नहीं है; राज्य प्रशासक से संपर्क करें।",
    ),
    "not_allowed": (
        "This page needs a signed-in user with the right role (see Sign in).",
        "इस पृष्ठ के लिए उचित भूमिका वाले उपयोगकर्ता का साइन इन आवश्यक है (साइन इन देखें)।",
    ),
    "continue": ("Continue", "आगे बढ़ें"),
    "export_note": (
        "Exports of cases are recorded in the audit log (who, when, which scope, how many rows).",
        "प्रकरणों का हर निर्यात ऑडिट लॉग में दर्ज होता है (किसने, कब, किस दायरे में, कितनी पंक्तियाँ)।",
    ),
    "session_expired": ("Your session ended; please sign in again.", "आपका सत्र समाप्त हो गया; कृपया फिर से साइन इन करें।"),
    "signed_in_as": ("Signed in: {user} · {role} · {scope}", "साइन इन: {user} · {role} · {scope}"),
    "whole_state": ("whole state", "पूरा राज्य"),
    "role_collector": ("collector", "कलेक्टर"),
    "role_department_head": ("department head", "विभागाध्यक्ष"),
    "role_admin": ("state administrator", "राज्य प्रशासक"),
    "role_public": ("public", "सार्वजनिक"),
    "audit_title": ("Audit log of case-list exports", "प्रकरण सूची निर्यात का ऑडिट लॉग"),
    "audit_intro": (
        "Every download of a case list: who, when, within which scope, how many rows.",
        "प्रकरण सूची का हर डाउनलोड: किसने, कब, किस दायरे में, कितनी पंक्तियाँ।",
    ),
    "audit_empty": ("No case list has been exported yet.", "अभी तक कोई प्रकरण सूची निर्यात नहीं हुई है।"),
    "accounts": ("Accounts", "खाते"),
    "method_asof": ("As of the month's end, and publication", "माह के अंत की स्थिति, और प्रकाशन"),
    "method_asof_text": (
        "Each month is graded as of its last instant (Asia/Kolkata): events after it are never counted, and the figures are the same however the data were loaded (at once, day by day, or with repeated exports). A complaint still open at the month's end counts as pending even if nothing happened to it for months. An event that happened in the month but arrives late changes the month's current reading until the month is published; after publication the published grading stands, and later changes are listed as a revision. Pages say whether a month is published or provisional.",
        "हर माह की ग्रेडिंग उसके अंतिम क्षण (भारतीय समय) की स्थिति पर होती है: उसके बाद की घटनाएँ कभी नहीं गिनी जातीं, और आँकड़े वही रहते हैं चाहे डेटा एक साथ, रोज़-रोज़ या दोहराए गए निर्यातों में आए। माह के अंत में खुली शिकायत लंबित गिनी जाती है, भले ही महीनों से उस पर कुछ न हुआ हो। माह में हुई पर देर से आई घटना प्रकाशन से पहले तक माह की वर्तमान गणना बदलती है; प्रकाशन के बाद प्रकाशित ग्रेडिंग ही मान्य रहती है और बाद के बदलाव संशोधन सूची में दिखते हैं। हर पेज बताता है कि माह प्रकाशित है या अनंतिम।",
    ),
    "method_privacy": ("Privacy and access", "निजता और पहुँच"),
    "method_privacy_text": (
        "- The public pages show aggregates only. A ranking row or a district × department cell with "
        "fewer than 5 complaints received shows no figures (marked *< 5*): with so few, a percentage or "
        "a grade could tell what happened to one complainant. So that no hidden figure can be worked out "
        "by subtracting the shown ones from a total, enough other rows or cells are hidden with them "
        "(marked *hidden*) that no department, district or state total has exactly one hidden part.\n"
        "- Complainant identifiers are stored as keyed pseudonyms; phone numbers, e-mail addresses, "
        "12-digit id numbers, titled names (Shri, Smt, श्री, श्रीमती, Name: …) and names after S/O, D/O, "
        "W/O, C/O in notes are masked when loaded and again when shown, and in rejected rows.\n"
        "- Case lists need a sign-in: a collector sees only their districts, a department head only "
        "their departments, the state administrator everything. Every download of a case list is "
        "recorded (who, when, which scope) in an audit log the administrator sees, and the file is "
        "given only to the signed-in session that asked for it. Cells that a spreadsheet would run as "
        "a formula (starting with =, +, -, @) are written as text.",
        "- सार्वजनिक पृष्ठ केवल समेकित आँकड़े दिखाते हैं। जिस रैंकिंग पंक्ति या ज़िला × विभाग खाने में 5 से कम "
        "शिकायतें प्राप्त हुई हों, उसमें कोई आँकड़ा नहीं दिखता (*< 5* अंकित): इतनी कम संख्या में प्रतिशत या "
        "ग्रेड किसी एक शिकायतकर्ता के बारे में बता सकता है। ताकि कुल में से दिखाए गए आँकड़े घटाकर कोई छिपा आँकड़ा "
        "निकाला न जा सके, उनके साथ इतनी अन्य पंक्तियाँ या खाने भी छिपाए जाते हैं (*छिपाया गया* अंकित) कि किसी "
        "विभाग, ज़िले या राज्य के कुल में ठीक एक छिपा हिस्सा न रहे।\n"
        "- शिकायतकर्ता की पहचान छद्म नाम (कुंजीबद्ध) के रूप में संग्रहीत होती है; टिप्पणियों में फ़ोन नंबर, "
        "ई-मेल पते, 12 अंकों के पहचान क्रमांक, उपाधि सहित नाम (श्री, श्रीमती, Shri, Smt, नाम: …) और S/O, D/O, "
        "W/O, C/O के बाद के नाम लोड करते समय, दिखाते समय और अस्वीकृत पंक्तियों में भी छिपाए जाते हैं।\n"
        "- प्रकरण सूचियों के लिए साइन इन आवश्यक है: कलेक्टर केवल अपने ज़िले, विभागाध्यक्ष केवल अपने विभाग, "
        "और राज्य प्रशासक सब कुछ देखते हैं। प्रकरण सूची का हर डाउनलोड ऑडिट लॉग में दर्ज होता है (किसने, कब, "
        "किस दायरे में), जिसे प्रशासक देखते हैं, और फ़ाइल केवल उसी साइन-इन सत्र को मिलती है जिसने उसे माँगा। "
        "जो खाने स्प्रेडशीट में सूत्र की तरह चल सकते हैं (=, +, -, @ से शुरू), वे पाठ के रूप में लिखे जाते हैं।",
    ),
    "suppressed": (
        "suppressed (too few complaints, or hidden so a small one cannot be derived)",
        "छिपाया गया (बहुत कम शिकायतें, या ताकि छोटी संख्या निकाली न जा सके)",
    ),
    "hidden_complementary": ("hidden", "छिपाया गया"),
    "package_title": ("The month's data package, {month}", "माह का डेटा पैकेज, {month}"),
    "package_note": (
        "The files of the published month, as `nivaran publish` wrote them: the department and district "
        "rankings, every month's history, the district × department cells and the data dictionary (CSV, "
        "UTF-8), and the press report (PDF, English and Hindi). Aggregates only, small numbers hidden, no "
        "personal data. The files are prepared when you first ask for one (a few seconds).",
        "प्रकाशित माह की फ़ाइलें, जैसी `nivaran publish` ने लिखीं: विभाग और ज़िला रैंकिंग, हर माह का इतिहास, "
        "ज़िला × विभाग खाने और डेटा शब्दकोश (CSV, UTF-8), और प्रेस रिपोर्ट (PDF, अंग्रेज़ी और हिन्दी)। केवल समेकित "
        "आँकड़े, छोटी संख्याएँ छिपी हुई, कोई व्यक्तिगत जानकारी नहीं। पहली बार माँगने पर फ़ाइलें तैयार होती हैं (कुछ सेकंड)।",
    ),
    "package_not_published": (
        "{month} is not published yet: its data package (rankings, history, cells, dictionary, press report) "
        "appears here once it is. The tables on this page can be downloaded now.",
        "{month} अभी प्रकाशित नहीं हुआ है: प्रकाशित होने पर इसका डेटा पैकेज (रैंकिंग, इतिहास, खाने, शब्दकोश, प्रेस "
        "रिपोर्ट) यहाँ मिलेगा। इस पृष्ठ की तालिकाएँ अभी डाउनलोड की जा सकती हैं।",
    ),
    "cells_show": ("Show the district × department grid", "ज़िला × विभाग तालिका दिखाएँ"),
    "map_zoom": ("Zoomable map (draws more slowly)", "ज़ूम होने वाला नक्शा (धीरे बनता है)"),
    "map_scale": ("Darker: lower, lighter: higher ({low} to {high}).", "गहरा: कम, हल्का: अधिक ({low} से {high})।"),
    "trend_chart": ("Show the chart", "चार्ट दिखाएँ"),
    "latest": ("Latest month", "नवीनतम माह"),
    "chart_table": ("The chart as a table", "चार्ट तालिका के रूप में"),
    "map_title": ("District map", "ज़िलों का नक्शा"),
    "map_metric": ("Show on the map", "नक्शे पर दिखाएँ"),
    "map_hidden": ("hidden (too few complaints)", "छिपाया गया (बहुत कम शिकायतें)"),
    "map_no_data": ("no data", "डेटा नहीं"),
    "map_legend": (
        "Grey: figures hidden to protect complainants. White: no data for this measure.",
        "धूसर: शिकायतकर्ताओं की सुरक्षा के लिए छिपाए गए आँकड़े। सफ़ेद: इस माप का डेटा नहीं।",
    ),
    "map_source": (
        "District boundaries: ADARV (adarvmaps, MIT licence), derived from Survey of India data; indicative.",
        "ज़िला सीमाएँ: ADARV (adarvmaps, MIT लाइसेंस), भारतीय सर्वेक्षण विभाग के डेटा से; सांकेतिक।",
    ),
    "language": ("भाषा · Language", "भाषा · Language"),  # one label in both: the switch keeps its identity
    "month": ("Month", "माह"),
    "helpline_banner": (
        "**{name}** · months in {zone} · graded under {scheme}",
        "**{name}** · माह {zone} समय में · {scheme} के अनुसार ग्रेड",
    ),
    "chart_failed": ("This chart could not be drawn", "यह चार्ट नहीं बन सका"),
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
    # public summary
    "public_title": ("How departments redress complaints", "विभाग शिकायतों का निवारण कैसे करते हैं"),
    "public_intro": (
        "Every month each department and district is graded on how it closed the complaints it received. No personal data is shown on this page; figures for fewer than 5 complaints are hidden, with enough others that none can be worked out from a total.",
        "हर माह प्रत्येक विभाग और ज़िले को इस आधार पर ग्रेड दिया जाता है कि उसने प्राप्त शिकायतों का निराकरण कैसे किया। इस पृष्ठ पर कोई व्यक्तिगत जानकारी नहीं है; 5 से कम शिकायतों के आँकड़े छिपाए गए हैं, साथ में इतने अन्य भी कि कुल से कोई निकाला न जा सके।",
    ),
    "vs_last_month": ("vs last month", "पिछले माह की तुलना में"),
    "dept_ranking": ("Department ranking, {month}", "विभागों की रैंकिंग, {month}"),
    "dept_ranking_help": (
        "Scheme: {scheme}. Points per component are shown beside the total; change is against last month's rank (▲ climbed).",
        "योजना: {scheme}। कुल अंकों के साथ प्रत्येक घटक के अंक दिखाए गए हैं; परिवर्तन पिछले माह की रैंक से है (▲ ऊपर)।",
    ),
    "district_ranking": ("District ranking, {month}", "ज़िलों की रैंकिंग, {month}"),
    "district_groups": (
        "Districts are ranked overall and inside volume groups: group 1 holds the {n} districts with most complaints received.",
        "ज़िलों की रैंक समग्र रूप से और मात्रा समूहों में दी जाती है: समूह 1 में सबसे अधिक शिकायतों वाले {n} ज़िले हैं।",
    ),
    "district_groups_min": (
        "Districts are ranked overall and inside volume groups: group 1 holds the districts with at least {n} complaints received.",
        "ज़िलों की रैंक समग्र रूप से और मात्रा समूहों में दी जाती है: समूह 1 में कम से कम {n} प्राप्त शिकायतों वाले ज़िले हैं।",
    ),
    "state_trends": ("Overall trends", "समग्र रुझान"),
    "percent": ("Percent", "प्रतिशत"),
    "cells_title": ("{metric} by district and department, {month}", "ज़िला और विभाग अनुसार {metric}, {month}"),
    "cells_note": (
        "Blank cells are hidden: fewer than 5 complaints received, or hidden with them so that a small "
        "number cannot be worked out from a total.",
        "खाली खाने छिपाए गए हैं: 5 से कम शिकायतें प्राप्त, या उनके साथ छिपाए गए ताकि कुल से छोटी संख्या निकाली न जा सके।",
    ),
    "all_groups": ("All districts", "सभी ज़िले"),
    "group_n": ("Group {n}", "समूह {n}"),
    # methodology
    "method_title": ("How the grading works", "ग्रेडिंग कैसे होती है"),
    "method_scheme": ("Scheme", "योजना"),
    "method_components": ("Components", "घटक"),
    "method_weight": ("Weight", "भार"),
    "method_formula": ("Points", "अंक"),
    "method_reading": ("Nivaran's reading", "निवारण की व्याख्या"),
    "method_official": ("published rule", "प्रकाशित नियम"),
    "method_bands": ("Grades", "ग्रेड"),
    "method_min": ("Minimum score", "न्यूनतम अंक"),
    "method_rules": ("Rules", "नियम"),
    "method_rules_text": (
        "- A month is graded as of its last instant ({zone}): later events never change it.\n"
        "- An entity with fewer than {min_received} complaints received is listed but not ranked.\n"
        "- Equal scores (rounded to {decimals} decimals) share a rank and the next rank is skipped (1, 2, 2, 4).\n"
        "- Complaints of a complainant who filed more than {habitual} in a month are left out of the grading.\n"
        "- A component with no data scores {missing}.\n"
        "- Long pending means more than {long_days} completed days old.",
        "- प्रत्येक माह उसके अंतिम क्षण ({zone}) की स्थिति पर ग्रेड होता है: बाद की घटनाएँ उसे नहीं बदलतीं।\n"
        "- {min_received} से कम प्राप्त शिकायतों वाली इकाई सूची में है पर रैंक नहीं पाती।\n"
        "- समान अंक ({decimals} दशमलव तक) पर समान रैंक, अगली रैंक छोड़ी जाती है (1, 2, 2, 4)।\n"
        "- एक माह में {habitual} से अधिक शिकायतें करने वाले शिकायतकर्ता की शिकायतें ग्रेडिंग से बाहर रहती हैं।\n"
        "- जिस घटक का डेटा नहीं है उसे {missing} मिलते हैं।\n"
        "- लंबी लंबित का अर्थ {long_days} पूर्ण दिनों से अधिक पुरानी।",
    ),
    "missing_full": ("its full weight", "पूरे अंक"),
    "missing_zero": ("zero", "शून्य"),
    "missing_reweight": (
        "nothing: it is left out and the components with data are scaled up to the maximum, but only when "
        "they carry at least {min_data} % of it (otherwise the entity gets no score or grade)",
        "कुछ नहीं: उसे छोड़ दिया जाता है और डेटा वाले घटकों को अधिकतम तक अनुपात में बढ़ाया जाता है, पर केवल तब जब "
        "उनका भार अधिकतम का कम से कम {min_data} % हो (अन्यथा इकाई को न अंक मिलते हैं न ग्रेड)",
    ),
    "method_metrics": ("Every metric", "सभी मापदंड"),
    "metric": ("Metric", "मापदंड"),
    "definition": ("Definition", "परिभाषा"),
    "unit": ("Unit", "इकाई"),
    "method_source": ("Source: {source}", "स्रोत: {source}"),
    "method_other": (
        "Other schemes shipped: {names}. Copy a file in data/schemes/, change a weight, and grade with `nivaran grade --scheme FILE`.",
        "अन्य उपलब्ध योजनाएँ: {names}। data/schemes/ की फ़ाइल की प्रति बनाकर भार बदलें और `nivaran grade --scheme FILE` से ग्रेड करें।",
    ),
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
    "oldest_cases": ("Oldest pending cases", "सबसे पुराने लंबित प्रकरण"),
    # collector
    "pick_district": ("District", "ज़िला"),
    "collector_title": ("Weekly review: {district}", "साप्ताहिक समीक्षा: {district}"),
    "as_of": ("Pending as of {when}.", "{when} की स्थिति में लंबित।"),
    "by_dept_level": ("Pending by department and level", "विभाग और स्तर अनुसार लंबित"),
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
    # ranking rules, streaks and integrity flags
    "dept_groups": (
        "Departments are ranked inside volume groups (group 1: the busiest), so a department with a few dozen "
        "complaints is not compared with one with thousands. A rank shown as a range (e.g. 3–7) is not certain: "
        "another department's score is within its margin of error.",
        "विभागों की रैंक मात्रा समूहों में दी जाती है (समूह 1: सबसे अधिक शिकायतों वाले), ताकि कुछ दर्जन शिकायतों वाले "
        "विभाग की तुलना हज़ारों वाले से न हो। सीमा के रूप में दिखाई गई रैंक (जैसे 3–7) निश्चित नहीं है: किसी अन्य विभाग "
        "के अंक उसकी त्रुटि-सीमा के भीतर हैं।",
    ),
    "all_departments": ("All departments", "सभी विभाग"),
    "dept_title_group": (
        "{name}: rank {rank} of {of} in group {group}, grade {grade}, {score} points",
        "{name}: समूह {group} के {of} में रैंक {rank}, ग्रेड {grade}, {score} अंक",
    ),
    "all_districts": ("All districts", "सभी ज़िले"),
    "streaks_title": ("Streaks", "लगातार प्रदर्शन"),
    "streak_rank": ("{name}: rank 1{group} for {n} months in a row", "{name}: लगातार {n} माह से रैंक 1{group}"),
    "streak_grade": ("{name}: grade {grade} for {n} months in a row", "{name}: लगातार {n} माह से ग्रेड {grade}"),
    "in_group": (" in group {g}", " (समूह {g})"),
    "no_streaks": ("No streak this month.", "इस माह कोई लगातार प्रदर्शन नहीं।"),
    "flags_title": ("Integrity flags", "सत्यनिष्ठा संकेत"),
    "flags_intro": (
        "Signs of gaming the grading, computed from the month's events. A flag is a reason to look, not a verdict.",
        "ग्रेडिंग में हेरफेर के संकेत, माह की घटनाओं से गणना किए गए। संकेत जाँच का कारण है, निर्णय नहीं।",
    ),
    "no_flags": ("No integrity flag raised this month.", "इस माह कोई सत्यनिष्ठा संकेत नहीं।"),
    "flag": ("Flag", "संकेत"),
    "evidence": ("Evidence", "प्रमाण"),
    "share_pct": ("Share %", "हिस्सा %"),
    "own_pct": ("Own usual %", "सामान्य स्तर %"),
    "state_pct": ("Overall %", "समग्र %"),
    "dept_no_data": (
        "{name}: no grade this month (components with data weigh less than {pct} % of the score)",
        "{name}: इस माह ग्रेड नहीं (डेटा वाले घटकों का भार अंकों के {pct} % से कम)",
    ),
    "method_version": (
        "Version in force for {month}: {version}",
        "{month} के लिए लागू संस्करण: {version}",
    ),
    "method_versions": ("Versions of this scheme", "इस योजना के संस्करण"),
    "effective_from": ("In force from", "लागू तिथि"),
    "from_start": ("the first month", "प्रथम माह से"),
    "method_groups": ("Volume groups", "मात्रा समूह"),
    "groups_top_n": (
        "{kind}: the {n} with most complaints received form group 1, the others group 2.",
        "{kind}: सबसे अधिक प्राप्त शिकायतों वाले {n} समूह 1 में, शेष समूह 2 में।",
    ),
    "groups_thresholds": (
        "{kind}: groups by complaints received, thresholds {thresholds} (group 1 at or above the first).",
        "{kind}: प्राप्त शिकायतों के अनुसार समूह, सीमाएँ {thresholds} (पहली सीमा या अधिक: समूह 1)।",
    ),
    "method_reliability": ("When a rank is printed", "रैंक कब दिखाई जाती है"),
    "method_reliability_text": (
        "Each share in the score (e.g. satisfied closures out of complaints received) is uncertain when it rests on "
        "few complaints. Nivaran puts a {pct} % Wilson interval around each share and carries it to the score in "
        "points (shares combined as independent). One department is surely above another only when the gap between "
        "their scores is larger than the combined uncertainty. A rank is printed only when no other department in "
        "its group is within reach; otherwise the page prints the range of ranks it could hold (e.g. 3–7). "
        "The exact competition rank (1, 2, 2, 4) is still computed and used for streaks and rank changes.",
        "अंकों का प्रत्येक हिस्सा (जैसे प्राप्त शिकायतों में संतुष्टिपूर्ण निराकरण) कम शिकायतों पर अनिश्चित होता है। निवारण "
        "प्रत्येक हिस्से के चारों ओर {pct} % विल्सन अंतराल लेता है और उसे अंकों तक ले जाता है। एक विभाग दूसरे से निश्चित "
        "रूप से ऊपर तभी है जब उनके अंकों का अंतर संयुक्त अनिश्चितता से अधिक हो। रैंक तभी दिखाई जाती है जब समूह का कोई "
        "अन्य विभाग पहुँच में न हो; अन्यथा संभावित रैंकों की सीमा (जैसे 3–7) दिखाई जाती है।",
    ),
    "method_flags": ("Integrity flags", "सत्यनिष्ठा संकेत"),
    "method_flags_text": (
        "Flags look for the known ways of gaming a grading. Each compares the entity's share with a reference: "
        "it must be at least {ratio:g} times the reference and beyond chance ({z:g} standard deviations), and rest "
        "on at least {n} closures or stays at a level. `nivaran flags --month YYYY-MM` lists them.",
        "संकेत ग्रेडिंग में हेरफेर के ज्ञात तरीकों को खोजते हैं। प्रत्येक इकाई के हिस्से की तुलना संदर्भ से करता है: वह "
        "संदर्भ का कम से कम {ratio:g} गुना और संयोग से परे ({z:g} मानक विचलन) हो, और कम से कम {n} निराकरणों पर आधारित हो।",
    ),
}
assert not set(MEETINGS) & set(CATALOGUE), "a meeting-tools key repeats a catalogue key"
CATALOGUE.update(MEETINGS)  # the meeting tools' words (ui/meetings_text.py)


def browser_lang() -> str:
    """The browser's language: Hindi for a ``hi*`` locale, else English."""
    locale = (st.context.locale or "en") if hasattr(st, "context") else "en"
    return "hi" if str(locale).lower().startswith("hi") else "en"


def lang() -> str:
    """The current language code: the switch's value, else ``?lang=`` in the address (kept across the
    sign-in's page load), else the browser's locale."""
    if "lang" not in st.session_state:
        asked = st.query_params.get("lang")
        st.session_state["lang"] = asked if asked in LANGS else browser_lang()
    return str(st.session_state["lang"])


def t(key: str, **values: object) -> Text:
    """The catalogue text for ``key`` in the current language, with ``values`` filled in as plain
    text (:func:`ui.text.plain`: a name never renders as Markdown or HTML); numbers stay numbers, so the
    catalogue may format them (``{ratio:g}``)."""
    en, hi = CATALOGUE[key]
    text = hi if lang() == "hi" else en
    if not values:
        return Text(text)
    filled = {k: v if isinstance(v, int | float) else plain(v) for k, v in values.items()}
    return Text(text.format(**filled))


def metric_label(name: str) -> str:
    """A metric's label in the current language (from the registry)."""
    return label(name, lang())


def month_name(month: date) -> str:
    """'August 2024' / 'अगस्त 2024'."""
    return fmt.month_name(month, lang())


def moment(when: datetime) -> str:
    """'28 Nov 2026 18:00' / '28 नवंबर 2026 18:00' (the time as stored: Asia/Kolkata wall clock)."""
    if lang() == "hi":
        return f"{when.day} {fmt.MONTHS_HI[when.month - 1]} {when.year} {when:%H:%M}"
    return f"{when.day} {when:%b %Y %H:%M}"


def name_column(kind: str) -> str:
    """The column holding names of ``kind`` (department/district) in the current language."""
    return f"{kind}_name_hi" if lang() == "hi" else f"{kind}_name"


def display_name(kind: str) -> pl.Expr:
    """An expression giving the display name of ``kind`` (falls back to the code)."""
    return pl.coalesce(pl.col(name_column(kind)), pl.col(kind))


def reference_name() -> pl.Expr:
    """The name column of a reference table (departments, districts) in the current language."""
    return pl.col("name_hi") if lang() == "hi" else pl.col("name_en")
