"""The export of scores for deliberation: one streaming query, written as CSV or XLSX.

One row per pupil and subject (the "long" format), read with a server-side cursor so that
memory stays flat however many rows there are. The CSV is produced while it is sent; the
XLSX is written by XlsxWriter in constant_memory mode to a temporary file that is then sent
in chunks and removed. The columns are documented in docs/deliberation.md.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import xlsxwriter
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from teacherapp.deliberation.logic import counted_score
from teacherapp.extensions import db
from teacherapp.models import (
    Course,
    CourseType,
    Enrolment,
    ExamMoment,
    Exemption,
    ExemptionKind,
    Pupil,
    School,
    Score,
    Subject,
    Submission,
    SubmissionState,
    User,
)
from teacherapp.rules import (
    Absence,
    CourseResult,
    Mark,
    Result,
    course_result,
    final_subject_result,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
YIELD_PER = 2000


@dataclass(frozen=True)
class ExportFilters:
    school_year: str | None = None
    trimester: int | None = None
    course_type_id: int | None = None
    school_id: int | None = None
    sitting: int | None = None  # None: both
    include_unsubmitted: bool = False


@dataclass(frozen=True)
class ScoreRow:
    """One exported line: one pupil and one subject, values typed."""

    school: str
    institution_number: str
    course_id: int
    course: str
    course_type: str
    track: int
    school_year: str
    enrolment_id: int
    last_name: str
    first_name: str
    vts_account_id: str
    birth_date: date
    paid: bool
    subject: str
    maximum: Decimal
    pass_mark: Decimal
    trimester_1: int | None
    score_1: Decimal | None
    code_1: str  # "", "absent", "excused", "exempt"
    trimester_2: int | None
    score_2: Decimal | None
    code_2: str
    result: Result
    counted: Decimal | None
    exempt: bool
    exemption_reason: str
    repeater: bool
    submitted_1: bool
    submitted_by_1: str
    submitted_at_1: datetime | None
    submitted_2: bool
    submitted_by_2: str
    submitted_at_2: datetime | None


@dataclass
class PupilSummary:
    """The overall result of one enrolment, over the exported subjects."""

    first: ScoreRow
    results: list[Result] = field(default_factory=list)
    total: Decimal = Decimal(0)
    maximum: Decimal = Decimal(0)

    def add(self, row: ScoreRow) -> None:
        self.results.append(row.result)
        if not row.exempt:
            self.maximum += row.maximum
            if row.counted is not None:
                self.total += row.counted

    @property
    def result(self) -> CourseResult:
        return course_result(self.results)

    @property
    def eligible(self) -> bool:
        return self.first.paid and self.result == CourseResult.PASSED


def export_statement(filters: ExportFilters) -> Select:
    """Every (enrolment, subject) line the filters select, with both sittings joined."""
    s1, s2 = aliased(Score), aliased(Score)
    m1, m2 = aliased(ExamMoment), aliased(ExamMoment)
    sub1, sub2 = aliased(Submission), aliased(Submission)
    u1, u2 = aliased(User), aliased(User)
    stmt = (
        select(
            School.name.label("school"), School.institution_number, Course.id.label("course_id"),
            Course.group_name, CourseType.code, CourseType.name.label("type_name"), Course.track,
            Course.school_year, Enrolment.id.label("enrolment_id"),
            Enrolment.paid_at.is_not(None).label("paid"),
            Pupil.last_name, Pupil.first_name, Pupil.vts_account_id, Pupil.birth_date,
            Subject.name.label("subject"), Subject.maximum, Subject.pass_mark,
            m1.trimester.label("trimester_1"), s1.value.label("value_1"),
            s1.absence.label("absence_1"), m2.trimester.label("trimester_2"),
            s2.value.label("value_2"), s2.absence.label("absence_2"),
            Exemption.kind.label("exemption_kind"), Exemption.reason.label("exemption_reason"),
            sub1.state.label("state_1"), u1.full_name.label("by_1"),
            sub1.submitted_at.label("at_1"), sub2.state.label("state_2"),
            u2.full_name.label("by_2"), sub2.submitted_at.label("at_2"),
        )
        .select_from(Enrolment)
        .join(Pupil, Pupil.id == Enrolment.pupil_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseType, CourseType.id == Course.course_type_id)
        .join(School, School.id == Course.school_id)
        .join(Subject, Subject.course_id == Course.id)
        .outerjoin(m1, and_(m1.subject_id == Subject.id, m1.sitting == 1))
        .outerjoin(m2, and_(m2.subject_id == Subject.id, m2.sitting == 2))
        .outerjoin(s1, and_(s1.enrolment_id == Enrolment.id, s1.subject_id == Subject.id,
                            s1.sitting == 1))
        .outerjoin(s2, and_(s2.enrolment_id == Enrolment.id, s2.subject_id == Subject.id,
                            s2.sitting == 2))
        .outerjoin(Exemption, and_(Exemption.enrolment_id == Enrolment.id,
                                   Exemption.subject_id == Subject.id))
        .outerjoin(sub1, and_(sub1.course_id == Course.id, sub1.sitting == 1))
        .outerjoin(u1, u1.id == sub1.submitted_by_id)
        .outerjoin(sub2, and_(sub2.course_id == Course.id, sub2.sitting == 2))
        .outerjoin(u2, u2.id == sub2.submitted_by_id)
        .order_by(School.name, Course.school_year, CourseType.code, Course.group_name, Course.id,
                  Pupil.last_name, Pupil.first_name, Enrolment.id, Subject.position, Subject.id)
    )
    if filters.school_year:
        stmt = stmt.where(Course.school_year == filters.school_year)
    if filters.course_type_id:
        stmt = stmt.where(Course.course_type_id == filters.course_type_id)
    if filters.school_id:
        stmt = stmt.where(Course.school_id == filters.school_id)
    by_sitting = {1: (m1, sub1), 2: (m2, sub2)}
    sittings = [filters.sitting] if filters.sitting else [1, 2]
    if filters.trimester:
        stmt = stmt.where(or_(*(by_sitting[s][0].trimester == filters.trimester for s in sittings)))
    if not filters.include_unsubmitted:
        stmt = stmt.where(or_(*(by_sitting[s][1].state == SubmissionState.SUBMITTED
                                for s in sittings)))
    return stmt


def count_rows(filters: ExportFilters) -> tuple[int, int]:
    """How many lines and courses an export with these filters holds (one query)."""
    inner = export_statement(filters).order_by(None).subquery()
    lines, courses = db.session.execute(
        select(func.count(), func.count(func.distinct(inner.c.course_id)))
    ).one()
    return lines, courses


def _mark(value: Decimal | None, absence: Absence | None, visible: bool) -> Mark | None:
    if not visible or (value is None and absence is None):
        return None
    return Mark(value, absence)


def _code(mark: Mark | None, exempt: bool) -> str:
    if exempt:
        return "exempt"
    if mark is not None and mark.absence is not None:
        return mark.absence.value
    return ""


def _local(moment: datetime | None) -> datetime | None:
    """Spreadsheets know no time zones: Brussels wall-clock time, as the users read it."""
    return moment.astimezone(BRUSSELS).replace(tzinfo=None) if moment else None


@dataclass(frozen=True)
class _Outcome:
    """What the rules make of one line's marks (shared by every line with the same marks)."""

    first: Mark | None
    second: Mark | None
    result: Result
    counted: Decimal | None
    code_1: str
    code_2: str


