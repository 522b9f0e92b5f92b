"""Catalogue entries of the methodology: as-of and privacy rules, the scheme, ranking rules, streaks and
integrity flags: key → (English, हिन्दी).

Merged with the other parts into :data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

METHOD: Final[dict[str, tuple[str, str]]] = {
    # as of the month's end, privacy
    "method_asof": ("As of the month's end, and publication", "माह के अंत की स्थिति, और प्रकाशन"),
    "method_asof_text": (
        "Each month is graded as of its last instant (Asia/Kolkata): events after it are never counted, and the figures are the same however the data were loaded (at once, day by day, or with repeated exports). A complaint still open at the month's end counts as pending even if nothing happened to it for months. An event that happened in the month but arrives late changes the month's current reading until the month is published; after publication the published grading stands, and later changes are listed as a revision. Pages say whether a month is published or provisional.",
        "हर माह की ग्रेडिंग उसके अंतिम क्षण (भारतीय समय) की स्थिति पर होती है: उसके बाद की घटनाएँ कभी नहीं गिनी जातीं, और आँकड़े वही रहते हैं चाहे डेटा एक साथ, रोज़-रोज़ या दोहराए गए निर्यातों में आए। माह के अंत में खुली शिकायत लंबित गिनी जाती है, भले ही महीनों से उस पर कुछ न हुआ हो। माह में हुई पर देर से आई घटना प्रकाशन से पहले तक माह की वर्तमान गणना बदलती है; प्रकाशन के बाद प्रकाशित ग्रेडिंग ही मान्य रहती है और बाद के बदलाव संशोधन सूची में दिखते हैं। हर पेज बताता है कि माह प्रकाशित है या अनंतिम।",
    ),
    "method_privacy": ("Privacy and access", "निजता और पहुँच"),
    "method_privacy_text": (
        "- The public pages show aggregates only. A ranking row or a district × department cell with "
        "fewer than {suppress_below} complaints received shows no figures (marked *< {suppress_below}*): "
        "with so few, a percentage or a grade could tell what happened to one complainant. So that no "
        "hidden figure can be worked out "
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
        "- सार्वजनिक पृष्ठ केवल समेकित आँकड़े दिखाते हैं। जिस रैंकिंग पंक्ति या ज़िला × विभाग खाने में {suppress_below} से कम "
        "शिकायतें प्राप्त हुई हों, उसमें कोई आँकड़ा नहीं दिखता (*< {suppress_below}* अंकित): इतनी कम संख्या में प्रतिशत या "
        "ग्रेड किसी एक शिकायतकर्ता के बारे में बता सकता है। ताकि कुल में से दिखाए गए आँकड़े घटाकर कोई छिपा आँकड़ा "
        "निकाला न जा सके, उनके साथ इतनी अन्य पंक्तियाँ या खाने भी छिपाए जाते हैं (*छिपाया गया* अंकित) कि किसी "
        "विभाग, ज़िले या राज्य के कुल में ठीक एक छिपा हिस्सा न रहे।\n"
        "- शिकायतकर्ता की पहचान छद्म नाम (कुंजीबद्ध) के रूप में संग्रहीत होती है; टिप्पणियों में फ़ोन नंबर, "
        "ई-मेल पते, 12 अंकों के पहचान क्रमांक, उपाधि सहित नाम (श्री, श्रीमती, देवनागरी या रोमन लिपि में; नाम: …) और S/O, D/O, "
        "W/O, C/O के बाद के नाम लोड करते समय, दिखाते समय और अस्वीकृत पंक्तियों में भी छिपाए जाते हैं।\n"
        "- प्रकरण सूचियों के लिए साइन इन आवश्यक है: कलेक्टर केवल अपने ज़िले, विभागाध्यक्ष केवल अपने विभाग, "
        "और राज्य प्रशासक सब कुछ देखते हैं। प्रकरण सूची का हर डाउनलोड ऑडिट लॉग में दर्ज होता है (किसने, कब, "
        "किस दायरे में), जिसे प्रशासक देखते हैं, और फ़ाइल केवल उसी साइन-इन सत्र को मिलती है जिसने उसे माँगा। "
        "जो खाने स्प्रेडशीट में सूत्र की तरह चल सकते हैं (=, +, -, @ से शुरू), वे पाठ के रूप में लिखे जाते हैं।",
    ),
    "method_privacy_figures": (
        "- **Small counts inside a shown row.** Every count is checked, not only complaints received: a count "
        "from 1 up to the threshold (force-closed, dissatisfied answers, reopenings, pending, left out as "
        "habitual …) is *banded*: it reads *{band}* on the pages and in the press report, and its cell is "
        "left empty in the downloads and the published files, where the row's *{small_column}* column names "
        "it. A band says no more than the rule does, and keeps a reader from mistaking it for no data. A "
        "percentage or day figure computed from such a count (as its numerator or its denominator), the "
        "points of a score component computed from it and the score's uncertainty are *hidden* (read "
        "*hidden*; named in *{hidden_column}*): a band of a percentage over {band} complaints would tell "
        "nothing true. Counts of 0 are shown.\n"
        "- **Complements for every sum.** No department or district total, no state total, no count with its "
        "parts in the same row (closed = closed in each way = on time + late; pending = its age buckets; "
        "rated call-backs = satisfied + dissatisfied) and no score with its points may have exactly one "
        "hidden member: the smallest other non-zero figure is hidden with it (read *hidden*). Statewide "
        "totals are shown whole.\n"
        "- **A published month stands.** Its rankings, history and district × department cells are all read "
        "from what was stored when it was published, so a later load cannot change one figure of it and "
        "reveal a small one by the difference.",
        "- **दिखाई गई पंक्ति के भीतर छोटी गिनतियाँ।** केवल प्राप्त शिकायतें ही नहीं, हर गिनती जाँची जाती है: 1 से सीमा तक "
        "की गिनती (बलपूर्वक बंद, असंतुष्ट उत्तर, पुनः खोलना, लंबित, आदतन होने से बहिष्कृत …) *श्रेणी में* दिखाई जाती "
        "है: पृष्ठों और प्रेस रिपोर्ट में *{band}* पढ़ी जाती है, और डाउनलोड तथा प्रकाशित फ़ाइलों में उसका खाना खाली "
        "रहता है, जहाँ पंक्ति का *{small_column}* स्तंभ उसका नाम बताता है। श्रेणी नियम से अधिक कुछ नहीं बताती, और पाठक "
        "उसे डेटा का अभाव नहीं समझता। ऐसी गिनती से (अंश या हर के रूप में) निकाला गया प्रतिशत या दिन, उससे निकले "
        "घटक अंक और अंकों की अनिश्चितता *छिपाए* जाते हैं (*छिपाया गया* पढ़े जाते हैं; *{hidden_column}* स्तंभ में नाम): 1 से 4 "
        "शिकायतों पर प्रतिशत की श्रेणी कुछ सच नहीं बताती। 0 की गिनती दिखाई जाती है।\n"
        "- **हर जोड़ के पूरक।** किसी विभाग या ज़िले के कुल, राज्य के कुल, उसी पंक्ति में किसी गिनती और उसके हिस्सों "
        "(बंद = हर तरह से बंद = समय पर + देर से; लंबित = उसकी आयु श्रेणियाँ; मूल्यांकित कॉल-बैक = संतुष्ट + असंतुष्ट) और "
        "अंकों व उनके घटकों में ठीक एक छिपा हिस्सा नहीं रह सकता: सबसे छोटा अन्य शून्येतर आँकड़ा भी साथ में छिपाया जाता "
        "है (*छिपाया गया* पढ़ा जाता है)। राज्य के कुल पूरे दिखाए जाते हैं।\n"
        "- **प्रकाशित माह स्थिर रहता है।** उसकी रैंकिंग, इतिहास और ज़िला × विभाग खाने सब प्रकाशन के समय संग्रहीत "
        "आँकड़ों से पढ़े जाते हैं, ताकि बाद का कोई लोड उसका एक भी आँकड़ा बदलकर अंतर से कोई छोटी संख्या न खोल सके।",
    ),
    # methodology
    "method_title": ("How the grading works", "ग्रेडिंग कैसे होती है"),
    "method_scheme": ("Scheme", "योजना"),
    "method_components": ("Components", "घटक"),
    "method_weight": ("Weight", "भार"),
    "method_formula": ("Points", "अंक"),
    "formula_target": ("{weight} × min(1, {days} ÷ days)", "{weight} × न्यूनतम(1, {days} ÷ दिन)"),
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
    "method_fit": ("What the pages show for this helpline", "इस हेल्पलाइन के लिए पेज क्या दिखाते हैं"),
    "method_fit_text": (
        "- **Month.** Every page opens on the latest month in which at least one department is graded "
        "(it received at least the scheme's minimum of {min_received} complaints and enough of its score "
        "has data); when no month has one, on the latest month with data. A month with only a few late "
        "events is still in the month picker.\n"
        "- **Map.** The district map draws the helpline's own boundary file (`nivaran init --boundaries "
        "FILE.geojson`); without one, the Madhya Pradesh boundaries shipped with Nivaran only when the "
        "store's districts are theirs; otherwise no map.\n"
        "- **Measures.** A measure of call-backs and their answers, of escalations to higher levels (L1–L5), "
        "of reopenings or of force closures is shown only when the data hold at least one such record; a "
        "scheme component without data is left out of every score.\n"
        "- **Names.** Department and district names are shown in Hindi only where the reference data have "
        "Hindi names.",
        "- **माह।** हर पेज उस नवीनतम माह पर खुलता है जिसमें कम से कम एक विभाग को ग्रेड मिला हो (उसे योजना की "
        "न्यूनतम {min_received} शिकायतें प्राप्त हुईं और उसके अंकों के पर्याप्त भाग का डेटा है); ऐसा कोई माह न हो तो "
        "डेटा वाले नवीनतम माह पर। कुछ देर से आई घटनाओं वाला माह भी माह-सूची में रहता है।\n"
        "- **नक्शा।** ज़िलों का नक्शा हेल्पलाइन की अपनी सीमा फ़ाइल से बनता है (प्रशासक उसे स्टोर बनाते समय "
        "देते हैं); वह न हो तो निवारण के साथ आई मध्य प्रदेश की सीमाओं से, केवल तब जब स्टोर के ज़िले वही हों; "
        "अन्यथा कोई नक्शा नहीं।\n"
        "- **मापदंड।** कॉल-बैक और उनके उत्तर, उच्च स्तरों (L1–L5) तक बढ़ना, पुनः खोलना या बलपूर्वक बंद करने का "
        "मापदंड तभी दिखता है जब डेटा में ऐसा कम से कम एक रिकॉर्ड हो; बिना डेटा वाला योजना-घटक हर अंक से बाहर रहता है।\n"
        "- **नाम।** विभागों और ज़िलों के नाम हिन्दी में तभी दिखते हैं जब संदर्भ डेटा में हिन्दी नाम हों।",
    ),
    "method_due": ("Where the time limits come from", "समय-सीमाएँ कहाँ से आती हैं"),
    "method_due_text": (
        "Of the complaints registered in {month}: {data} % carry a due time of their own from the data (a "
        "due date, the helpline's own on-time flag, or a limit per category given with the import), "
        "{reference} % take their category's limits from the reference data, and {assumed} % take the "
        "scheme's default of {days} days at every level.",
        "{month} में दर्ज शिकायतों में से: {data} % के पास डेटा से अपनी नियत तिथि है (नियत तिथि, हेल्पलाइन का अपना "
        "समय-पर संकेत, या आयात के साथ दी गई श्रेणी-वार सीमा), {reference} % संदर्भ डेटा से अपनी श्रेणी की सीमाएँ "
        "लेती हैं, और {assumed} % हर स्तर पर योजना की डिफ़ॉल्ट {days} दिन की सीमा लेती हैं।",
    ),
    "method_due_assumed": (
        "The default is an assumption about this helpline, not its own rule; it decides the on-time and "
        "overdue measures of: {names}.",
        "डिफ़ॉल्ट इस हेल्पलाइन के बारे में एक मान्यता है, उसका अपना नियम नहीं; यह इनके समय-पर और अतिदेय मापदंड तय करती है: {names}।",
    ),
    "method_due_none": ("No complaint was registered in {month}.", "{month} में कोई शिकायत दर्ज नहीं हुई।"),
    "method_no_records": (
        "This helpline's data hold no records for: {components}. These components are left out of every score.",
        "इस हेल्पलाइन के डेटा में इनके रिकॉर्ड नहीं हैं: {components}। ये घटक हर अंक से बाहर रहते हैं।",
    ),
    "metric": ("Metric", "मापदंड"),
    "method_scheme_version": ("version {version}", "संस्करण {version}"),
    "column_code": ("Column in the files", "फ़ाइलों में स्तंभ"),
    # units of the registry (grading.model.registry), as the methodology writes them
    "unit_count": ("count", "गिनती"),
    "unit_pct": ("percent (0-100)", "प्रतिशत (0-100)"),
    "unit_days": ("days", "दिन"),
    "unit_text": ("text", "पाठ"),
    "unit_date": ("date", "तिथि"),
    "unit_code": ("code", "कोड"),
    "unit_rank": ("rank", "रैंक"),
    "unit_points": ("points", "अंक"),
    "unit_flag": ("yes/no", "हाँ/नहीं"),
    "unit_group": ("group", "समूह"),
    "unit_months": ("months", "माह"),
    "unit_time": ("date and time", "तिथि और समय"),
    "definition": ("Definition", "परिभाषा"),
    "unit": ("Unit", "इकाई"),
    "method_source": ("Source: {source}", "स्रोत: {source}"),
    "method_other": (
        "Other schemes shipped: {names}. Copy a file in data/schemes/, change a weight, and grade with `nivaran grade --scheme FILE`.",
        "अन्य उपलब्ध योजनाएँ: {names}। प्रशासक किसी योजना की फ़ाइल की प्रति बनाकर भार बदल सकते हैं और उससे ग्रेड कर "
        "सकते हैं (आदेश अंग्रेज़ी पृष्ठ पर)।",
    ),
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
