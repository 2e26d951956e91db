"""Who gets a certificate, loaded for whole enrolments, and the generic test's results.

`load_eligibility` gathers the facts `rules.certificate_eligibility` needs for each enrolment,
always over all of its subjects and both sittings: the pupil page, the year overview and
every export ask here, so that a filter (a trimester, a sitting) can never change the answer.
A fixed number of queries however many enrolments.

`record_generic_test_result` is the one write of a generic competence test result, whoever
brings it: the secretariat's form, a pupil import or the content platform's feed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from teacherapp import audit
from teacherapp.extensions import db
from teacherapp.models import (
    Course,
    CourseType,
    Enrolment,
    Exemption,
    GenericTestResult,
    Pupil,
    Score,
    Subject,
    Submission,
    SubmissionState,
)
from teacherapp.rules import (
    PHASING_OUT_LAST_SCHOOL_YEAR,
    Absence,
    Certificate,
    Eligibility,
    EligibilityFacts,
    Mark,
    NotEligible,
    SubjectOutcome,
    certificate_eligibility,
    is_age_admitted,
    school_year_of,
)

GENERIC_TEST_SOURCES = ("form", "import", "xapi")
_CHUNK = 900  # ids per IN list: well below every database's limit on bound parameters


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    it = iter(ids)
    while chunk := list(islice(it, _CHUNK)):
        yield chunk


def admitted_minimum_age():
    """SQL: the minimum age an enrolment was admitted under (its course type's for an
    enrolment recorded before the rule was kept per enrolment)."""
    return func.coalesce(Enrolment.admitted_minimum_age, CourseType.minimum_age)


def load_eligibility(enrolments: Iterable[int] | Select) -> dict[int, Eligibility]:
    """The certificate eligibility of each enrolment, over the whole enrolment.

    `enrolments`: ids, or a statement selecting enrolment ids (an export's selection: its
    enrolments are then read in the same fixed number of queries however many there are)."""
    if isinstance(enrolments, Select):
        return _load(lambda column: column.in_(enrolments))
    ids = sorted(set(enrolments))
    result: dict[int, Eligibility] = {}
    for chunk in _chunks(ids):
        result.update(_load(lambda column, chunk=chunk: column.in_(chunk)))
    return result


def facts_of(*, track: int, paid: bool, birth_date: date, course_start: date, minimum_age: int,
             passed_before: bool, phasing_out: bool, admission_requirement: bool,
             admission_requirement_met: bool | None, submitted_sittings: frozenset[int],
             generic_test_taken: bool, curriculum_completed_on: date | None) -> EligibilityFacts:
    """An enrolment's facts for the rule, all but its subjects (the export reads those in its
    own pass, and so these facts from its own lines)."""
    return EligibilityFacts(
        track=track, is_paid=paid,
        age_admitted=is_age_admitted(birth_date, course_start.year, minimum_age),
        passed_before=passed_before, phasing_out=phasing_out,
        admission_requirement=admission_requirement,
        admission_requirement_met=admission_requirement_met,
        submitted_sittings=submitted_sittings, generic_test_taken=generic_test_taken,
        curriculum_completed=curriculum_completed_on is not None,
        graduated_in=school_year_of(curriculum_completed_on) if curriculum_completed_on else None)


def generic_test_taken():
    """SQL: whether the enrolment has a generic competence test result."""
    return select(GenericTestResult.id).where(
        GenericTestResult.enrolment_id == Enrolment.id).exists()


def _facts_without_subjects(among: Callable[[Any], Any]) -> dict[int, tuple[int, EligibilityFacts]]:
    enrolments = db.session.execute(
        select(Enrolment.id, Enrolment.course_id, Course.track, Enrolment.paid_at,
               Enrolment.passed_before, Enrolment.phasing_out, Pupil.birth_date,
               Course.start_date, admitted_minimum_age().label("minimum_age"),
               CourseType.admission_requirement, Enrolment.admission_requirement_met,
               Enrolment.curriculum_completed_on)
        .join(Pupil, Pupil.id == Enrolment.pupil_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseType, CourseType.id == Course.course_type_id)
        .where(among(Enrolment.id))).all()
    courses = select(Enrolment.course_id).where(among(Enrolment.id))
    submitted: dict[int, set[int]] = defaultdict(set)
    for course_id, sitting in db.session.execute(
            select(Submission.course_id, Submission.sitting)
            .where(Submission.course_id.in_(courses),
                   Submission.state == SubmissionState.SUBMITTED)):
        submitted[course_id].add(sitting)
    sittings = {course_id: frozenset(found) for course_id, found in submitted.items()}
    tested = set(db.session.scalars(
        select(GenericTestResult.enrolment_id).distinct()
        .where(among(GenericTestResult.enrolment_id))))
    return {row.id: (row.course_id, facts_of(
        track=row.track, paid=row.paid_at is not None, birth_date=row.birth_date,
        course_start=row.start_date, minimum_age=row.minimum_age,
        passed_before=row.passed_before, phasing_out=row.phasing_out,
        admission_requirement=bool(row.admission_requirement),
        admission_requirement_met=row.admission_requirement_met,
        submitted_sittings=sittings.get(row.course_id, frozenset()),
        generic_test_taken=row.id in tested,
        curriculum_completed_on=row.curriculum_completed_on,
    )) for row in enrolments}


def _load(among: Callable[[Any], Any]) -> dict[int, Eligibility]:
    """Eligibility of the enrolments whose id satisfies `among(column)`."""
    facts = _facts_without_subjects(among)
    courses = select(Enrolment.course_id).where(among(Enrolment.id))
    subjects: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for subject_id, course_id, pass_mark in db.session.execute(
            select(Subject.id, Subject.course_id, Subject.pass_mark)
            .where(Subject.course_id.in_(courses)).order_by(Subject.position, Subject.id)):
        subjects[course_id].append((subject_id, pass_mark))
    marks: dict[tuple[int, int, int], Mark] = {}
    for enrolment_id, subject_id, sitting, value, absence in db.session.execute(
            select(Score.enrolment_id, Score.subject_id, Score.sitting, Score.value, Score.absence)
            .where(among(Score.enrolment_id))):
        if value is not None or absence is not None:
            marks[(enrolment_id, subject_id, sitting)] = Mark(
                value, Absence(absence) if absence else None)
    exempt = {(enrolment_id, subject_id) for enrolment_id, subject_id in db.session.execute(
        select(Exemption.enrolment_id, Exemption.subject_id)
        .where(among(Exemption.enrolment_id)))}
    return {enrolment_id: certificate_eligibility(replace(base, subjects=tuple(
        SubjectOutcome(pass_mark, marks.get((enrolment_id, subject_id, 1)),
                       marks.get((enrolment_id, subject_id, 2)),
                       (enrolment_id, subject_id) in exempt)
        for subject_id, pass_mark in subjects[course_id])))
        for enrolment_id, (course_id, base) in facts.items()}


def record_generic_test_result(enrolment: Enrolment, passed: bool, score: Decimal | None,
                               source: str, at: datetime) -> GenericTestResult:
    """Record one result of the generic competence test for this enrolment, in the caller's
    transaction (the caller commits), with its audit event.

    `source` says who brought it ("form", "import" or "xapi"); `at` is when the pupil took
    the test. The same (enrolment, source, moment) again updates that result, so a feed or
    an import delivered twice records it once.
    """
    if source not in GENERIC_TEST_SOURCES:
        raise ValueError(f"unknown source {source!r}")
    row = db.session.scalar(select(GenericTestResult).where(
        GenericTestResult.enrolment_id == enrolment.id, GenericTestResult.source == source,
        GenericTestResult.taken_at == at))
    if row is None:
        row = GenericTestResult(enrolment_id=enrolment.id, passed=passed, score=score,
                                source=source, taken_at=at)
        db.session.add(row)
        db.session.flush()
        audit.record("create", "generic_test_result", row.id, course_id=enrolment.course_id,
                     new=f"passed={passed}; score={score}; source={source}; at={at.isoformat()}")
    elif (row.passed, row.score) != (passed, score):
        audit.record("update", "generic_test_result", row.id, field="passed",
                     old=f"{row.passed} {row.score}", new=f"{passed} {score}",
                     course_id=enrolment.course_id)
        row.passed, row.score = passed, score
    return row


# ---------------------------------------------------------------- words

NOT_ELIGIBLE = {
    NotEligible.NOT_PAID: _l("fee not paid"),
    NotEligible.TOO_YOUNG: _l("below the minimum age"),
    NotEligible.PASSED_BEFORE: _l("passed this course type before"),
    NotEligible.ADMISSION_REQUIREMENT: _l("sport-technical admission requirements not met"),
    NotEligible.NO_SUBJECTS: _l("the course has no subjects"),
    NotEligible.SUBJECT_FAILED: _l("a subject not passed"),
    NotEligible.RESULT_INCOMPLETE: _l("a subject has no result yet"),
    NotEligible.NOT_SUBMITTED: _l("scores not submitted to VTS yet"),
    NotEligible.NO_GENERIC_TEST: _l("generic competence test not taken"),
    NotEligible.CURRICULUM_NOT_COMPLETED: _l("BK curriculum not completed"),
    NotEligible.PHASING_OUT_ENDED: _l(
        "graduated after the phasing out ended (%(year)s)", year=PHASING_OUT_LAST_SCHOOL_YEAR),
}

CERTIFICATE_NAMES = {
    Certificate.TRACK_1: _l("Track 1: after the course and the generic competence test"),
    Certificate.TRACK_2: _l("Track 2: on completing the BK curriculum"),
    Certificate.PHASING_OUT: _l("Phasing out: exemption certificate on graduating"),
}


def reasons_text(eligibility: Eligibility) -> str:
    return "; ".join(str(NOT_ELIGIBLE[reason]) for reason in eligibility.reasons)
