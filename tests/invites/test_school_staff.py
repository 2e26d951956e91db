"""The coordinator's teachers: she invites teachers to her own schools only, and cancels only
her schools' invitations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Invitation, Role, SchoolMembership, User
from tests.invites.conftest import invite_teacher, link_in
from tests.security.world import database_digest


def _hers_and_theirs(make, schools, hers: str):
    """A teacher on her school A (named `hers`) and one on school B."""
    mine = make.teacher(full_name=hers)
    theirs = make.teacher(full_name="Andere Leerkracht")
    make.member(mine, schools["a"])
    make.member(theirs, schools["b"])
    db.session.commit()
    return mine, theirs


def test_the_page_lists_her_staff_and_open_invitations(auth, make, schools):
    mine, theirs = _hers_and_theirs(make, schools, "Mijn Leerkracht")
    auth.login(schools["coordinator_a"])
    invite_teacher(auth, schools["a"], email="open@school.example")
    page = auth.client.get("/school/staff")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mijn Leerkracht" in html and "Andere Leerkracht" not in html
    assert "open@school.example" in html and "Leerkracht uitnodigen" in html
    assert 'href="/school/staff"' in auth.client.get("/school/").get_data(as_text=True)


def test_she_invites_a_teacher_and_sees_the_link_once(auth, schools):
    auth.login(schools["coordinator_a"])
    response = invite_teacher(auth, schools["a"])
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    link = link_in(response.get_data(as_text=True))
    assert link
    assert link.rsplit("/", 1)[1] not in auth.client.get("/school/staff").get_data(as_text=True)
    invitation = db.session.scalars(select(Invitation)).one()
    assert (invitation.role, invitation.school_id, invitation.invited_by_id) == (
        Role.TEACHER, schools["a"].id, schools["coordinator_a"].id)
    assert db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "invite")) == schools["coordinator_a"].id


def test_another_schools_id_is_a_404_and_changes_nothing(auth, schools):
    auth.login(schools["coordinator_a"])
    before = database_digest()
    assert invite_teacher(auth, schools["b"]).status_code == 404
    assert auth.post("/school/staff/invite", data={"email": "x@example.com",
                                                    "full_name": "X"}).status_code == 404
    assert auth.post("/school/staff/invite", data={"email": "x@example.com", "full_name": "X",
                                                    "school_id": "abc"}).status_code == 404
    for beyond in ("2147483648", "99999999999999999999", "-1", "0"):  # no 500 on PostgreSQL
        assert auth.post("/school/staff/invite", data={
            "email": "x@example.com", "full_name": "X", "school_id": beyond}).status_code == 404
    assert auth.post(f"/school/staff/2147483648/teachers/{schools['coordinator_a'].id}/remove"
                     ).status_code == 404
    assert database_digest() == before


def test_another_schools_invitation_cannot_be_cancelled(app, auth, schools):
    auth.login(schools["coordinator_a"])
    invite_teacher(auth, schools["a"])
    invitation = db.session.scalars(select(Invitation)).one()
    other = app.test_client()
    from tests.conftest import Auth

    auth_b = Auth(other)
    auth_b.login(schools["coordinator_b"])
    before = database_digest()
    assert auth_b.post(f"/school/staff/invitations/{invitation.id}/cancel").status_code == 404
    assert database_digest() == before
    assert auth.post(f"/school/staff/invitations/{invitation.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).cancelled_at is not None


@pytest.mark.parametrize("who", ["teacher", "secretariat", "anonymous"])
def test_others_may_not_invite_teachers(auth, make, schools, who):
    if who == "teacher":
        teacher = make.teacher()
        make.member(teacher, schools["a"])
        db.session.commit()
        auth.login(teacher)
    elif who == "secretariat":
        auth.login(schools["secretariat"])
    before = database_digest()
    response = invite_teacher(auth, schools["a"])
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert auth.client.get("/school/staff").status_code == (302 if who == "anonymous" else 403)
    assert database_digest() == before


def test_an_existing_teacher_joins_the_staff_and_keeps_his_password(auth, make, schools):
    teacher = make.teacher(email="bestaand@school.example")
    make.member(teacher, schools["b"])
    db.session.commit()
    password_hash = teacher.password_hash
    auth.login(schools["coordinator_a"])
    response = invite_teacher(auth, schools["a"], email=teacher.email)
    assert response.status_code == 200 and link_in(response.get_data(as_text=True)) is None
    school_ids = set(db.session.scalars(select(SchoolMembership.school_id).where(
        SchoolMembership.user_id == teacher.id)))
    assert school_ids == {schools["a"].id, schools["b"].id}
    db.session.expire_all()
    assert db.session.get(User, teacher.id).password_hash == password_hash



def test_inviting_a_disabled_teacher_says_the_account_stays_disabled(auth, make, schools):
    teacher = make.teacher(email="uit@school.example")
    teacher.active = False
    db.session.commit()
    auth.login(schools["coordinator_a"])
    html = invite_teacher(auth, schools["a"], email=teacher.email).get_data(as_text=True)
    assert "Dit account is uitgeschakeld" in html
    enabled = make.teacher(email="aan@school.example")
    db.session.commit()
    html = invite_teacher(auth, schools["a"], email=enabled.email).get_data(as_text=True)
    assert "uitgeschakeld" not in html

def test_a_coordinator_cannot_be_invited_as_teacher(auth, schools):
    auth.login(schools["coordinator_a"])
    before = database_digest()
    response = invite_teacher(auth, schools["a"], email=schools["coordinator_b"].email)
    assert response.status_code == 422 and "andere rol" in response.get_data(as_text=True)
    response = invite_teacher(auth, schools["a"], email=schools["secretariat"].email)
    assert response.status_code == 422 and "VTS-secretariaat" in response.get_data(as_text=True)
    assert database_digest() == before


def test_a_coordinator_of_a_school_group_sees_which_school_each_teacher_is_on(auth, make, schools):
    school_c = make.school(name="Campus Centrum")
    make.member(schools["coordinator_a"], school_c)
    both = make.teacher(full_name="Beide Scholen")
    make.member(both, schools["a"])
    make.member(both, school_c)
    db.session.commit()
    auth.login(schools["coordinator_a"])
    html = auth.client.get("/school/staff").get_data(as_text=True)
    assert html.count("<span>Beide Scholen") == 1  # one row, a remove button per school
    assert ">Verwijderen uit Campus Centrum…</a>" in html
    assert ">Verwijderen uit Sint-Jozefscollege…</a>" in html
    assert "Campus Centrum, Sint-Jozefscollege" in html
    assert f'<option value="{school_c.id}">Campus Centrum</option>' in html


def test_she_takes_a_teacher_who_left_off_her_school_and_only_hers(auth, make, schools):
    mine, theirs = _hers_and_theirs(make, schools, "Vertrokken Leerkracht")
    auth.login(schools["coordinator_a"])
    page = auth.client.get("/school/staff").get_data(as_text=True)
    remove_url = f"/school/staff/{schools['a'].id}/teachers/{mine.id}/remove"
    assert (f'href="{remove_url}" aria-label="Uit de school verwijderen: Vertrokken Leerkracht"'
            in page)
    before = database_digest()
    # The button asks first: a page that says what happens, with a POST form to confirm.
    confirm = auth.client.get(remove_url)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Vertrokken Leerkracht uit Sint-Jozefscollege verwijderen?" in html
    assert "Koppelingen aan cursussen blijven zoals ze zijn" in html
    assert '<form method="post" class="card"' in html and 'name="csrf_token"' in html
    assert 'href="/school/staff">Annuleren</a>' in html
    # another school's teacher, her school with another school's teacher, a coordinator: 404
    for school, user in ((schools["b"], theirs), (schools["a"], theirs),
                         (schools["a"], schools["coordinator_a"])):
        url = f"/school/staff/{school.id}/teachers/{user.id}/remove"
        assert auth.client.get(url).status_code == 404
        assert auth.post(url).status_code == 404
    assert database_digest() == before
    response = auth.post(f"/school/staff/{schools['a'].id}/teachers/{mine.id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(select(SchoolMembership).where(
        SchoolMembership.user_id == mine.id)) is None
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "school_membership", AuditEvent.action == "delete")).one()
    assert event.actor_id == schools["coordinator_a"].id
    html = auth.client.get("/school/staff").get_data(as_text=True)
    assert "hoort niet meer bij" in html and "<span>Vertrokken Leerkracht" not in html
