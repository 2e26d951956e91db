"""Learning content (VTS Connect) and who viewed it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teacherapp.extensions import db
from teacherapp.models.enums import ContentKind
from teacherapp.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from teacherapp.models.courses import CourseType
    from teacherapp.models.people import Pupil, User


class ContentItem(db.Model):
    __tablename__ = "content_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_type_id: Mapped[int] = mapped_column(ForeignKey("course_type.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ContentKind] = mapped_column(str_enum(ContentKind, "content_kind"))
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    # The xAPI activity id (IRI) VTS Connect uses for this item, query string included.
    activity_iri: Mapped[str | None] = mapped_column(String(1000), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    course_type: Mapped[CourseType] = relationship()


class ContentView(db.Model):
    """Whether and when one pupil viewed one content item; one row per pair."""

    __tablename__ = "content_view"
    __table_args__ = (
        UniqueConstraint("pupil_id", "content_item_id"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    content_item_id: Mapped[int] = mapped_column(ForeignKey("content_item.id"), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    progress: Mapped[int] = mapped_column(default=0)  # percent
    completed: Mapped[bool] = mapped_column(default=False)
    # Built from xAPI statements only (so voiding one can recompute it from the others);
    # false once a file import or the old feed merged into it.
    statements_only: Mapped[bool] = mapped_column(default=False, server_default=false())

    pupil: Mapped[Pupil] = relationship()
    content_item: Mapped[ContentItem] = relationship()


class IntegrationToken(db.Model):
    """A machine credential for the content platform's feed; only its hash is stored."""

    __tablename__ = "integration_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(12))  # shown to tell tokens apart
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship()


class IngestedEvent(db.Model):
    """A view event id already applied: the feed is idempotent by event id."""

    __tablename__ = "ingested_event"
    __table_args__ = (UniqueConstraint("integration_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integration_token.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(120))
    outcome: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
