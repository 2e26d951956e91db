"""Every user-facing string has a Dutch translation; nothing is left in English in nl."""

from __future__ import annotations

from teacherapp.i18n_tools import extracted_messages, missing_translations


def test_strings_are_extracted():
    assert "Log in" in extracted_messages()


def test_every_string_has_a_dutch_translation():
    missing = missing_translations("nl")
    assert not missing, "untranslated (run `flask --app teacherapp i18n-missing`):\n" + "\n".join(
        f"  {msgid!r} in {sorted(files)}" for msgid, files in sorted(missing.items()))
