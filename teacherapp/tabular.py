"""Reading spreadsheets as Belgian schools produce them: CSV or XLSX, any of their quirks.

CSV with semicolons or commas (or tabs), UTF-8 with or without BOM, or Windows-1252; XLSX from
Excel. Values come back as stripped strings; dates in cells of an XLSX become dd/mm/yyyy, so
the same parsers serve both formats. No Flask here: callers translate the error codes.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

# What an upload may hold. A school's list has a few thousand rows of short text; the limits
# leave room for ten times that, and stop a small file that unpacks into gigabytes (an XLSX is
# a zip) or declares a million rows before the parser builds any of it.
MAX_ROWS = 50_000  # data rows with a value
MAX_ROW_NUMBER = 100_000  # the last row number, blank rows included
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000  # rows x columns, as declared by a worksheet or read
MAX_CELL_CHARS = 10_000  # one value; Excel's own limit is 32,767
MAX_TEXT_CHARS = 16_000_000  # every value of the file together
XLSX_MAX_MEMBERS = 1_000  # files inside the zip
XLSX_MAX_MEMBER_BYTES = 32 * 1024 * 1024  # one file inside the zip, unpacked
XLSX_MAX_TOTAL_BYTES = 64 * 1024 * 1024  # all of them, unpacked
XLSX_MAX_RATIO = 100  # unpacked / packed, for a member of more than a megabyte
_RATIO_FROM_BYTES = 1024 * 1024
_DIMENSION_PREFIX_BYTES = 64 * 1024  # Excel writes <dimension> before the rows


class TabularError(enum.StrEnum):
    EMPTY = "empty"
    UNSUPPORTED = "unsupported"
    UNREADABLE = "unreadable"
    NO_HEADER = "no_header"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    TOO_MANY_CELLS = "too_many_cells"
    CELL_TOO_LONG = "cell_too_long"
    TOO_MUCH_TEXT = "too_much_text"
    UNPACKS_TOO_LARGE = "unpacks_too_large"
    PACKED_SUSPICIOUSLY = "packed_suspiciously"


class TabularFileError(ValueError):
    def __init__(self, code: TabularError) -> None:
        super().__init__(code.value)
        self.code = code


@dataclass(frozen=True)
class Row:
    number: int  # the line or row number the user sees in their spreadsheet (header = 1)
    values: dict[str, str]  # normalised header -> stripped text

    def get(self, *names: str) -> str:
        """The first non-empty value among these header names (aliases)."""
        for name in names:
            value = self.values.get(normalise_header(name), "")
            if value:
                return value
        return ""


@dataclass(frozen=True)
class Table:
    headers: list[str]  # normalised
    rows: list[Row]
    format: str  # "csv" or "xlsx"
    delimiter: str | None = None
    encoding: str | None = None

    def has_any(self, *names: str) -> bool:
        return any(normalise_header(n) in self.headers for n in names)


def normalise_header(text: str) -> str:
    text = (text or "").replace("\ufeff", "").strip().lower()
    text = re.sub(r"[\s_\-]+", " ", text)
    return text


XLSX_MAGIC = b"PK\x03\x04"
ALLOWED_EXTENSIONS = (".csv", ".txt", ".xlsx")


def read_table(data: bytes, filename: str = "") -> Table:
    """Parse an uploaded file into a header and rows; raises TabularFileError with a code."""
    if not data or not data.strip(b"\r\n\t \xef\xbb\xbf"):
        raise TabularFileError(TabularError.EMPTY)
    name = (filename or "").lower()
    if name and not name.endswith(ALLOWED_EXTENSIONS):
        raise TabularFileError(TabularError.UNSUPPORTED)
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if name.endswith(".xlsx"):
        raise TabularFileError(TabularError.UNREADABLE)
    if b"\x00" in data:  # binary: not a text export (UTF-16 or an image, say)
        raise TabularFileError(TabularError.UNSUPPORTED)
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    delimiter = _sniff_delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _build(_numbered(reader), "csv", delimiter, encoding)


def _numbered(records: Iterable[list[str]]) -> Iterable[tuple[int, list[str]]]:
    try:
        yield from enumerate(records, start=1)
    except csv.Error as error:
        # The csv module refuses a field over its own limit (131,072 characters).
        if "field limit" in str(error):
            raise TabularFileError(TabularError.CELL_TOO_LONG) from error
        raise TabularFileError(TabularError.UNREADABLE) from error


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a workbook that would take too much memory, disk or time to read, from its
    zip directory and each worksheet's declared size alone, before any of it is unpacked.

    The sizes are the ones the zip declares; zipfile never unpacks more than a member
    declares (it stops there and checks the CRC), so the parser cannot be given more.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > XLSX_MAX_MEMBERS:
                raise TabularFileError(TabularError.UNPACKS_TOO_LARGE)
            total = 0
            for member in members:
                total += member.file_size
                if member.file_size > XLSX_MAX_MEMBER_BYTES or total > XLSX_MAX_TOTAL_BYTES:
                    raise TabularFileError(TabularError.UNPACKS_TOO_LARGE)
                if (member.file_size > _RATIO_FROM_BYTES
                        and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)):
                    raise TabularFileError(TabularError.PACKED_SUSPICIOUSLY)
            for member in members:
                if member.filename.startswith("xl/worksheets/") and \
                        member.filename.endswith(".xml"):
                    with archive.open(member) as fh:
                        _check_dimension(fh.read(_DIMENSION_PREFIX_BYTES))
    except TabularFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, ValueError) as error:
        raise TabularFileError(TabularError.UNREADABLE) from error


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Za-z]{1,3})\$?(\d{1,7})"
                        rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?\"")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _check_dimension(head: bytes) -> None:
    """The area a worksheet declares (`<dimension ref="A1:XFD1048576"/>`), which openpyxl
    would fill with empty cells, must fit the limits."""
    match = _DIMENSION.search(head)
    if not match:
        return
    first_col, first_row, last_col, last_row = match.groups()
    rows = int(last_row or first_row)
    columns = _column_number(last_col or first_col)
    if rows > MAX_ROW_NUMBER:
        raise TabularFileError(TabularError.TOO_MANY_ROWS)
    if columns > MAX_COLUMNS:
        raise TabularFileError(TabularError.TOO_MANY_COLUMNS)
    area = (rows - int(first_row) + 1) * (columns - _column_number(first_col) + 1)
    if area > MAX_CELLS:
        raise TabularFileError(TabularError.TOO_MANY_CELLS)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any failure of the parser on a broken file: unreadable
        raise TabularFileError(TabularError.UNREADABLE) from error
    try:
        sheet = workbook.worksheets[0]
        # Our own limits count the rows and columns actually there; a declared size that
        # is wrong must not make openpyxl pad every row to it.
        sheet.reset_dimensions()
        records = (
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _build(records, "xlsx", None, None)
    except TabularFileError:
        raise
    except Exception as error:  # a broken XML part shows only while the rows are read
        raise TabularFileError(TabularError.UNREADABLE) from error
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def _build(records: Iterable[tuple[int, list[str]]], fmt: str, delimiter: str | None,
           encoding: str | None) -> Table:
    headers: list[str] | None = None
    rows: list[Row] = []
    cells_read = text_read = 0
    for number, record in records:
        if number > MAX_ROW_NUMBER:
            raise TabularFileError(TabularError.TOO_MANY_ROWS)
        if len(record) > MAX_COLUMNS:
            raise TabularFileError(TabularError.TOO_MANY_COLUMNS)
        cells = [(c or "").strip() for c in record]
        if not any(cells):
            continue  # blank lines, trailing empty rows Excel leaves behind
        cells_read += len(cells)
        text_read += sum(map(len, cells))
        if cells_read > MAX_CELLS:
            raise TabularFileError(TabularError.TOO_MANY_CELLS)
        if text_read > MAX_TEXT_CHARS:
            raise TabularFileError(TabularError.TOO_MUCH_TEXT)
        if max(map(len, cells)) > MAX_CELL_CHARS:
            raise TabularFileError(TabularError.CELL_TOO_LONG)
        if any("\x00" in c for c in cells):
            raise TabularFileError(TabularError.UNSUPPORTED)
        if headers is None:
            headers = [normalise_header(c) for c in cells]
            continue
        if len(rows) >= MAX_ROWS:
            raise TabularFileError(TabularError.TOO_MANY_ROWS)
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}
        rows.append(Row(number, values))
    if headers is None or not any(headers):
        raise TabularFileError(TabularError.NO_HEADER)
    return Table(headers, rows, fmt, delimiter, encoding)


# ---------------------------------------------------------------- values in Belgian notation

_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_be_date(text: str) -> date:
    """dd/mm/yyyy (also d/m/yyyy, with - or .), or ISO yyyy-mm-dd. ValueError otherwise."""
    text = (text or "").strip()
    if match := _DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(f"not a date: {text!r}")


def parse_be_datetime(text: str) -> datetime:
    """A date with an optional time, read as Brussels local time; ISO 8601 with offset too.

    Returned in UTC. A date alone means midnight, Brussels time.
    """
    text = (text or "").strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None and ("T" in text or "-" in text[:5]):
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=BRUSSELS)
        return parsed.astimezone(UTC)
    date_part, _, time_part = text.partition(" ")
    day = parse_be_date(date_part)
    clock = time(0)
    if time_part.strip():
        match = _TIME.match(time_part.strip())
        if not match:
            raise ValueError(f"not a time: {time_part!r}")
        hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        clock = time(hour, minute, second)
    return datetime.combine(day, clock, tzinfo=BRUSSELS).astimezone(UTC)


def parse_yes_no(text: str) -> bool | None:
    """ja/nee, yes/no, 1/0, x, waar/onwaar, true/false; None when empty or unknown."""
    value = (text or "").strip().lower()
    if value in {"ja", "j", "yes", "y", "1", "x", "waar", "true", "voltooid", "completed"}:
        return True
    if value in {"nee", "n", "no", "0", "onwaar", "false", ""}:
        return False if value else None
    return None
