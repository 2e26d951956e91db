"""Finding untranslated strings: used by the translation test and `flask i18n-missing`."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

PACKAGE_DIR = Path(__file__).parent
# Plain-text templates (mails) are Jinja too.
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2"),
              ("**.py", "python")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def extracted_messages() -> dict[str, set[str]]:
    """msgid -> the files that use it (plural forms yield both singular and plural)."""
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE_DIR), method_map=METHOD_MAP, keywords=KEYWORDS,
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"},
                     "**/templates/**.txt": {"extensions": "jinja2.ext.i18n"}},
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, set()).add(filename)
    return found


def translated_messages(lang: str = "nl") -> dict[str, str]:
    translated: dict[str, str] = {}
    for po_path in (PACKAGE_DIR / "translations" / lang / "LC_MESSAGES").glob("*.po"):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings):
                for msgid in ids:
                    translated[msgid] = strings[0]
    return translated


def missing_translations(lang: str = "nl") -> dict[str, set[str]]:
    done = translated_messages(lang)
    return {msgid: files for msgid, files in extracted_messages().items() if msgid not in done}


def po_stub(msgid: str) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    return f"msgid {quote(msgid)}\nmsgstr \"\"\n"
