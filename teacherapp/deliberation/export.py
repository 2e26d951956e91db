"""The export of scores for deliberation: one streaming query, written as CSV or XLSX.

One row per pupil and subject (the "long" format), read with a server-side cursor so that
memory stays flat however many rows there are; a small query first reads what is the same
for every line of a subject (course, school, trimesters, submissions). The CSV is produced while it is sent; the
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
from itertools import chain, islice
from zoneinfo import ZoneInfo

import xlsxwriter
from sqlalchemy import Select, and_, func, or_, select, type_coerce
from sqlalchemy.orm import aliased
from sqlalchemy.types import NullType
from xlsxwriter.worksheet import Worksheet

from teacherapp.certificates import (
    admitted_minimum_age,
    facts_of,
    generic_test_taken,
    load_eligibility,
)
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
    Eligibility,
    EligibilityFacts,
    Mark,
    Result,
    SubjectOutcome,
    SubjectStanding,
    certificate_eligibility,
    course_result,
    final_subject_result,
    subject_standing,
)
from teacherapp.spreadsheet_text import neutralise_formula

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


def _aliases() -> tuple:
    return (aliased(ExamMoment), aliased(ExamMoment), aliased(Submission), aliased(Submission))


def _every_line(stmt: Select) -> Select:
    """From enrolment: its pupil, course, course type, school, and each of the course's
    subjects: one row per export line."""
    return (
        stmt.select_from(Enrolment)
        .join(Pupil, Pupil.id == Enrolment.pupil_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseType, CourseType.id == Course.course_type_id)
        .join(School, School.id == Course.school_id)
        .join(Subject, Subject.course_id == Course.id)
    )


def _with_sittings(stmt: Select, m1, m2, sub1, sub2) -> Select:
    """Each subject's exam moment and its course's submission, per sitting (these aliases)."""
    return (
        stmt.outerjoin(m1, and_(m1.subject_id == Subject.id, m1.sitting == 1))
        .outerjoin(m2, and_(m2.subject_id == Subject.id, m2.sitting == 2))
        .outerjoin(sub1, and_(sub1.course_id == Course.id, sub1.sitting == 1))
        .outerjoin(sub2, and_(sub2.course_id == Course.id, sub2.sitting == 2))
    )


def _filtered(stmt: Select, filters: ExportFilters, m1, m2, sub1, sub2) -> Select:
    """The filters, on a statement that joins the course and both sittings' exam moments
    and submissions under these aliases (the export and its subject list share them)."""
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


def export_statement(filters: ExportFilters) -> Select:
    """Every (enrolment, subject) line the filters select (what the export page counts)."""
    m1, m2, sub1, sub2 = _aliases()
    stmt = _every_line(select(Course.id.label("course_id"), Enrolment.id, Subject.id))
    return _filtered(_with_sittings(stmt, m1, m2, sub1, sub2), filters, m1, m2, sub1, sub2)


def enrolment_statement(filters: ExportFilters) -> Select:
    """The ids of the enrolments the export has a line for: their certificate eligibility is
    computed over each whole enrolment (certificates.load_eligibility), never over these
    lines only."""
    m1, m2, sub1, sub2 = _aliases()
    stmt = _every_line(select(Enrolment.id)).distinct()
    return _filtered(_with_sittings(stmt, m1, m2, sub1, sub2), filters, m1, m2, sub1, sub2)


def count_rows(filters: ExportFilters) -> tuple[int, int]:
    """How many lines and courses an export with these filters holds (one query)."""
    inner = export_statement(filters).subquery()
    lines, courses = db.session.execute(
        select(func.count(), func.count(func.distinct(inner.c.course_id)))
    ).one()
    return lines, courses


def subject_statement(filters: ExportFilters) -> Select:
    """The selected subjects with everything that is the same on all their lines: course,
    school, exam trimesters and both submissions. A few thousand rows at most."""
    m1, m2, sub1, sub2 = _aliases()
    u1, u2 = aliased(User), aliased(User)
    stmt = (
        select(
            Subject.id, Subject.name, Subject.maximum, Subject.pass_mark,
            m1.trimester, m2.trimester, Course.id, School.name, School.institution_number,
            Course.group_name, CourseType.code, CourseType.name, Course.track,
            Course.school_year, sub1.state, u1.full_name, sub1.submitted_at,
            sub2.state, u2.full_name, sub2.submitted_at,
        )
        .select_from(Subject)
        .join(Course, Course.id == Subject.course_id)
        .join(CourseType, CourseType.id == Course.course_type_id)
        .join(School, School.id == Course.school_id)
    )
    stmt = (
        _with_sittings(stmt, m1, m2, sub1, sub2)
        .outerjoin(u1, u1.id == sub1.submitted_by_id)
        .outerjoin(u2, u2.id == sub2.submitted_by_id)
    )
    return _filtered(stmt, filters, m1, m2, sub1, sub2)


def _raw(column):
    """A column as the driver returns it: no per-row type conversion by SQLAlchemy. The
    export converts each distinct value once instead (see _points, _day)."""
    return type_coerce(column, NullType())


def line_statement(filters: ExportFilters) -> Select:
    """The varying part of every line, in export order: pupil, marks and exemption.

    Narrow on purpose (the database sorts fewer bytes, Python unpacks fewer values); what
    is constant per subject or course comes from subject_statement. The selected subjects
    are the same statement's, so both agree on the filters."""
    s1, s2 = aliased(Score), aliased(Score)
    selected = subject_statement(filters).with_only_columns(Subject.id)
    return (
        _every_line(select(
            Enrolment.id, Subject.id, Enrolment.paid_at.is_not(None), Enrolment.passed_before,
            Pupil.last_name,
            Pupil.first_name, Pupil.vts_account_id, _raw(Pupil.birth_date), _raw(s1.value),
            _raw(s1.absence), _raw(s2.value), _raw(s2.absence), _raw(Exemption.kind),
            Exemption.reason, Enrolment.phasing_out,
            # what the certificate rule needs of the enrolment (certificates.facts_of)
            _raw(Course.start_date), admitted_minimum_age(),
            CourseType.admission_requirement.is_not(None), Enrolment.admission_requirement_met,
            _raw(Enrolment.curriculum_completed_on), generic_test_taken(),
        ))
        .outerjoin(s1, and_(s1.enrolment_id == Enrolment.id, s1.subject_id == Subject.id,
                            s1.sitting == 1))
        .outerjoin(s2, and_(s2.enrolment_id == Enrolment.id, s2.subject_id == Subject.id,
                            s2.sitting == 2))
        .outerjoin(Exemption, and_(Exemption.enrolment_id == Enrolment.id,
                                   Exemption.subject_id == Subject.id))
        .where(Subject.id.in_(selected))
        .order_by(School.name, Course.school_year, CourseType.code, Course.group_name, Course.id,
                  Pupil.last_name, Pupil.first_name, Enrolment.id, Subject.position, Subject.id)
    )


