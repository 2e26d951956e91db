"""How far scoring is, per course and sitting: loaded in a fixed number of queries.

Used by the course cards, the submission check and the secretariat's overview, so that the
three always agree on what "entered", "required" and "missing" mean.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, func, select

from teacherapp.extensions import db
from teacherapp.models import (
    Course,
    CourseType,
    Enrolment,
    ExamMoment,
    Exemption,
    Pupil,
    Score,
    Subject,
    Submission,
    SubmissionState,
)
from teacherapp.rules import (
    SITTINGS,
    Mark,
    MissingCell,
    SubjectRule,
    required_cells,
    scoring_refusal,
)


@dataclass
class SittingProgress:
    course_id: int
    sitting: int
    required: int = 0
    missing: list[MissingCell] = field(default_factory=list)
    submission: Submission | None = None

    @property
    def entered(self) -> int:
        return self.required - len(self.missing)

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def is_submitted(self) -> bool:
        return self.submission is not None and self.submission.is_locked


@dataclass
class CourseScoringData:
    """Everything the completeness rules need for a set of courses, keyed for lookup."""

    scorable: dict[int, list[int]]  # course_id -> enrolment ids that can be scored
    subjects: dict[int, list[SubjectRule]]  # course_id -> subjects in order
    marks: dict[tuple[int, int, int], Mark]  # (enrolment, subject, sitting) -> mark
    exemptions: set[tuple[int, int]]  # (enrolment, subject)
    submissions: dict[tuple[int, int], Submission]  # (course, sitting) -> submission
    subject_names: dict[int, str] = field(default_factory=dict)  # subject id -> name

    def first_sitting_submitted(self, course_id: int) -> bool:
        first = self.submissions.get((course_id, 1))
        return first is not None and first.state == SubmissionState.SUBMITTED


@cache
def _scoring_statements() -> tuple[Select, ...]:
    """The five reads of `load_course_scoring_data`, built once per process.

    Each takes the course ids as one expanding parameter (`:course_ids`). Built per call, their
    construction and cache keys cost more Python than the queries themselves cost SQLite
    (profiled on the roster: a sixth of its time); a statement built once keeps its cache key.
    """
    course_ids = bindparam("course_ids", expanding=True)
    enrolments = (
        select(Enrolment.id, Enrolment.course_id, Enrolment.paid_at, Enrolment.passed_before,
               Pupil.birth_date, Course.start_date,
               # The age rule in force when the pupil was admitted (certificates.py).
               func.coalesce(Enrolment.admitted_minimum_age,
                             CourseType.minimum_age).label("minimum_age"))
        .join(Pupil, Pupil.id == Enrolment.pupil_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseType, CourseType.id == Course.course_type_id)
        .where(Enrolment.course_id.in_(course_ids))
        .order_by(Enrolment.id)
    )
    subjects = (
        select(Subject.id, Subject.course_id, Subject.pass_mark, Subject.name)
        .where(Subject.course_id.in_(course_ids)).order_by(Subject.position, Subject.id)
    )
    marks = (
        select(Score.enrolment_id, Score.subject_id, Score.sitting, Score.value, Score.absence)
        .join(Enrolment, Enrolment.id == Score.enrolment_id)
        .where(Enrolment.course_id.in_(course_ids))
    )
    exemptions = (
        select(Exemption.enrolment_id, Exemption.subject_id)
        .join(Enrolment, Enrolment.id == Exemption.enrolment_id)
        .where(Enrolment.course_id.in_(course_ids))
    )
    submissions = select(Submission).where(Submission.course_id.in_(course_ids))
    return enrolments, subjects, marks, exemptions, submissions


def load_course_scoring_data(course_ids: Iterable[int],
                             scorable: dict[int, list[int]] | None = None) -> CourseScoringData:
    """`scorable`: the enrolments that can be scored per course, when the caller read them
    already (the roster reads every enrolment with what `scoring_refusal` needs): one query
    fewer."""
    ids = list(set(course_ids))
    data = CourseScoringData({cid: [] for cid in ids}, {cid: [] for cid in ids}, {}, set(), {})
    if not ids:
        return data
    enrolments, subjects, marks, exemptions, submissions = _scoring_statements()
    params = {"course_ids": ids}
    execute = db.session.execute
    if scorable is not None:
        data.scorable.update(scorable)
    else:
        for row in execute(enrolments, params):
            refusal = scoring_refusal(
                is_paid=row.paid_at is not None, birth_date=row.birth_date,
                course_start_year=row.start_date.year, minimum_age=row.minimum_age,
                passed_before=row.passed_before)
            if refusal is None:
                data.scorable[row.course_id].append(row.id)
    for subject_id, course_id, pass_mark, name in execute(subjects, params):
        data.subjects[course_id].append(SubjectRule(subject_id, pass_mark))
        data.subject_names[subject_id] = name
    data.marks = {(enrolment_id, subject_id, sitting): Mark(value, absence)
                  for enrolment_id, subject_id, sitting, value, absence
                  in execute(marks, params)}
    data.exemptions = {(enrolment_id, subject_id)
                       for enrolment_id, subject_id in execute(exemptions, params)}
    for submission in db.session.scalars(submissions, params):
        data.submissions[(submission.course_id, submission.sitting)] = submission
    return data


def sitting_progress(data: CourseScoringData, course_id: int, sitting: int) -> SittingProgress:
    enrolment_ids = data.scorable.get(course_id, [])
    subjects = data.subjects.get(course_id, [])
    required = 0
    missing: list[MissingCell] = []
    for enrolment_id, subject_id, has_mark in required_cells(
            sitting, enrolment_ids, subjects, data.marks, data.exemptions,
            data.first_sitting_submitted(course_id)):
        required += 1
        if not has_mark:
            missing.append(MissingCell(enrolment_id, subject_id))
    return SittingProgress(course_id, sitting, required, missing,
                           data.submissions.get((course_id, sitting)))


def load_sitting_progress(course_ids: Iterable[int]) -> dict[tuple[int, int], SittingProgress]:
    """(course_id, sitting) -> progress, for both sittings of every course given."""
    ids = list(set(course_ids))
    data = load_course_scoring_data(ids)
    return {(cid, s): sitting_progress(data, cid, s) for cid in ids for s in SITTINGS}


def scorable_enrolment_ids(course_id: int) -> list[int]:
    return load_course_scoring_data([course_id]).scorable[course_id]


def next_exam_moments(course_ids: Iterable[int], today: date) -> dict[int, ExamMoment]:
    """course_id -> the first exam moment on or after today (None-free: absent when none)."""
    ids = list(set(course_ids))
    if not ids:
        return {}
    result: dict[int, ExamMoment] = {}
    for moment, course_id in db.session.execute(
        select(ExamMoment, Subject.course_id)
        .join(Subject, Subject.id == ExamMoment.subject_id)
        .where(Subject.course_id.in_(ids), ExamMoment.exam_date >= today)
        .order_by(ExamMoment.exam_date, ExamMoment.sitting, Subject.position)
    ):
        result.setdefault(course_id, moment)
    return result
