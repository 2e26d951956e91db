"""The scoring area's reason codes in the user's language."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from teacherapp.formatting import score_filter
from teacherapp.rules import Result, ScoreError, ScoreParseError, format_score
from teacherapp.scoring.logic import Block

BLOCK_TEXT = {
    Block.NOT_PAID: _l("Not paid: the fee is not registered as paid yet, so no exam and no score."),
    Block.TOO_YOUNG: _l("Too young for this course type: no score can be recorded."),
    Block.PASSED_BEFORE: _l("Passed this course before: may not take it again, so no score."),
    Block.LOCKED: _l("Submitted to VTS: locked. The secretariat can reopen it."),
    Block.EXEMPT: _l("Exempt: no score needed."),
    Block.NOT_IN_SECOND_SITTING: _l("Not in the second sitting: the first-sitting result stands."),
}

BLOCK_BADGE = {
    Block.NOT_PAID: _l("not paid"),
    Block.TOO_YOUNG: _l("too young"),
    Block.PASSED_BEFORE: _l("passed before"),
    Block.LOCKED: _l("locked"),
    Block.EXEMPT: _l("exempt"),
    Block.NOT_IN_SECOND_SITTING: _l("first sitting"),
}

RESULT_TEXT = {
    Result.PASSED: _l("passes"),
    Result.FAILED: _l("fails"),
    Result.EXEMPT: _l("exempt"),
    Result.ABSENT: _l("absent"),
    Result.MISSING: _l("no score yet"),
}

RESULT_BADGE = {
    Result.PASSED: "badge-ok",
    Result.FAILED: "badge-bad",
    Result.EXEMPT: "badge-info",
    Result.ABSENT: "badge-warn",
    Result.MISSING: "",
}


def parse_error_text(error: ScoreParseError) -> str:
    if error.code == ScoreError.ABOVE_MAXIMUM:
        return _("The maximum is %(maximum)s.", maximum=score_filter(error.maximum))
    if error.code == ScoreError.NEGATIVE:
        return _("A score cannot be negative.")
    if error.code == ScoreError.TOO_PRECISE:
        return _("Use at most two decimals, e.g. 7,25.")
    return _("Type a score such as 7,5, or choose absent.")


def absence_text(code: str | None) -> str:
    if code == "absent":
        return _("absent")
    if code == "excused":
        return _("excused absent")
    return ""


def display_mark(value: Decimal | None, absence: str | None) -> str:
    """A stored mark as the teacher reads it: "7,5", "absent" or ""."""
    if absence:
        return absence_text(absence)
    return score_filter(value)


def history_value(stored: str | None) -> str:
    """A value from the audit log as the field shows it: "13,5" (stored as "13.5"), "absent"."""
    if not stored:
        return ""
    if stored in ("absent", "excused"):
        return absence_text(stored)
    try:
        number = Decimal(stored)
    except InvalidOperation:
        return stored  # a level's label, a note
    return score_filter(number) if number.is_finite() else stored


def plain_score(value: Decimal | None) -> str:
    """A score as a form field sends it: "9.5" (parse_score reads both separators)."""
    return format_score(value, decimal_comma=False)


def register_template_helpers(blueprint) -> None:
    from teacherapp.htmx import is_htmx_request
    from teacherapp.scoring.cell_view import first_sitting_text, score_cell_view
    from teacherapp.scoring.logic import scaled_exactly

    for name, value in {
        "display_mark": display_mark, "history_value": history_value, "plain_score": plain_score, "scaled_exactly": scaled_exactly,
        "result_text": RESULT_TEXT, "result_badge": RESULT_BADGE, "block_badge": BLOCK_BADGE,
        "block_text": BLOCK_TEXT, "is_htmx": is_htmx_request, "score_cell_view": score_cell_view,
        "first_sitting_text": first_sitting_text,
    }.items():
        blueprint.add_app_template_global(value, name)
