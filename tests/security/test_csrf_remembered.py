"""The CSRF check remembered per process accepts exactly what Flask-WTF's own check accepts."""

from __future__ import annotations

import flask_wtf.csrf
import pytest
from flask import Flask
from flask_wtf.csrf import generate_csrf

from teacherapp.csrf import RememberingCSRFProtect
from teacherapp.extensions import csrf
from tests.security.helpers import make_app


def _probe_app(database_url: str, **config) -> Flask:
    app = make_app(database_url, **config)

    @app.get("/csrf-probe")
    def token() -> str:
        return generate_csrf()

    @app.post("/csrf-probe")
    def post() -> str:
        return "ok"

    @app.post("/csrf-exempt-probe")
    @csrf.exempt
    def exempt() -> str:
        return "ok"

    return app


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Every token Flask-WTF verified in full (its HMAC), in order."""
    seen: list[str] = []
    full_check = flask_wtf.csrf.validate_csrf

    def counting(data, *args, **kwargs):
        seen.append(data)
        return full_check(data, *args, **kwargs)

    monkeypatch.setattr(flask_wtf.csrf, "validate_csrf", counting)
    return seen


def test_the_app_uses_it_and_a_token_verified_once_is_not_verified_again(database_url, checks):
    assert isinstance(csrf, RememberingCSRFProtect)
    app = _probe_app(database_url)
    client = app.test_client()
    token = client.get("/csrf-probe").get_data(as_text=True)
    for _ in range(3):
        assert client.post("/csrf-probe", headers={"X-CSRFToken": token}).status_code == 200
    assert client.post("/csrf-probe", data={"csrf_token": token}).status_code == 200
    assert checks == [token]


def test_a_tampered_missing_or_foreign_token_is_refused_after_the_real_one_was_seen(
        database_url, checks):
    app = _probe_app(database_url)
    client, other = app.test_client(), app.test_client()
    token = client.get("/csrf-probe").get_data(as_text=True)
    foreign = other.get("/csrf-probe").get_data(as_text=True)
    assert client.post("/csrf-probe", headers={"X-CSRFToken": token}).status_code == 200
    assert other.post("/csrf-probe", headers={"X-CSRFToken": foreign}).status_code == 200
    for bad in (token[:-2] + "AA", token + "x", foreign, ""):
        assert client.post("/csrf-probe", headers={"X-CSRFToken": bad}).status_code == 400
    assert client.post("/csrf-probe").status_code == 400
    fresh = app.test_client()  # no session: the remembered token is worth nothing without it
    fresh.get("/csrf-probe")
    assert fresh.post("/csrf-probe", headers={"X-CSRFToken": token}).status_code == 400


def test_with_a_time_limit_every_request_is_checked_in_full(database_url, checks):
    app = _probe_app(database_url, WTF_CSRF_TIME_LIMIT=3600)
    client = app.test_client()
    token = client.get("/csrf-probe").get_data(as_text=True)
    for _ in range(2):
        assert client.post("/csrf-probe", headers={"X-CSRFToken": token}).status_code == 200
    assert checks == [token, token]


def test_a_new_secret_key_forgets_every_remembered_token(database_url, checks):
    app = _probe_app(database_url)
    client = app.test_client()
    token = client.get("/csrf-probe").get_data(as_text=True)
    assert client.post("/csrf-probe", headers={"X-CSRFToken": token}).status_code == 200
    app.config["WTF_CSRF_SECRET_KEY"] = "rotated-csrf-secret"
    assert client.post("/csrf-probe", headers={"X-CSRFToken": token}).status_code == 400
    assert checks == [token, token]


HTTPS = {"base_url": "https://school.example/"}


def _https_client_with_a_remembered_token(database_url):
    """A client over HTTPS whose token was verified once (with a good referrer)."""
    client = _probe_app(database_url).test_client()
    token = client.get("/csrf-probe", **HTTPS).get_data(as_text=True)
    good = {"X-CSRFToken": token, "Referer": "https://school.example/courses/1"}
    assert client.post("/csrf-probe", headers=good, **HTTPS).status_code == 200
    return client, token, good


def test_over_https_the_referrer_is_checked_on_every_request(database_url, checks):
    client, token, good = _https_client_with_a_remembered_token(database_url)
    assert checks == [token]
    for referer in (None, "https://elsewhere.example/", "http://school.example/"):
        headers = {"X-CSRFToken": token} | ({"Referer": referer} if referer else {})
        assert client.post("/csrf-probe", headers=headers, **HTTPS).status_code == 400
    assert client.post("/csrf-probe", headers=good, **HTTPS).status_code == 200


def test_an_exempt_view_stays_exempt_with_a_remembered_token(database_url, checks):
    client, token, _ = _https_client_with_a_remembered_token(database_url)
    no_referrer = {"X-CSRFToken": token}
    assert client.post("/csrf-exempt-probe", headers=no_referrer, **HTTPS).status_code == 200
    assert client.post("/csrf-exempt-probe", **HTTPS).status_code == 200
    assert client.post("/csrf-probe", headers=no_referrer, **HTTPS).status_code == 400


def test_a_get_is_never_checked(database_url, checks):
    app = _probe_app(database_url)
    client = app.test_client()
    token = client.get("/csrf-probe").get_data(as_text=True)
    assert client.get("/csrf-probe", headers={"X-CSRFToken": token + "bad"}).status_code == 200
    assert checks == []
