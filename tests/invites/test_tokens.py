"""The link's token: random, stored only as a hash, valid once and for 7 days."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from teacherapp.content.tokens import hash_token
from teacherapp.extensions import db
from teacherapp.invites.tokens import VALID_DAYS, expiry, find_open_invitation, new_token
from teacherapp.models import Invitation, Role
from teacherapp.models.types import utcnow


def _invitation(school, token_hash: str, **kw) -> Invitation:
    now = kw.pop("now", utcnow())
    invitation = Invitation(token_hash=token_hash, email="x@example.com", full_name="X",
                            role=Role.TEACHER, school_id=school.id, created_at=now,
                            expires_at=expiry(now), **kw)
    db.session.add(invitation)
    db.session.flush()
    return invitation


def test_new_token_is_long_random_and_its_hash_is_sha256(make):
    token, token_hash = new_token()
    assert len(token) >= 43
    assert token_hash == hash_token(token) and len(token_hash) == 64
    assert new_token()[0] != token


def test_it_finds_an_open_invitation_by_its_token(make):
    token, token_hash = new_token()
    invitation = _invitation(make.school(), token_hash)
    assert find_open_invitation(token) == invitation


def test_it_expires_after_seven_days(make):
    token, token_hash = new_token()
    now = utcnow()
    invitation = _invitation(make.school(), token_hash, now=now)
    assert invitation.expires_at - invitation.created_at == timedelta(days=VALID_DAYS) == timedelta(days=7)
    assert find_open_invitation(token, now=now + timedelta(days=6, hours=23)) == invitation
    assert find_open_invitation(token, now=now + timedelta(days=7, seconds=1)) is None


def test_a_used_or_cancelled_invitation_is_not_found(make):
    school = make.school()
    used_token, used_hash = new_token()
    _invitation(school, used_hash, used_at=utcnow())
    cancelled_token, cancelled_hash = new_token()
    _invitation(school, cancelled_hash, cancelled_at=utcnow())
    assert find_open_invitation(used_token) is None
    assert find_open_invitation(cancelled_token) is None


def test_an_unknown_empty_or_overlong_token_is_not_found(make):
    _invitation(make.school(), new_token()[1])
    assert find_open_invitation("not-a-token") is None
    assert find_open_invitation("") is None
    assert find_open_invitation("x" * 5000) is None


def test_only_the_hash_is_stored(make):
    token, token_hash = new_token()
    _invitation(make.school(), token_hash)
    db.session.commit()
    stored = db.session.execute(select(Invitation.__table__)).one()
    assert token not in repr(tuple(stored))
    assert stored.token_hash == token_hash
