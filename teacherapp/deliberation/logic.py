"""The rules of a pupil import, as plain functions (no Flask, no database).

A school's spreadsheet becomes a plan: which rows create a pupil and enrolment, which update
one, which change nothing and which are refused, each with a reason code. The caller loads
what exists, asks for the plan, shows it, and applies it only when the user confirms.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from teacherapp.rules import (
    CourseResult,
    Mark,
    Refusal,
    course_result,
    enrolment_refusal,
    final_subject_result,
)
from teacherapp.tabular import Row, Table, parse_be_date, parse_yes_no

BRUSSELS = ZoneInfo("Europe/Brussels")

# Header names people use, Dutch and English (normalised by tabular.normalise_header).
FIRST_NAME = ("voornaam", "first name", "firstname", "given name", "roepnaam")
LAST_NAME = ("naam", "achternaam", "familienaam", "last name", "lastname", "surname",
             "family name", "name")
BIRTH_DATE = ("geboortedatum", "geboren", "geboortedag", "birth date", "date of birth",
              "birthdate", "dob")
VTS_ACCOUNT = ("vts account id", "vts account", "vts id", "vts accountnummer", "account id",
               "vts account number")
EMAIL = ("e mail", "email", "mail", "e mailadres", "emailadres", "email address")
PAID = ("betaald", "paid", "betaald op", "betaaldatum", "paid on", "payment date",
        "datum betaling")
METHOD = ("betaalwijze", "betaalmethode", "payment method", "wijze van betaling")
CODE = ("betaalcode", "payment code", "schoolcode", "school code")
PASSED_BEFORE = ("eerder geslaagd", "al geslaagd", "reeds geslaagd", "passed before",
                 "already passed")
PHASING_OUT = ("uitdovend", "phasing out")
SCHOOL_GRADE = ("leerjaar", "studiejaar", "jaar", "klasjaar", "school year", "grade", "year")
SEMESTER = ("semester",)
# Only names that say "id": a column "opleiding" with a course's name is ignored, as before.
COURSE = ("opleiding id", "opleidings id", "opleidingsid", "opleidingsnummer", "course id",
          "cursus id", "cursusnummer")

METHOD_WORDS: Mapping[str, str] = {
    "individueel": "individual", "individual": "individual", "persoonlijk": "individual",
    "overschrijving": "individual", "online": "individual",
    "schoolcode": "school_code", "school code": "school_code", "school_code": "school_code",
    "code": "school_code", "betaalcode": "school_code", "school": "school_code",
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 100
MAX_VTS_ID = 64
MAX_EMAIL = 254
MAX_CODE = 64


class FileProblem(enum.StrEnum):
    MISSING_COLUMNS = "missing_columns"
    NO_ROWS = "no_rows"


class RowProblem(enum.StrEnum):
    FIRST_NAME_MISSING = "first_name_missing"
    LAST_NAME_MISSING = "last_name_missing"
    NAME_TOO_LONG = "name_too_long"
    BIRTH_DATE_MISSING = "birth_date_missing"
    BIRTH_DATE_INVALID = "birth_date_invalid"
    VTS_ID_TOO_LONG = "vts_id_too_long"
    VTS_ID_CONFLICT = "vts_id_conflict"
    EMAIL_INVALID = "email_invalid"
    PAID_INVALID = "paid_invalid"
    METHOD_INVALID = "method_invalid"
    CODE_MISSING = "code_missing"
    CODE_TOO_LONG = "code_too_long"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    SCHOOL_YEAR_INVALID = "school_year_invalid"
    TOO_YOUNG = "too_young"
    PASSED_BEFORE = "passed_before"
    COURSE_OTHER = "course_other"  # another course the user may import into: not this one
    COURSE_NOT_ALLOWED = "course_not_allowed"  # not a number, unknown, or of another school


class Action(enum.StrEnum):
    CREATE = "create"  # a new pupil and their enrolment
    ENROL = "enrol"  # a pupil we know, enrolled in this course now
    UPDATE = "update"  # enrolled already; some fields change
    UNCHANGED = "unchanged"  # enrolled already; the file says what we have
    REJECT = "reject"


@dataclass(frozen=True)
class PaymentInput:
    paid: bool
    paid_on: date | None = None
    method: str | None = None  # "individual" or "school_code"
    code: str | None = None


@dataclass(frozen=True)
class ImportedPupil:
    """What one row of the file says, parsed; empty fields are None (keep what we have)."""

    first_name: str | None
    last_name: str | None
    birth_date: date | None
    vts_account_id: str | None
    email: str | None
    payment: PaymentInput | None
    passed_before: bool | None
    phasing_out: bool | None
    school_grade: int | None = None  # leerjaar 1-7
    school_semester: int | None = None  # 1 or 2

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class ExistingPupil:
    id: int
    first_name: str
    last_name: str
    birth_date: date
    school_id: int
    vts_account_id: str | None
    email: str | None


@dataclass(frozen=True)
class ExistingEnrolment:
    id: int
    pupil_id: int
    paid_at: datetime | None
    payment_method: str | None
    payment_code: str | None
    passed_before: bool
    phasing_out: bool
    school_grade: int | None = None
    school_semester: int | None = None


@dataclass(frozen=True)
class CourseFacts:
    school_id: int
    start_year: int
    minimum_age: int
    course_id: int = 0
    # A school coordinator's import: a known pupil of another school may be enrolled, but
    # the file never changes their personal data, and the plan shows none of it.
    protect_other_schools: bool = False


@dataclass(frozen=True)
class Change:
    field: str  # first_name, last_name, birth_date, email, vts_account_id, paid_at, ...
    old: object
    new: object


@dataclass
class PlannedRow:
    number: int  # the row number in the user's spreadsheet
    action: Action
    pupil: ImportedPupil | None = None
    pupil_id: int | None = None
    enrolment_id: int | None = None
    changes: list[Change] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    duplicate_of: int | None = None
    kept_payment: bool = False  # the file says unpaid, but a payment is registered: kept
    display_name: str = ""
    birth_date: date | None = None  # from the file, else the known pupil's
    other_school_id: int | None = None  # a known pupil registered at another school
    course_text: str = ""  # the course the row names (optional column), as the file says

    @property
    def enrols_unpaid(self) -> bool:
        """A new enrolment without a registered payment: no content, no exam until paid."""
        if self.action not in (Action.CREATE, Action.ENROL):
            return False
        return not (self.pupil and self.pupil.payment and self.pupil.payment.paid)


@dataclass
class ImportPlan:
    rows: list[PlannedRow]

    def with_action(self, *actions: Action) -> list[PlannedRow]:
        return [r for r in self.rows if r.action in actions]

    @property
    def unpaid_enrolments(self) -> int:
        return sum(1 for r in self.rows if r.enrols_unpaid)

    @property
    def from_other_schools(self) -> int:
        return sum(1 for r in self.rows
                   if r.other_school_id is not None and r.action != Action.REJECT)

    @property
    def counts(self) -> dict[Action, int]:
        counts = dict.fromkeys(Action, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def has_work(self) -> bool:
        return any(r.action in (Action.CREATE, Action.ENROL, Action.UPDATE) for r in self.rows)

    def signature(self) -> str:
        """A digest of what confirming would do, to notice the data changed since the preview."""
        digest = hashlib.sha256()
        for row in self.rows:
            digest.update(repr((row.number, row.action.value, row.pupil_id, row.enrolment_id,
                                [(c.field, str(c.new)) for c in row.changes],
                                [p.value for p in row.problems])).encode())
        return digest.hexdigest()[:32]


# ---------------------------------------------------------------- reading the file


def check_columns(table: Table) -> FileProblem | None:
    """A file must name its pupils: first and last name, or a VTS account id."""
    has_names = table.has_any(*FIRST_NAME) and table.has_any(*LAST_NAME)
    if not has_names and not table.has_any(*VTS_ACCOUNT):
        return FileProblem.MISSING_COLUMNS
    if not table.rows:
        return FileProblem.NO_ROWS
    return None


def course_ids_named(table: Table) -> set[int]:
    """The course ids a file's optional course column names (numbers only)."""
    return {int(text) for row in table.rows
            if (text := row.get(*COURSE).strip()).isdigit() and len(text) < 10}


