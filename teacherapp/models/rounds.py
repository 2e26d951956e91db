"""Deliberation rounds, the courses they confirm, overridden decisions, attests and the
background jobs that print them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teacherapp.extensions import db
from teacherapp.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from teacherapp.models.courses import Course, School
    from teacherapp.models.people import Enrolment


class Decision(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    INCOMPLETE = "incomplete"


class AttestKind(enum.StrEnum):
    """What an attest certifies, and so how the paper words it."""

    REGULAR = "regular"  # track 1: the course passed and the generic competence test taken
    CURRICULUM = "curriculum"  # track 2: the BK curriculum completed
    EXEMPTION = "exemption"  # phasing out of the old system: the exemption attest


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class DeliberationRound(db.Model):
    """One deliberation moment: a school year's trimester."""

    __tablename__ = "deliberation_round"
    __table_args__ = (
        UniqueConstraint("school_year", "trimester"),
        CheckConstraint("trimester IN (1, 2, 3)", name="trimester_is_1_2_3"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_year: Mapped[str] = mapped_column(String(9))
    trimester: Mapped[int]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    courses: Mapped[list[RoundCourse]] = relationship(back_populates="round")


class RoundCourse(db.Model):
    """A course in a round. Confirmed: its decisions stand and its sittings stay closed."""

    __tablename__ = "round_course"
    __table_args__ = (UniqueConstraint("round_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("deliberation_round.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    confirmed_on: Mapped[date | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reopen_reason: Mapped[str | None] = mapped_column(String(1000))

    round: Mapped[DeliberationRound] = relationship(back_populates="courses")
    course: Mapped[Course] = relationship()


class DecisionOverride(db.Model):
    """The secretariat's decision for one pupil instead of the proposed one, with its reason."""

    __tablename__ = "decision_override"
    __table_args__ = (UniqueConstraint("round_course_id", "enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_course_id: Mapped[int] = mapped_column(ForeignKey("round_course.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    decision: Mapped[Decision] = mapped_column(str_enum(Decision, "decision"))
    reason: Mapped[str] = mapped_column(String(1000))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Attest(db.Model):
    """A certificate issued to a pupil who passed a confirmed course. The number is random,
    so that the public verification page cannot be walked. A revoked attest stays; passing
    again after it brings a new one with a new number."""

    __tablename__ = "attest"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    round_course_id: Mapped[int] = mapped_column(ForeignKey("round_course.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    kind: Mapped[AttestKind] = mapped_column(str_enum(AttestKind, "attest_kind"),
                                             default=AttestKind.REGULAR,
                                             server_default=AttestKind.REGULAR.value)
    deliberated_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoke_reason: Mapped[str | None] = mapped_column(String(1000))

    round_course: Mapped[RoundCourse] = relationship()
    enrolment: Mapped[Enrolment] = relationship()


class AttestJob(db.Model):
    """Printing a round's attests, one PDF per school, in the background."""

    __tablename__ = "attest_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("deliberation_round.id"), index=True)
    state: Mapped[JobState] = mapped_column(str_enum(JobState, "job_state"))
    # Where the QR codes point: the site's address as the requester saw it.
    base_url: Mapped[str] = mapped_column(String(300))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the worker takes the job and after each school: a running job whose heartbeat
    # stops (its process was restarted) is interrupted, not running.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SchoolAttests(db.Model):
    """One school's printed attests of a job: a cover list and one page per attest."""

    __tablename__ = "school_attests"
    __table_args__ = (UniqueConstraint("job_id", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("attest_job.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    attest_count: Mapped[int]
    pdf: Mapped[bytes] = mapped_column(LargeBinary)

    school: Mapped[School] = relationship()