def _outcome(value_1: Decimal | None, absence_1: Absence | None, visible_1: bool,
             value_2: Decimal | None, absence_2: Absence | None, visible_2: bool,
             pass_mark: Decimal, exempt: bool) -> _Outcome:
    first = _mark(value_1, absence_1, visible_1)
    second = _mark(value_2, absence_2, visible_2)
    return _Outcome(first, second, final_subject_result(first, second, pass_mark, exempt),
                    counted_score(first, second, pass_mark, exempt), _code(first, exempt),
                    _code(second, exempt) if not exempt else "")


def export_rows(filters: ExportFilters) -> Iterator[ScoreRow]:
    """The export's lines, fetched in batches from one server-side cursor.

    The rules (result, counted score, codes) are pure functions of a line's marks, pass mark
    and exemption, and 100,000 lines hold only a few thousand distinct combinations: each
    is worked out once (profiled: the rules and Mark objects were a third of a CSV export).
    """
    # On the session's connection, not through the ORM: plain rows, no ORM loading layer.
    result = db.session.connection().execute(export_statement(filters).execution_options(
        yield_per=YIELD_PER, stream_results=True))
    outcomes: dict[tuple, _Outcome] = {}
    local_times: dict[datetime, datetime | None] = {}
    for r in result:
        submitted_1 = r.state_1 == SubmissionState.SUBMITTED
        submitted_2 = r.state_2 == SubmissionState.SUBMITTED
        exempt = r.exemption_kind is not None
        key = (r.value_1, r.absence_1, submitted_1 or filters.include_unsubmitted,
               r.value_2, r.absence_2, submitted_2 or filters.include_unsubmitted,
               r.pass_mark, exempt)
        outcome = outcomes.get(key)
        if outcome is None:
            outcome = outcomes[key] = _outcome(*key)
        first, second = outcome.first, outcome.second
        at_1 = r.at_1 if submitted_1 else None
        at_2 = r.at_2 if submitted_2 else None
        if at_1 is not None and at_1 not in local_times:
            local_times[at_1] = _local(at_1)
        if at_2 is not None and at_2 not in local_times:
            local_times[at_2] = _local(at_2)
        yield ScoreRow(
            school=r.school, institution_number=r.institution_number or "",
            course_id=r.course_id,
            course=f"{r.type_name} – {r.group_name}" if r.group_name else r.type_name,
            course_type=r.code, track=r.track, school_year=r.school_year,
            enrolment_id=r.enrolment_id, last_name=r.last_name, first_name=r.first_name,
            vts_account_id=r.vts_account_id or "", birth_date=r.birth_date,
            paid=bool(r.paid), subject=r.subject, maximum=r.maximum,
            pass_mark=r.pass_mark,
            trimester_1=r.trimester_1, score_1=first.value if first else None,
            code_1=outcome.code_1,
            trimester_2=r.trimester_2, score_2=second.value if second else None,
            code_2=outcome.code_2,
            result=outcome.result,
            counted=outcome.counted,
            exempt=exempt, exemption_reason=r.exemption_reason or "",
            repeater=r.exemption_kind == ExemptionKind.REPEATER_KEPT,
            submitted_1=submitted_1, submitted_by_1=(r.by_1 or "") if submitted_1 else "",
            submitted_at_1=local_times[at_1] if at_1 is not None else None,
            submitted_2=submitted_2, submitted_by_2=(r.by_2 or "") if submitted_2 else "",
            submitted_at_2=local_times[at_2] if at_2 is not None else None,
        )


