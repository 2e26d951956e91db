"""Writing audit events: in the same transaction as the change they describe.

An event is one INSERT sent at once on the session's connection (Core, not the ORM's unit
of work): every save writes one, and adding an ORM object for it cost a save about a tenth
of its time at commit (profiled). It runs straight on the connection's cursor
(teacherapp.direct_sql), in the session's transaction. Nothing reads the event back within
the request.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from teacherapp.direct_sql import insert_into
from teacherapp.extensions import db
from teacherapp.models import AuditEvent
from teacherapp.models.types import utcnow

INSERT = insert_into(AuditEvent.__table__, "actor_id", "at", "action", "entity", "entity_id",
                     "field", "old_value", "new_value", "course_id")


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
    INSERT.execute(db.session.connection(), {
        "actor_id": actor_id, "at": utcnow(), "action": action, "entity": entity,
        "entity_id": str(entity_id), "field": field, "old_value": _text(old),
        "new_value": _text(new), "course_id": course_id,
    })
