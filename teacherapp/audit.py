"""Writing audit events: in the same transaction as the change they describe.

An event is one Core INSERT in the session's transaction, sent at once (nothing reads it back
within the request); the caller's commit makes it stick together with the change. The INSERT
goes to the table itself, not through the ORM's bulk path: nothing here needs the ORM, and a
save writes one event per request.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy import insert

from teacherapp.extensions import db
from teacherapp.models import AuditEvent
from teacherapp.models.types import utcnow

_INSERT_EVENT = insert(AuditEvent.__table__)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "value") and not isinstance(value, str | int | float):
        value = value.value  # enums
    return str(value)


def record(
    action: str,
    entity: str,
    entity_id: Any,
    *,
    field: str = "",
    old: Any = None,
    new: Any = None,
    course_id: int | None = None,
    actor_id: int | None = None,
) -> None:
    """Write an audit event in the current transaction; the caller's commit makes it stick."""
    if actor_id is None and current_user and getattr(current_user, "is_authenticated", False):
        actor_id = current_user.id
    db.session.execute(_INSERT_EVENT, {
        "actor_id": actor_id, "at": utcnow(), "action": action, "entity": entity,
        "entity_id": str(entity_id), "field": field, "old_value": _text(old),
        "new_value": _text(new), "course_id": course_id,
    })