def _points(raw: object) -> Decimal | None:
    """A Numeric(6, 2) as SQLAlchemy would give it: PostgreSQL returns Decimal, SQLite a
    float or int, which SQLAlchemy turns into Decimal("%.2f" % value): the same here."""
    if raw is None or isinstance(raw, Decimal):
        return raw
    return Decimal(f"{raw:.2f}")


def _day(raw: object) -> date | None:
    """A Date: PostgreSQL returns date, SQLite an ISO string."""
    return date.fromisoformat(raw) if isinstance(raw, str) else raw


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


# ---------------------------------------------------------------- columns and words


@dataclass(frozen=True)
class Words:
    """The export's words in the user's language: headers, codes, results, yes/no."""

    headers: list[str]
    pupil_headers: list[str]
    codes: dict[str, str]
    results: dict[str, str]
    reasons: dict[str, str]  # rules.NotEligible codes
    yes: str
    no: str
    long_sheet: str
    pupil_sheet: str
    # Why a line has no score although its sitting was due: "unpaid", "passed_before".
    no_score: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What the rules make of one line's marks, with its cells ready to write."""

    result: Result
    counted: Decimal | None
    score_1: object  # a cell: the mark, a code word, or nothing
    score_2: object
    result_word: object
    exempt_word: object


@dataclass(frozen=True)
class SubjectCells:
    """Everything on a line that depends only on its subject (and so its course)."""

    course_id: int
    course_type: str
    school: str
    maximum: Decimal
    pass_mark: Decimal
    visible_1: bool
    visible_2: bool
    head: tuple  # school .. school year: the first 7 cells
    middle: tuple  # subject, maximum, pass mark, trimester of the first sitting
    trimester_2: object
    tail: tuple  # both submissions: the last 6 cells
    track: int
    submitted: frozenset[int]  # the sittings of its course submitted to VTS


