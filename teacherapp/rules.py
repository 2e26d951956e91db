"""The rules of the VTS external courses, as plain functions (no Flask, no database).

Callers translate the reason codes returned here into the user's language; this module
only decides. See ../shared/DOMAIN.md for the regulation these encode.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

# ---------------------------------------------------------------- admission and eligibility


def is_age_admitted(birth_date: date, course_start_year: int, minimum_age: int) -> bool:
    """Admitted when the pupil turns at least minimum_age in the year the course starts."""
    return course_start_year - birth_date.year >= minimum_age


class Refusal(enum.StrEnum):
    """Why a pupil cannot be scored or enrolled."""

    NOT_PAID = "not_paid"
    TOO_YOUNG = "too_young"
    PASSED_BEFORE = "passed_before"


def enrolment_refusal(
    *, birth_date: date, course_start_year: int, minimum_age: int, passed_before: bool
) -> Refusal | None:
    """Why this pupil may not enrol in a course of this type, or None if they may."""
    if passed_before:
        return Refusal.PASSED_BEFORE
    if not is_age_admitted(birth_date, course_start_year, minimum_age):
        return Refusal.TOO_YOUNG
    return None


def scoring_refusal(
    *, is_paid: bool, birth_date: date, course_start_year: int, minimum_age: int,
    passed_before: bool = False,
) -> Refusal | None:
    """Why no score may be accepted for this enrolment, or None if scores are accepted.

    Until the fee is registered as paid the pupil has no exam opportunity.
    """
    if not is_paid:
        return Refusal.NOT_PAID
    return enrolment_refusal(
        birth_date=birth_date,
        course_start_year=course_start_year,
        minimum_age=minimum_age,
        passed_before=passed_before,
    )


# ---------------------------------------------------------------- typed scores


class Absence(enum.StrEnum):
    ABSENT = "absent"
    EXCUSED = "excused"


# What people type for an absence, in Dutch and English, lower-cased.
ABSENCE_WORDS: Mapping[str, Absence] = {
    "a": Absence.ABSENT,
    "abs": Absence.ABSENT,
    "afw": Absence.ABSENT,
    "afwezig": Absence.ABSENT,
    "absent": Absence.ABSENT,
    "ga": Absence.EXCUSED,
    "gew": Absence.EXCUSED,
    "gewettigd": Absence.EXCUSED,
    "gewettigd afwezig": Absence.EXCUSED,
    "wa": Absence.EXCUSED,
    "excused": Absence.EXCUSED,
    "excused absent": Absence.EXCUSED,
}


class ScoreError(enum.StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    ABOVE_MAXIMUM = "above_maximum"
    TOO_PRECISE = "too_precise"


class ScoreParseError(ValueError):
    def __init__(self, code: ScoreError, maximum: Decimal | None = None) -> None:
        super().__init__(code.value)
        self.code = code
        self.maximum = maximum


@dataclass(frozen=True)
class Mark:
    """What a sitting holds for one pupil and subject: a value, an absence, or nothing."""

    value: Decimal | None = None
    absence: Absence | None = None

    def __post_init__(self) -> None:
        if self.value is not None and self.absence is not None:
            raise ValueError("a mark is a value or an absence, not both")

    @property
    def is_empty(self) -> bool:
        return self.value is None and self.absence is None


_NUMBER = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)$")


def parse_score(text: str, maximum: Decimal) -> Mark:
    """Parse what a teacher typed into a score field.

    Accepts "7,5", "7.5", " 8 ", a trailing "/10", and absence words ("afwezig", "a", "ga").
    At most two decimals; 0..maximum. Raises ScoreParseError with a code otherwise.
    """
    cleaned = (text or "").strip().lower()
    cleaned = re.sub(r"\s+", " ", cleaned)
    if not cleaned:
        raise ScoreParseError(ScoreError.EMPTY)
    if cleaned in ABSENCE_WORDS:
        return Mark(absence=ABSENCE_WORDS[cleaned])
    if "/" in cleaned:  # "7,5/10": the part after the slash is the maximum people wrote
        cleaned = cleaned.split("/", 1)[0].strip()
    cleaned = cleaned.replace(" ", "")
    if not _NUMBER.match(cleaned):
        raise ScoreParseError(ScoreError.NOT_A_NUMBER)
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise ScoreParseError(ScoreError.NOT_A_NUMBER) from exc
    if value < 0:
        raise ScoreParseError(ScoreError.NEGATIVE)
    if value > maximum:
        raise ScoreParseError(ScoreError.ABOVE_MAXIMUM, maximum)
    if value != value.quantize(Decimal("0.01")):
        raise ScoreParseError(ScoreError.TOO_PRECISE)
    return Mark(value=value.quantize(Decimal("0.01")) if value % 1 else value.quantize(Decimal("1")))


def format_score(value: Decimal | None, decimal_comma: bool = True) -> str:
    """7.50 -> "7,5", 8.00 -> "8": how a Flemish teacher writes a score."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


