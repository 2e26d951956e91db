"""Replay protection for saves: the same idempotency key gets the same answer, once applied.

An offline queue may send a save twice (the first answer got lost on the pool's Wi-Fi).
The client names each save with a key; the first successful answer is stored under that key
in the same transaction as the change (on PostgreSQL in the same statement), and a repeat gets
the stored answer without changing anything again.

The stored answer is looked up only when a save would not succeed on its own, or when storing
its key collides: a repeat of a save that was applied always lands there, because versions
only go up (the repeat's base version is behind, so it conflicts), or the cell already holds
what it sends (storing the key again collides).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Response, make_response, request
from sqlalchemy import delete, insert, select

from teacherapp.extensions import db
from teacherapp.models import IdempotentSave
from teacherapp.models.types import utcnow

_INSERT_ANSWER = insert(IdempotentSave.__table__)

FIELD = "idempotency_key"
MAX_LENGTH = 80


def key_from_request() -> str | None:
    """The key sent with this save, if any (keys longer than the column are refused upstream)."""
    key = (request.form.get(FIELD) or "").strip()
    return key or None


def is_valid_key(key: str | None) -> bool:
    return key is None or len(key) <= MAX_LENGTH


def stored_response(key: str | None, user_id: int) -> Response | None:
    """The answer already given to this user under this key, or None if it is new.

    A key another user already used is never replayed to this user (nothing leaks); it is
    answered as a conflict so the client makes a new key.
    """
    if key is None:
        return None
    row = db.session.execute(
        select(IdempotentSave.user_id, IdempotentSave.status_code, IdempotentSave.response_body)
        .where(IdempotentSave.key == key)
    ).first()
    if row is None:
        return None
    if row.user_id != user_id:
        return make_response("", 409)
    response = make_response(row.response_body, row.status_code)
    response.headers["Idempotent-Replay"] = "true"
    return response


def remember(key: str | None, user_id: int, status_code: int, body: str) -> None:
    """Store the answer under the key; the caller's commit makes it stick with the change.

    One Core INSERT, sent at once: a key stored before raises IntegrityError here (the
    caller rolls back and replays the stored answer).
    """
    if key is None:
        return
    db.session.execute(_INSERT_ANSWER, {
        "key": key, "user_id": user_id, "status_code": status_code, "response_body": body,
        "created_at": utcnow()})


# How long a stored answer is kept. A phone's offline queue sends its saves again within
# hours, at most days; a repeat of an older save still changes nothing (its base version is
# behind, so it is a conflict that shows the stored value), it only no longer gets the
# original answer word for word.
KEEP_DAYS = 30


def prune(older_than_days: int = KEEP_DAYS) -> int:
    """Forget stored answers older than the given number of days; returns how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = db.session.execute(delete(IdempotentSave).where(IdempotentSave.created_at < cutoff))
    return result.rowcount or 0