@dataclass
class ExportLine:
    """One line for the workbook: its cells and what the per-pupil sheet needs of it."""

    cells: tuple
    enrolment_id: int
    subject: SubjectCells
    outcome: Outcome
    exempt: bool
    paid: bool
    certificate: tuple  # the last cells: phasing out, eligible, why not (whole enrolment)


def export_rows(filters: ExportFilters) -> ExportSource:
    """The export's lines, for csv_chunks or write_xlsx (nothing is read until then)."""
    return ExportSource(filters)


class ExportSource:
    """The export's lines from two statements: the selected subjects (small, read first),
    then the varying part of every line from one server-side cursor, in batches.

    Per line, Python only looks things up: every cell that depends on the subject, course,
    pupil or marks alone is made once, in the form the writer wants (`cell`: text for the
    CSV, typed values for the workbook). The rules (result, counted score, codes) are pure
    functions of a line's marks, pass mark and exemption, and 100,000 lines hold only a
    few thousand distinct combinations. Profiled: per-row objects, rules, type conversion
    and formatting made the CSV export 3.5 to 5 times slower than the raw query.
    """

    def __init__(self, filters: ExportFilters) -> None:
        self.filters = filters

    def _subjects(self, words: Words, cell: Callable[[object], object]) -> dict[int, SubjectCells]:
        include = self.filters.include_unsubmitted
        yes_no = {True: cell(words.yes), False: cell(words.no)}
        subjects: dict[int, SubjectCells] = {}
        for (subject_id, name, maximum, pass_mark, trimester_1, trimester_2, course_id, school,
             institution, group_name, code, type_name, track, school_year, state_1, by_1, at_1,
             state_2, by_2, at_2) in db.session.execute(subject_statement(self.filters)):
            submitted_1 = state_1 == SubmissionState.SUBMITTED
            submitted_2 = state_2 == SubmissionState.SUBMITTED
            course = f"{type_name} – {group_name}" if group_name else type_name
            subjects[subject_id] = SubjectCells(
                course_id=course_id, course_type=code, school=school, maximum=maximum,
                pass_mark=pass_mark, visible_1=submitted_1 or include,
                visible_2=submitted_2 or include,
                head=tuple(map(cell, (school, institution or "", course_id, course, code, track,
                                      school_year))),
                middle=tuple(map(cell, (name, maximum, pass_mark, trimester_1))),
                trimester_2=cell(trimester_2),
                tail=(yes_no[submitted_1], cell((by_1 or "") if submitted_1 else ""),
                      cell(_local(at_1) if submitted_1 else None),
                      yes_no[submitted_2], cell((by_2 or "") if submitted_2 else ""),
                      cell(_local(at_2) if submitted_2 else None)),
                track=track,
                submitted=frozenset(s for s, done in ((1, submitted_1), (2, submitted_2)) if done),
            )
        return subjects

    def lines(self, words: Words, cell: Callable[[object], object],
              detail: bool = False) -> Iterator:
        """Each line's cells as a tuple, or with detail=True an ExportLine."""
        subjects = self._subjects(words, cell)
        yes_no = {True: cell(words.yes), False: cell(words.no)}
        codes = {code: cell(word) for code, word in words.codes.items()}
        results = {result: cell(word) for result, word in words.results.items()}
        empty = cell(None)
        repeater = words.codes["repeater"]
        outcomes: dict[tuple, Outcome] = {}
        days: dict[object, object] = {}
        reasons: dict[tuple, object] = {}

        def outcome_of(key: tuple) -> Outcome:
            value_1, absence_1, visible_1, value_2, absence_2, visible_2, pass_mark, exempt = key
            first = _mark(_points(value_1), Absence(absence_1) if absence_1 else None, visible_1)
            second = _mark(_points(value_2), Absence(absence_2) if absence_2 else None,
                           visible_2)
            result = final_subject_result(first, second, pass_mark, exempt)
            code_1 = _code(first, exempt)
            code_2 = _code(second, exempt) if not exempt else ""
            found = outcomes[key] = Outcome(
                result=result, counted=counted_score(first, second, pass_mark, exempt),
                score_1=codes[code_1] if code_1 else cell(first.value if first else None),
                score_2=codes[code_2] if code_2 else cell(second.value if second else None),
                result_word=results[result.value], exempt_word=yes_no[exempt])
            return found

        def reason_of(key: tuple) -> object:
            kind, reason = key
            reason = reason or ""
            if kind == ExemptionKind.REPEATER_KEPT:
                reason = f"{repeater}: {reason}" if reason else repeater
            found = reasons[key] = cell(reason)
            return found

        certificates: dict[tuple, tuple] = {}

        def certificate_cells(phasing_out: bool, found: Eligibility | None) -> tuple:
            reasons = found.reasons if found is not None else ()
            key = (phasing_out, found is not None and found.eligible, reasons)
            if key not in certificates:
                certificates[key] = (yes_no[phasing_out], yes_no[key[1]],
                                     cell("; ".join(words.reasons[r.value] for r in reasons)))
            return certificates[key]

        # Eligibility is over the whole enrolment. Without a trimester filter the lines hold
        # every subject of each enrolment, so it is worked out from them in this same pass
        # (one subject_standing per distinct line, one rule call per distinct enrolment);
        # with one, it is loaded for the whole enrolments (certificates.load_eligibility).
        whole_enrolments = self.filters.trimester is None
        loaded = {} if whole_enrolments else load_eligibility(enrolment_statement(self.filters))
        standings: dict[tuple, SubjectStanding] = {}
        decided: dict[tuple, Eligibility] = {}

        def standing_of(key: tuple) -> SubjectStanding:
            value_1, absence_1, value_2, absence_2, pass_mark, exempt = key
            found = standings[key] = subject_standing(SubjectOutcome(
                pass_mark, _mark(_points(value_1), Absence(absence_1) if absence_1 else None, True),
                _mark(_points(value_2), Absence(absence_2) if absence_2 else None, True), exempt))
            return found

        def eligibility_of(enrolment_id: int, facts: EligibilityFacts | None,
                           its_standings: tuple) -> Eligibility | None:
            if facts is None:
                return loaded.get(enrolment_id)
            key = (facts, its_standings)
            found = decided.get(key)
            if found is None:
                found = decided[key] = certificate_eligibility(facts, its_standings)
            return found

        result = db.session.connection().execute(line_statement(self.filters).execution_options(
            yield_per=YIELD_PER, stream_results=True))
        current = None
        current_phasing_out = False
        current_facts: EligibilityFacts | None = None
        pupil: tuple = ()
        # One enrolment's lines wait until its last subject is read: their last cells say
        # whether the whole enrolment leads to a certificate.
        waiting: list[tuple] = []
        waiting_standings: list[SubjectStanding] = []

        def release() -> Iterator:
            certificate = certificate_cells(current_phasing_out, eligibility_of(
                current, current_facts, tuple(waiting_standings)))
            for first_cells, why, subject, outcome, exempt, paid in waiting:
                cells = (*first_cells, *certificate, why)
                if detail:
                    yield ExportLine(cells, current, subject, outcome, exempt, paid, certificate)
                else:
                    yield cells
            waiting.clear()
            waiting_standings.clear()

        # A batch at a time: iterating the result row by row costs a fetch call per row.
        no_score = {why: cell(word) for why, word in words.no_score.items()}
        for (enrolment_id, subject_id, paid, passed_before, last_name, first_name,
             vts_account_id, birth_date, value_1, absence_1, value_2, absence_2, kind,
             reason, phasing_out, course_start, minimum_age, admission_requirement,
             admission_requirement_met, curriculum_completed_on, tested,
             ) in chain.from_iterable(result.partitions()):
            subject = subjects[subject_id]
            if enrolment_id != current:  # lines come grouped by enrolment
                if waiting:
                    yield from release()
                current = enrolment_id
                current_phasing_out = bool(phasing_out)
                day = days.get(birth_date)
                if day is None:
                    day = days[birth_date] = cell(_day(birth_date))
                pupil = (cell(last_name), cell(first_name), cell(vts_account_id or ""), day,
                         yes_no[bool(paid)])
                current_facts = facts_of(
                    track=subject.track, paid=bool(paid), birth_date=_day(birth_date),
                    course_start=_day(course_start), minimum_age=minimum_age,
                    passed_before=bool(passed_before), phasing_out=current_phasing_out,
                    admission_requirement=bool(admission_requirement),
                    admission_requirement_met=(None if admission_requirement_met is None
                                               else bool(admission_requirement_met)),
                    submitted_sittings=subject.submitted, generic_test_taken=bool(tested),
                    curriculum_completed_on=_day(curriculum_completed_on),
                ) if whole_enrolments else None
            exempt = kind is not None
            key = (value_1, absence_1, subject.visible_1, value_2, absence_2, subject.visible_2,
                   subject.pass_mark, exempt)
            outcome = outcomes.get(key) or outcome_of(key)
            if whole_enrolments:
                marks = (value_1, absence_1, value_2, absence_2, subject.pass_mark, exempt)
                waiting_standings.append(standings.get(marks) or standing_of(marks))
            if exempt:
                reason_cell = reasons.get((kind, reason)) or reason_of((kind, reason))
            else:
                reason_cell = empty
            # An unpaid or passed-before pupil has no exam opportunity: say why the line has no
            # score, so nobody at deliberation reads it as a missing or failed exam.
            why = empty
            if (not exempt and value_1 is None and absence_1 is None and value_2 is None
                    and absence_2 is None):
                if passed_before:
                    why = no_score.get("passed_before", empty)
                elif not paid:
                    why = no_score.get("unpaid", empty)
            first_cells = (*subject.head, *pupil, *subject.middle, outcome.score_1,
                           subject.trimester_2, outcome.score_2, outcome.result_word,
                           outcome.exempt_word, reason_cell, *subject.tail)
            waiting.append((first_cells, why, subject, outcome, exempt, bool(paid)))
        if waiting:
            yield from release()


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
    """`_csv_text` with a memory: an export repeats few distinct numbers, dates and times.

    Text typed by people (names, reasons) that a spreadsheet would run as a formula gets a
    leading quote; numbers are written from Decimal and int, never touched."""
    memo: dict[tuple[type, object], str] = {}

    def text(value: object) -> str:
        if type(value) is str:
            return neutralise_formula(value)
        key = (type(value), value)  # the type too: True == 1 and Decimal(7) == 7
        found = memo.get(key)
        if found is None:
            found = memo[key] = _csv_text(value, decimal_comma)
        return found

    return text


