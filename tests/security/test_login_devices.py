"""Lockout cannot be used as a weapon: a device that logged in before gets past an attack on
its account with the right password; everyone else still waits, and the device itself is
limited too."""

from __future__ import annotations

import pytest

from teacherapp.extensions import db, limiter
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD
from tests.security.helpers import make_app, production_app, redis_test_url
from tests.security.test_login_throttling import _redis_running


@pytest.fixture(params=["memory", "redis"])
def limited_app(request, database_url):
    if request.param == "redis" and not _redis_running():
        pytest.skip("no Redis on 127.0.0.1:6379")
    storage = "memory://" if request.param == "memory" else redis_test_url()
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage,
                   # An hour, not a minute: a fixed window that ends mid-test would reset it.
                   LOGIN_LIMIT_ACCOUNT="10 per hour", LOGIN_LIMIT_ADDRESS="100 per hour")
    limiter.reset()
    yield app
    limiter.reset()


def _attempt(client, email, password="wrong-password-xyz", address="10.1.1.1"):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def _logout(client):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def _her_phone(app, teacher):
    """A client that logged in as the teacher once, then logged out: it keeps its device cookie."""
    phone = app.test_client()
    assert _attempt(phone, teacher.email, PASSWORD, address="10.9.9.9").status_code == 302
    _logout(phone)
    return phone


def _attack(app, email, times=11):
    attacker = app.test_client()
    for _ in range(times):
        response = _attempt(attacker, email, address="203.0.113.7")
    assert response.status_code == 429
    return attacker


def test_the_teacher_logs_in_from_her_own_phone_during_an_attack(limited_app, make):
    app = limited_app
    teacher = make.teacher()
    db.session.commit()
    phone = _her_phone(app, teacher)
    attacker = _attack(app, teacher.email)
    assert _attempt(phone, teacher.email, PASSWORD, address="10.9.9.9").status_code == 302
    # Anyone else, even with the right password, still waits.
    assert _attempt(attacker, teacher.email, PASSWORD, address="203.0.113.7").status_code == 429
    assert _attempt(app.test_client(), teacher.email, PASSWORD).status_code == 429


def test_a_device_known_for_another_account_does_not_help(limited_app, make):
    app = limited_app
    teacher, colleague = make.teacher(), make.teacher()
    db.session.commit()
    shared_pc = _her_phone(app, colleague)
    _attack(app, teacher.email)
    assert _attempt(shared_pc, teacher.email, PASSWORD).status_code == 429


def test_a_forged_or_tampered_device_cookie_does_not_help(limited_app, make):
    app = limited_app
    teacher = make.teacher()
    db.session.commit()
    phone = _her_phone(app, teacher)
    cookie = phone.get_cookie("device")
    _attack(app, teacher.email)
    forger = app.test_client()
    forger.set_cookie("device", cookie.value[:-2] + ("AA" if cookie.value[-2:] != "AA" else "BB"))
    assert _attempt(forger, teacher.email, PASSWORD).status_code == 429


def test_wrong_passwords_from_a_known_device_are_limited_on_that_device(limited_app, make):
    app = limited_app
    teacher = make.teacher()
    db.session.commit()
    phone = _her_phone(app, teacher)
    for _ in range(10):
        assert _attempt(phone, teacher.email).status_code == 200
    assert _attempt(phone, teacher.email).status_code == 429
    assert _attempt(phone, teacher.email, PASSWORD).status_code == 429
    # The device's failures are its own: others are not locked out by them.
    assert _attempt(app.test_client(), teacher.email, PASSWORD).status_code == 302


def test_the_device_cookie_is_http_only_and_names_no_email(limited_app, make):
    app = limited_app
    teacher = make.teacher()
    db.session.commit()
    client = app.test_client()
    response = _attempt(client, teacher.email, PASSWORD)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("device="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    assert teacher.email.split("@")[0] not in client.get_cookie("device").value


def test_production_names_the_device_cookie_with_the_host_prefix(monkeypatch, database_url,
                                                                make):
    teacher = make.teacher()
    db.session.commit()
    client = production_app(monkeypatch, database_url).test_client()
    token = csrf_token_from(client.get("/login", base_url="https://localhost")
                            .get_data(as_text=True))
    response = client.post("/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"},
                           data={"email": teacher.email, "password": PASSWORD,
                                 "csrf_token": token})
    assert response.status_code == 302
    header = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("__Host-device="))
    assert "Secure" in header and "Domain" not in header