def course_problem(row: Row, course_id: int, importable_ids: Collection[int]
                   ) -> RowProblem | None:
    """A row naming a course (optional column) must name the course being imported into."""
    text = row.get(*COURSE).strip()
    if not text:
        return None
    if not (text.isdigit() and len(text) < 10):
        return RowProblem.COURSE_NOT_ALLOWED
    if int(text) == course_id:
        return None
    return RowProblem.COURSE_OTHER if int(text) in importable_ids else RowProblem.COURSE_NOT_ALLOWED


def _clean_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parse_payment(paid_text: str, method_text: str, code_text: str
                  ) -> tuple[PaymentInput | None, list[RowProblem]]:
    """betaald (ja/nee or the date paid), betaalwijze, betaalcode -> a payment, or problems."""
    problems: list[RowProblem] = []
    code = code_text.strip() or None
    if code and len(code) > MAX_CODE:
        problems.append(RowProblem.CODE_TOO_LONG)
    method: str | None = None
    if method_text.strip():
        method = METHOD_WORDS.get(re.sub(r"[\s_\-]+", " ", method_text.strip().lower()))
        if method is None:
            problems.append(RowProblem.METHOD_INVALID)
    if not paid_text.strip():
        if method is None and code is None:
            return None, problems
        paid: bool | None = True  # a method or code without "betaald": the school paid
        paid_on = None
    else:
        paid_on = None
        paid = parse_yes_no(paid_text)
        if paid is None:
            try:
                paid_on = parse_be_date(paid_text.split(" ")[0])
                paid = True
            except ValueError:
                problems.append(RowProblem.PAID_INVALID)
                return None, problems
    if not paid:
        return PaymentInput(paid=False), problems
    if method is None and code:
        method = "school_code"
    if method == "school_code" and not code:
        problems.append(RowProblem.CODE_MISSING)
    return PaymentInput(True, paid_on, method, code), problems


