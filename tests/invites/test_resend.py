"""Sending an invitation again: a new link, shown once; the old one stops working; a link that
expired unused is listed for a while with "Opnieuw uitnodigen"."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Invitation
from teacherapp.models.types import utcnow
from tests.invites.conftest import (
    accept,
    invite_coordinator,
    invite_teacher,
    link_in,
    path_of,
)
from tests.security.world import database_digest


def _only_invitation() -> Invitation:
    db.session.expire_all()
    return db.session.scalars(select(Invitation).order_by(Invitation.id.desc())).first()


def _expire(invitation: Invitation, days_ago: float) -> None:
    invitation.created_at = utcnow() - timedelta(days=days_ago + 7)
    invitation.expires_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()


def test_the_secretariat_sends_an_open_invitation_again_and_only_the_new_link_works(
        auth, client, schools):
    auth.login(schools["secretariat"])
    school = schools["a"]
    old_link = link_in(invite_coordinator(auth, school).get_data(as_text=True))
    first = _only_invitation()
    page = auth.client.get(f"/admin/schools/{school.id}/members").get_data(as_text=True)
    assert 'aria-label="Opnieuw versturen: Nieuwe Coördinator"' in page
    response = auth.post(f"/admin/schools/{school.id}/invitations/{first.id}/resend")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    new_link = link_in(response.get_data(as_text=True))
    assert new_link and new_link != old_link
    second = _only_invitation()
    assert (second.email, second.full_name, second.role, second.school_id) == (
        first.email, first.full_name, first.role, first.school_id)
    assert db.session.get(Invitation, first.id).cancelled_at is not None
    actions = [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "invitation").order_by(AuditEvent.id))]
    assert actions == ["invite", "cancel", "invite"]
    auth.logout()
    assert client.get(path_of(old_link)).status_code == 410
    assert accept(client, path_of(new_link)).status_code == 302


def test_a_link_that_expired_unused_is_listed_and_can_be_sent_again(auth, schools):
    auth.login(schools["coordinator_a"])
    invite_teacher(auth, schools["a"])
    invitation = _only_invitation()
    _expire(invitation, days_ago=2)
    page = auth.client.get("/school/staff").get_data(as_text=True)
    assert "Verlopen zonder gebruik" in page
    assert 'aria-label="Opnieuw uitnodigen: Lien Leerkracht"' in page
    response = auth.post(f"/school/staff/invitations/{invitation.id}/resend")
    assert response.status_code == 200 and link_in(response.get_data(as_text=True))
    renewed = _only_invitation()
    assert renewed.id != invitation.id and renewed.expires_at > utcnow()
    # The expired one is not listed any more: the person was invited again since.
    page = auth.client.get("/school/staff").get_data(as_text=True)
    assert "Verlopen zonder gebruik" not in page
    assert page.count("Lien Leerkracht · leerkracht@school.example") == 1


def test_a_link_that_expired_long_ago_is_no_longer_listed(auth, schools):
    auth.login(schools["coordinator_a"])
    invite_teacher(auth, schools["a"])
    _expire(_only_invitation(), days_ago=31)
    assert "Verlopen zonder gebruik" not in auth.client.get("/school/staff").get_data(as_text=True)


def test_a_used_or_cancelled_invitation_is_not_sent_again(auth, client, schools):
    auth.login(schools["coordinator_a"])
    link = link_in(invite_teacher(auth, schools["a"]).get_data(as_text=True))
    invitation = _only_invitation()
    auth.logout()
    assert accept(client, path_of(link)).status_code == 302
    auth.logout()
    auth.login(schools["coordinator_a"])
    before = database_digest()
    response = auth.post(f"/school/staff/invitations/{invitation.id}/resend")
    assert response.status_code == 302
    assert database_digest() == before
    page = auth.client.get("/school/staff").get_data(as_text=True)
    assert "Deze uitnodiging is al gebruikt of ingetrokken" in page


def test_only_her_own_schools_teacher_invitations(auth, schools):
    auth.login(schools["secretariat"])
    invite_coordinator(auth, schools["a"])
    coordinator_invitation = _only_invitation()
    auth.logout()
    auth.login(schools["coordinator_b"])
    invite_teacher(auth, schools["b"])
    theirs = _only_invitation()
    auth.logout()
    auth.login(schools["coordinator_a"])
    before = database_digest()
    for invitation in (coordinator_invitation, theirs):
        assert auth.post(f"/school/staff/invitations/{invitation.id}/resend").status_code == 404
    assert database_digest() == before
    auth.logout()
    # the secretariat: an invitation named under another school's URL is a 404 too
    auth.login(schools["secretariat"])
    before = database_digest()
    response = auth.post(f"/admin/schools/{schools['b'].id}/invitations/"
                         f"{coordinator_invitation.id}/resend")
    assert response.status_code == 404
    assert database_digest() == before


def test_an_address_that_got_an_account_in_another_role_is_refused_in_dutch(auth, make, schools):
    auth.login(schools["coordinator_a"])
    invite_teacher(auth, schools["a"], email="wisselt@school.example")
    invitation = _only_invitation()
    make.coordinator([schools["b"]], email="wisselt@school.example")
    db.session.commit()
    before = database_digest()
    response = auth.post(f"/school/staff/invitations/{invitation.id}/resend")
    assert response.status_code == 302
    assert database_digest() == before
    page = auth.client.get("/school/staff").get_data(as_text=True)
    assert "wisselt@school.example heeft al een account met een andere rol" in page
    assert db.session.get(Invitation, invitation.id).cancelled_at is None
