"""The other columns of the public files (who, when, grading and suppression), documented like the metrics."""

from __future__ import annotations

from typing import Final

from grading.model.registry.entry import Metric, column

#: The other columns of the public files (who, when, grading and suppression), documented like the
#: metrics: the published data dictionary reads both. Points columns (``points_<component>``) take
#: their labels from the scheme's components.
FIELDS: Final[dict[str, Metric]] = {
    "entity_type": column("Entity type", "इकाई का प्रकार", "department or district.", "विभाग या ज़िला।", "text"),
    "month": column(
        "Month",
        "माह",
        "The calendar month graded (first day, YYYY-MM-DD), Asia/Kolkata.",
        "ग्रेड किया गया कैलेंडर माह (उसका पहला दिन, वर्ष-माह-दिन), भारतीय मानक समय में।",
        "date",
    ),
    "department": column(
        "Department code", "विभाग कोड", "The department's stable code.", "विभाग का स्थायी कोड।", "code"
    ),
    "department_name": column(
        "Department", "विभाग", "The department's name in English.", "विभाग का नाम अंग्रेज़ी में।", "text"
    ),
    "department_name_hi": column(
        "Department (Hindi)", "विभाग (हिंदी)", "The department's name in Hindi.", "विभाग का नाम हिन्दी में।", "text"
    ),
    "district": column("District code", "ज़िला कोड", "The district's stable code.", "ज़िले का स्थायी कोड।", "code"),
    "district_name": column("District", "ज़िला", "The district's name in English.", "ज़िले का नाम अंग्रेज़ी में।", "text"),
    "district_name_hi": column(
        "District (Hindi)", "ज़िला (हिंदी)", "The district's name in Hindi.", "ज़िले का नाम हिन्दी में।", "text"
    ),
    "rank": column(
        "Rank",
        "रैंक",
        "Position by score among ranked entities; equal scores share a rank (1, 2, 2, 4).",
        "रैंक पाने वाली इकाइयों में अंकों के अनुसार स्थान; समान अंकों पर समान रैंक (1, 2, 2, 4)।",
        "rank",
    ),
    "score": column(
        "Score",
        "अंक",
        "The scheme's total: the sum of the component points.",
        "योजना का कुल: घटकों के अंकों का जोड़।",
        "points",
    ),
    "grade": column(
        "Grade",
        "ग्रेड",
        "The band the score falls in (A, B, C, D under the default scheme).",
        "अंक जिस श्रेणी में आते हैं (डिफ़ॉल्ट योजना में A, B, C, D)।",
        "text",
    ),
    "is_ranked": column(
        "Ranked",
        "रैंक प्राप्त",
        "true when the entity received at least the scheme's minimum.",
        "हाँ, जब इकाई को योजना की न्यूनतम संख्या जितनी शिकायतें प्राप्त हुईं।",
        "flag",
    ),
    "not_graded": column(
        "Not graded",
        "ग्रेड नहीं",
        "true when too few components had data to give a score.",
        "हाँ, जब बहुत कम घटकों का डेटा होने से अंक नहीं दिए जा सके।",
        "flag",
    ),
    "volume_group": column(
        "Volume group",
        "मात्रा समूह",
        "The group by complaints received that it is ranked in.",
        "प्राप्त शिकायतों की संख्या के अनुसार वह समूह जिसमें इकाई की रैंक दी जाती है।",
        "group",
    ),
    "group_rank": column(
        "Rank in group", "समूह में रैंक", "Rank inside its volume group.", "अपने मात्रा समूह के भीतर रैंक।", "rank"
    ),
    "rank_best": column(
        "Best possible rank",
        "सर्वश्रेष्ठ संभव रैंक",
        "Best rank within the score's uncertainty.",
        "अंकों की अनिश्चितता के भीतर सबसे अच्छी संभव रैंक।",
        "rank",
    ),
    "rank_worst": column(
        "Worst possible rank",
        "न्यूनतम संभव रैंक",
        "Worst rank within the score's uncertainty.",
        "अंकों की अनिश्चितता के भीतर सबसे नीची संभव रैंक।",
        "rank",
    ),
    "rank_is_reliable": column(
        "Rank is certain",
        "रैंक निश्चित",
        "true when no neighbour's score is within the uncertainty.",
        "हाँ, जब किसी पड़ोसी इकाई के अंक इस अनिश्चितता के भीतर न हों।",
        "flag",
    ),
    "rank_text": column(
        "Rank",
        "रैंक",
        "The printed rank in its volume group: one rank when it is certain (3), else the ranks it could hold (2–5); empty when not ranked.",
        "मात्रा समूह में दिखाई गई रैंक: निश्चित हो तो एक रैंक (3), अन्यथा वे रैंक जो इकाई पा सकती है (2–5); रैंक न मिली हो तो खाली।",
        "text",
    ),
    "rank_position": column(
        "Position in group",
        "समूह में स्थान",
        "Rank inside its volume group by score, as charts plot it.",
        "मात्रा समूह में अंकों के अनुसार स्थान, जैसा चार्ट दिखाते हैं।",
        "rank",
    ),
    "rank_change": column(
        "Rank change",
        "रैंक में बदलाव",
        "Places gained since last month (positive: up); only when both months print a single rank in the same group.",
        "पिछले माह से कितने स्थान ऊपर आए (धनात्मक: ऊपर); केवल तब जब दोनों माह एक ही समूह में एकल रैंक दिखाई गई हो।",
        "rank",
    ),
    "streak_rank_1": column(
        "Months at rank 1",
        "रैंक 1 पर लगातार माह",
        "Months in a row whose printed rank is 1 (in its group).",
        "लगातार कितने माह दिखाई गई रैंक 1 रही (अपने समूह में)।",
        "months",
    ),
    "streak_top_grade": column(
        "Months in grade A",
        "ग्रेड A में लगातार माह",
        "Months in a row in the top grade.",
        "लगातार कितने माह सर्वोच्च ग्रेड रहा।",
        "months",
    ),
    "data_weight": column(
        "Data weight",
        "डेटा भार",
        "Share of the maximum score carried by components that had data.",
        "अधिकतम अंकों का वह हिस्सा जो डेटा वाले घटकों से आता है।",
        "pct",
    ),
    "score_uncertainty": column(
        "Score uncertainty",
        "अंक की अनिश्चितता",
        "Half-width of the score's 95 % interval.",
        "अंकों के 95 % अंतराल की आधी चौड़ाई।",
        "points",
    ),
    "scheme_version": column(
        "Scheme version",
        "योजना संस्करण",
        "The version of the scheme that graded the month.",
        "योजना का वह संस्करण जिससे माह की ग्रेडिंग हुई।",
        "text",
    ),
    "needed_next_rank": column(
        "Needed for next rank",
        "अगली रैंक हेतु आवश्यक",
        "More satisfied closures that would reach the next rank (in months published before the plan re-graded; now on the department page).",
        "अगली रैंक तक पहुँचने के लिए और कितने संतुष्टिपूर्ण निराकरण चाहिए (योजना द्वारा पुनर्गणना शुरू होने से पहले प्रकाशित माहों में; अब विभाग पृष्ठ पर)।",
        "count",
    ),
    "needed_next_grade": column(
        "Needed for next grade",
        "अगले ग्रेड हेतु आवश्यक",
        "More satisfied closures that would reach the next grade (in months published before the plan re-graded; now on the department page).",
        "अगले ग्रेड तक पहुँचने के लिए और कितने संतुष्टिपूर्ण निराकरण चाहिए (योजना द्वारा पुनर्गणना शुरू होने से पहले प्रकाशित माहों में; अब विभाग पृष्ठ पर)।",
        "count",
    ),
    "published_at": column(
        "Published at",
        "प्रकाशन समय",
        "When the month's grading was published and frozen.",
        "माह की ग्रेडिंग कब प्रकाशित और स्थिर की गई।",
        "time",
    ),
    "suppressed": column(
        "Hidden",
        "छिपाया गया",
        "true when every figure of the row is hidden (see suppressed_reason).",
        "हाँ, जब पंक्ति का हर आँकड़ा छिपाया गया हो (कारण: 'छिपाने का कारण' स्तंभ)।",
        "flag",
    ),
    "small_figures": column(
        "Small counts",
        "छोटी गिनतियाँ",
        "The count columns of a shown row left empty because the count is from 1 to one less than the "
        "publication threshold (suppress_below: 1 to 4 in the shipped schemes); a count of 0 is shown.",
        "दिखाई गई पंक्ति के वे गिनती-स्तंभ जो खाली छोड़े गए, क्योंकि गिनती 1 से प्रकाशन-सीमा से एक कम तक है (साथ आई योजनाओं में 1 से 4); 0 की गिनती दिखाई जाती है।",
        "text",
    ),
    "hidden_figures": column(
        "Other hidden figures",
        "अन्य छिपाए गए आँकड़े",
        "The other columns of a shown row left empty: a percentage, day figure, points or score uncertainty "
        "computed from a hidden count, and counts hidden so that a small one cannot be worked out from a total.",
        "दिखाई गई पंक्ति के अन्य खाली छोड़े गए स्तंभ: छिपी गिनती से निकला प्रतिशत, दिन, अंक या अंकों की अनिश्चितता, और वे गिनतियाँ जो इसलिए छिपाई गईं कि कुल में से कोई छोटी गिनती निकाली न जा सके।",
        "text",
    ),
    "suppressed_reason": column(
        "Why hidden",
        "छिपाने का कारण",
        "small: fewer complaints than the publication threshold; complementary: hidden so that a small one "
        "cannot be worked out from a total.",
        "छोटी संख्या: प्रकाशन-सीमा से कम शिकायतें; पूरक: इसलिए छिपाया गया कि कुल में से कोई छोटी संख्या निकाली न जा सके।",
        "text",
    ),
    "hidden": column(
        "Why empty",
        "खाली क्यों",
        "What an empty figure of a trend file reads on the pages: the row's mark when the whole row is hidden, "
        "the band (1–4) for a small count, hidden for a figure computed from one; empty when the figure is shown.",
        "रुझान फ़ाइल का खाली आँकड़ा पृष्ठों पर क्या पढ़ा जाता है: पूरी पंक्ति छिपी हो तो पंक्ति का चिह्न, छोटी गिनती हो तो "
        "उसकी श्रेणी (1–4), उससे निकला आँकड़ा हो तो 'छिपाया गया'; आँकड़ा दिखाया गया हो तो खाली।",
        "text",
    ),
}
