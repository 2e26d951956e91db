"""The public link page: for whom and which school, a password twice, used once, logged in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Invitation, Role, SchoolMembership, User
from teacherapp.passwords import verify_password
from tests.invites.conftest import (
    NEW_PASSWORD,
    accept,
    invite_coordinator,
    invite_teacher,
    link_in,
    path_of,
)
from tests.security.world import database_digest

INVALID = "Deze uitnodiging is niet (meer) geldig"


@pytest.fixture
def coordinator_link(app, auth, schools):
    """A link to become the coordinator of school A, and a fresh browser to open it."""
    auth.login(schools["secretariat"])
    link = link_in(invite_coordinator(auth, schools["a"]).get_data(as_text=True))
    return path_of(link), app.test_client()


def test_the_page_says_for_whom_and_which_school(coordinator_link):
    path, browser = coordinator_link
    page = browser.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Nieuwe Coördinator" in html and "nieuw@school.example" in html
    assert "Sint-Jozefscollege" in html and "schoolcoördinator" in html
    assert "no-store" in page.headers["Cache-Control"]


def test_setting_a_password_creates_the_account_and_logs_in(coordinator_link, schools):
    path, browser = coordinator_link
    response = accept(browser, path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/school/")
    user = db.session.scalars(select(User).where(User.email == "nieuw@school.example")).one()
    assert user.role == Role.SCHOOL_COORDINATOR and user.full_name == "Nieuwe Coördinator"
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert db.session.scalar(select(SchoolMembership.school_id).where(
        SchoolMembership.user_id == user.id)) == schools["a"].id
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.used_at is not None and invitation.user_id == user.id
    home = browser.get("/school/")
    assert home.status_code == 200 and "Sint-Jozefscollege" in home.get_data(as_text=True)
    actions = {(e.action, e.entity) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == user.id))}
    assert {("create", "user"), ("accept", "invitation"), ("create", "school_membership"),
            ("login", "user")} <= actions


def test_the_link_works_once(coordinator_link):
    path, browser = coordinator_link
    assert accept(browser, path).status_code == 302
    other = browser.application.test_client()
    page = other.get(path)
    assert page.status_code == 410 and INVALID in page.get_data(as_text=True)
    before = database_digest()
    assert other.post(path, data={"password": "x" * 20, "confirm": "x" * 20}).status_code in (400, 410)
    assert database_digest() == before


@pytest.mark.parametrize("case", ["unknown", "expired", "cancelled", "used"])
def test_an_invalid_link_gets_one_page_that_does_not_say_why(coordinator_link, case):
    path, browser = coordinator_link
    invitation = db.session.scalars(select(Invitation)).one()
    if case == "unknown":
        path = path[:-4] + "abcd"
    elif case == "expired":  # freeze time by moving the row's expiry into the past
        invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    elif case == "cancelled":
        invitation.cancelled_at = invitation.created_at
    else:
        invitation.used_at = invitation.created_at
    db.session.commit()
    page = browser.get(path)
    assert page.status_code == 410
    html = page.get_data(as_text=True)
    assert INVALID in html
    for word in ("verlopen", "ingetrokken", "gebruikt", "onbekend"):
        assert word not in html.lower()


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("kort", "kort", "minstens 12"),
    ("wachtwoordwachtwoord", "wachtwoordwachtwoord", "te eenvoudig"),
    (NEW_PASSWORD, NEW_PASSWORD + "x", "niet gelijk"),
    ("", "", ""),
])
def test_password_rules_are_the_same_as_elsewhere(coordinator_link, password, confirm, message):
    path, browser = coordinator_link
    before = database_digest()
    response = accept(browser, path, password=password, confirm=confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert database_digest() == before
    assert db.session.scalars(select(Invitation)).one().used_at is None


def test_an_account_made_meanwhile_keeps_its_password_and_is_not_logged_in(
        coordinator_link, make, schools):
    path, browser = coordinator_link
    existing = make.coordinator([], email="nieuw@school.example")
    db.session.commit()
    password_hash = existing.password_hash
    response = accept(browser, path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(User, existing.id).password_hash == password_hash
    assert db.session.scalar(select(SchoolMembership.school_id).where(
        SchoolMembership.user_id == existing.id)) == schools["a"].id
    with browser.session_transaction() as session:
        assert "_user_id" not in session


def test_an_account_of_another_role_made_meanwhile_is_refused(coordinator_link, make):
    path, browser = coordinator_link
    make.teacher(email="nieuw@school.example")
    db.session.commit()
    before = database_digest()
    response = accept(browser, path)
    assert response.status_code == 422 and "andere rol" in response.get_data(as_text=True)
    assert database_digest() == before


def test_a_teacher_invited_by_the_coordinator_lands_on_her_courses(app, auth, schools):
    auth.login(schools["coordinator_a"])
    path = path_of(link_in(invite_teacher(auth, schools["a"]).get_data(as_text=True)))
    browser = app.test_client()
    response = accept(browser, path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    user = db.session.scalars(select(User).where(User.email == "leerkracht@school.example")).one()
    assert user.role == Role.TEACHER
    assert db.session.scalar(select(SchoolMembership.school_id).where(
        SchoolMembership.user_id == user.id)) == schools["a"].id