def pupil_summaries(rows: Iterable[ScoreRow], sink: list[PupilSummary]) -> Iterator[ScoreRow]:
    """Pass rows through, gathering one summary per enrolment (rows come grouped by it)."""
    current: PupilSummary | None = None
    for row in rows:
        if current is None or current.first.enrolment_id != row.enrolment_id:
            current = PupilSummary(row)
            sink.append(current)
        current.add(row)
        yield row


# ---------------------------------------------------------------- columns and words


@dataclass(frozen=True)
class Words:
    """The export's words in the user's language: headers, codes, results, yes/no."""

    headers: list[str]
    pupil_headers: list[str]
    codes: dict[str, str]
    results: dict[str, str]
    yes: str
    no: str
    long_sheet: str
    pupil_sheet: str


def _score_cell(score: Decimal | None, code: str, words: Words) -> Decimal | str | None:
    if code:
        return words.codes[code]
    return score


def line_values(row: ScoreRow, words: Words) -> list:
    """The cells of one line, typed: numbers, dates, datetimes and text."""
    yes_no = {True: words.yes, False: words.no}
    reason = row.exemption_reason
    if row.repeater:
        reason = f"{words.codes['repeater']}: {reason}" if reason else words.codes["repeater"]
    return [
        row.school, row.institution_number, row.course_id, row.course, row.course_type,
        row.track, row.school_year, row.last_name, row.first_name, row.vts_account_id,
        row.birth_date, yes_no[row.paid], row.subject, row.maximum, row.pass_mark,
        row.trimester_1, _score_cell(row.score_1, row.code_1, words),
        row.trimester_2, _score_cell(row.score_2, row.code_2, words),
        words.results[row.result.value], yes_no[row.exempt], reason,
        yes_no[row.submitted_1], row.submitted_by_1, row.submitted_at_1,
        yes_no[row.submitted_2], row.submitted_by_2, row.submitted_at_2,
    ]


def pupil_values(summary: PupilSummary, words: Words) -> list:
    row = summary.first
    yes_no = {True: words.yes, False: words.no}
    return [
        row.school, row.institution_number, row.course_id, row.course, row.course_type,
        row.track, row.school_year, row.last_name, row.first_name, row.vts_account_id,
        row.birth_date, yes_no[row.paid], len(summary.results),
        sum(1 for r in summary.results if r.counts_as_passed), summary.total, summary.maximum,
        words.results[summary.result.value], yes_no[summary.eligible],
    ]