def parse_row(row: Row) -> tuple[ImportedPupil, list[RowProblem]]:
    """One spreadsheet row as a pupil; problems that need no database are found here."""
    problems: list[RowProblem] = []
    first = _clean_name(row.get(*FIRST_NAME)) or None
    last = _clean_name(row.get(*LAST_NAME)) or None
    if (first and len(first) > MAX_NAME) or (last and len(last) > MAX_NAME):
        problems.append(RowProblem.NAME_TOO_LONG)
    birth: date | None = None
    birth_text = row.get(*BIRTH_DATE)
    if birth_text:
        try:
            birth = parse_be_date(birth_text.split(" ")[0])
        except ValueError:
            problems.append(RowProblem.BIRTH_DATE_INVALID)
        else:
            if not date(1900, 1, 1) <= birth <= date(2100, 1, 1):
                problems.append(RowProblem.BIRTH_DATE_INVALID)
                birth = None
    vts_id = row.get(*VTS_ACCOUNT).strip() or None
    if vts_id and len(vts_id) > MAX_VTS_ID:
        problems.append(RowProblem.VTS_ID_TOO_LONG)
    email = row.get(*EMAIL).strip().lower() or None
    if email and (len(email) > MAX_EMAIL or not _EMAIL.match(email)):
        problems.append(RowProblem.EMAIL_INVALID)
    payment, payment_problems = parse_payment(row.get(*PAID), row.get(*METHOD), row.get(*CODE))
    problems.extend(payment_problems)
    passed_before = parse_yes_no(row.get(*PASSED_BEFORE)) if row.get(*PASSED_BEFORE) else None
    phasing_out = parse_yes_no(row.get(*PHASING_OUT)) if row.get(*PHASING_OUT) else None
    grade = semester = None
    try:
        grade = parse_school_grade(row.get(*SCHOOL_GRADE))
        semester = parse_semester(row.get(*SEMESTER))
    except ValueError:
        problems.append(RowProblem.SCHOOL_YEAR_INVALID)
    return ImportedPupil(first, last, birth, vts_id, email, payment, passed_before,
                         phasing_out, grade, semester), problems


_ORDINAL = re.compile(r"^([1-7])\s*(e|de|ste|ste jaar|de jaar|e jaar|jaar)?$")


def parse_school_grade(text: str) -> int | None:
    """ "5", "5de", "5e jaar" -> 5; "" -> None (keep what we have); else ValueError."""
    cleaned = re.sub(r"\s+", " ", (text or "").strip().lower())
    if not cleaned:
        return None
    match = _ORDINAL.match(cleaned)
    if not match:
        raise ValueError(text)
    return int(match.group(1))


def parse_semester(text: str) -> int | None:
    """ "1", "2", "1ste", "2de" -> 1 or 2; "" -> None; else ValueError."""
    grade = parse_school_grade(text)
    if grade is not None and grade not in (1, 2):
        raise ValueError(text)
    return grade


