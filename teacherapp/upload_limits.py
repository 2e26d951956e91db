"""What the user reads when an upload breaks one of the reader's limits (teacherapp.tabular).

Shared by every import, so each limit is explained the same way wherever a file is read.
"""

from __future__ import annotations

from flask_babel import format_number
from flask_babel import gettext as _

from teacherapp import tabular
from teacherapp.tabular import TabularError


def limit_message(code: TabularError) -> str | None:
    """The message for a limit the file broke; None for the other reading errors."""
    if code == TabularError.TOO_MANY_COLUMNS:
        return _("The file has too many columns (at most %(limit)s). Remove the columns you "
                 "do not need.", limit=format_number(tabular.MAX_COLUMNS))
    if code == TabularError.TOO_MANY_CELLS:
        return _("The file has too many cells (at most %(limit)s, rows times columns). Remove "
                 "columns or rows you do not need, or split the list.",
                 limit=format_number(tabular.MAX_CELLS))
    if code == TabularError.CELL_TOO_LONG:
        return _("One of the cells holds more than %(limit)s characters. Check the file: a "
                 "list of names never needs that.", limit=format_number(tabular.MAX_CELL_CHARS))
    if code == TabularError.TOO_MUCH_TEXT:
        return _("The file holds too much text (more than %(limit)s characters). Split the "
                 "list.", limit=format_number(tabular.MAX_TEXT_CHARS))
    if code == TabularError.UNPACKS_TOO_LARGE:
        return _("The Excel file unpacks to more than %(limit)s MB. Save only the sheet you "
                 "need as a new .xlsx file or as CSV.",
                 limit=format_number(tabular.XLSX_MAX_MEMBER_BYTES // (1024 * 1024)))
    if code == TabularError.PACKED_SUSPICIOUSLY:
        return _("The Excel file is packed in a way no spreadsheet program produces (it would "
                 "become more than %(limit)s times larger). Save it again from Excel as .xlsx "
                 "or as CSV.", limit=format_number(tabular.XLSX_MAX_RATIO))
    return None
