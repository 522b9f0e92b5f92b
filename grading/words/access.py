"""Catalogue entries of sign-in, accounts, roles and the audit log: key → (English, हिन्दी).

Merged with the other parts into :data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

ACCESS: Final[dict[str, tuple[str, str]]] = {
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
    "sign_in_unavailable": (
        "Sign-in is not possible just now: the server cannot write its access file (the disk may be full). "
        "Tell the administrator.",
        "अभी साइन इन संभव नहीं है: सर्वर अपनी एक्सेस फ़ाइल नहीं लिख पा रहा है (डिस्क भर गई हो सकती है)। प्रशासक को बताएँ।",
    ),
    "no_role": (
        "{email} is signed in with the identity provider but has no role in Nivaran; ask the state administrator.",
        "{email} पहचान प्रदाता से साइन इन है, पर निवारण में इसकी कोई भूमिका नहीं है; राज्य प्रशासक से संपर्क करें।",
    ),
    "not_allowed": (
        "This page needs a signed-in user with the right role (see Sign in).",
        "इस पृष्ठ के लिए उचित भूमिका वाले उपयोगकर्ता का साइन इन आवश्यक है (साइन इन देखें)।",
    ),
    "page_for_collector": (
        "This page is for district collectors and state administrators; you are signed in as {user}, {role}.",
        "यह पृष्ठ ज़िला कलेक्टरों और राज्य प्रशासकों के लिए है; आप {user} ({role}) के रूप में साइन इन हैं।",
    ),
    "page_for_department": (
        "This page is for department heads and state administrators; you are signed in as {user}, {role}.",
        "यह पृष्ठ विभागाध्यक्षों और राज्य प्रशासकों के लिए है; आप {user} ({role}) के रूप में साइन इन हैं।",
    ),
    "page_for_data": (
        "This page is for state administrators; you are signed in as {user}, {role}.",
        "यह पृष्ठ राज्य प्रशासकों के लिए है; आप {user} ({role}) के रूप में साइन इन हैं।",
    ),
    "page_for_audit": (
        "This page is for state administrators; you are signed in as {user}, {role}.",
        "यह पृष्ठ राज्य प्रशासकों के लिए है; आप {user} ({role}) के रूप में साइन इन हैं।",
    ),
    "continue": ("Continue", "आगे बढ़ें"),
    "case_files_need_server": (
        "Downloads of case files need the dashboard server: `streamlit run dashboard.py`.",
        "प्रकरणों की फ़ाइलें डाउनलोड करने के लिए निवारण का अपना डैशबोर्ड सर्वर चाहिए (चलाने का आदेश अंग्रेज़ी पृष्ठ पर है)।",
    ),
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
    "audit_title": ("Audit log and accounts", "ऑडिट लॉग और खाते"),
    "audit_intro": (
        "Every case list shown or downloaded, sign-in, account change, publication, message sent and meeting "
        "decision: who, when, within which scope, how many case rows.",
        "प्रकरण सूची का हर प्रदर्शन या डाउनलोड, साइन इन, खाते में बदलाव, प्रकाशन, भेजा गया संदेश और बैठक निर्णय: "
        "किसने, कब, किस दायरे में, कितनी प्रकरण पंक्तियाँ।",
    ),
    "audit_empty": ("Nothing has been recorded yet.", "अभी तक कुछ दर्ज नहीं हुआ है।"),
    "accounts": ("Accounts", "खाते"),
    # The accounts not signed in lately (Accounts.idle, as `nivaran users list --idle`) and the watchlists.
    "idle_title": ("Not signed in lately", "हाल में साइन इन नहीं"),
    "idle_days": ("Days without a sign-in", "बिना साइन इन के दिन"),
    "idle_intro": (
        "Accounts not signed in for {days} days or more, or never since they were made over {days} days ago; "
        "most idle first (the same list as `nivaran users list --idle {days}`).",
        "वे खाते जिनसे {days} या अधिक दिनों से साइन इन नहीं हुआ, या बनने के {days} दिन बाद भी कभी नहीं; सबसे "
        "लंबे समय से निष्क्रिय पहले (कमांड लाइन की निष्क्रिय खातों की सूची जैसी ही)।",
    ),
    "idle_none": (
        "Every account has signed in within {days} days.",
        "हर खाते से {days} दिनों के भीतर साइन इन हुआ है।",
    ),
    "col_last_sign_in": ("Last sign-in", "अंतिम साइन इन"),
    "col_idle_days": ("Days without a sign-in", "बिना साइन इन के दिन"),
    "never_signed_in": ("never", "कभी नहीं"),
    "watchlists_title": ("Watchlists", "निगरानी सूचियाँ"),
    "watchlists_intro": (
        "The districts and departments each account has pinned (`nivaran users watch`): its digests list "
        "them first. A pin shows nothing the account may not see.",
        "हर खाते द्वारा पिन किए गए ज़िले और विभाग (कमांड लाइन से पिन किए गए): उसके सारांश इन्हें पहले दिखाते हैं। "
        "पिन करने से खाते को उसके दायरे से बाहर कुछ नहीं दिखता।",
    ),
    "watchlists_none": ("No account has pinned anything.", "किसी खाते ने कुछ पिन नहीं किया है।"),
    "col_pinned": ("Pinned", "पिन किया गया"),
    "col_pinned_on": ("Pinned on", "पिन करने का समय"),
    "col_name": ("Name", "नाम"),
}
