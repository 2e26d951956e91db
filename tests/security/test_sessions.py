"""Sessions: new at login, dead after logout or disabling, idle and absolute timeouts."""

from __future__ import annotations

import time

import pytest

from teacherapp.auth.session import LOGIN_AT, REMEMBERED, SEEN_AT, session_expired
from teacherapp.extensions import db
from teacherapp.models import User
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD
from tests.security.helpers import production_app

HOUR = 3600


def _login(client, user, remember=False, **kw):
    db.session.commit()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, **kw)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _shift_session(client, **seconds_ago):
    with client.session_transaction() as session:
        now = int(time.time())
        for key, ago in seconds_ago.items():
            session[key] = now - ago


def test_login_starts_a_new_session_without_anything_planted_before(client, make):
    teacher = make.teacher()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["_user_id"] = "999:1"
    client.get("/login")
    _login(client, teacher)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{teacher.id}:1"
        assert session[LOGIN_AT] <= time.time()


def test_login_gives_a_new_csrf_token(client, make):
    teacher = make.teacher()
    db.session.commit()
    before = csrf_token_from(client.get("/login").get_data(as_text=True))
    _login(client, teacher)
    after = csrf_token_from(client.get("/").get_data(as_text=True))
    assert before != after


def test_replayed_session_cookie_after_logout_is_anonymous(app, client, auth, make):
    teacher = make.teacher()
    auth.login(teacher)
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_disabled_account_loses_its_session_at_once(client, auth, make):
    teacher = make.teacher()
    auth.login(teacher)
    assert client.get("/").status_code == 200
    db.session.get(User, teacher.id).active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_bumped_session_version_ends_every_session_of_the_user(app, client, auth, make):
    teacher = make.teacher()
    auth.login(teacher)
    other_device = app.test_client()
    _login(other_device, teacher)
    db.session.get(User, teacher.id).session_version += 1  # e.g. a password reset
    db.session.commit()
    assert client.get("/").status_code == 302
    assert other_device.get("/").status_code == 302


def test_session_idle_for_two_hours_ends(client, auth, make):
    auth.login(make.teacher())
    _shift_session(client, seen_at=2 * HOUR + 1)
    response = client.get("/")
    assert response.status_code == 302
    follow = client.get(response.headers["Location"])
    assert "Je sessie is afgelopen" in follow.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_session_idle_for_less_than_two_hours_lives_on_and_is_refreshed(client, auth, make):
    auth.login(make.teacher())
    _shift_session(client, seen_at=2 * HOUR - 60)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session[SEEN_AT] < 5


def test_session_older_than_an_exam_day_ends_even_when_busy(client, auth, make):
    auth.login(make.teacher())
    _shift_session(client, login_at=12 * HOUR + 1, seen_at=10)
    assert client.get("/").status_code == 302


def test_session_without_our_login_stamp_is_not_trusted(client, auth, make):
    auth.login(make.teacher())
    with client.session_transaction() as session:
        del session[LOGIN_AT]
    assert client.get("/").status_code == 302


def test_changing_address_between_wifi_and_mobile_data_keeps_the_session(client, make):
    teacher = make.teacher()
    _login(client, teacher, environ_base={"REMOTE_ADDR": "192.168.1.20"})
    for address in ("81.82.83.84", "2a02:1810::1", "10.0.0.7"):
        response = client.get("/", environ_base={"REMOTE_ADDR": address,
                                                 "HTTP_USER_AGENT": "Other/1.0"})
        assert response.status_code == 200


def test_cookies_are_httponly_and_samesite_lax(client, make):
    teacher = make.teacher()
    response = _login(client, teacher, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Path=/" in cookie
        assert "Domain" not in cookie


def test_production_cookies_are_secure_with_the_host_prefix(monkeypatch, database_url, make):
    teacher = make.teacher()
    db.session.commit()
    app = production_app(monkeypatch, database_url)
    client = app.test_client()
    page = client.get("/login", base_url="https://teacherapp.example")
    token = csrf_token_from(page.get_data(as_text=True))
    # Over HTTPS Flask-WTF also checks that the form was posted from our own origin.
    response = client.post("/login", base_url="https://teacherapp.example",
                           headers={"Referer": "https://teacherapp.example/login"}, data={
        "email": teacher.email, "password": PASSWORD, "csrf_token": token, "remember": "y"})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    names = {c.split("=", 1)[0] for c in cookies}
    assert names == {"__Host-session", "__Host-remember", "__Host-device"}
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Path=/" in cookie and "Domain" not in cookie


def test_remember_me_restores_the_session_on_this_device(app, client, make):
    teacher = make.teacher()
    _login(client, teacher, remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.value.startswith(f"{teacher.id}:1")
    device = app.test_client()  # the browser was closed: only the remember cookie is left
    device.set_cookie("remember_token", remember.value)
    assert device.get("/").status_code == 200
    with device.session_transaction() as session:
        assert session[REMEMBERED] is True


def test_remember_me_cookie_dies_with_logout(app, client, auth, make):
    teacher = make.teacher()
    _login(client, teacher, remember=True)
    stolen = client.get_cookie("remember_token").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)
    assert thief.get("/").status_code == 302


def test_remember_me_cookie_dies_when_the_account_is_disabled(app, client, make):
    teacher = make.teacher()
    _login(client, teacher, remember=True)
    remember = client.get_cookie("remember_token").value
    db.session.get(User, teacher.id).active = False
    db.session.commit()
    device = app.test_client()
    device.set_cookie("remember_token", remember)
    assert device.get("/").status_code == 302


def test_remembered_session_has_no_idle_limit(client, make):
    _login(client, make.teacher(), remember=True)
    _shift_session(client, seen_at=5 * HOUR, login_at=5 * HOUR)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("login_ago", "seen_ago", "remembered", "expired"),
    [
        (0, 0, False, False),
        (HOUR, 2 * HOUR - 1, False, False),
        (3 * HOUR, 2 * HOUR + 1, False, True),
        (12 * HOUR - 1, 0, False, False),
        (12 * HOUR + 1, 0, False, True),
        (13 * HOUR, 3 * HOUR, True, False),
        (14 * 24 * HOUR + 1, 0, True, True),
    ],
)
def test_session_expired_rules(login_ago, seen_ago, remembered, expired):
    now = 1_800_000_000
    assert session_expired(now, now - login_ago, now - seen_ago, remembered,
                           idle_seconds=2 * HOUR, absolute_seconds=12 * HOUR,
                           remember_seconds=14 * 24 * HOUR) is expired


def test_session_expired_without_stamps():
    assert session_expired(1.0, None, None, False, 1, 1, 1) is True