def csv_chunks(source: ExportSource, words: Words, delimiter: str = ";",
               batch: int = 2000) -> Iterator[bytes]:
    """UTF-8 with BOM, so Excel opens it right; decimal comma with the semicolon separator.

    Lines are written in batches into one reused buffer and sent as one chunk each: the
    response streams, and memory holds one batch, not the file."""
    text = _remembered_csv_text(delimiter == ";")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(map(text, words.headers))
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    lines = source.lines(words, text)
    writerows = writer.writerows
    while batch_lines := list(islice(lines, batch)):
        writerows(batch_lines)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


# ---------------------------------------------------------------- XLSX

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def sheet_name(subject: SubjectCells) -> str:
    """A sheet per course: type, group and id (unique), within Excel's 31 characters."""
    suffix = f" {subject.course_id}"
    base = _SHEET_FORBIDDEN.sub(" ", f"{subject.course_type} {subject.school}").strip()
    return base[: 31 - len(suffix)].rstrip() + suffix


def _xlsx_cell(formats: dict) -> Callable[[object], tuple | None]:
    """A value as the call that writes it: (Worksheet method, value, format), made once per
    distinct value, so a line's cells need no type tests or conversions (None: an empty
    cell, not written). Text always goes through write_string: a pupil named `=HYPERLINK(..)`
    is a string cell, never a formula. tests/deliberation pins every cell of a workbook.
    """
    memo: dict[tuple[type, object], tuple | None] = {}

    def typed(value: object) -> tuple | None:
        if value is None or value == "":
            return None
        if isinstance(value, Decimal):
            return (Worksheet.write_number, float(value), formats["number"])
        if isinstance(value, bool):
            return (Worksheet.write_string, str(value), None)
        if isinstance(value, int):
            return (Worksheet.write_number, value, None)
        if isinstance(value, datetime):
            return (Worksheet.write_datetime, value, formats["datetime"])
        if isinstance(value, date):
            return (Worksheet.write_datetime, datetime(value.year, value.month, value.day),
                    formats["date"])
        return (Worksheet.write_string, str(value), None)

    def cell(value: object) -> tuple | None:
        key = (type(value), value)  # the type too: True == 1 and Decimal(7) == 7
        try:
            return memo[key]
        except KeyError:
            found = memo[key] = typed(value)
            return found

    return cell


