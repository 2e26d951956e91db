from __future__ import annotations

import pytest

from teacherapp.extensions import db
from teacherapp.models import AuditEvent
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD


def test_login_page_is_dutch_by_default(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert "Aanmelden" in html
    assert "E-mailadres" in html


def test_login_page_in_english_after_switching(client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/language", data={"lang": "en", "next": "/login", "csrf_token": token})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_teacher_logs_in_and_out(client, auth, make):
    teacher = make.teacher()
    response = auth.login(teacher)
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("email", ["nobody@example.test", "known"])
def test_wrong_credentials_get_one_generic_message(client, make, email):
    teacher = make.teacher()
    db.session.commit()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={
        "email": teacher.email if email == "known" else email,
        "password": "wrong-password-123", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "E-mailadres of wachtwoord is niet juist." in html
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert db.session.query(AuditEvent).filter_by(action="login_failed").count() == 1


def test_disabled_account_cannot_log_in(client, make):
    teacher = make.teacher(active=False)
    db.session.commit()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": teacher.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert "E-mailadres of wachtwoord is niet juist." in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, make):
    teacher = make.teacher()
    db.session.commit()
    response = client.post("/login", data={"email": teacher.email, "password": PASSWORD})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_form_reports_missing_fields(client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "", "password": "", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul je e-mailadres in." in html
    assert "Vul je wachtwoord in." in html


def test_login_redirects_only_to_local_next(client, make):
    teacher = make.teacher()
    db.session.commit()
    for target, expected in (("/language", "/language"), ("//evil.example/x", "/"),
                             ("https://evil.example/", "/")):
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post(f"/login?next={target}", data={
            "email": teacher.email, "password": PASSWORD, "csrf_token": token})
        assert response.headers["Location"] == expected
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})


def test_logout_invalidates_a_copied_session_cookie(app, client, auth, make):
    teacher = make.teacher()
    auth.login(teacher)
    cookie = client.get_cookie("session")
    assert cookie is not None
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/").status_code == 302


def test_logout_requires_post(client, auth, make):
    auth.login(make.teacher())
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_an_htmx_request_without_a_session_gets_401_not_the_login_page(client):
    response = client.post("/courses/1/pupils/1/subjects/1/sittings/1", data={"value": "7"},
                           headers={"HX-Request": "true"})
    # CSRF runs first for anonymous POSTs; a GET shows the login handling on its own.
    assert response.status_code in (400, 401)
    response = client.get("/courses/1", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["X-Login-URL"].startswith("/login")
    assert "<html" not in response.get_data(as_text=True)
    page = client.get("/courses/1")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login")
