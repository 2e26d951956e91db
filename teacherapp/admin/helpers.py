"""Small helpers the admin views share: loading rows, auditing edits, wording refusals."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l

from teacherapp import audit
from teacherapp.admin.logic import DeleteRefusal, LinkRefusal
from teacherapp.extensions import db

M = TypeVar("M")

DELETE_REFUSAL_MESSAGES = {
    DeleteRefusal.HAS_COURSES: _l("courses use it"),
    DeleteRefusal.HAS_PUPILS: _l("pupils belong to it"),
    DeleteRefusal.HAS_RUBRICS: _l("rubrics belong to it"),
    DeleteRefusal.HAS_CONTENT: _l("content items belong to it"),
    DeleteRefusal.HAS_RECOGNITIONS: _l("teachers are recognised for it"),
    DeleteRefusal.HAS_SCORES: _l("scores or exemptions were entered for it"),
    DeleteRefusal.HAS_ASSESSMENTS: _l("rubric assessments were recorded with it"),
    DeleteRefusal.HAS_VIEWS: _l("pupils' views of it are recorded"),
    DeleteRefusal.USED_BY_SUBJECTS: _l("subjects use it"),
}

LINK_REFUSAL_MESSAGES = {
    LinkRefusal.DISABLED: _l("account disabled"),
    LinkRefusal.NOT_RECOGNISED: _l("not recognised for this course type"),
    LinkRefusal.RECOGNITION_REVOKED: _l("recognition for this course type revoked"),
    LinkRefusal.TRACK_2_ONLY: _l("recognised automatically for track 2 only; a track-1 course "
                                 "needs an LO or VTS qualification and the refresher training"),
    LinkRefusal.ALREADY_LINKED: _l("already linked"),
}


def get_or_404(model: type[M], object_id: int) -> M:
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def record_create(entity: str, obj: Any, fields: list[str], course_id: int | None = None) -> None:
    """One audit event for a new row, with its values in readable form."""
    db.session.flush()  # the new row needs its id
    values = "; ".join(f"{name}={getattr(obj, name)}" for name in fields)
    audit.record("create", entity, obj.id, new=values, course_id=course_id)


def record_changes(entity: str, obj: Any, before: dict[str, Any], course_id: int | None = None) -> int:
    """One audit event per field that changed; returns how many changed."""
    changed = 0
    for name, old in before.items():
        new = getattr(obj, name)
        if new != old:
            audit.record("update", entity, obj.id, field=name, old=old, new=new, course_id=course_id)
            changed += 1
    return changed


def record_delete(entity: str, obj: Any, description: str, course_id: int | None = None) -> None:
    audit.record("delete", entity, obj.id, old=description, course_id=course_id)


def refusal_text(refusals: list[DeleteRefusal]) -> str:
    return ", ".join(str(DELETE_REFUSAL_MESSAGES[r]) for r in refusals)