class _Sheet:
    def __init__(self, workbook, name: str, headers: list[str], formats: dict) -> None:
        self.sheet = workbook.add_worksheet(name)
        self.row = 0
        self.columns = len(headers)
        self.sheet.freeze_panes(1, 0)
        self.sheet.set_column(0, len(headers) - 1, 14)
        self.sheet.write_row(0, 0, headers, formats["header"])

    def write(self, cells: Iterable[tuple | None]) -> None:
        """One line of cells made by _xlsx_cell."""
        self.row += 1
        sheet, r = self.sheet, self.row
        for c, cell in enumerate(cells):
            if cell is not None:
                cell[0](sheet, r, c, cell[1], cell[2])

    def finish(self) -> None:
        self.sheet.autofilter(0, 0, max(self.row, 1), self.columns - 1)


@dataclass
class _PupilSummary:
    """The overall result of one enrolment, over the exported subjects."""

    first: ExportLine
    results: list[Result] = field(default_factory=list)
    total: Decimal = Decimal(0)
    maximum: Decimal = Decimal(0)

    def add(self, line: ExportLine) -> None:
        self.results.append(line.outcome.result)
        if not line.exempt:
            self.maximum += line.subject.maximum
            if line.outcome.counted is not None:
                self.total += line.outcome.counted

    def cells(self, words: Words, cell: Callable[[object], object]) -> list:
        result = course_result(self.results)
        return [
            *self.first.cells[:12],  # school .. paid: already cells
            *map(cell, (len(self.results), sum(1 for r in self.results if r.counts_as_passed),
                        self.total, self.maximum, words.results[result.value])),
            *self.first.certificate,  # phasing out, eligible, why not: the whole enrolment's
        ]


