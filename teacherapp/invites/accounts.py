"""Creating an invitation, accepting it, cancelling it; and a school's members.

Each function writes its audit events in the caller's transaction; the caller commits. The
checks that gate a write run inside that transaction: the invitation is marked used by an
UPDATE whose WHERE says it is still open, and an existing account is locked before its
role is judged.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from teacherapp import audit
from teacherapp.extensions import db
from teacherapp.invites.tokens import expiry, new_token, open_condition
from teacherapp.models import Invitation, Role, SchoolMembership, User
from teacherapp.write_locks import lock_user

# Who may be invited into what: the secretariat invites coordinators, a coordinator teachers.
INVITABLE_ROLES = (Role.SCHOOL_COORDINATOR, Role.TEACHER)


class InviteRefusal(enum.StrEnum):
    SECRETARIAT = "secretariat"  # a secretariat account is never a school's member
    OTHER_ROLE = "other_role"  # the account exists with the other school role


class InviteRefused(Exception):
    def __init__(self, refusal: InviteRefusal, user: User) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.user = user


def refusal_for(existing: User | None, role: Role) -> InviteRefusal | None:
    """Why an existing account cannot take this role at a school, or None."""
    if existing is None or existing.role == role:
        return None
    if existing.role == Role.SECRETARIAT:
        return InviteRefusal.SECRETARIAT
    return InviteRefusal.OTHER_ROLE


def find_user_by_email(email: str, *, lock: bool = False) -> User | None:
    user = db.session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())).first()
    if user is not None and lock:
        lock_user(user.id)  # its role cannot change until this transaction ends
    return user


def attach_membership(user: User, school_id: int, actor_id: int | None = None) -> bool:
    """Put the user on the school (coordinator or staff); False when already there."""
    exists = db.session.scalar(select(SchoolMembership.id).where(
        SchoolMembership.user_id == user.id, SchoolMembership.school_id == school_id))
    if exists is not None:
        return False
    membership = SchoolMembership(user_id=user.id, school_id=school_id)
    db.session.add(membership)
    db.session.flush()
    audit.record("create", "school_membership", membership.id, actor_id=actor_id,
                 new=f"user_id={user.id}; school_id={school_id}")
    return True


def is_member(user_id: int, school_id: int) -> bool:
    return db.session.scalar(select(SchoolMembership.id).where(
        SchoolMembership.user_id == user_id, SchoolMembership.school_id == school_id)) is not None


def remove_membership(user_id: int, school_id: int) -> bool:
    """Take the user off the school; False when they were not on it."""
    membership_id = db.session.scalar(
        delete(SchoolMembership).where(SchoolMembership.user_id == user_id,
                                       SchoolMembership.school_id == school_id)
        .returning(SchoolMembership.id))
    if membership_id is None:
        return False
    audit.record("delete", "school_membership", membership_id,
                 old=f"user_id={user_id}; school_id={school_id}")
    return True


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    token: str | None  # the link's token, to show once; None when an existing account was attached
    existing: User | None  # the existing account that was put on the school at once


def invite(*, email: str, full_name: str, role: Role, school_id: int, invited_by_id: int,
           now: datetime) -> Invited:
    """Invite someone to a school in a role.

    An existing account of that role keeps its password and joins the school at once (no
    link); an account of another role is refused (InviteRefused). Otherwise a link is made,
    and earlier open invitations of the same person to the same school are cancelled, so only
    the newest link works.
    """
    assert role in INVITABLE_ROLES
    email = email.strip()
    existing = find_user_by_email(email, lock=True)
    refusal = refusal_for(existing, role)
    if refusal is not None:
        raise InviteRefused(refusal, existing)
    _cancel_earlier(email, school_id, role, now)
    token, token_hash = new_token()
    invitation = Invitation(token_hash=token_hash, email=email, full_name=full_name.strip(),
                            role=role, school_id=school_id, invited_by_id=invited_by_id,
                            created_at=now, expires_at=expiry(now))
    if existing is not None:  # recorded as used at once: there is no password to set
        invitation.used_at, invitation.user_id = now, existing.id
    db.session.add(invitation)
    db.session.flush()
    audit.record("invite", "invitation", invitation.id,
                 new=f"email={email}; role={role.value}; school_id={school_id}")
    if existing is not None:
        attach_membership(existing, school_id)
        return Invited(invitation, None, existing)
    return Invited(invitation, token, None)


def _cancel_earlier(email: str, school_id: int, role: Role, now: datetime) -> None:
    earlier = db.session.scalars(
        update(Invitation)
        .where(func.lower(Invitation.email) == email.lower(), Invitation.school_id == school_id,
               Invitation.role == role, open_condition(now))
        .values(cancelled_at=now).returning(Invitation.id)).all()
    for invitation_id in earlier:
        audit.record("cancel", "invitation", invitation_id, field="cancelled_at", new=now)


def cancel(invitation_id: int, now: datetime) -> bool:
    """Cancel an open invitation; False when it was no longer open (used, expired, cancelled)."""
    cancelled = db.session.scalar(
        update(Invitation).where(Invitation.id == invitation_id, open_condition(now))
        .values(cancelled_at=now).returning(Invitation.id))
    if cancelled is None:
        return False
    audit.record("cancel", "invitation", invitation_id, field="cancelled_at", new=now)
    return True


@dataclass(frozen=True)
class Accepted:
    user: User
    created: bool  # False: an account with this email existed already and kept its password


def accept(invitation_id: int, password_hash: str, now: datetime) -> Accepted | None:
    """Use the invitation: create the account with this password (or attach the account
    that was made meanwhile) and put it on the school. None when the invitation is no longer
    open: the UPDATE that marks it used is the check, so a link works exactly once."""
    used = db.session.scalar(
        update(Invitation).where(Invitation.id == invitation_id, open_condition(now))
        .values(used_at=now).returning(Invitation.id))
    if used is None:
        return None
    invitation = db.session.get(Invitation, invitation_id)
    db.session.refresh(invitation)
    existing = find_user_by_email(invitation.email, lock=True)
    refusal = refusal_for(existing, invitation.role)
    if refusal is not None:
        raise InviteRefused(refusal, existing)
    user, created = existing, existing is None
    if user is None:
        user = User(email=invitation.email, full_name=invitation.full_name,
                    role=invitation.role, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
        audit.record("create", "user", user.id, actor_id=user.id,
                     new=f"email={user.email}; full_name={user.full_name}; role={user.role.value}")
    invitation.user_id = user.id
    audit.record("accept", "invitation", invitation.id, actor_id=user.id,
                 field="used_at", new=now)
    attach_membership(user, invitation.school_id, actor_id=user.id)
    return Accepted(user, created)
