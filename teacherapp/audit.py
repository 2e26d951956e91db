"""Writing audit events: in the same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from teacherapp.extensions import db
from teacherapp.models import AuditEvent


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
) -> AuditEvent:
    """Add an audit event to the current session; the caller's commit makes it stick."""
    if actor_id is None and current_user and getattr(current_user, "is_authenticated", False):
        actor_id = current_user.id
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        course_id=course_id,
    )
    db.session.add(event)
    return event
