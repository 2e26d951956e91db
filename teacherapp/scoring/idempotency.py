"""Replay protection for saves: the same idempotency key gets the same answer, once applied.

An offline queue may send a save twice (the first answer got lost on the pool's Wi-Fi).
The client names each save with a key; the first successful answer is stored under that key
in the same transaction as the change, and a repeat gets the stored answer without changing
anything again.
"""

from __future__ import annotations

from flask import Response, make_response, request
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import IdempotentSave

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
    """Store the answer under the key; the caller's commit makes it stick with the change."""
    if key is None:
        return
    db.session.add(IdempotentSave(key=key, user_id=user_id, status_code=status_code,
                                  response_body=body))
