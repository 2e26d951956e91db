"""A save's login is checked by the cell's own SELECT (teacherapp.auth.claims).

A save takes the user from this process's copy of an earlier full check and lets the cell's
SELECT confirm the login. Whatever ended the login elsewhere must still stop the very next
save, with nothing written: logout on another device, a disabled account, a password reset,
a revoked recognition, an unlinked course, a role that is no longer a teacher's.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, inspect, select

from teacherapp.auth import claims
from teacherapp.extensions import db
from teacherapp.models import AuditEvent, CourseTeacher, Recognition, Role, Score, User
from teacherapp.models.types import utcnow
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD
from tests.offline.helpers import exam_course

HTMX = {"HX-Request": "true"}


def _score_url(ec) -> str:
    return (f"/courses/{ec.course.id}/pupils/{ec.enrolments[0].id}/subjects/{ec.subject.id}"
            f"/sittings/1")


def _level_url(ec) -> str:
    criterion = ec.rubric.criteria[0]
    return f"/courses/{ec.course.id}/pupils/{ec.enrolments[0].id}/criteria/{criterion.id}/exam"


def _save(client, token: str, url: str, value: str, version: int):
    return client.post(url, data={"layout": "exam", "value": value, "version": str(version)},
                       headers={**HTMX, "X-CSRFToken": token})


def _ready_to_save(auth, ec) -> str:
    """Log in, save once (so the process holds a copy of the login), return a CSRF token."""
    auth.login(ec.teacher)
    token = auth.csrf_token()
    assert _save(auth.client, token, _score_url(ec), "11", 0).status_code == 200
    return token


def _nothing_more_written() -> tuple[list, int]:
    db.session.expire_all()
    return (db.session.scalars(select(Score.value)).all(),
            db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.entity == "score")))


def _user_queries(statements: list[str]) -> list[str]:
    """The login's own query: the user row loaded by id (SQLite does not quote "user")."""
    return [s for s in statements if re.match(r'\s*SELECT "?user"?\.id, "?user"?\.email', s)]


def test_a_save_after_a_full_check_runs_no_query_of_its_own_for_the_login(
        auth, make, count_statements):
    ec = exam_course(make, pupils=1)
    token = _ready_to_save(auth, ec)
    with count_statements() as seen:
        assert _save(auth.client, token, _score_url(ec), "12", 1).status_code == 200
    assert not _user_queries(seen.statements), seen.statements


def test_a_page_still_checks_the_login_with_a_query_of_its_own(auth, make, count_statements):
    ec = exam_course(make, pupils=1)
    _ready_to_save(auth, ec)
    with count_statements() as seen:
        assert auth.client.get(f"/courses/{ec.course.id}/exam").status_code == 200
    assert _user_queries(seen.statements)


@pytest.mark.parametrize("ended_by", ["logout elsewhere", "password reset", "disabled"])
def test_a_login_ended_elsewhere_stops_the_next_save(app, auth, make, ended_by):
    ec = exam_course(make, pupils=1)
    token = _ready_to_save(auth, ec)
    before = _nothing_more_written()
    teacher = db.session.get(User, ec.teacher.id)
    if ended_by == "logout elsewhere":
        other = app.test_client()
        page = other.get("/login").get_data(as_text=True)
        other.post("/login", data={"email": teacher.email, "password": PASSWORD,
                                   "csrf_token": csrf_token_from(page)})
        other.post("/logout", data={"csrf_token": csrf_token_from(other.get("/").get_data(
            as_text=True))})
    elif ended_by == "password reset":
        teacher.session_version += 1
        db.session.commit()
    else:
        teacher.active = False  # even without a bumped version
        db.session.commit()
    response = _save(auth.client, token, _score_url(ec), "12", 1)
    assert response.status_code == 401
    assert "X-Login-URL" in response.headers
    assert _nothing_more_written() == before


def test_a_login_ended_elsewhere_stops_the_next_level_save(auth, make):
    ec = exam_course(make, pupils=1, criteria=1)
    token = _ready_to_save(auth, ec)
    db.session.get(User, ec.teacher.id).session_version += 1
    db.session.commit()
    criterion = ec.rubric.criteria[0]
    response = auth.client.post(_level_url(ec), data={
        "layout": "exam", "version": "0", "choose": str(criterion.levels[1].id)},
        headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 401
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "skill_assessment")) == 0


