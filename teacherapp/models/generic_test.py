"""The pupil's result on the generic competence test (generieke competentietest).

Minimal model for the xAPI feed (issue 27); another branch adds the same concept for the
regulation issue, and the lead reconciles the two.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teacherapp.extensions import db
from teacherapp.models.people import Enrolment, Pupil
from teacherapp.models.types import Points, UTCDateTime


class GenericTestResult(db.Model):
    """One reported attempt: passed or failed, with its score as a percentage when known."""

    __tablename__ = "generic_test_result"
    __table_args__ = (UniqueConstraint("enrolment_id", "statement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    passed: Mapped[bool]
    score: Mapped[Decimal | None] = mapped_column(Points)  # percent, 0-100
    source: Mapped[str] = mapped_column(String(20), default="xapi")
    statement_id: Mapped[str | None] = mapped_column(String(36), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    pupil: Mapped[Pupil] = relationship()
    enrolment: Mapped[Enrolment] = relationship()
