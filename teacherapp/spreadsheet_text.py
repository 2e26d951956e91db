"""Text that a spreadsheet program will show as text, never run as a formula.

Excel, LibreOffice and Google Sheets read a CSV cell that starts with `=`, `+`, `-` or `@`
(or a tab or carriage return before one) as a formula: `=HYPERLINK("http://x","y")` in a
pupil's name would become a link, `+cmd|' /C calc'!A0` a command. OWASP's advice, followed
here: put a single quote before such a text, which the programs show but never evaluate.
Only text is touched; numbers the export writes as numbers stay numbers.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """`text`, with a leading `'` when a spreadsheet would read it as a formula."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
