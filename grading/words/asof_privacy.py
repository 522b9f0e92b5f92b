"""Catalogue entries of the methodology's first two rules: a month graded as of its end (and publication),
and privacy and access: key → (English, हिन्दी).

Merged with the other parts into :data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

ASOF_PRIVACY: Final[dict[str, tuple[str, str]]] = {
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
}
