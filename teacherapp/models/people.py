"""Users (teachers, school coordinators and secretariat), their schools, their recognition, pupils and enrolments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teacherapp.extensions import db
from teacherapp.models.enums import PaymentMethod, RecognitionBasis, Role
from teacherapp.models.types import Points, UTCDateTime, str_enum, utcnow

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

    @property
    def is_school_coordinator(self) -> bool:
        return self.role == Role.SCHOOL_COORDINATOR

    def get_id(self) -> str:
        # The session version is part of the id, so a bumped version logs old cookies out.
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class SchoolMembership(db.Model):
    """A user belongs to a school: a coordinator works for it (one school, or a few of a school
    group); a teacher is on its staff, so the coordinator may link them to its courses."""

    __tablename__ = "school_membership"
    __table_args__ = (UniqueConstraint("user_id", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
    school: Mapped[School] = relationship()


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
        CheckConstraint("school_grade IS NULL OR school_grade BETWEEN 1 AND 7",
                        name="school_grade_range"),
        CheckConstraint("school_semester IS NULL OR school_semester IN (1, 2)",
                        name="school_semester_1_or_2"),
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
    # Who last recorded the payment state (the secretariat, a school coordinator, an import)
    # and when: the secretariat sees who recorded what.
    payment_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    payment_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Passed this course type in an earlier year: may not enrol again.
    passed_before: Mapped[bool] = mapped_column(default=False)
    # Phasing out of the 2025-2026 system (uitdovend) instead of switching to track 1.
    phasing_out: Mapped[bool] = mapped_column(default=False)
    # The course type's minimum age in force when the pupil was admitted: a later change
    # of the type's minimum age does not reach enrolments already admitted.
    admitted_minimum_age: Mapped[int | None]
    # The pupil's school year (leerjaar, 4 to 7 for these courses) and semester (1 or 2).
    school_grade: Mapped[int | None]
    school_semester: Mapped[int | None]
    # Track 2 (and phasing out): the school recorded that the pupil finished the BK
    # curriculum (graduated from the 6th year) on this day.
    curriculum_completed_on: Mapped[date | None]
    # Sport-technical admission requirements of the course type: met (True), not met
    # (False) or not recorded yet (None).
    admission_requirement_met: Mapped[bool | None]

    pupil: Mapped[Pupil] = relationship(back_populates="enrolments")
    course: Mapped[Course] = relationship(back_populates="enrolments")
    payment_recorded_by: Mapped[User | None] = relationship(foreign_keys=[payment_recorded_by_id])
    scores: Mapped[list[Score]] = relationship(back_populates="enrolment")
    exemptions: Mapped[list[Exemption]] = relationship(back_populates="enrolment")
    skill_assessments: Mapped[list[SkillAssessment]] = relationship(back_populates="enrolment")

    generic_test_results: Mapped[list[GenericTestResult]] = relationship(
        back_populates="enrolment", order_by="GenericTestResult.taken_at")

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


@event.listens_for(Enrolment, "before_insert")
def _record_age_rule(mapper, connection, enrolment: Enrolment) -> None:
    """Admitting a pupil records the age rule in force for the course's type."""
    if enrolment.admitted_minimum_age is None:
        from teacherapp.models.courses import Course, CourseType

        course_id = enrolment.course_id if enrolment.course_id is not None else enrolment.course.id
        enrolment.admitted_minimum_age = connection.scalar(
            select(CourseType.minimum_age).join(Course, Course.course_type_id == CourseType.id)
            .where(Course.id == course_id))


class GenericTestResult(db.Model):
    """A result of the generic competence test (generieke competentietoets) taken online in
    VTS Connect, once per trimester: written by teacherapp.certificates.record_generic_test_result
    from an import, the secretariat's form or the content platform's feed."""

    __tablename__ = "generic_test_result"
    __table_args__ = (UniqueConstraint("enrolment_id", "source", "taken_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    passed: Mapped[bool]
    score: Mapped[Decimal | None] = mapped_column(Points)
    source: Mapped[str] = mapped_column(String(20))  # "import", "form", "xapi"
    # The xAPI statement it came from (teacherapp.xapi.projection), so voiding can undo it.
    statement_id: Mapped[str | None] = mapped_column(String(36), index=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="generic_test_results")
