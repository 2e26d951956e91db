"""Statements waiting for the secretariat: unknown agents and activities, and mapping them.

A mapping is remembered (an agent link, or the activity IRI on the content item or course
type), so later statements from the same agent or about the same activity resolve at once.
The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from teacherapp.extensions import db
from teacherapp.models import (
    ContentItem,
    CourseType,
    Pupil,
    XapiAgentLink,
    XapiStatement,
    XapiStatementActor,
)
from teacherapp.xapi import projection

LIST_LIMIT = 500


@dataclass
class Group:
    key: str  # the agent key or the activity IRI
    statements: list[XapiStatement] = field(default_factory=list)


@dataclass
class Waiting:
    agents: list[Group]
    activities: list[Group]
    not_enrolled: list[XapiStatement]
    total: int


def waiting() -> Waiting:
    """What blocks the unresolved statements, newest first, grouped by agent and by activity."""
    total = db.session.scalar(select(func.count(XapiStatement.id)).where(
        XapiStatement.unresolved.is_(True), XapiStatement.voided_by.is_(None))) or 0
    statements = db.session.scalars(
        select(XapiStatement)
        .where(XapiStatement.unresolved.is_(True), XapiStatement.voided_by.is_(None))
        .options(selectinload(XapiStatement.actors))
        .order_by(XapiStatement.stored_at.desc(), XapiStatement.id.desc()).limit(LIST_LIMIT)
    ).all()
    tests = projection.test_course_types(s.object_iri for s in statements if s.object_iri)
    agents: dict[str, Group] = {}
    activities: dict[str, Group] = {}
    not_enrolled = []
    for statement in statements:
        unknown_object = (statement.content_item_id is None if statement.kind == "view"
                          else statement.object_iri not in tests)
        if unknown_object:
            iri = statement.object_iri or ""
            activities.setdefault(iri, Group(iri)).statements.append(statement)
        unknown_agents = [a.actor_key for a in statement.actors if a.pupil_id is None]
        for key in unknown_agents:
            agents.setdefault(key, Group(key)).statements.append(statement)
        if not unknown_object and not unknown_agents:
            not_enrolled.append(statement)
    return Waiting(list(agents.values()), list(activities.values()), not_enrolled, total)


def find_pupil(text: str) -> list[Pupil]:
    """Pupils with this VTS account id or, failing that, this email."""
    text = text.strip()
    if not text:
        return []
    by_account = db.session.scalars(select(Pupil).where(Pupil.vts_account_id == text)).all()
    if by_account:
        return list(by_account)
    return list(db.session.scalars(select(Pupil).where(func.lower(Pupil.email) == text.lower())))


def is_linked(actor_key: str) -> bool:
    return db.session.scalar(select(XapiAgentLink.id).where(XapiAgentLink.actor_key == actor_key)) is not None


def iri_taken(iri: str, item_id: int | None) -> bool:
    """Whether another content item has this activity IRI (it is unique per item)."""
    if item_id is None:
        return False
    return db.session.scalar(select(ContentItem.id).where(
        ContentItem.activity_iri == iri, ContentItem.id != item_id)) is not None


def link_agent(actor_key: str, pupil: Pupil, user_id: int) -> int:
    """Remember that this agent is this pupil, and project what it sent. Returns the count."""
    db.session.add(XapiAgentLink(actor_key=actor_key, pupil_id=pupil.id, created_by_id=user_id))
    db.session.flush()
    return _reproject(select(XapiStatement.id).join(XapiStatementActor).where(
        XapiStatementActor.actor_key == actor_key))


def map_activity(iri: str, item_id: int | None, course_type_id: int | None) -> int | None:
    """Give the item (or the course type's generic test) this IRI, and project its statements.

    None when the item or course type already has another IRI: the check is in the
    UPDATE's own WHERE, so it holds at the moment of the write.
    """
    if item_id is not None:
        model, column, object_id = ContentItem, ContentItem.activity_iri, item_id
    else:
        model, column, object_id = CourseType, CourseType.generic_test_iri, course_type_id
    changed = db.session.execute(
        update(model).where(model.id == object_id, or_(column.is_(None), column == iri))
        .values({column.key: iri})).rowcount
    if changed != 1:
        return None
    return _reproject(select(XapiStatement.id).where(XapiStatement.object_iri == iri))


def reproject_all() -> int:
    """Try every unresolved statement again (after a pupil was enrolled, say)."""
    return _reproject(select(XapiStatement.id))


def _reproject(ids_query) -> int:
    statements = db.session.scalars(
        select(XapiStatement)
        .where(XapiStatement.id.in_(ids_query), XapiStatement.unresolved.is_(True),
               XapiStatement.voided_by.is_(None))
        .options(selectinload(XapiStatement.actors))
    ).all()
    projection.project(statements)
    return sum(1 for s in statements if not s.unresolved)


def agent_label(actor_key: str) -> str:
    """An agent key as a person reads it: the email, the account, the openid."""
    kind, _, value = actor_key.partition(":")
    if kind == "account":
        page, _, name = value.rpartition("|")
        return f"{name} @ {page}"
    if kind == "mbox":
        return value.removeprefix("mailto:")
    return value
