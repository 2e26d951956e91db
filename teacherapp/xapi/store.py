"""Storing a batch of statements whole or not at all, then projecting it.

xAPI 1.0.3 (Communication 2.1): an id already stored with the same content is a no-op, with
other content 409 Conflict; a batch with an invalid statement, or one id twice, is refused
whole (400); a voiding statement voids its target, which must not itself be a voiding one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from teacherapp import audit
from teacherapp.extensions import db
from teacherapp.models import IntegrationToken, XapiStatement, XapiStatementActor
from teacherapp.xapi import projection, rules
from teacherapp.xapi.validation import Invalid, canonical_uuid, parse_timestamp, validate_statement

MAX_STATEMENTS = 1000


class Conflict(Exception):
    """A statement id already stored with other content (409)."""


@dataclass
class Received:
    statement_id: str
    statement: dict[str, Any]


def prepare(body: Any, statement_id: str | None = None) -> list[Received]:
    """Validate a request body (one statement or an array) and give every statement its id.

    With statement_id (PUT), the body is one statement whose id, if any, must be that id.
    """
    if statement_id is not None:
        wanted = canonical_uuid(statement_id, "statementId")
        if not isinstance(body, dict):
            raise Invalid("PUT takes exactly one statement")
        if "id" in body and canonical_uuid(body["id"], "statement.id") != wanted:
            raise Invalid("statement.id differs from the statementId parameter")
        statements = [body]
    else:
        statements = body if isinstance(body, list) else [body]
        wanted = None
    if not statements:
        raise Invalid("the array holds no statements")
    if len(statements) > MAX_STATEMENTS:
        raise Invalid(f"at most {MAX_STATEMENTS} statements per request; split the batch")
    received: list[Received] = []
    seen: set[str] = set()
    for number, statement in enumerate(statements):
        try:
            validate_statement(statement)
        except Invalid as error:
            raise Invalid(f"statement {number}: {error}" if len(statements) > 1 else str(error)) from None
        sid = wanted or (canonical_uuid(statement["id"], "statement.id") if "id" in statement
                         else str(uuid.uuid4()))
        if sid in seen:
            raise Invalid(f"statement {number}: the id {sid} appears twice in this batch")
        seen.add(sid)
        received.append(Received(sid, {**statement, "id": sid}))
    return received


def store(token: IntegrationToken, received: list[Received], authority: dict[str, Any],
          now: datetime) -> list[str]:
    """Store and project the batch in one transaction; retried once if another request raced."""
    for attempt in (1, 2):
        try:
            return _store_once(token, received, authority, now)
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store_once(token: IntegrationToken, received: list[Received], authority: dict[str, Any],
                now: datetime) -> list[str]:
    ids = [r.statement_id for r in received]
    existing = {s.statement_id: s for s in db.session.scalars(
        select(XapiStatement).where(XapiStatement.statement_id.in_(ids)))}
    new: list[Received] = []
    for item in received:
        stored = existing.get(item.statement_id)
        if stored is None:
            new.append(item)
        elif not rules.same_statement(stored.statement, item.statement):
            raise Conflict(item.statement_id)

    rows = [_row(token, item, authority, now) for item in new]
    voids = [row for row in rows if row.kind == "void"]
    targets = _void_targets(voids, rows)
    # A statement that arrives after the statement voiding it is stored voided.
    already_voided = dict(db.session.execute(
        select(XapiStatement.object_iri, XapiStatement.statement_id)
        .where(XapiStatement.kind == "void", XapiStatement.object_iri.in_([r.statement_id for r in rows]))
    ).all())
    for row in rows:
        row.voided_by = already_voided.get(row.statement_id)
    db.session.add_all(rows)
    db.session.flush()
    projection.project(rows)
    for void in voids:
        hit = [t for t in targets if t.statement_id == void.object_iri and t.voided_by is None]
        projection.void(hit, void.statement_id)
    token.last_used_at = now
    if rows:
        audit.record("xapi", "integration_token", token.id, field="statements",
                     new=f"stored={len(rows)} unresolved={sum(r.unresolved for r in rows)} "
                         f"voiding={len(voids)}")
    db.session.commit()
    return ids


def _row(token: IntegrationToken, item: Received, authority: dict[str, Any],
         now: datetime) -> XapiStatement:
    statement = item.statement
    verb = statement["verb"]["id"]
    target = statement["object"]
    kind = rules.statement_kind(verb)
    timestamp = parse_timestamp(statement["timestamp"], "timestamp") if "timestamp" in statement else now
    row = XapiStatement(
        statement_id=item.statement_id, integration_id=token.id, statement=statement,
        verb_iri=verb, kind=kind, timestamp=timestamp, stored_at=now, authority=authority,
        object_iri=(str(uuid.UUID(target["id"])) if kind == "void"
                    else target.get("id") if target.get("objectType", "Activity") == "Activity"
                    else None),
    )
    if kind in ("view", "test"):
        row.actors = [XapiStatementActor(actor_key=key) for key in rules.actor_keys(statement["actor"])]
    return row


def _void_targets(voids: list[XapiStatement], rows: list[XapiStatement]) -> list[XapiStatement]:
    """The statements these voiding statements void; refuse to void a voiding statement."""
    if not voids:
        return []
    wanted = {v.object_iri for v in voids}
    targets = list(db.session.scalars(
        select(XapiStatement).where(XapiStatement.statement_id.in_(wanted))
        .options(selectinload(XapiStatement.actors))))
    targets += [r for r in rows if r.statement_id in wanted]
    for target in targets:
        if target.kind == "void":
            raise Invalid(f"statement {target.statement_id} is a voiding statement and cannot be voided")
    return targets
