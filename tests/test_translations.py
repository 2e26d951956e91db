"""Every user-facing string has a Dutch translation; nothing is left in English in nl."""

from __future__ import annotations

from teacherapp.i18n_tools import extracted_messages, missing_translations


def test_strings_are_extracted():
    assert "Log in" in extracted_messages()


def test_every_string_has_a_dutch_translation():
    missing = missing_translations("nl")
    assert not missing, "untranslated (run `flask --app teacherapp i18n-missing`):\n" + "\n".join(
        f"  {msgid!r} in {sorted(files)}" for msgid, files in sorted(missing.items()))


def test_no_string_is_translated_two_ways_in_different_areas():
    """Catalogues are merged at runtime, so two areas must agree on a shared string."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, str]] = {}
    conflicts = []
    directory = Path(__file__).parent.parent / "teacherapp" / "translations" / "nl" / "LC_MESSAGES"
    for po_path in sorted(directory.glob("*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale="nl")
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            text = message.string if isinstance(message.string, str) else message.string[0]
            if msgid in seen and seen[msgid][1] != text:
                conflicts.append((msgid, seen[msgid], (po_path.stem, text)))
            seen.setdefault(msgid, (po_path.stem, text))
    assert not conflicts, conflicts
