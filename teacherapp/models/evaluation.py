"""Subjects, exam moments, scores, exemptions, rubrics, skill assessments, submissions."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teacherapp.extensions import db
from teacherapp.models.enums import (
    Absence,
    AssessmentContext,
    ExemptionKind,
    SubjectKind,
    SubmissionState,
)
from teacherapp.models.types import Points, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from teacherapp.models.courses import Course, CourseType
    from teacherapp.models.people import Enrolment, User


class Rubric(db.Model):
    """A rubric for a course type: criteria (skills), each with ordered levels."""

    __tablename__ = "rubric"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_type_id: Mapped[int] = mapped_column(ForeignKey("course_type.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")

    course_type: Mapped[CourseType] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="rubric", order_by="Criterion.position", cascade="all, delete-orphan"
    )


class Criterion(db.Model):
    """One skill (vaardigheid) assessed with a rubric."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("rubric_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    position: Mapped[int]

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")
    levels: Mapped[list[Level]] = relationship(
        back_populates="criterion", order_by="Level.rank", cascade="all, delete-orphan"
    )


class Level(db.Model):
    __tablename__ = "level"
    __table_args__ = (
        UniqueConstraint("criterion_id", "rank"),
        CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]  # 1 = lowest
    label: Mapped[str] = mapped_column(String(80))
    descriptor: Mapped[str] = mapped_column(String(2000), default="")
    points: Mapped[Decimal] = mapped_column(Points)

    criterion: Mapped[Criterion] = relationship(back_populates="levels")


class Subject(db.Model):
    """A subject (vak) of a course: exactly one score per pupil and sitting."""

    __tablename__ = "subject"
    __table_args__ = (
        UniqueConstraint("course_id", "name"),
        CheckConstraint("maximum > 0", name="maximum_positive"),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= maximum", name="pass_mark_within_maximum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[SubjectKind] = mapped_column(str_enum(SubjectKind, "subject_kind"))
    maximum: Mapped[Decimal] = mapped_column(Points)
    pass_mark: Mapped[Decimal] = mapped_column(Points)
    position: Mapped[int] = mapped_column(default=0)
    # A practical subject may take a suggested score from a rubric.
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("rubric.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship(back_populates="subjects")
    rubric: Mapped[Rubric | None] = relationship()
    exam_moments: Mapped[list[ExamMoment]] = relationship(
        back_populates="subject", order_by="ExamMoment.sitting", cascade="all, delete-orphan"
    )


class ExamMoment(db.Model):
    """When a subject is examined in a sitting; planned per subject."""

    __tablename__ = "exam_moment"
    __table_args__ = (
        UniqueConstraint("subject_id", "sitting"),
        CheckConstraint("sitting IN (1, 2)", name="sitting_is_1_or_2"),
        CheckConstraint("trimester IN (1, 2, 3)", name="trimester_is_1_2_3"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subject.id", ondelete="CASCADE"), index=True
    )
    sitting: Mapped[int]
    exam_date: Mapped[date]
    trimester: Mapped[int]
    # Planned by the school: the hour and the place (sports hall, pool) of the exam.
    start_time: Mapped[time | None]
    place: Mapped[str | None] = mapped_column(String(200))

    subject: Mapped[Subject] = relationship(back_populates="exam_moments")


class Score(db.Model):
    """One score per (enrolment, subject, sitting): a value, an absence code, or cleared."""

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "subject_id", "sitting"),
        CheckConstraint("sitting IN (1, 2)", name="sitting_is_1_or_2"),
        CheckConstraint("NOT (value IS NOT NULL AND absence IS NOT NULL)", name="value_or_absence"),
        CheckConstraint("value IS NULL OR value >= 0", name="value_not_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    sitting: Mapped[int]
    value: Mapped[Decimal | None] = mapped_column(Points)
    absence: Mapped[Absence | None] = mapped_column(str_enum(Absence, "absence"))
    # Optimistic locking: a save names the version it was based on.
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="scores")
    subject: Mapped[Subject] = relationship()
    updated_by: Mapped[User | None] = relationship()


class Exemption(db.Model):
    """An exempt subject, or a repeater (bisser) keeping a subject passed earlier."""

    __tablename__ = "exemption"
    __table_args__ = (UniqueConstraint("enrolment_id", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    kind: Mapped[ExemptionKind] = mapped_column(str_enum(ExemptionKind, "exemption_kind"))
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="exemptions")
    subject: Mapped[Subject] = relationship()


class SkillAssessment(db.Model):
    """A rubric level chosen for one pupil and criterion, in class or at the exam."""

    __tablename__ = "skill_assessment"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "criterion_id", "context"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("level.id"))  # None: cleared
    context: Mapped[AssessmentContext] = mapped_column(
        str_enum(AssessmentContext, "assessment_context")
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(default=1)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="skill_assessments")
    criterion: Mapped[Criterion] = relationship()
    level: Mapped[Level | None] = relationship()
    assessed_by: Mapped[User | None] = relationship()


class Submission(db.Model):
    """The scores of one sitting of a course, passed on to VTS (or reopened by VTS)."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("course_id", "sitting"),
        CheckConstraint("sitting IN (1, 2)", name="sitting_is_1_or_2"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    sitting: Mapped[int]
    state: Mapped[SubmissionState] = mapped_column(str_enum(SubmissionState, "submission_state"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_reason: Mapped[str | None] = mapped_column(String(1000))

    course: Mapped[Course] = relationship(back_populates="submissions")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reopened_by: Mapped[User | None] = relationship(foreign_keys=[reopened_by_id])

    @property
    def is_locked(self) -> bool:
        return self.state == SubmissionState.SUBMITTED
