"""Catalogue entries of ranking rules, streaks, integrity flags and a raised flag's evidence: key →
(English, हिन्दी).

Merged with the other parts into :data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

RANKING: Final[dict[str, tuple[str, str]]] = {
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
    # a raised flag's evidence (grading.scoring.flags): {count} of {base}, percentages with their sign
    "evidence_closure_spike": (
        "{count} of {base} closures ({share}) came in the last {days} days before the cut-off, against {own} at "
        "its own pace on the other days and {state} statewide.",
        "{base} बंद मामलों में से {count} ({share}) कट-ऑफ से पहले के अंतिम {days} दिनों में बंद हुए; माह के बाकी दिनों "
        "की अपनी रफ़्तार से यह {own} होता, और पूरे राज्य में {state} रहा।",
    ),
    "evidence_repeat_after_satisfied": (
        "{count} of {base} complaints closed 'satisfied' ({share}) were followed within {days} days by a complaint "
        "of the same category from the same complainant; statewide {state}.",
        "'संतुष्ट' रूप से बंद {base} शिकायतों में से {count} ({share}) के बाद {days} दिनों के भीतर उसी शिकायतकर्ता "
        "ने उसी श्रेणी की शिकायत फिर की; पूरे राज्य में {state}।",
    ),
    "evidence_forced_closures": (
        "{count} of {base} closures ({share}) were force or special closures, against {own} in its previous "
        "{months} months and {state} statewide.",
        "{base} बंद मामलों में से {count} ({share}) बलपूर्वक या विशेष रूप से बंद हुए; पिछले {months} माह में इसका "
        "अपना हिस्सा {own} और पूरे राज्य में {state} था।",
    ),
    "evidence_no_callback": (
        "{count} of {base} closures ({share}) had no call-back to the complainant; statewide {state}.",
        "{base} बंद मामलों में से {count} ({share}) में शिकायतकर्ता को कोई कॉल-बैक नहीं हुआ; पूरे राज्य में {state}।",
    ),
    "evidence_closure_at_limit": (
        "{count} of {base} stays at a level that ended within the time limit ({share}) ended in the last {hours} "
        "hours before the limit; statewide {state}.",
        "किसी स्तर पर समय-सीमा के भीतर समाप्त हुए {base} ठहरावों में से {count} ({share}) सीमा से पहले के अंतिम "
        "{hours} घंटों में समाप्त हुए; पूरे राज्य में {state}।",
    ),
    "evidence_no_figure": ("no figure", "कोई आँकड़ा नहीं"),
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
        "Every page, download and report prints this one rank. A change since last month is shown only when both "
        'months print a single rank in the same group, and "rank 1 for N months" counts the months whose '
        "printed rank is 1.",
        "अंकों का प्रत्येक हिस्सा (जैसे प्राप्त शिकायतों में संतुष्टिपूर्ण निराकरण) कम शिकायतों पर अनिश्चित होता है। निवारण "
        "प्रत्येक हिस्से के चारों ओर {pct} % विल्सन अंतराल लेता है और उसे अंकों तक ले जाता है। एक विभाग दूसरे से निश्चित "
        "रूप से ऊपर तभी है जब उनके अंकों का अंतर संयुक्त अनिश्चितता से अधिक हो। रैंक तभी दिखाई जाती है जब समूह का कोई "
        "अन्य विभाग पहुँच में न हो; अन्यथा संभावित रैंकों की सीमा (जैसे 3–7) दिखाई जाती है। हर पृष्ठ, डाउनलोड और "
        "रिपोर्ट यही एक रैंक दिखाते हैं। पिछले माह से परिवर्तन तभी दिखाया जाता है जब दोनों माह एक ही समूह में एकल रैंक "
        'हो, और "N माह से रैंक 1" उन्हीं माहों को गिनता है जिनकी दिखाई गई रैंक 1 है।',
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
