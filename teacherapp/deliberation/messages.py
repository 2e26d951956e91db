"""The words for the reason codes of the import rules and the file reader."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from teacherapp.deliberation.logic import Action, FileProblem, RowProblem
from teacherapp.tabular import TabularError
from teacherapp.upload_limits import limit_message

FILE_ERRORS = {
    TabularError.EMPTY: _l("The file is empty."),
    TabularError.UNSUPPORTED: _l("This kind of file cannot be imported. Save the list as CSV "
                                 "(semicolon or comma) or as an Excel workbook (.xlsx)."),
    TabularError.UNREADABLE: _l("The file could not be read. Open it in Excel and save it "
                                "again as .xlsx or .csv."),
    TabularError.NO_HEADER: _l("The file is empty: it has no header row with column names."),
    TabularError.TOO_MANY_ROWS: _l("The file has too many rows (at most 50,000)."),
    FileProblem.MISSING_COLUMNS: _l("No pupil columns found. The first row needs the column "
                                    "names: voornaam, naam and geboortedatum (or a column "
                                    "VTS-account-id)."),
    FileProblem.NO_ROWS: _l("The file has column names but no pupils."),
}



def file_error(code: TabularError) -> str:
    """Why the file was refused, in the user's language."""
    return limit_message(code) or str(FILE_ERRORS[code])


ROW_PROBLEMS = {
    RowProblem.FIRST_NAME_MISSING: _l("first name missing"),
    RowProblem.LAST_NAME_MISSING: _l("last name missing"),
    RowProblem.NAME_TOO_LONG: _l("name longer than 100 characters"),
    RowProblem.BIRTH_DATE_MISSING: _l("birth date missing"),
    RowProblem.BIRTH_DATE_INVALID: _l("birth date is not a date as dd/mm/yyyy"),
    RowProblem.VTS_ID_TOO_LONG: _l("VTS account id longer than 64 characters"),
    RowProblem.VTS_ID_CONFLICT: _l("a pupil with this name and birth date has another VTS "
                                   "account id"),
    RowProblem.EMAIL_INVALID: _l("email address is not valid"),
    RowProblem.PAID_INVALID: _l("paid is not yes, no or a date"),
    RowProblem.METHOD_INVALID: _l("payment method is not individual or school code"),
    RowProblem.CODE_MISSING: _l("payment with a school code, but no payment code"),
    RowProblem.CODE_TOO_LONG: _l("payment code longer than 64 characters"),
    RowProblem.DUPLICATE_IN_FILE: _l("same pupil as an earlier row"),
    RowProblem.SCHOOL_YEAR_INVALID: _l("school year is not 1 to 7, or semester not 1 or 2"),
    RowProblem.TOO_YOUNG: _l("too young for this course type (refused)"),
    RowProblem.PASSED_BEFORE: _l("passed this course type before (refused)"),
    RowProblem.COURSE_OTHER: _l("this row is for another course: import it on that course's "
                                "page (refused)"),
    RowProblem.COURSE_NOT_ALLOWED: _l("the course id is not one of the courses you may import "
                                      "into (refused)"),
}

FIELD_NAMES = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "birth_date": _l("Birth date"),
    "email": _l("Email"),
    "vts_account_id": _l("VTS account id"),
    "paid_at": _l("Paid on"),
    "payment_method": _l("Payment method"),
    "payment_code": _l("Payment code"),
    "phasing_out": _l("Phasing out"),
    "school_grade": _l("School year (leerjaar)"),
    "school_semester": _l("Semester"),
}

ACTION_NAMES = {
    Action.CREATE: _l("New pupil"),
    Action.ENROL: _l("Known pupil, new enrolment"),
    Action.UPDATE: _l("Update"),
    Action.UNCHANGED: _l("Unchanged"),
    Action.REJECT: _l("Refused"),
}

PAYMENT_METHODS = {
    "individual": _l("individual"),
    "school_code": _l("school payment code"),
}
