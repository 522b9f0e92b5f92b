"""Catalogue entries of the methodology: the scheme, its components and rules, the metrics, time limits
and the registry's units: key → (English, हिन्दी).

Merged with the other parts into :data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

METHOD: Final[dict[str, tuple[str, str]]] = {
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
}