# ---------------------------------------------------------------- results


class Result(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    EXEMPT = "exempt"
    ABSENT = "absent"
    MISSING = "missing"

    @property
    def counts_as_passed(self) -> bool:
        return self in (Result.PASSED, Result.EXEMPT)


def sitting_result(mark: Mark | None, pass_mark: Decimal, exempt: bool = False) -> Result:
    """The result of one subject in one sitting."""
    if exempt:
        return Result.EXEMPT
    if mark is None or mark.is_empty:
        return Result.MISSING
    if mark.absence is not None:
        return Result.ABSENT
    assert mark.value is not None
    return Result.PASSED if mark.value >= pass_mark else Result.FAILED


def may_take_second_sitting(first: Result, first_sitting_submitted: bool = True) -> bool:
    """Only a subject not passed in the first sitting goes to the second: failed, absent, or
    (once the first sitting is submitted) never taken. A pupil who paid after the first
    sitting was submitted has no first-sitting mark: the late payer takes the sitting still
    open, the second, for every subject (see docs/regulation.md)."""
    if first == Result.MISSING:
        return first_sitting_submitted
    return first in (Result.FAILED, Result.ABSENT)


def final_subject_result(
    first: Mark | None, second: Mark | None, pass_mark: Decimal, exempt: bool = False
) -> Result:
    """The final result of a subject after both sittings.

    Exempt counts as passed. A first-sitting pass stands (a second-sitting mark for it is
    ignored). Otherwise the second sitting decides once it has a mark; until then the
    first-sitting result holds.
    """
    if exempt:
        return Result.EXEMPT
    first_result = sitting_result(first, pass_mark)
    if not may_take_second_sitting(first_result):
        return first_result
    second_result = sitting_result(second, pass_mark)
    if second_result == Result.MISSING:
        return first_result
    return second_result


@dataclass(frozen=True)
class SubjectRule:
    subject_id: int
    pass_mark: Decimal


def second_sitting_subjects(
    subjects: Iterable[SubjectRule],
    first_marks: Mapping[int, Mark],
    exempt_subject_ids: Iterable[int] = (),
    first_sitting_submitted: bool = True,
) -> list[int]:
    """Subject ids this pupil may take in the second sitting: not passed, never exempt."""
    exempt = set(exempt_subject_ids)
    return [
        subject.subject_id
        for subject in subjects
        if subject.subject_id not in exempt
        and may_take_second_sitting(sitting_result(first_marks.get(subject.subject_id),
                                                   subject.pass_mark), first_sitting_submitted)
    ]


class CourseResult(enum.StrEnum):
    PASSED = "passed"  # every subject passed or exempt: eligible for the certificate
    FAILED = "failed"
    INCOMPLETE = "incomplete"  # a subject still has no final result


def course_result(subject_results: Iterable[Result]) -> CourseResult:
    results = list(subject_results)
    if any(r == Result.MISSING for r in results):
        return CourseResult.INCOMPLETE
    if all(r.counts_as_passed for r in results):
        return CourseResult.PASSED
    return CourseResult.FAILED


# ---------------------------------------------------------------- completeness of a sitting

SITTINGS = (1, 2)  # the first sitting and the second (herexamen)


@dataclass(frozen=True)
class MissingCell:
    enrolment_id: int
    subject_id: int


def required_cells(
    sitting: int,
    enrolment_ids: Iterable[int],
    subjects: Iterable[SubjectRule],
    marks: Mapping[tuple[int, int, int], Mark],
    exemptions: Iterable[tuple[int, int]],
    first_sitting_submitted: bool = True,
) -> Iterator[tuple[int, int, bool]]:
    """Every (pupil, subject) cell that needs a mark in this sitting, and whether it has one:
    (enrolment_id, subject_id, has_mark).

    `marks` is keyed by (enrolment_id, subject_id, sitting); `enrolment_ids` holds only the
    enrolments that can be scored (paid, admitted). Exempt cells never need a mark. In the
    second sitting only the subjects not passed in the first need one (with no first mark:
    once the first sitting is submitted, a late payer). An absence is a mark.
    """
    exempt = exemptions if isinstance(exemptions, (set, frozenset)) else set(exemptions)
    subject_list = list(subjects)
    for enrolment_id in enrolment_ids:
        for subject in subject_list:
            if (enrolment_id, subject.subject_id) in exempt:
                continue
            if sitting == 2:
                first = marks.get((enrolment_id, subject.subject_id, 1))
                if not may_take_second_sitting(sitting_result(first, subject.pass_mark),
                                               first_sitting_submitted):
                    continue
            mark = marks.get((enrolment_id, subject.subject_id, sitting))
            yield enrolment_id, subject.subject_id, mark is not None and not mark.is_empty


def missing_cells(
    sitting: int,
    enrolment_ids: Iterable[int],
    subjects: Iterable[SubjectRule],
    marks: Mapping[tuple[int, int, int], Mark],
    exemptions: Iterable[tuple[int, int]],
    first_sitting_submitted: bool = True,
) -> list[MissingCell]:
    """Which (pupil, subject) cells still need a mark before this sitting can be submitted
    (the `required_cells` without one)."""
    return [MissingCell(enrolment_id, subject_id) for enrolment_id, subject_id, has_mark
            in required_cells(sitting, enrolment_ids, subjects, marks, exemptions,
                              first_sitting_submitted)
            if not has_mark]


# ---------------------------------------------------------------- rubric suggestion


@dataclass(frozen=True)
class RubricSuggestion:
    points: Decimal  # sum of the chosen levels' points
    maximum_points: Decimal  # sum of each criterion's highest level
    suggested: Decimal  # scaled to the subject's maximum, rounded to 0.5
    chosen: int
    criteria: int

    @property
    def is_complete(self) -> bool:
        return self.chosen == self.criteria


def rubric_suggestion(
    chosen_points: Iterable[Decimal],
    criterion_maxima: Iterable[Decimal],
    subject_maximum: Decimal,
) -> RubricSuggestion | None:
    """Scale the rubric total to the subject's maximum: points / max points x subject max.

    Rounded half up to the nearest 0.5, the precision Flemish teachers score in.
    None when nothing is chosen or the rubric has no points.
    """
    chosen = list(chosen_points)
    maxima = list(criterion_maxima)
    maximum_points = sum(maxima, Decimal(0))
    if not chosen or maximum_points <= 0:
        return None
    points = sum(chosen, Decimal(0))
    raw = points / maximum_points * subject_maximum
    suggested = (raw * 2).quantize(Decimal("1"), rounding="ROUND_HALF_UP") / 2
    suggested = min(max(suggested, Decimal(0)), subject_maximum)
    return RubricSuggestion(points, maximum_points, suggested, len(chosen), len(maxima))


# ---------------------------------------------------------------- school years and trimesters


def school_year_of(day: date) -> str:
    """The school year (1 Sep - 31 Aug) a date falls in, as "2026-2027"."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def trimester_of(day: date) -> int:
    """Trimester 1: Sep-Dec, 2: Jan-Mar, 3: Apr-Aug."""
    if day.month >= 9:
        return 1
    if day.month <= 3:
        return 2
    return 3


def trimester_days(school_year: str, trimester: int) -> tuple[date, date]:
    """The first and the last day of a school year's trimester (as `trimester_of` counts)."""
    start = int(school_year[:4])
    return {1: (date(start, 9, 1), date(start, 12, 31)),
            2: (date(start + 1, 1, 1), date(start + 1, 3, 31)),
            3: (date(start + 1, 4, 1), date(start + 1, 8, 31))}[trimester]


MINIMUM_PUPILS_TRACK_1 = 10


def needs_justification(track: int, pupil_count: int) -> bool:
    """Track-1 courses under 10 pupils need an extra justification."""
    return track == 1 and pupil_count < MINIMUM_PUPILS_TRACK_1


# ---------------------------------------------------------------- course types and tracks


class Family(enum.StrEnum):
    """The course types the regulation names, recognised by the start of a type's code:
    "S2C", "S2C-VOETBAL" (sport-specific Start 2 Coach), "MM", "C4S", "HR", "INI-VB"."""

    S2C = "S2C"
    MM = "MM"
    C4S = "C4S"
    HR = "HR"
    INITIATOR = "INI"


def course_family(code: str) -> Family | None:
    """The family of a course type from its code, or None for a type the regulation does
    not name."""
    head = re.split(r"[^0-9A-Z]", (code or "").strip().upper(), maxsplit=1)[0]
    if head == "INITIATOR":
        return Family.INITIATOR
    try:
        return Family(head)
    except ValueError:
        return None


# "Spoor 2: Voor S2C en MM": track 2 exists for Start 2 Coach and Multimove only.
TRACK_2_FAMILIES = frozenset({Family.S2C, Family.MM})
AUTOMATIC_TRACK_2 = "automatic_track2"  # RecognitionBasis.AUTOMATIC_TRACK2


def track_2_allowed(course_type_code: str) -> bool:
    return course_family(course_type_code) in TRACK_2_FAMILIES


def basis_covers_track(basis: str, track: int) -> bool:
    """A recognition counts for a course of this track: the automatic recognition of a BK
    school's teacher is for track 2 only; an LO or VTS qualification (with the refresher
    training) counts on both tracks."""
    return basis != AUTOMATIC_TRACK_2 or track == 2


def basis_allowed_for(basis: str, course_type_code: str) -> bool:
    """The automatic (track 2) recognition exists only where track 2 does: S2C and MM."""
    return basis != AUTOMATIC_TRACK_2 or track_2_allowed(course_type_code)


# ---------------------------------------------------------------- school years (leerjaar)

# The reference's table "Praktische aanpak: studiejaren" (4th to 7th year, two semesters
# each), read by counting its marks per row: the first (year, semester) each type fits.
FIRST_SCHOOL_YEAR: Mapping[Family, tuple[int, int]] = {
    Family.S2C: (4, 1),
    Family.MM: (4, 2),
    Family.C4S: (5, 1),
    Family.HR: (6, 1),
}
LAST_SCHOOL_YEAR = 7
BK_TRACK_2_FROM_YEAR = 6  # a BK school organising S2C/MM before the 6th year: track 1


class SchoolYearWarning(enum.StrEnum):
    """A pupil's school year against the regulation's guidance (a warning, never a block)."""

    BEFORE_TABLE = "before_table"  # earlier than the table's first year for this type
    AFTER_TABLE = "after_table"  # after the 7th year
    TRACK_2_BEFORE_SIXTH = "track_2_before_sixth"  # track 2 below the 6th year: track 1


def school_year_warnings(course_type_code: str, track: int, grade: int | None,
                         semester: int | None) -> list[SchoolYearWarning]:
    """Why this school year does not fit the course, per the regulation's table; [] when it
    fits or is unknown. Without a semester, the first semester of the year is assumed."""
    if grade is None:
        return []
    warnings: list[SchoolYearWarning] = []
    first = FIRST_SCHOOL_YEAR.get(course_family(course_type_code))  # type: ignore[arg-type]
    if first is not None and (grade, semester or 1) < first:
        warnings.append(SchoolYearWarning.BEFORE_TABLE)
    if grade > LAST_SCHOOL_YEAR:
        warnings.append(SchoolYearWarning.AFTER_TABLE)
    if track == 2 and grade < BK_TRACK_2_FROM_YEAR:
        warnings.append(SchoolYearWarning.TRACK_2_BEFORE_SIXTH)
    return warnings


# ---------------------------------------------------------------- who gets a certificate


class NotEligible(enum.StrEnum):
    """Why an enrolment does not (yet) lead to a certificate (attest)."""

    NOT_PAID = "not_paid"
    TOO_YOUNG = "too_young"
    PASSED_BEFORE = "passed_before"
    ADMISSION_REQUIREMENT = "admission_requirement"  # sport-technical requirement not met
    NO_SUBJECTS = "no_subjects"
    SUBJECT_FAILED = "subject_failed"
    RESULT_INCOMPLETE = "result_incomplete"  # a subject has no final result yet
    NOT_SUBMITTED = "not_submitted"  # the scores that count are not submitted to VTS
    NO_GENERIC_TEST = "no_generic_test"  # track 1: the generic competence test not taken
    CURRICULUM_NOT_COMPLETED = "curriculum_not_completed"  # track 2 / phasing out
    PHASING_OUT_ENDED = "phasing_out_ended"  # graduated after PHASING_OUT_LAST_SCHOOL_YEAR


# "Uitdovend: bij afstuderen tijdens schooljaar 2027-2028, vrijstellingsattest. Stopt in
# 2027-2028." The last school year a phasing-out pupil can graduate in for the exemption
# attest; graduating later brings none (such a pupil switches to track 1 and its rule).
PHASING_OUT_LAST_SCHOOL_YEAR = "2027-2028"


def phasing_out_ended(graduated_in: str | None) -> bool:
    """Whether graduating in this school year ("2028-2029") is after the phasing out ended;
    False while the pupil has not graduated (None)."""
    return (graduated_in is not None
            and int(graduated_in[:4]) > int(PHASING_OUT_LAST_SCHOOL_YEAR[:4]))


class Certificate(enum.StrEnum):
    TRACK_1 = "track_1"  # the course completed and the generic competence test taken
    TRACK_2 = "track_2"  # the BK curriculum completed (graduated from the 6th year)
    PHASING_OUT = "phasing_out"  # old system: an exemption certificate on graduating


@dataclass(frozen=True)
class SubjectOutcome:
    """One subject of the enrolment: its marks in both sittings and whether it is exempt."""

    pass_mark: Decimal
    first: Mark | None = None
    second: Mark | None = None
    exempt: bool = False


@dataclass(frozen=True)
class EligibilityFacts:
    """Everything about one whole enrolment that decides its certificate."""

    track: int
    is_paid: bool
    age_admitted: bool
    passed_before: bool = False
    phasing_out: bool = False
    admission_requirement: bool = False  # the course type has sport-technical requirements
    admission_requirement_met: bool | None = None
    subjects: tuple[SubjectOutcome, ...] = ()
    submitted_sittings: frozenset[int] = frozenset()
    generic_test_taken: bool = False
    curriculum_completed: bool = False
    graduated_in: str | None = None  # the school year the BK curriculum was completed in


@dataclass(frozen=True)
class Eligibility:
    certificate: Certificate
    reasons: tuple[NotEligible, ...]

    @property
    def eligible(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class SubjectStanding:
    """What one subject of an enrolment contributes to its certificate."""

    result: Result  # the final result over both sittings
    needs_second: bool  # its second sitting counts (taken after a first not passed)


def subject_standing(subject: SubjectOutcome) -> SubjectStanding:
    first = sitting_result(subject.first, subject.pass_mark)
    return SubjectStanding(
        result=final_subject_result(subject.first, subject.second, subject.pass_mark,
                                    subject.exempt),
        needs_second=(not subject.exempt and may_take_second_sitting(first)
                      and subject.second is not None and not subject.second.is_empty))


def _course_reasons(standings: tuple[SubjectStanding, ...],
                    submitted_sittings: frozenset[int]) -> list[NotEligible]:
    """The track-1 course itself: every subject passed or exempt, the scores submitted."""
    if not standings:
        return [NotEligible.NO_SUBJECTS]
    reasons: list[NotEligible] = []
    results = [standing.result for standing in standings]
    overall = course_result(results)
    if overall == CourseResult.FAILED:
        reasons.append(NotEligible.SUBJECT_FAILED)
    elif overall == CourseResult.INCOMPLETE:
        reasons.append(NotEligible.RESULT_INCOMPLETE)
    counted = {1, 2} if any(standing.needs_second for standing in standings) else {1}
    if any(r != Result.EXEMPT for r in results) and not counted <= submitted_sittings:
        reasons.append(NotEligible.NOT_SUBMITTED)
    return reasons


def certificate_eligibility(facts: EligibilityFacts,
                            standings: tuple[SubjectStanding, ...] | None = None) -> Eligibility:
    """Who gets a certificate (attest), and why not: every reason, for the whole enrolment.

    `standings`: `subject_standing` of each of `facts.subjects`, when the caller has them
    already (the export works out each distinct line once); derived from the facts otherwise.

    The one rule behind the pupil page, the year overview and every export; it always sees
    every subject of the enrolment, never a filtered selection.
    - Any track: the fee paid, the age rule met, not passed this course type before, and the
      type's sport-technical admission requirements met where it has them.
    - Track 1: every subject passed or exempt in scores submitted to VTS, and the generic
      competence test taken ("na succesvolle voltooiing opleiding (en afleggen generieke
      competentietoets)").
    - Track 2: the BK curriculum completed ("bij voltooiing BK-leerplan"); VTS scores do not
      decide.
    - Phasing out of the old system (uitdovend): an exemption certificate on graduating, by
      school year PHASING_OUT_LAST_SCHOOL_YEAR at the latest; a phasing-out pupil who takes
      the generic test moves to track 1 and its rule.
    """
    reasons: list[NotEligible] = []
    if not facts.is_paid:
        reasons.append(NotEligible.NOT_PAID)
    if not facts.age_admitted:
        reasons.append(NotEligible.TOO_YOUNG)
    if facts.passed_before:
        reasons.append(NotEligible.PASSED_BEFORE)
    if facts.admission_requirement and facts.admission_requirement_met is not True:
        reasons.append(NotEligible.ADMISSION_REQUIREMENT)
    if facts.phasing_out and not facts.generic_test_taken:
        certificate = Certificate.PHASING_OUT
        if not facts.curriculum_completed:
            reasons.append(NotEligible.CURRICULUM_NOT_COMPLETED)
        elif phasing_out_ended(facts.graduated_in):
            reasons.append(NotEligible.PHASING_OUT_ENDED)
    elif facts.track == 2 and not facts.phasing_out:
        certificate = Certificate.TRACK_2
        if not facts.curriculum_completed:
            reasons.append(NotEligible.CURRICULUM_NOT_COMPLETED)
    else:
        certificate = Certificate.TRACK_1
        if standings is None:
            standings = tuple(map(subject_standing, facts.subjects))
        reasons.extend(_course_reasons(standings, facts.submitted_sittings))
        if not facts.generic_test_taken:
            reasons.append(NotEligible.NO_GENERIC_TEST)
    return Eligibility(certificate, tuple(reasons))
