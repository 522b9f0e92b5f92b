"""Catalogue entries of the published static site (:mod:`grading.outputs.site`): key → (English, हिन्दी).

Words the site shares with the dashboard and the press report (``rank``, ``grade``, ``score``,
``group_n``, ``dept_ranking``, the methodology's ``method_…``, the map's ``map_…``) are their entries; the
site's own are named ``site_…``. Merged with the other parts into :data:`grading.words.CATALOGUE`.
"""

from __future__ import annotations

from typing import Final

SITE: Final[dict[str, tuple[str, str]]] = {
    "site_lang_link": ("हिन्दी में पढ़ें", "Read in English · अंग्रेज़ी में"),
    "site_title": ("{scheme}: {month}, published", "{scheme}: {month}, प्रकाशित"),
    "site_published": (
        "Published on {date} (version {version}), graded under {scheme} {scheme_version}. A published month "
        "stands: events that arrive later do not change these pages.",
        "{date} को प्रकाशित (संस्करण {version}), {scheme} {scheme_version} के अंतर्गत ग्रेड किया गया। प्रकाशित माह "
        "स्थिर रहता है: बाद में आने वाली घटनाएँ इन पृष्ठों को नहीं बदलतीं।",
    ),
    "site_provisional": (
        "{month}: provisional, not yet published; figures can change as late events arrive.",
        "{month}: अनंतिम, अभी प्रकाशित नहीं; देर से आने वाली घटनाओं से आँकड़े बदल सकते हैं।",
    ),
    "site_nav_overview": ("The month", "माह का सारांश"),
    "site_nav_months": ("All months", "सभी माह"),
    "site_public_link": ("This month on the public website", "यह माह सार्वजनिक वेबसाइट पर"),
    "site_nav_downloads": ("Downloads and API", "डाउनलोड और API"),
    "site_headline": ("The month in figures", "माह के आँकड़े"),
    "site_pp": ("{n} pp", "{n} प्रतिशत अंक"),
    "site_ranking_chart": ("Scores in group {group}, {month}", "समूह {group} में अंक, {month}"),
    "site_chart_svg": ("The chart as an SVG file", "चार्ट SVG फ़ाइल के रूप में"),
    "site_map_table": ("The map as a table", "नक्शा तालिका के रूप में"),
    "site_flags_title": ("Reasons to look", "ध्यान देने के कारण"),
    "site_flags_intro": (
        "Integrity flags raised this month: signs that a department or district may be gaming the grading, "
        "computed from the month's events. A flag is a reason to look, not a verdict. This site names the flag "
        "and its rule; the figures behind it are not published, because they are counts the suppression rule "
        "does not cover. A row hidden for too few complaints carries no flag.",
        "इस माह उठाए गए सत्यनिष्ठा संकेत: माह की घटनाओं से निकाले गए संकेत कि कोई विभाग या ज़िला ग्रेडिंग से "
        "खिलवाड़ कर सकता है। संकेत देखने का कारण है, निर्णय नहीं। यह साइट संकेत और उसका नियम बताती है; उसके पीछे के "
        "आँकड़े प्रकाशित नहीं होते, क्योंकि वे ऐसी गिनतियाँ हैं जिन्हें छिपाने का नियम नहीं ढकता। बहुत कम शिकायतों के "
        "कारण छिपी पंक्ति पर कोई संकेत नहीं दिखता।",
    ),
    "site_rank_line": (
        "Rank {rank} in group {group} · grade {grade} · {score} points out of {max} · {received} complaints received",
        "समूह {group} में रैंक {rank} · ग्रेड {grade} · {max} में से {score} अंक · {received} शिकायतें प्राप्त",
    ),
    "site_rank_line_nogroup": (
        "Rank {rank} · grade {grade} · {score} points out of {max} · {received} complaints received",
        "रैंक {rank} · ग्रेड {grade} · {max} में से {score} अंक · {received} शिकायतें प्राप्त",
    ),
    "site_not_ranked": (
        "Not ranked this month (fewer than {n} complaints received, or too little of the score has data) · "
        "grade {grade} · {score} points · {received} complaints received",
        "इस माह रैंक नहीं (प्राप्त शिकायतें {n} से कम, या अंकों के लिए पर्याप्त डेटा नहीं) · ग्रेड {grade} · "
        "{score} अंक · {received} शिकायतें प्राप्त",
    ),
    "site_hidden_small": (
        "Figures hidden: fewer than {n} complaints received this month, so few that a figure could tell what "
        "happened to one complainant. Its position is shown, its figures are not.",
        "आँकड़े छिपाए गए: इस माह {n} से कम शिकायतें प्राप्त हुईं, इतनी कम कि कोई आँकड़ा एक शिकायतकर्ता के बारे में "
        "बता सकता है। इसका स्थान दिखाया गया है, आँकड़े नहीं।",
    ),
    "site_hidden_complementary": (
        "Figures hidden so that a smaller figure cannot be worked out from a total. Its position is shown, its "
        "figures are not.",
        "आँकड़े छिपाए गए ताकि किसी योग से कोई छोटी संख्या निकाली न जा सके। इसका स्थान दिखाया गया है, आँकड़े नहीं।",
    ),
    "site_group_rank": ("Rank {rank} in group {group}", "समूह {group} में रैंक {rank}"),
    "site_history": ("Rank and score by month", "माह-दर-माह रैंक और अंक"),
    "site_status": ("Status", "स्थिति"),
    "site_status_published": ("published", "प्रकाशित"),
    "site_status_provisional": ("provisional", "अनंतिम"),
    "site_components": ("Points per component", "घटकवार अंक"),
    "site_value": ("Value", "मान"),
    "site_points": ("Points", "अंक"),
    "site_figures": ("The month's figures", "इस माह के आँकड़े"),
    "site_og_entity": (
        "{name}, {month}: rank {rank}, grade {grade}, {score} points.",
        "{name}, {month}: रैंक {rank}, ग्रेड {grade}, {score} अंक।",
    ),
    "site_og_hidden": (
        "{name}, {month}: figures hidden to protect complainants.",
        "{name}, {month}: शिकायतकर्ताओं की सुरक्षा के लिए आँकड़े छिपाए गए।",
    ),
    "site_og_overview": (
        "Department and district rankings of {name} for {month}: grades, scores, a map and the method.",
        "{month} के लिए {name} की विभाग और ज़िला रैंकिंग: ग्रेड, अंक, नक्शा और पद्धति।",
    ),
    "site_footer": (
        "Source: {source} Data from {first} to {last}. Prepared with Nivaran. These pages need no JavaScript, and "
        "every chart has a table.",
        "स्रोत: {source} डेटा {first} से {last} तक। निवारण से तैयार। इन पृष्ठों के लिए JavaScript की आवश्यकता नहीं, "
        "और हर चार्ट के साथ तालिका है।",
    ),
    "site_months_title": ("Published months", "प्रकाशित माह"),
    "site_start": ("Grievance redressal grading", "शिकायत निवारण ग्रेडिंग"),
    "site_downloads_title": ("Downloads and read API, {month}", "डाउनलोड और रीड API, {month}"),
    "site_package": (
        "The month's data package as published: the rankings, every month's history, the district × "
        "department cells and the data dictionary (CSV, UTF-8), the press report (PDF), a Frictionless Data "
        "Package descriptor (datapackage.json: every column's type, unit and meaning) and DCAT metadata for an "
        "open-data portal (dcat.json). In the CSV files a hidden figure is an empty cell; the columns "
        "small_figures and hidden_figures name which, and why.",
        "प्रकाशित माह का डेटा पैकेज: रैंकिंग, हर माह का इतिहास, ज़िला × विभाग खाने और डेटा शब्दकोश (CSV, UTF-8), "
        "प्रेस रिपोर्ट (PDF), Frictionless डेटा पैकेज विवरण (datapackage.json: हर कॉलम का प्रकार, इकाई और अर्थ) और "
        "ओपन-डेटा पोर्टल के लिए DCAT मेटाडेटा (dcat.json)। CSV फ़ाइलों में छिपा आँकड़ा खाली खाना है; small_figures "
        "और hidden_figures कॉलम बताते हैं कौन-सा और क्यों।",
    ),
    "site_file": ("File", "फ़ाइल"),
    "site_size": ("Size", "आकार"),
    "site_contents": ("Contents", "विषय-वस्तु"),
    "site_file_ranking_department": ("The month's department ranking, every column", "माह की विभागीय रैंकिंग, हर कॉलम"),
    "site_file_ranking_district": ("The month's district ranking, every column", "माह की ज़िला रैंकिंग, हर कॉलम"),
    "site_file_history": (
        "Every month up to this one, every department and district: rank, grade, score, points, received",
        "इस माह तक हर माह, हर विभाग और ज़िला: रैंक, ग्रेड, अंक, घटक अंक, प्राप्त",
    ),
    "site_file_cells": ("The month's district × department cells", "माह के ज़िला × विभाग खाने"),
    "site_file_dictionary": (
        "Every column of every CSV file: label, unit, definition",
        "हर CSV फ़ाइल का हर कॉलम: नाम, इकाई, परिभाषा",
    ),
    "site_file_report_en": ("The press report in English (PDF)", "अंग्रेज़ी में प्रेस रिपोर्ट (PDF)"),
    "site_file_report_hi": ("The press report in Hindi (PDF)", "हिन्दी में प्रेस रिपोर्ट (PDF)"),
    "site_file_datapackage": (
        "Frictionless Data Package: a Table Schema for every CSV file",
        "Frictionless डेटा पैकेज: हर CSV फ़ाइल की टेबल स्कीमा",
    ),
    "site_file_dcat": ("DCAT metadata (JSON-LD) for an open-data portal", "ओपन-डेटा पोर्टल के लिए DCAT मेटाडेटा (JSON-LD)"),
    "site_api_title": ("Read API (JSON)", "रीड API (JSON)"),
    "site_api_intro": (
        "The same public figures as JSON files, one per month and table, each with a JSON Schema; months.json "
        "lists the months. A figure hidden by the suppression rule is null, and the row's small_figures and "
        "hidden_figures name it.",
        "वही सार्वजनिक आँकड़े JSON फ़ाइलों में, हर माह और तालिका की एक, हर एक की JSON स्कीमा के साथ; months.json में "
        "सभी माह हैं। छिपाने के नियम से छिपा आँकड़ा null है, और पंक्ति के small_figures और hidden_figures उसका नाम "
        "बताते हैं।",
    ),
    "site_api_address": ("Address", "पता"),
    "site_api_schema": ("Schema", "स्कीमा"),
    "site_columns": ("Every column", "हर कॉलम"),
    "site_column": ("Column", "कॉलम"),
}