def write_xlsx(source: ExportSource, words: Words, path: str, per_course: bool) -> int:
    """Write the workbook to `path`; returns the number of score lines written."""
    # strings_to_formulas off: write_row (the headers) must never make a formula of a text.
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "tmpdir": os.path.dirname(path) or None})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#E6F2EC", "text_wrap": True,
                                       "valign": "top"}),
        # "General": 20 shows as 20 and 15.5 as 15,5 (Belgian locale) in Excel and LibreOffice
        # alike. With "0.##" Excel showed "20," (a dangling separator) where LibreOffice
        # showed "20", so the two did not agree.
        "number": workbook.add_format({"num_format": "General"}),
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
    }
    cell = _xlsx_cell(formats)
    summaries: list[_PupilSummary] = []
    summary: _PupilSummary | None = None
    sheets: dict[int, _Sheet] = {}
    long_sheet = None if per_course else _Sheet(workbook, words.long_sheet, words.headers, formats)
    written = 0
    for line in source.lines(words, cell, detail=True):
        if summary is None or summary.first.enrolment_id != line.enrolment_id:
            summary = _PupilSummary(line)  # lines come grouped by enrolment
            summaries.append(summary)
        summary.add(line)
        if per_course:
            target = sheets.get(line.subject.course_id)
            if target is None:
                target = sheets[line.subject.course_id] = _Sheet(
                    workbook, sheet_name(line.subject), words.headers, formats)
        else:
            target = long_sheet
        target.write(line.cells)
        written += 1
    if per_course and not sheets:
        long_sheet = _Sheet(workbook, words.long_sheet, words.headers, formats)
    for sheet in [*sheets.values(), *([long_sheet] if long_sheet else [])]:
        sheet.finish()
    pupils = _Sheet(workbook, words.pupil_sheet, words.pupil_headers, formats)
    for summary in summaries:
        pupils.write(summary.cells(words, cell))
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
