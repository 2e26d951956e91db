"""Loading one score or rubric cell: permission and facts in a single query.

A cell is authorised and described by one SELECT that joins course, teacher link,
recognition, enrolment, pupil, subject, submission, exemption and the stored score. A save
runs it inside its write transaction, after teacherapp.write_locks, so what it checked still
holds when the save commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import aliased

from teacherapp.certificates import admitted_minimum_age
from teacherapp.extensions import db
from teacherapp.models import (
    AssessmentContext,
    Course,
    CourseTeacher,
    CourseType,
    Criterion,
    Enrolment,
    Exemption,
    Level,
    Pupil,
    Role,
    Rubric,
    Score,
    SkillAssessment,
    Subject,
    Submission,
    SubmissionState,
    User,
)
from teacherapp.permissions import recognised_for_course_type
from teacherapp.scoring.logic import PupilFacts, ScoreCell, mark_of


def _scoped(stmt: Select, teachers_only: bool) -> Select:
    """Teachers only reach courses they are linked to and recognised for (`:user_id`).

    The same statement checks the login (`:session_version`, active, a teacher).
    """
    if not teachers_only:
        return stmt
    return stmt.join(
        CourseTeacher,
        and_(CourseTeacher.course_id == Course.id,
             CourseTeacher.teacher_id == bindparam("user_id")),
    ).join(
        User,
        and_(User.id == CourseTeacher.teacher_id,
             User.session_version == bindparam("session_version"),
             User.active.is_(True), User.role == Role.TEACHER),
    ).where(recognised_for_course_type())


@dataclass
class ScoreCellContext:
    course_id: int
    track: int
    enrolment_id: int
    pupil_name: str
    subject_id: int
    subject_name: str
    score_id: int | None
    cell: ScoreCell
    exemption_kind: str | None


@cache
def _score_cell_query(teachers_only: bool) -> Select:
    """The cell's SELECT, parameters :course_id, :enrolment_id, :subject_id, :sitting (:user_id)."""
    current = aliased(Score)
    first = aliased(Score)
    first_submission = aliased(Submission)
    sitting = bindparam("sitting")
    stmt = (
        select(
            Course.track, Course.start_date, admitted_minimum_age(),
            Enrolment.paid_at, Enrolment.passed_before, Pupil.birth_date,
            Pupil.first_name, Pupil.last_name,
            Subject.name, Subject.maximum, Subject.pass_mark,
            Submission.state, Exemption.kind,
            current.id, current.value, current.absence, current.version,
            first.value, first.absence, first_submission.state,
        )
        .select_from(Enrolment)
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseType, CourseType.id == Course.course_type_id)
        .join(Pupil, Pupil.id == Enrolment.pupil_id)
        .join(Subject, and_(Subject.id == bindparam("subject_id"), Subject.course_id == Course.id))
        .outerjoin(Submission, and_(Submission.course_id == Course.id,
                                    Submission.sitting == sitting))
        .outerjoin(Exemption, and_(Exemption.enrolment_id == Enrolment.id,
                                   Exemption.subject_id == Subject.id))
        .outerjoin(current, and_(current.enrolment_id == Enrolment.id,
                                 current.subject_id == Subject.id, current.sitting == sitting))
        .outerjoin(first, and_(first.enrolment_id == Enrolment.id,
                               first.subject_id == Subject.id, first.sitting == 1))
        .outerjoin(first_submission, and_(first_submission.course_id == Course.id,
                                          first_submission.sitting == 1))
        .where(Enrolment.id == bindparam("enrolment_id"), Course.id == bindparam("course_id"))
    )
    return _scoped(stmt, teachers_only)


def _cell_rows(statement: Select, params: dict[str, object]):
    """Run a cell's SELECT on the session's connection, in the session's transaction.

    The SELECT names columns only, no entities: the ORM's result machinery would add nothing
    but time (it was 40 % of this statement's cost, which a save pays with the write lock
    held on SQLite). Nothing is pending in the session here, so skipping its autoflush
    changes nothing.
    """
    return db.session.connection().execute(statement, params)


def _params(user: User, **values: object) -> tuple[bool, dict[str, object]]:
    teachers_only = user.role != Role.SECRETARIAT
    if teachers_only:
        values["user_id"] = user.id
        values["session_version"] = user.session_version
    return teachers_only, values


