"""The secretariat's school members screen: invite a coordinator (the link shown once), add
or remove an existing account, cancel an invitation."""

from __future__ import annotations

from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Invitation, Role, SchoolMembership, User
from tests.invites.conftest import invite_coordinator, link_in
from tests.security.world import database_digest


def _members(school_id: int) -> set[str]:
    return set(db.session.scalars(
        select(User.email).join(SchoolMembership, SchoolMembership.user_id == User.id)
        .where(SchoolMembership.school_id == school_id)))


def test_the_page_lists_coordinators_staff_and_invitations(auth, make, schools):
    teacher = make.teacher(full_name="Tom Staff", email="tom@school.example")
    make.member(teacher, schools["a"])
    db.session.commit()
    auth.login(schools["secretariat"])
    invite_coordinator(auth, schools["a"], email="open@school.example", name="Open Uitnodiging")
    page = auth.client.get(f"/admin/schools/{schools['a'].id}/members").get_data(as_text=True)
    assert "Coördinator A" in page and "Tom Staff" in page
    assert "open@school.example" in page and "Intrekken" in page
    assert "Coördinator uitnodigen" in page
    assert "Coördinator B" not in page


def test_the_school_pages_link_to_the_members_screen(auth, schools):
    auth.login(schools["secretariat"])
    url = f"/admin/schools/{schools['a'].id}/members"
    assert url in auth.client.get("/admin/schools").get_data(as_text=True)
    assert url in auth.client.get(f"/admin/schools/{schools['a'].id}/edit").get_data(as_text=True)


def test_inviting_shows_the_link_once_and_never_again(auth, schools):
    auth.login(schools["secretariat"])
    response = invite_coordinator(auth, schools["a"])
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    link = link_in(html)
    assert link and "/invite/" in link
    assert "Kopieer" in html
    assert "Er is geen e-mail verstuurd" in html  # no MAIL_SERVER in the tests
    token = link.rsplit("/", 1)[1]
    again = auth.client.get(f"/admin/schools/{schools['a'].id}/members").get_data(as_text=True)
    assert token not in again and "nieuw@school.example" in again
    with auth.client.session_transaction() as session:
        assert token not in repr(dict(session))
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.role == Role.SCHOOL_COORDINATOR and invitation.used_at is None
    assert token not in invitation.token_hash
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "invite", AuditEvent.entity_id == str(invitation.id),
        AuditEvent.actor_id == schools["secretariat"].id)) is not None


def test_inviting_again_cancels_the_earlier_link(auth, schools):
    auth.login(schools["secretariat"])
    invite_coordinator(auth, schools["a"])
    invite_coordinator(auth, schools["a"])
    invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert invitations[0].cancelled_at is not None and invitations[1].cancelled_at is None


def test_an_existing_coordinator_is_added_at_once_and_keeps_her_password(auth, schools):
    coordinator_b = schools["coordinator_b"]
    password_hash = coordinator_b.password_hash
    auth.login(schools["secretariat"])
    response = invite_coordinator(auth, schools["a"], email=coordinator_b.email.upper())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert link_in(html) is None and "houdt zijn wachtwoord" in html
    assert coordinator_b.email in _members(schools["a"].id)
    db.session.expire_all()
    assert db.session.get(User, coordinator_b.id).password_hash == password_hash
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.user_id == coordinator_b.id and invitation.used_at is not None


def test_a_teacher_or_secretariat_account_cannot_be_invited_as_coordinator(auth, make, schools):
    teacher = make.teacher(email="teacher@school.example")
    db.session.commit()
    auth.login(schools["secretariat"])
    before = database_digest()
    for email, words in ((teacher.email, "andere rol"),
                         (schools["secretariat"].email, "VTS-secretariaat")):
        response = invite_coordinator(auth, schools["a"], email=email)
        assert response.status_code == 422
        assert words in response.get_data(as_text=True)
        assert database_digest() == before


def test_bad_input_is_a_dutch_422_and_changes_nothing(auth, schools):
    auth.login(schools["secretariat"])
    before = database_digest()
    response = invite_coordinator(auth, schools["a"], email="geen-adres", name="")
    assert response.status_code == 422
    assert "Er is niets opgeslagen" in response.get_data(as_text=True)
    assert database_digest() == before
    assert auth.post("/admin/schools/999999/members/invite",
                     data={"email": "x@example.com", "full_name": "X"}).status_code == 404


def test_adding_and_removing_an_existing_account(auth, make, schools):
    teacher = make.teacher(email="staff@school.example", full_name="Sara Staff")
    db.session.commit()
    auth.login(schools["secretariat"])
    school_id = schools["a"].id
    response = auth.post(f"/admin/schools/{school_id}/members/add",
                         data={"member-email": teacher.email, "member-kind": "staff"})
    assert response.status_code == 302
    assert teacher.email in _members(school_id)
    # the wrong kind for the account, and an unknown address: refused, nothing changed
    before = database_digest()
    for data in ({"member-email": teacher.email, "member-kind": "coordinator"},
                 {"member-email": "niemand@school.example", "member-kind": "staff"}):
        assert auth.post(f"/admin/schools/{school_id}/members/add", data=data).status_code == 422
    assert database_digest() == before
    remove_url = f"/admin/schools/{school_id}/members/{teacher.id}/remove"
    assert f'href="{remove_url}"' in auth.client.get(f"/admin/schools/{school_id}/members").get_data(as_text=True)
    # The button asks first: the page says what happens; only its POST removes.
    confirm = auth.client.get(remove_url)
    assert confirm.status_code == 200
    assert "Sara Staff uit " in confirm.get_data(as_text=True)
    assert database_digest() == before
    # someone who is not on the school: no confirmation page
    other = make.teacher(email="elders@school.example")
    db.session.commit()
    assert auth.client.get(f"/admin/schools/{school_id}/members/{other.id}/remove").status_code == 404
    response = auth.post(remove_url)
    assert response.status_code == 302
    assert teacher.email not in _members(school_id)
    actions = set(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "school_membership")))
    assert actions == {"create", "delete"}


def test_cancelling_an_invitation_kills_its_link(auth, client, schools):
    auth.login(schools["secretariat"])
    link = link_in(invite_coordinator(auth, schools["a"]).get_data(as_text=True))
    invitation = db.session.scalars(select(Invitation)).one()
    response = auth.post(f"/admin/schools/{schools['a'].id}/invitations/{invitation.id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).cancelled_at is not None
    # another school's URL with this invitation: 404
    assert auth.post(f"/admin/schools/{schools['b'].id}/invitations/{invitation.id}/cancel"
                     ).status_code == 404
    anonymous = auth.client.application.test_client()
    page = anonymous.get(link[link.index("/invite/"):])
    assert page.status_code == 410
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "cancel")) == 1
