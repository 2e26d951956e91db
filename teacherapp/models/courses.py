"""Schools, course types, courses and the teacher-course link."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teacherapp.extensions import db
from teacherapp.models.types import Points, UTCDateTime, utcnow

if TYPE_CHECKING:
    from teacherapp.models.evaluation import Subject, Submission
    from teacherapp.models.people import Enrolment, User


class School(db.Model):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100), default="")
    # The Flemish institution number (instellingsnummer) identifies a school uniquely.
    institution_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    has_bk_curriculum: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    courses: Mapped[list[Course]] = relationship(back_populates="school")

    def __repr__(self) -> str:
        return f"<School {self.name!r}>"


class CourseType(db.Model):
    __tablename__ = "course_type"
    __table_args__ = (
        CheckConstraint("minimum_age >= 0 AND minimum_age <= 99", name="minimum_age_range"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
        CheckConstraint("fee >= 0", name="fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    sport: Mapped[str | None] = mapped_column(String(80))
    hours: Mapped[int] = mapped_column(default=0)
    minimum_age: Mapped[int]
    fee: Mapped[Decimal] = mapped_column(Points, default=Decimal("0"))
    # Course types whose refresher training (bijscholing) is shared, e.g. MM and C4S.
    refresher_group: Mapped[str] = mapped_column(String(20))
    has_internship: Mapped[bool] = mapped_column(default=False)
    # The xAPI activity id (IRI) of this course type's generic competence test.
    generic_test_iri: Mapped[str | None] = mapped_column(String(1000))
    # Sport-technical admission requirements (sporttechnische TVW, Initiator): what an
    # enrolment must meet before it is scored; None: the type has none.
    admission_requirement: Mapped[str | None] = mapped_column(String(300))

    courses: Mapped[list[Course]] = relationship(back_populates="course_type")

    def __repr__(self) -> str:
        return f"<CourseType {self.code}>"


class Course(db.Model):
    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("track IN (1, 2)", name="track_is_1_or_2"),
        CheckConstraint("school_year LIKE '____-____'", name="school_year_format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_type_id: Mapped[int] = mapped_column(ForeignKey("course_type.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(9))  # "2026-2027"
    track: Mapped[int]
    start_date: Mapped[date]
    group_name: Mapped[str] = mapped_column(String(80), default="")  # e.g. "6 Sportwetenschappen"
    enrolment_link: Mapped[str | None] = mapped_column(String(300))
    justification_under_ten: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    course_type: Mapped[CourseType] = relationship(back_populates="courses")
    school: Mapped[School] = relationship(back_populates="courses")
    teacher_links: Mapped[list[CourseTeacher]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="course")
    subjects: Mapped[list[Subject]] = relationship(
        back_populates="course", order_by="Subject.position", cascade="all, delete-orphan"
    )
    submissions: Mapped[list[Submission]] = relationship(back_populates="course")

    @property
    def start_year(self) -> int:
        return self.start_date.year

    @property
    def title(self) -> str:
        label = self.course_type.name
        return f"{label} – {self.group_name}" if self.group_name else label

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.school_year} track {self.track}>"


class CourseTeacher(db.Model):
    """A teacher linked to a course. Only a teacher recognised for its type may be linked."""

    __tablename__ = "course_teacher"
    __table_args__ = (UniqueConstraint("course_id", "teacher_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    course: Mapped[Course] = relationship(back_populates="teacher_links")
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])
