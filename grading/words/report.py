"""Catalogue entries of the monthly press report (:mod:`grading.outputs.report`): key → (English, हिन्दी).

Words the report shares with the pages (``rank``, ``department``, ``district``, ``grade``, ``score``,
``group_n``) are the pages' entries (:mod:`grading.words.common`, :mod:`grading.words.method`,
:mod:`grading.words.public`); the report's own are named ``report_…``. Merged with the other parts into
:data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

REPORT: Final[dict[str, tuple[str, str]]] = {
    "report_title": ("Monthly grading report", "मासिक ग्रेडिंग रिपोर्ट"),
    "report_headlines": ("Headlines", "मुख्य बातें"),
    "report_leads": (
        "{name} leads the department ranking (group {group}) with {score} points, grade {grade}.",
        "{name} {score} अंकों (ग्रेड {grade}) के साथ विभागीय रैंकिंग (समूह {group}) में पहले स्थान पर है।",
    ),
    "report_district_leads": (
        "{name} leads the district ranking (group {group}) with {score} points, grade {grade}.",
        "{name} {score} अंकों (ग्रेड {grade}) के साथ ज़िला रैंकिंग (समूह {group}) में पहले स्थान पर है।",
    ),
    "report_tops": (
        "{name} has the highest score in the department ranking (group {group}), {score} points, grade {grade}; "
        "given the uncertainty of the scores its rank is {rank}.",
        "{name} के अंक विभागीय रैंकिंग (समूह {group}) में सबसे अधिक हैं, {score} अंक, ग्रेड {grade}; "
        "अंकों की अनिश्चितता को देखते हुए इसकी रैंक {rank} है।",
    ),
    "report_district_tops": (
        "{name} has the highest score in the district ranking (group {group}), {score} points, grade {grade}; "
        "given the uncertainty of the scores its rank is {rank}.",
        "{name} के अंक ज़िला रैंकिंग (समूह {group}) में सबसे अधिक हैं, {score} अंक, ग्रेड {grade}; "
        "अंकों की अनिश्चितता को देखते हुए इसकी रैंक {rank} है।",
    ),
    "report_streak": (
        "{name} has held rank 1 in its group for {n} months in a row.",
        "{name} लगातार {n} माह से अपने समूह में रैंक 1 पर है।",
    ),
    "report_rise": ("Biggest rise: {name}, up {n} places.", "सबसे बड़ी छलांग: {name}, {n} स्थान ऊपर।"),
    "report_fall": ("Biggest fall: {name}, down {n} places.", "सबसे बड़ी गिरावट: {name}, {n} स्थान नीचे।"),
    "report_departments": ("Department ranking", "विभागीय रैंकिंग"),
    "report_districts": ("District ranking", "ज़िला रैंकिंग"),
    "report_not_ranked": ("Not ranked", "रैंक नहीं"),
    "report_received": ("Received", "प्राप्त"),
    "report_hidden": ("hidden", "छिपाया गया"),
    "report_map": ("District scores on the map", "नक्शे पर ज़िलों के अंक"),
    "report_map_note": (
        "Darker: lower score, lighter: higher ({low} to {high}). Grey: hidden to protect complainants. "
        "White: no data. District boundaries: ADARV (adarvmaps, MIT licence), from Survey of India data; indicative.",
        "गहरा: कम अंक, हल्का: अधिक ({low} से {high})। धूसर: शिकायतकर्ताओं की सुरक्षा के लिए छिपाया गया। "
        "सफ़ेद: डेटा नहीं। ज़िला सीमाएँ: एडीएआरवी (एडार्व-मैप्स, एमआईटी लाइसेंस), भारतीय सर्वेक्षण विभाग के डेटा से; सांकेतिक।",
    ),
    "report_no_data": ("no data", "डेटा नहीं"),
    "report_method": ("Method in brief", "पद्धति संक्षेप में"),
    "report_method_score": (
        "Score out of {max}: {parts}. Entities with fewer than {min_received} complaints received are listed, not ranked.",
        "{max} में से अंक: {parts}। {min_received} से कम प्राप्त शिकायतों वाली इकाइयाँ सूची में हैं, रैंक नहीं।",
    ),
    "report_method_hidden": (
        "Figures for fewer than {suppress_below} complaints are hidden, and so are enough others that no hidden figure "
        "can be worked out from a total (complementary suppression).",
        "{suppress_below} से कम शिकायतों के आँकड़े छिपाए गए हैं, और इतने अन्य भी कि किसी कुल से कोई छिपा आँकड़ा निकाला न जा सके (पूरक छिपाव)।",
    ),
    "report_figures": ("The month in figures", "माह के आँकड़े"),
    "report_measure": ("Statewide", "राज्य भर में"),
    "report_change": ("Change", "बदलाव"),
    "report_pp": ("{n} pp", "{n} प्रतिशत अंक"),
    "report_chart_key": (
        "score|95 % range of the score|range hidden (small numbers)",
        "अंक|अंकों की 95 % सीमा|सीमा छिपाई गई (छोटी संख्याएँ)",
    ),
    "report_chart_note": (
        "One line per entity: its score (dot) with its 95 % range (whisker) on the grade bands, in rank order "
        "within its volume group. Where ranges overlap, the ranks are a range too. Rows hidden to protect "
        "complainants are not drawn.",
        "हर इकाई की एक रेखा: ग्रेड पट्टियों पर उसके अंक (बिंदु) और उनकी 95 % सीमा (रेखा), मात्रा समूह के भीतर रैंक "
        "के क्रम में। जहाँ सीमाएँ एक-दूसरे पर आती हैं, वहाँ रैंक भी एक सीमा है। शिकायतकर्ताओं की सुरक्षा के लिए छिपी "
        "पंक्तियाँ नहीं बनाई गईं।",
    ),
    "report_flags": ("Reasons to look", "जाँच के कारण"),
    "report_flags_intro": (
        "Integrity flags raised this month: patterns worth a question, not verdicts. Each line names the rule "
        "that was met; the evidence is on the department's own page.",
        "इस माह उठे सत्यनिष्ठा संकेत: प्रश्न पूछने लायक पैटर्न, निर्णय नहीं। हर पंक्ति बताती है कि कौन-सा नियम पूरा "
        "हुआ; प्रमाण विभाग के अपने पृष्ठ पर हैं।",
    ),
    "report_no_flags": ("No integrity flag was raised this month.", "इस माह कोई सत्यनिष्ठा संकेत नहीं उठा।"),
    "report_page": ("Page {page} of {pages}", "पृष्ठ {page} / {pages}"),
    "report_moves_note": (
        "Rank changes are given only in group 1 (the busiest), where both months print a single rank.",
        "रैंक में बदलाव केवल समूह 1 (सबसे व्यस्त) में दिए गए हैं, जहाँ दोनों माह एक ही रैंक छपी है।",
    ),
    "report_footer": (
        "Source: {source} Data window {first} to {last}. Published {published}. Prepared with Nivaran.",
        "स्रोत: {source} डेटा अवधि {first} से {last}। प्रकाशित {published}। Nivaran से तैयार।",
    ),
}
