"""Catalogue entries of the public summary: suppression, the published package, the map and the
charts' switches: key → (English, हिन्दी).

Merged with the other parts into :data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

PUBLIC: Final[dict[str, tuple[str, str]]] = {
    # public page: suppression, the package, the map
    "suppressed": (
        "suppressed (too few complaints, or hidden so a small one cannot be derived)",
        "छिपाया गया (बहुत कम शिकायतें, या ताकि छोटी संख्या निकाली न जा सके)",
    ),
    "hidden_complementary": ("hidden", "छिपाया गया"),
    # why a row of a public file is hidden (suppressed_reason), as a Hindi file writes it
    "reason_small": ("small", "छोटी संख्या"),
    "reason_complementary": ("complementary", "पूरक"),
    "package_title": ("The month's data package, {month}", "माह का डेटा पैकेज, {month}"),
    "package_note": (
        "The files of the published month: the department and district rankings, every month's history, the "
        "district × department cells and the data dictionary that explains every column (CSV, UTF-8), and the "
        "press report (PDF, English and Hindi). Aggregates only, small numbers hidden, no personal data. The "
        "files are prepared when you first ask for one (a few seconds).",
        "प्रकाशित माह की फ़ाइलें: विभाग और ज़िला रैंकिंग, हर माह का इतिहास, ज़िला × विभाग खाने और हर कॉलम समझाने वाला "
        "डेटा शब्दकोश (CSV, यूनिकोड में), और प्रेस रिपोर्ट (PDF, अंग्रेज़ी और हिन्दी)। केवल समेकित आँकड़े, छोटी संख्याएँ छिपी "
        "हुई, कोई व्यक्तिगत जानकारी नहीं। पहली बार माँगने पर फ़ाइलें तैयार होती हैं (कुछ सेकंड)।",
    ),
    # the journalist's path: the month's report and data at the top of the public page
    "download_report": ("Download this month's report (PDF)", "इस माह की रिपोर्ट डाउनलोड करें (PDF)"),
    "download_data": ("Download the data (CSV)", "डेटा डाउनलोड करें (CSV)"),
    "report_not_yet": (
        "The press report for {month} appears here once the month is published.",
        "{month} की प्रेस रिपोर्ट माह प्रकाशित होने पर यहाँ मिलेगी।",
    ),
    "package_files": ("Every file of the month, one by one", "माह की हर फ़ाइल, अलग-अलग"),
    "file_ranking_department": ("Department ranking (CSV)", "विभागीय रैंकिंग (CSV)"),
    "file_ranking_district": ("District ranking (CSV)", "ज़िला रैंकिंग (CSV)"),
    "file_history": ("Every month's ranks and scores (CSV)", "हर माह की रैंक और अंक (CSV)"),
    "file_cells": ("District × department figures (CSV)", "ज़िला × विभाग आँकड़े (CSV)"),
    "file_dictionary": ("What every column means (CSV)", "हर कॉलम का अर्थ (CSV)"),
    "file_report_en": ("Press report in English (PDF)", "प्रेस रिपोर्ट अंग्रेज़ी में (PDF)"),
    "file_report_hi": ("Press report in Hindi (PDF)", "प्रेस रिपोर्ट हिन्दी में (PDF)"),
    "public_lede": (
        "Each month every department and district is graded on how it closed the complaints it received; figures for fewer than {suppress_below} complaints are hidden. Data {first} to {last}.",
        "हर माह प्रत्येक विभाग और ज़िले को प्राप्त शिकायतों के निराकरण के आधार पर ग्रेड दिया जाता है; {suppress_below} से कम शिकायतों के आँकड़े छिपाए गए हैं। डेटा {first} से {last} तक।",
    ),
    "against_month": ("Arrows: change against {month}.", "तीर: {month} की तुलना में बदलाव।"),
    "hidden_figures_title": ("How small numbers are hidden", "छोटी संख्याएँ कैसे छिपाई जाती हैं"),
    # the ranking tables
    "ranking_caption": (
        "Graded under {scheme}, ranked within volume groups (group 1: the busiest). A range such as 3–7 means the scores are too close to tell apart; the bar shows the score with its 95 % range on the grade bands.",
        "{scheme} के अंतर्गत ग्रेड, मात्रा समूहों में रैंक (समूह 1: सबसे व्यस्त)। 3–7 जैसी सीमा का अर्थ है कि अंक इतने पास हैं कि अलग नहीं किए जा सकते; पट्टी ग्रेड पट्टियों पर अंक और उनकी 95 % सीमा दिखाती है।",
    ),
    "score_range": ("Score with its 95 % range", "अंक और उनकी 95 % सीमा"),
    "score_range_short": ("Score ± range", "अंक ± सीमा"),
    "score_range_help": (
        "The dot is the score on the grade bands (0 at the left, the maximum at the right); the whisker is its 95 % range. A hollow dot: the range is hidden because it is computed from a small count.",
        "बिंदु ग्रेड पट्टियों पर अंक है (बाएँ 0, दाएँ अधिकतम); रेखा उसकी 95 % सीमा है। खोखला बिंदु: सीमा छिपी है क्योंकि वह छोटी गिनती से निकलती है।",
    ),
    "rank_change_help": (
        "Places climbed (▲) or lost (▼) since last month; shown only in group 1, where both months have a single rank.",
        "पिछले माह से ऊपर (▲) या नीचे (▼) गए स्थान; केवल समूह 1 में, जहाँ दोनों माह एक ही रैंक है।",
    ),
    "points_title": ("Points per component", "प्रत्येक घटक के अंक"),
    "points_help": ("{label}: points out of {n}", "{label}: {n} में से अंक"),
    "short_satisfied_closure": ("Satisfied", "संतुष्ट"),
    "short_long_pending_disposal": ("Over 50 days", "50+ दिन"),
    "short_no_force_close": ("No force close", "बलपूर्वक नहीं"),
    "short_attended_in_time": ("Attended", "अवलोकन"),
    "short_closed_on_time": ("On time", "समय पर"),
    "short_not_overdue": ("Not overdue", "अतिदेय नहीं"),
    "short_close_fast": ("Days to close", "निराकरण दिन"),
    "short_no_reopen": ("Not reopened", "पुनः नहीं"),
    "short_disposed_in_time": ("In time", "समय में"),
    "short_not_pending_beyond": ("Not overdue", "अतिदेय नहीं"),
    "short_rated_good": ("Rated good", "अच्छी"),
    "short_not_rated_poor": ("Not poor", "खराब नहीं"),
    "short_disposal_in_time": ("In time", "समय में"),
    "short_satisfied_feedback": ("Satisfied", "संतुष्ट"),
    "short_no_overdue_pending": ("Not overdue", "अतिदेय नहीं"),
    "short_quality_of_disposal": ("Quality", "गुणवत्ता"),
    # the trends page
    "trends_chart_title": ("{metric} by month", "माह-दर-माह {metric}"),
    "trends_no_state": (
        "Scores and ranks belong to departments and districts, so there is no state line for them.",
        "अंक और रैंक विभागों और ज़िलों के होते हैं, इसलिए उनकी राज्य रेखा नहीं है।",
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
        "ज़िला सीमाएँ: एडीएआरवी (एडार्व-मैप्स, एमआईटी लाइसेंस), भारतीय सर्वेक्षण विभाग के डेटा से; सांकेतिक।",
    ),
    "map_none": (
        "No district boundary file is set for this helpline, so no map is drawn "
        "(`nivaran init --boundaries FILE.geojson` sets one).",
        "इस हेल्पलाइन के लिए ज़िला सीमाओं की कोई फ़ाइल नहीं दी गई है, इसलिए नक्शा नहीं बनाया गया "
        "(`nivaran init --boundaries FILE.geojson` से दी जा सकती है)।",
    ),
    "map_own_source": (
        "District boundaries: the helpline's own file ({source}).",
        "ज़िला सीमाएँ: हेल्पलाइन की अपनी फ़ाइल ({source})।",
    ),
    # an entity list in which no one is graded: why, in one sentence
    "one_department": ("department", "विभाग"),
    "one_district": ("district", "ज़िले"),
    "none_graded_no_data": (
        "No {kind} has any complaint in {month}.",
        "{month} में किसी {kind} की कोई शिकायत नहीं है।",
    ),
    "none_graded_few_complaints": (
        "No {kind} is graded in {month}: none received the scheme's minimum of {n} complaints.",
        "{month} में किसी {kind} को ग्रेड नहीं मिला: किसी को भी योजना की न्यूनतम {n} शिकायतें प्राप्त नहीं हुईं।",
    ),
    "none_graded_too_little_data": (
        "No {kind} is graded in {month}: for each, the components with data weigh less than {pct} % of the score.",
        "{month} में किसी {kind} को ग्रेड नहीं मिला: हर एक के डेटा वाले घटकों का भार अंकों के {pct} % से कम है।",
    ),
    "none_graded_unassigned": (
        "No {kind} is graded in {month}: the month's complaints are not assigned to any.",
        "{month} में किसी {kind} को ग्रेड नहीं मिला: माह की शिकायतें किसी को सौंपी नहीं गईं।",
    ),
    # public summary
    "public_title": ("How departments redress complaints", "विभाग शिकायतों का निवारण कैसे करते हैं"),
    "public_intro": (
        "Every month each department and district is graded on how it closed the complaints it received. No personal data is shown on this page; figures for fewer than {suppress_below} complaints are hidden, with enough others that none can be worked out from a total.",
        "हर माह प्रत्येक विभाग और ज़िले को इस आधार पर ग्रेड दिया जाता है कि उसने प्राप्त शिकायतों का निराकरण कैसे किया। इस पृष्ठ पर कोई व्यक्तिगत जानकारी नहीं है; {suppress_below} से कम शिकायतों के आँकड़े छिपाए गए हैं, साथ में इतने अन्य भी कि कुल से कोई निकाला न जा सके।",
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
        "Blank cells are hidden: fewer than {suppress_below} complaints received, or hidden with them so that a small "
        "number cannot be worked out from a total.",
        "खाली खाने छिपाए गए हैं: {suppress_below} से कम शिकायतें प्राप्त, या उनके साथ छिपाए गए ताकि कुल से छोटी संख्या निकाली न जा सके।",
    ),
    # the suppression rule's figures (counts of 1 to the threshold, and what is computed from them)
    "figures_rule": (
        "On a row that is shown, a count from 1 up to the threshold (force-closed, dissatisfied, reopened, "
        "pending, left out as habitual …) reads “{band}”, and a percentage, day figure or points computed from "
        "such a count reads “hidden”, with enough other figures that none can be worked out from a total or "
        "from the score. A count of 0 is shown. Statewide totals are shown whole.",
        "दिखाई गई पंक्ति में 1 से सीमा तक की कोई गिनती (बलपूर्वक बंद, असंतुष्ट, पुनः खोली गई, लंबित, आदतन होने से "
        "बहिष्कृत …) “{band}” पढ़ी जाती है, और ऐसी गिनती से निकाला गया प्रतिशत, दिन या अंक “छिपाया गया”, साथ में "
        "इतने अन्य आँकड़े भी कि किसी कुल या अंकों से कोई निकाला न जा सके। 0 की गिनती दिखाई जाती है। राज्य के कुल "
        "पूरे दिखाए जाते हैं।",
    ),
    "small_figures_column": ("Counts of {band} (left empty)", "{band} की गिनतियाँ (खाली छोड़ी गईं)"),
    "hidden_figures_column": ("Other hidden figures (left empty)", "अन्य छिपाए गए आँकड़े (खाली छोड़े गए)"),
    "figure_note": ("Hidden", "छिपाया गया"),
    "all_groups": ("All districts", "सभी ज़िले"),
    "group_n": ("Group {n}", "समूह {n}"),
}