# ---------------------------------------------------------------- CSV


def _csv_text(value, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _remembered_csv_text(decimal_comma: bool) -> Callable[[object], str]:
    """`_csv_text` with a memory: an export repeats few distinct numbers, dates and times."""
    memo: dict[tuple[type, object], str] = {}

    def text(value: object) -> str:
        if type(value) is str:
            return value
        key = (type(value), value)  # the type too: True == 1 and Decimal(7) == 7
        found = memo.get(key)
        if found is None:
            found = memo[key] = _csv_text(value, decimal_comma)
        return found

    return text


def csv_chunks(rows: Iterable[ScoreRow], words: Words, delimiter: str = ";",
               batch: int = 500) -> Iterator[bytes]:
    """UTF-8 with BOM, so Excel opens it right; decimal comma with the semicolon separator."""
    decimal_comma = delimiter == ";"
    text = _remembered_csv_text(decimal_comma)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(words.headers)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow([text(v) for v in line_values(row, words)])
        pending += 1
        if pending >= batch:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------- XLSX

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def sheet_name(row: ScoreRow) -> str:
    """A sheet per course: type, group and id (unique), within Excel's 31 characters."""
    suffix = f" {row.course_id}"
    base = _SHEET_FORBIDDEN.sub(" ", f"{row.course_type} {row.school}").strip()
    return base[: 31 - len(suffix)].rstrip() + suffix


class _Sheet:
    def __init__(self, workbook, name: str, headers: list[str], formats: dict) -> None:
        self.sheet = workbook.add_worksheet(name)
        self.formats = formats
        self.row = 0
        self.columns = len(headers)
        self.sheet.freeze_panes(1, 0)
        self.sheet.set_column(0, len(headers) - 1, 14)
        self.sheet.write_row(0, 0, headers, formats["header"])

    def write(self, values: list) -> None:
        self.row += 1
        sheet, formats, r = self.sheet, self.formats, self.row
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, Decimal):
                sheet.write_number(r, c, float(value), formats["number"])
            elif isinstance(value, bool):
                sheet.write_string(r, c, str(value))
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(r, c, value, formats["datetime"])
            elif isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day),
                                     formats["date"])
            else:
                sheet.write_string(r, c, value)

    def finish(self) -> None:
        self.sheet.autofilter(0, 0, max(self.row, 1), self.columns - 1)


def write_xlsx(rows: Iterable[ScoreRow], words: Words, path: str, per_course: bool) -> int:
    """Write the workbook to `path`; returns the number of score lines written."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True,
                                          "tmpdir": os.path.dirname(path) or None})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#E6F2EC", "text_wrap": True,
                                       "valign": "top"}),
        "number": workbook.add_format({"num_format": "0.##"}),
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
    }
    summaries: list[PupilSummary] = []
    sheets: dict[int, _Sheet] = {}
    long_sheet = None if per_course else _Sheet(workbook, words.long_sheet, words.headers, formats)
    written = 0
    for row in pupil_summaries(rows, summaries):
        if per_course:
            target = sheets.get(row.course_id)
            if target is None:
                target = sheets[row.course_id] = _Sheet(workbook, sheet_name(row),
                                                        words.headers, formats)
        else:
            target = long_sheet
        target.write(line_values(row, words))
        written += 1
    if per_course and not sheets:
        long_sheet = _Sheet(workbook, words.long_sheet, words.headers, formats)
    for sheet in [*sheets.values(), *([long_sheet] if long_sheet else [])]:
        sheet.finish()
    pupils = _Sheet(workbook, words.pupil_sheet, words.pupil_headers, formats)
    for summary in summaries:
        pupils.write(pupil_values(summary, words))
    pupils.finish()
    workbook.close()
    return written


def file_chunks(path: str, chunk_size: int = 256 * 1024,
                cleanup: Callable[[], None] | None = None) -> Iterator[bytes]:
    """Send a finished file in chunks, then remove it."""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)
        if cleanup:
            cleanup()


def temporary_xlsx_path(folder: str) -> str:
    os.makedirs(folder, exist_ok=True)
    fd, path = tempfile.mkstemp(dir=folder, suffix=".xlsx", prefix="export-")
    os.close(fd)
    return path
