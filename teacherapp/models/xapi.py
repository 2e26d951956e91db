"""xAPI statements as received (the evidence), whom they name, and the secretariat's mappings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teacherapp.extensions import db
from teacherapp.models.types import UTCDateTime, utcnow

ACTOR_KEY_LENGTH = 600


class XapiStatement(db.Model):
    """One statement exactly as an integration sent it, with the LRS's own properties."""

    __tablename__ = "xapi_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)  # lower-case UUID
    integration_id: Mapped[int | None] = mapped_column(ForeignKey("integration_token.id"), index=True)
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)  # as received (id added if missing)
    verb_iri: Mapped[str] = mapped_column(Text)
    object_iri: Mapped[str | None] = mapped_column(Text)  # activity id, or the voided statement's id
    kind: Mapped[str] = mapped_column(String(10))  # view, test, void, other
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime())
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    authority: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_item_id: Mapped[int | None] = mapped_column(ForeignKey("content_item.id"), index=True)
    voided_by: Mapped[str | None] = mapped_column(String(36))
    # A view or test statement whose actor or object is not known yet: on the secretariat's list.
    unresolved: Mapped[bool] = mapped_column(default=False, index=True)

    actors: Mapped[list[XapiStatementActor]] = relationship(
        back_populates="statement", cascade="all, delete-orphan", order_by="XapiStatementActor.id")


class XapiStatementActor(db.Model):
    """A person a statement is about: its Agent, or each member of its Group."""

    __tablename__ = "xapi_statement_actor"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_pk: Mapped[int] = mapped_column(ForeignKey("xapi_statement.id", ondelete="CASCADE"),
                                              index=True)
    actor_key: Mapped[str] = mapped_column(String(ACTOR_KEY_LENGTH), index=True)
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id"), index=True)

    statement: Mapped[XapiStatement] = relationship(back_populates="actors")


class XapiAgentLink(db.Model):
    """The secretariat said: this agent (an account elsewhere, an openid, ...) is this pupil."""

    __tablename__ = "xapi_agent_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_key: Mapped[str] = mapped_column(String(ACTOR_KEY_LENGTH), unique=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
