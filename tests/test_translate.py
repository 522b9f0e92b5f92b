"""Labels carried over a language switch (ui.i18n.translate) and into links as codes (code_of, label_of):
a tab's state is its label, so a switch translates it and a link holds its catalogue code."""

from __future__ import annotations

import pytest

from ui import i18n


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        ("Group 2", "en", "hi", "समूह 2"),
        ("समूह 2", "hi", "en", "Group 2"),
        ("All departments", "en", "hi", "सभी विभाग"),
        ("सभी ज़िले", "hi", "en", "All districts"),
        ("ENERGY", "en", "hi", "ENERGY"),  # a code is no label: left as it is
        ("Group 2", "en", "en", "Group 2"),
    ],
)
def test_a_label_is_translated_through_its_catalogue_entry(text: str, old: str, new: str, expected: str) -> None:
    assert i18n.translate(text, old, new) == expected


def test_an_entry_without_placeholders_wins_over_one_with() -> None:
    assert i18n.entry_of("Group 12", "en") == ("group_n", {"n": "12"})
    assert i18n.entry_of("All departments", "en") == ("all_departments", {})
    assert i18n.entry_of("nothing of ours", "en") is None


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_a_tab_code_is_the_same_in_both_languages_and_reads_back(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "lang", lambda: lang)
    group = i18n.say("group_n", lang, n=2)
    assert i18n.code_of(group) == "group_n.2"
    assert i18n.label_of("group_n.2") == group
    assert i18n.code_of(i18n.say("all_districts", lang)) == "all_districts"
    assert i18n.label_of("no_such_entry.1") is None
    assert i18n.label_of("group_n") is None  # its number missing
