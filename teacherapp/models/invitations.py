"""Invitations: a one-time link that lets a new school coordinator or teacher set a password."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teacherapp.extensions import db
from teacherapp.models.enums import Role
from teacherapp.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from teacherapp.models.courses import School
    from teacherapp.models.people import User


class Invitation(db.Model):
    """One invitation to one school, in one role. Only a hash of the link's token is stored:
    the token itself is shown once to whoever invited (and mailed, when mail is configured)."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # school_coordinator (invited by the secretariat) or teacher (by the school's coordinator)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The account the invitation created, or the existing account it was attached to.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    school: Mapped[School] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and self.cancelled_at is None and self.expires_at > now