# ---------------------------------------------------------------- deciding per row


def name_key(first_name: str, last_name: str, birth_date: date) -> tuple[str, str, date]:
    """How a pupil without a VTS account id is recognised within a school."""
    return (_clean_name(first_name).casefold(), _clean_name(last_name).casefold(), birth_date)


def paid_at_from(day: date) -> datetime:
    """A payment date from a spreadsheet means that day, Brussels time."""
    return datetime.combine(day, time(0), tzinfo=BRUSSELS).astimezone(UTC)


def _row_identity(person: ImportedPupil) -> list[tuple]:
    keys: list[tuple] = []
    if person.vts_account_id:
        keys.append(("vts", person.vts_account_id.casefold()))
    if person.first_name and person.last_name and person.birth_date:
        keys.append(("name", name_key(person.first_name, person.last_name, person.birth_date)))
    return keys


def _match(person: ImportedPupil, by_vts: Mapping[str, ExistingPupil],
           by_name: Mapping[tuple, ExistingPupil]) -> tuple[ExistingPupil | None, bool]:
    """The known pupil this row is about, and whether the VTS account ids conflict."""
    if person.vts_account_id:
        found = by_vts.get(person.vts_account_id.casefold())
        if found is not None:
            return found, False
    if person.first_name and person.last_name and person.birth_date:
        found = by_name.get(name_key(person.first_name, person.last_name, person.birth_date))
        if found is not None:
            conflict = bool(person.vts_account_id and found.vts_account_id
                            and found.vts_account_id.casefold() != person.vts_account_id.casefold())
            return found, conflict
    return None, False


def _pupil_changes(person: ImportedPupil, known: ExistingPupil) -> list[Change]:
    changes = []
    for name in ("first_name", "last_name", "birth_date", "email", "vts_account_id"):
        new = getattr(person, name)
        old = getattr(known, name)
        if new is None or new == old:
            continue
        if name in ("email", "vts_account_id") and old and new.casefold() == old.casefold():
            continue  # the same account, typed in other capitals
        changes.append(Change(name, old, new))
    return changes


def _payment_changes(payment: PaymentInput | None, enrolment: ExistingEnrolment | None,
                     now: datetime) -> tuple[list[Change], bool]:
    """Changes to the payment fields, and whether a registered payment was kept."""
    old_paid = enrolment.paid_at if enrolment else None
    old_method = enrolment.payment_method if enrolment else None
    old_code = enrolment.payment_code if enrolment else None
    if payment is None:
        return [], False
    if not payment.paid:
        # A list made before the payment arrived must not undo it: unpaying is done by hand.
        return [], old_paid is not None
    new_paid = paid_at_from(payment.paid_on) if payment.paid_on else (old_paid or now)
    # "betaald: ja" alone keeps how a registered payment was made; a new one is individual.
    new_method = payment.method or old_method or "individual"
    new_code = payment.code if payment.method else old_code
    if new_method == "individual" and payment.method:
        new_code = payment.code
    changes = []
    if new_paid != old_paid:
        changes.append(Change("paid_at", old_paid, new_paid))
    if new_method != old_method:
        changes.append(Change("payment_method", old_method, new_method))
    if new_code != old_code:
        changes.append(Change("payment_code", old_code, new_code))
    return changes, False