def test_a_plain_form_save_after_logout_elsewhere_goes_to_the_login_page(auth, make):
    ec = exam_course(make, pupils=1)
    token = _ready_to_save(auth, ec)
    before = _nothing_more_written()
    db.session.get(User, ec.teacher.id).session_version += 1
    db.session.commit()
    response = auth.client.post(_score_url(ec), data={
        "layout": "exam", "value": "12", "version": "1", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert _nothing_more_written() == before


def test_a_teacher_who_is_no_longer_one_gets_403_and_nothing_is_written(auth, make):
    ec = exam_course(make, pupils=1)
    token = _ready_to_save(auth, ec)
    before = _nothing_more_written()
    db.session.get(User, ec.teacher.id).role = Role.SECRETARIAT
    db.session.commit()
    assert _save(auth.client, token, _score_url(ec), "12", 1).status_code == 403
    assert _nothing_more_written() == before


@pytest.mark.parametrize("lost", ["recognition", "link"])
def test_a_course_out_of_reach_is_404_and_the_login_holds(auth, make, lost):
    ec = exam_course(make, pupils=1)
    token = _ready_to_save(auth, ec)
    before = _nothing_more_written()
    if lost == "recognition":
        for recognition in db.session.scalars(select(Recognition).where(
                Recognition.teacher_id == ec.teacher.id)):
            recognition.revoked_at = utcnow()
    else:
        db.session.execute(CourseTeacher.__table__.delete().where(
            CourseTeacher.course_id == ec.course.id))
    db.session.commit()
    assert _save(auth.client, token, _score_url(ec), "12", 1).status_code == 404
    assert _nothing_more_written() == before
    assert auth.client.get("/").status_code == 200  # still logged in


def test_a_copy_is_never_taken_from_a_remember_cookie_or_for_a_page(app, make):
    """Only a POST to a marked view whose session holds that very cookie value is served."""
    teacher = make.teacher()
    db.session.commit()
    token = f"{teacher.id}:{teacher.session_version}"
    with app.test_request_context("/"):
        claims.remember(token, teacher)
    url = "/courses/1/pupils/1/subjects/1/sittings/1"
    with app.test_request_context(url, method="GET"):
        from flask import session
        session["_user_id"] = token
        assert claims.claimed_user(token) is None
    with app.test_request_context(url, method="POST"):
        from flask import session
        assert claims.claimed_user(token) is None  # not the session's own login
        session["_user_id"] = token
        claimed = claims.claimed_user(token)
        assert claimed is not None and claimed.id == teacher.id
        assert claimed.session_version == teacher.session_version
    with app.test_request_context(f"/courses/{1}/exam", method="POST"):
        from flask import session
        session["_user_id"] = token
        assert claims.claimed_user(token) is None  # not a marked view


def test_the_copy_holds_no_password_hash_and_only_teachers_are_kept(app, make):
    teacher = make.teacher()
    secretary = make.secretariat()
    db.session.commit()
    with app.test_request_context("/"):
        claims.remember("t", teacher)
        claims.remember("s", secretary)
        copies = app.extensions["teacherapp.login_claims"]
        assert "s" not in copies
        assert "password_hash" not in copies["t"].values


def test_the_copies_are_bounded(app, make):
    teacher = make.teacher()
    db.session.commit()
    with app.test_request_context("/"):
        for n in range(claims._LIMIT + 10):
            claims.remember(f"{n}:1", teacher)
        copies = app.extensions["teacherapp.login_claims"]
        assert len(copies) == claims._LIMIT
        assert "0:1" not in copies and f"{claims._LIMIT + 9}:1" in copies


def test_another_teachers_course_is_not_reachable_through_a_copy(auth, make):
    """The copy's course scope is still the teacher's own: another teacher's cell is 404."""
    ec = exam_course(make, pupils=1)
    token = _ready_to_save(auth, ec)
    other = exam_course(make, pupils=1)
    db.session.commit()
    before = _nothing_more_written()
    assert _save(auth.client, token, _score_url(other), "12", 0).status_code == 404
    assert _nothing_more_written() == before


def test_one_detached_copy_serves_every_save_unless_something_touched_it(app, make):
    teacher = make.teacher()
    db.session.commit()
    token = f"{teacher.id}:{teacher.session_version}"
    url = "/courses/1/pupils/1/subjects/1/sittings/1"
    with app.test_request_context("/"):
        claims.remember(token, teacher)
    users = []
    for _ in range(2):
        with app.test_request_context(url, method="POST"):
            from flask import session
            session["_user_id"] = token
            users.append(claims.claimed_user(token))
    assert users[0] is users[1]
    users[1].full_name = "changed by mistake"
    with app.test_request_context(url, method="POST"):
        from flask import session
        session["_user_id"] = token
        fresh = claims.claimed_user(token)
    assert fresh is not users[1] and fresh.full_name == teacher.full_name
    assert inspect(fresh).detached
