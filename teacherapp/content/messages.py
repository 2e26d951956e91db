"""What the user reads about a rejected file or row, in their language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from teacherapp.content.logic import Outcome, Problem
from teacherapp.tabular import TabularError
from teacherapp.upload_limits import limit_message

PROBLEMS = {
    Problem.MISSING_PUPIL: _l("No VTS account id or email"),
    Problem.UNKNOWN_PUPIL: _l("Unknown pupil"),
    Problem.AMBIGUOUS_PUPIL: _l("Several pupils have this email: use the VTS account id"),
    Problem.MISSING_CONTENT: _l("No content id"),
    Problem.UNKNOWN_CONTENT: _l("Unknown content"),
    Problem.BAD_DATE: _l("Bad date (use dd/mm/yyyy or dd/mm/yyyy hh:mm)"),
    Problem.FUTURE_DATE: _l("Date in the future"),
    Problem.BAD_PROGRESS: _l("Bad progress (use 0 to 100, 75% or 0,75)"),
    Problem.BAD_COMPLETED: _l("Bad value for completed (use ja or nee)"),
    Problem.DUPLICATE_ROW: _l("Duplicate in the file"),
    Problem.MISSING_ID: _l("No event id"),
    Problem.UNSUPPORTED_VERB: _l("Unsupported verb"),
    Problem.MALFORMED_EVENT: _l("Malformed event"),
}

OUTCOMES = {
    Outcome.NEW: _l("New view"),
    Outcome.UPDATE: _l("Update"),
    Outcome.UNCHANGED: _l("Already known"),
}


def file_error_message(code: TabularError) -> str:
    limit = limit_message(code)
    if limit:
        return limit
    return {
        TabularError.EMPTY: _("The file is empty."),
        TabularError.UNSUPPORTED: _("This type of file cannot be read. Upload a CSV file "
                                    "(separated by semicolons or commas) or an Excel file (.xlsx)."),
        TabularError.UNREADABLE: _("The file cannot be opened. Save it again from Excel as .xlsx "
                                   "or as CSV, and upload that."),
        TabularError.NO_HEADER: _("The file has no header row with column names."),
        TabularError.TOO_MANY_ROWS: _("The file has too many rows. Split it into smaller files."),
    }[code]


def column_message(missing: list[str]) -> str:
    names = {
        "pupil": _("the pupil (VTS account id or email)"),
        "content": _("the content (content id)"),
        "viewed_at": _("when it was viewed (viewed at)"),
        "progress": _("the progress or whether it was completed"),
    }
    return _("The file misses a column for %(columns)s. See the accepted column names below.",
             columns=", ".join(names[m] for m in missing))
