"""Reading ids and small whole numbers from query strings and form fields, safely."""

from __future__ import annotations

# Nine digits fit any database integer; str.isdigit() alone also accepts "²" or "١",
# which int() then refuses, so the check is ASCII-only.
MAX_DIGITS = 9


def parse_id(text: str | None, max_digits: int = MAX_DIGITS) -> int | None:
    """A non-negative whole number typed in ASCII digits, or None for anything else."""
    text = (text or "").strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
