"""The invitation link's token: random, shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from teacherapp.content.tokens import hash_token
from teacherapp.extensions import db
from teacherapp.models import Invitation
from teacherapp.models.types import utcnow

VALID_DAYS = 7
# How long a link that expired unused is still listed, with "Invite again".
LAPSED_LISTED_DAYS = 30
MAX_TOKEN_LENGTH = 100  # token_urlsafe(32) is 43 characters; anything far longer is noise


def new_token() -> tuple[str, str]:
    """A fresh token for the link, and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def expiry(now: datetime) -> datetime:
    return now + timedelta(days=VALID_DAYS)


def open_condition(now: datetime):
    """SQL: not used, not cancelled, not expired."""
    return (Invitation.used_at.is_(None) & Invitation.cancelled_at.is_(None)
            & (Invitation.expires_at > now))


def find_open_invitation(token: str, now: datetime | None = None) -> Invitation | None:
    """The open invitation this token belongs to; None for an unknown, used, cancelled or
    expired one (the caller answers the same for all four)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = hash_token(token)
    invitation = db.session.scalars(
        select(Invitation).where(Invitation.token_hash == digest)).first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash, digest):
        return None
    return invitation if invitation.is_open(now or utcnow()) else None


def open_invitations_query(school_ids: list[int], now: datetime | None = None
                           ) -> Select[tuple[Invitation]]:
    """The open invitations of these schools, newest first."""
    return (select(Invitation)
            .where(Invitation.school_id.in_(school_ids), open_condition(now or utcnow()))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc()))


def lapsed_invitations_query(school_ids: list[int], now: datetime | None = None
                             ) -> Select[tuple[Invitation]]:
    """The invitations of these schools whose link expired unused in the last
    LAPSED_LISTED_DAYS days (not cancelled, and nobody invited the same person to the same
    school in the same role since), newest first: each can be sent again."""
    now = now or utcnow()
    newer = aliased(Invitation)
    superseded = select(newer.id).where(
        func.lower(newer.email) == func.lower(Invitation.email),
        newer.school_id == Invitation.school_id, newer.role == Invitation.role,
        newer.created_at > Invitation.created_at).exists()
    return (select(Invitation)
            .where(Invitation.school_id.in_(school_ids), Invitation.used_at.is_(None),
                   Invitation.cancelled_at.is_(None), Invitation.expires_at <= now,
                   Invitation.expires_at > now - timedelta(days=LAPSED_LISTED_DAYS),
                   ~superseded)
            .order_by(Invitation.expires_at.desc(), Invitation.id.desc()))