def load_score_cell(
    user: User, course_id: int, enrolment_id: int, subject_id: int, sitting: int
) -> ScoreCellContext | None:
    """The cell, if this user may see it; None otherwise (the route answers 404)."""
    teachers_only, params = _params(user, course_id=course_id, enrolment_id=enrolment_id,
                                    subject_id=subject_id, sitting=sitting)
    row = _cell_rows(_score_cell_query(teachers_only), params).first()
    if row is None:
        return None
    (track, start_date, minimum_age, paid_at, passed_before, birth_date, first_name, last_name,
     subject_name, maximum, pass_mark, submission_state, exemption_kind,
     score_id, value, absence, version, first_value, first_absence, first_state) = row
    cell = ScoreCell(
        sitting=sitting, maximum=maximum, pass_mark=pass_mark,
        mark=mark_of(value, absence), version=version or 0,
        pupil=PupilFacts(paid_at is not None, birth_date, start_date.year, minimum_age,
                         passed_before),
        exempt=exemption_kind is not None,
        locked=submission_state == SubmissionState.SUBMITTED,
        first_mark=mark_of(first_value, first_absence) if sitting == 2 else None,
        first_sitting_submitted=first_state == SubmissionState.SUBMITTED,
    )
    return ScoreCellContext(course_id, track, enrolment_id, f"{first_name} {last_name}",
                            subject_id, subject_name, score_id, cell,
                            exemption_kind.value if exemption_kind else None)


@dataclass
class LevelChoice:
    id: int
    rank: int
    label: str
    points: Decimal


@dataclass
class LevelCellContext:
    course_id: int
    enrolment_id: int
    pupil_name: str
    criterion_id: int
    criterion_name: str
    rubric_id: int
    context: AssessmentContext
    pupil: PupilFacts
    assessment_id: int | None
    level_id: int | None
    note: str
    version: int
    levels: list[LevelChoice]

    @property
    def level(self) -> LevelChoice | None:
        return next((lv for lv in self.levels if lv.id == self.level_id), None)


@cache
def _level_cell_query(teachers_only: bool) -> Select:
    """One row per level; parameters :course_id, :enrolment_id, :criterion_id, :context (:user_id)."""
    stmt = (
        select(
            Course.start_date, admitted_minimum_age(), Enrolment.paid_at, Enrolment.passed_before,
            Pupil.birth_date, Pupil.first_name, Pupil.last_name, Criterion.name, Rubric.id,
            SkillAssessment.id, SkillAssessment.level_id, SkillAssessment.note,
            SkillAssessment.version, Level.id, Level.rank, Level.label, Level.points,
        )
        .select_from(Enrolment)
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseType, CourseType.id == Course.course_type_id)
        .join(Pupil, Pupil.id == Enrolment.pupil_id)
        .join(Rubric, Rubric.course_type_id == Course.course_type_id)
        .join(Criterion, and_(Criterion.id == bindparam("criterion_id"),
                              Criterion.rubric_id == Rubric.id))
        .outerjoin(Level, Level.criterion_id == Criterion.id)
        .outerjoin(SkillAssessment, and_(SkillAssessment.enrolment_id == Enrolment.id,
                                         SkillAssessment.criterion_id == Criterion.id,
                                         SkillAssessment.context == bindparam("context")))
        .where(Enrolment.id == bindparam("enrolment_id"), Course.id == bindparam("course_id"))
        .order_by(Level.rank)
    )
    return _scoped(stmt, teachers_only)


def load_level_cell(
    user: User, course_id: int, enrolment_id: int, criterion_id: int, context: AssessmentContext
) -> LevelCellContext | None:
    """A rubric cell (pupil x criterion, in class or at the exam) with the criterion's levels.

    One row per level (the criterion's levels are few), so still a single query.
    """
    teachers_only, params = _params(user, course_id=course_id, enrolment_id=enrolment_id,
                                    criterion_id=criterion_id, context=context)
    rows = _cell_rows(_level_cell_query(teachers_only), params).all()
    if not rows:
        return None
    head = rows[0]
    return LevelCellContext(
        course_id=course_id, enrolment_id=enrolment_id,
        pupil_name=f"{head[5]} {head[6]}", criterion_id=criterion_id, criterion_name=head[7],
        rubric_id=head[8], context=context,
        pupil=PupilFacts(head[2] is not None, head[4], head[0].year, head[1], head[3]),
        assessment_id=head[9], level_id=head[10], note=head[11] or "", version=head[12] or 0,
        levels=[LevelChoice(r[13], r[14], r[15], r[16]) for r in rows if r[13] is not None],
    )
