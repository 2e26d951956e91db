"""Users (teachers and secretariat), their recognition, pupils and enrolments."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teacherapp.extensions import db
from teacherapp.models.enums import PaymentMethod, RecognitionBasis, Role
from teacherapp.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from teacherapp.models.courses import Course, CourseType, School
    from teacherapp.models.evaluation import Exemption, Score, SkillAssessment


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped at logout, password reset and disabling: every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    recognitions: Mapped[list[Recognition]] = relationship(
        back_populates="teacher", foreign_keys="Recognition.teacher_id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    def get_id(self) -> str:
        # The session version is part of the id, so a bumped version logs old cookies out.
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Recognition(db.Model):
    """A teacher's recognition for one course type (erkenning)."""

    __tablename__ = "recognition"
    __table_args__ = (UniqueConstraint("teacher_id", "course_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_type_id: Mapped[int] = mapped_column(ForeignKey("course_type.id"), index=True)
    basis: Mapped[RecognitionBasis] = mapped_column(str_enum(RecognitionBasis, "recognition_basis"))
    refresher_training_date: Mapped[date | None]
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    teacher: Mapped[User] = relationship(back_populates="recognitions", foreign_keys=[teacher_id])
    course_type: Mapped[CourseType] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class Pupil(db.Model):
    __tablename__ = "pupil"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date]
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    vts_account_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[School] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="pupil")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class Enrolment(db.Model):
    """A pupil enrolled in one course (inschrijving)."""

    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("pupil_id", "course_id"),
        CheckConstraint(
            "(paid_at IS NULL) = (payment_method IS NULL)", name="paid_has_method"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    payment_method: Mapped[PaymentMethod | None] = mapped_column(
        str_enum(PaymentMethod, "payment_method")
    )
    payment_code: Mapped[str | None] = mapped_column(String(64))
    # Passed this course type in an earlier year: may not enrol again.
    passed_before: Mapped[bool] = mapped_column(default=False)
    # Phasing out of the 2025-2026 system (uitdovend) instead of switching to track 1.
    phasing_out: Mapped[bool] = mapped_column(default=False)

    pupil: Mapped[Pupil] = relationship(back_populates="enrolments")
    course: Mapped[Course] = relationship(back_populates="enrolments")
    scores: Mapped[list[Score]] = relationship(back_populates="enrolment")
    exemptions: Mapped[list[Exemption]] = relationship(back_populates="enrolment")
    skill_assessments: Mapped[list[SkillAssessment]] = relationship(back_populates="enrolment")

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None
