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
    # The audit log in words (grading/outputs/auditlog.py). Who acted, when it was not a signed-in account:
    "audit_actor_cli": ("from the command line ({user})", "कमांड लाइन से ({user})"),
    "audit_actor_digest": ("digest of {user}", "{user} का डाइजेस्ट"),
    "role_unknown": ("unknown name", "अज्ञात नाम"),
    "scope_districts": ("districts: {names}", "ज़िले: {names}"),
    "scope_departments": ("departments: {names}", "विभाग: {names}"),
    "audit_client_local": ("this machine", "इसी मशीन"),
    "audit_lang_en": ("English", "अंग्रेज़ी"),
    "audit_lang_hi": ("Hindi", "हिन्दी"),
    "audit_message_digest": ("digest", "डाइजेस्ट"),
    "audit_message_alert": ("alert", "अलर्ट"),
    "audit_via_file": ("a folder", "फ़ोल्डर"),
    "audit_via_smtp": ("e-mail relay", "ई-मेल रिले"),
    "audit_via_webhook": ("gateway", "गेटवे"),
    "audit_format": ("{what} ({format} file)", "{what} ({format} फ़ाइल)"),
    "audit_as_written": ("{detail} [written before the log kept words]", "{detail} [पुरानी प्रविष्टि, जैसी लिखी गई थी]"),
    # What happened (grading/access/audit.py): one entry per event; its placeholders are the event's values.
    "audit_what_sign_in_password": ("with a password, from {client}", "पासवर्ड से, {client} से"),
    "audit_what_account_added": ("added {user}: {role}, {scope}", "{user} जोड़ा गया: {role}, {scope}"),
    "audit_what_account_redefined": ("redefined {user}: {role}, {scope}", "{user} फिर से तय: {role}, {scope}"),
    "audit_what_account_removed": ("removed {user}", "{user} हटाया गया"),
    "audit_what_account_scope": ("scope of {user}: {scope}", "{user} का दायरा: {scope}"),
    "audit_what_account_contact_address": (
        "contact of {user}: an e-mail address, in {lang}",
        "{user} का संपर्क: ई-मेल पता दर्ज, भाषा {lang}",
    ),
    "audit_what_account_contact_none": (
        "contact of {user}: no e-mail address, in {lang}",
        "{user} का संपर्क: कोई ई-मेल पता नहीं, भाषा {lang}",
    ),
    "audit_what_account_password_reset": ("password reset for {user}", "{user} का पासवर्ड फिर से तय किया गया"),
    "audit_what_watch_district": ("pinned the district {district}", "ज़िला {district} पिन किया"),
    "audit_what_watch_department": ("pinned the department {department}", "विभाग {department} पिन किया"),
    "audit_what_decision_district": (
        "decision {decision} on {district} at the review of {review_day}, due {due}",
        "निर्णय {decision}: {district}, {review_day} की समीक्षा में, पूरा करने की तिथि {due}",
    ),
    "audit_what_decision_department": (
        "decision {decision} on {department} (district {district}) at the review of {review_day}, due {due}",
        "निर्णय {decision}: {department} (ज़िला {district}), {review_day} की समीक्षा में, पूरा करने की तिथि {due}",
    ),
    "audit_what_decision_complaint": (
        "decision {decision} on complaint {complaint} (district {district}) at the review of {review_day}, due {due}",
        "निर्णय {decision}: शिकायत {complaint} (ज़िला {district}), {review_day} की समीक्षा में, पूरा करने की तिथि {due}",
    ),
    "audit_what_decision_done": ("decision {decision} done on {day}", "निर्णय {decision} {day} को पूरा हुआ"),
    "audit_what_published": (
        "{month}, version {version}, under {scheme} (version {scheme_version})",
        "{month}, संस्करण {version}, {scheme} (संस्करण {scheme_version}) के अंतर्गत",
    ),
    "audit_what_published_again": (
        "{month}, version {version}, under {scheme} (version {scheme_version}), published again on purpose",
        "{month}, संस्करण {version}, {scheme} (संस्करण {scheme_version}) के अंतर्गत, जान-बूझकर फिर से प्रकाशित",
    ),
    "audit_what_helpline_set_up": (
        "helpline {helpline} set up under {scheme}",
        "हेल्पलाइन {helpline} {scheme} के अंतर्गत स्थापित",
    ),
    "audit_what_alert_rules": ("{rules} alert rules from the file {file}", "फ़ाइल {file} से {rules} अलर्ट नियम"),
    "audit_what_message_sent": (
        "{message} {message_id} to {recipient}, through {via} {target}",
        "{message} {message_id}, {recipient} को, {via} {target} द्वारा",
    ),
    "audit_what_message_sent_gateway": (
        "{message} {message_id} to the gateway, through {via} {target}",
        "{message} {message_id} गेटवे को, {via} {target} द्वारा",
    ),
    "audit_what_case_timeline": ("timeline of complaint {complaint}", "शिकायत {complaint} का घटनाक्रम"),
    "audit_what_review_list": ("review list of {district} on {day}", "{district} की समीक्षा सूची, {day}"),
    "audit_what_review_list_urgent": (
        "review list of {district} on {day}, overdue or due soon only",
        "{district} की समीक्षा सूची, {day}, केवल समय-सीमा पार या जल्द देय",
    ),
    "audit_what_meeting_pack": ("meeting pack of {district} on {day}", "{district} का बैठक पैक, {day}"),
    "audit_what_digest_meeting_pack": (
        "meeting pack of {district} on {day}, with the digest to {address}",
        "{district} का बैठक पैक, {day}, डाइजेस्ट के साथ {address} को",
    ),
    "audit_what_oldest_cases": ("oldest cases of {department}, {month}", "{department} के सबसे पुराने प्रकरण, {month}"),
    "audit_what_outcome_cases": ("{outcome} of {department}, {month}", "{department} की सूची: {outcome}, {month}"),
}