def plan_import(
    table: Table,
    course: CourseFacts,
    pupils_by_vts: Mapping[str, ExistingPupil],
    pupils_by_name: Mapping[tuple, ExistingPupil],
    enrolments_by_pupil: Mapping[int, ExistingEnrolment],
    passed_before_ids: Iterable[int],
    now: datetime,
    importable_course_ids: Collection[int] = frozenset(),
) -> ImportPlan:
    """Decide, row by row, what confirming this file would do to the course.

    `pupils_by_vts` is keyed by the casefolded VTS account id (any school: the id is the
    pupil's own account); `pupils_by_name` by name_key() within the course's school;
    `passed_before_ids` are known pupils who passed this course type in an earlier course;
    `importable_course_ids` the other courses named in the file that the user may import
    into (a row for one of them is refused as "another course", any other as not allowed).
    """
    passed_before = set(passed_before_ids)
    seen: dict[tuple, int] = {}
    planned: list[PlannedRow] = []
    for row in table.rows:
        person, problems = parse_row(row)
        result = PlannedRow(row.number, Action.REJECT, person, display_name=person.display_name)
        planned.append(result)
        wrong_course = course_problem(row, course.course_id, importable_course_ids)
        if wrong_course:
            result.course_text = row.get(*COURSE).strip()[:20]
            result.problems = [wrong_course]  # not matched to anyone: nothing of it is shown
            continue
        for key in _row_identity(person):
            if key in seen:
                result.duplicate_of = seen[key]
                problems.append(RowProblem.DUPLICATE_IN_FILE)
                break
        for key in _row_identity(person):
            seen.setdefault(key, row.number)
        known, conflict = _match(person, pupils_by_vts, pupils_by_name)
        if conflict:
            problems.append(RowProblem.VTS_ID_CONFLICT)
        if known is None:
            if not person.first_name:
                problems.append(RowProblem.FIRST_NAME_MISSING)
            if not person.last_name:
                problems.append(RowProblem.LAST_NAME_MISSING)
            if person.birth_date is None and RowProblem.BIRTH_DATE_INVALID not in problems:
                problems.append(RowProblem.BIRTH_DATE_MISSING)
        protected = (known is not None and known.school_id != course.school_id
                     and course.protect_other_schools)
        if known is not None:
            result.pupil_id = known.id
            if known.school_id != course.school_id:
                result.other_school_id = known.school_id
            if protected:
                result.display_name = result.display_name or (person.vts_account_id or "")
            else:
                result.display_name = (result.display_name
                                       or f"{known.first_name} {known.last_name}")
        birth = person.birth_date or (known.birth_date if known else None)
        result.birth_date = person.birth_date if protected else birth
        if birth is not None and not problems:
            refusal = enrolment_refusal(
                birth_date=birth, course_start_year=course.start_year,
                minimum_age=course.minimum_age,
                passed_before=bool(person.passed_before) or (known is not None
                                                             and known.id in passed_before))
            if refusal == Refusal.PASSED_BEFORE:
                problems.append(RowProblem.PASSED_BEFORE)
            elif refusal == Refusal.TOO_YOUNG:
                problems.append(RowProblem.TOO_YOUNG)
        if problems:
            result.problems = problems
            continue
        enrolment = enrolments_by_pupil.get(known.id) if known else None
        result.enrolment_id = enrolment.id if enrolment else None
        changes = _pupil_changes(person, known) if known and not protected else []
        payment_changes, kept = _payment_changes(person.payment, enrolment, now)
        result.kept_payment = kept
        changes.extend(payment_changes)
        if person.phasing_out is not None and (enrolment is None
                                               or enrolment.phasing_out != person.phasing_out):
            changes.append(Change("phasing_out", enrolment.phasing_out if enrolment else False,
                                  person.phasing_out))
        for name in ("school_grade", "school_semester"):
            new, old = getattr(person, name), getattr(enrolment, name) if enrolment else None
            if new is not None and new != old:
                changes.append(Change(name, old, new))
        result.changes = changes
        if known is None:
            result.action = Action.CREATE
        elif enrolment is None:
            result.action = Action.ENROL
        else:
            result.action = Action.UPDATE if changes else Action.UNCHANGED
    return ImportPlan(planned)


# ---------------------------------------------------------------- results of a course


def enrolment_result(
    subject_pass_marks: Mapping[int, Decimal],
    marks: Mapping[tuple[int, int], Mark],
    exempt_subject_ids: Iterable[int],
) -> CourseResult:
    """The overall result of one enrolment: subjects by id, marks by (subject, sitting).

    A course without subjects has no result yet (incomplete), never "passed".
    """
    if not subject_pass_marks:
        return CourseResult.INCOMPLETE
    exempt = set(exempt_subject_ids)
    return course_result(
        final_subject_result(marks.get((sid, 1)), marks.get((sid, 2)), pass_mark, sid in exempt)
        for sid, pass_mark in subject_pass_marks.items()
    )


def counted_score(first: Mark | None, second: Mark | None, pass_mark: Decimal,
                  exempt: bool) -> Decimal | None:
    """The score that counts for a subject: a first-sitting pass stands, else the second
    sitting decides once it has a mark. None for exempt subjects and absences."""
    if exempt:
        return None
    if first is not None and first.value is not None and first.value >= pass_mark:
        return first.value
    if second is not None and not second.is_empty:
        return second.value
    return first.value if first is not None else None
