"""The session cookie remembered per process accepts exactly what Flask's own check accepts."""

from __future__ import annotations

import time
from datetime import timedelta

from flask.sessions import SecureCookieSessionInterface

from teacherapp.auth.cookie_session import RememberingCookieSessionInterface
from tests.security.helpers import make_app


def _signed(app, data: dict) -> str:
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(data)


def _open(app, cookie: str | None):
    headers = {"Cookie": f"session={cookie}"} if cookie is not None else {}
    with app.test_request_context("/", headers=headers) as ctx:
        return app.session_interface.open_session(app, ctx.request)


def test_the_app_uses_it_and_a_cookie_reads_as_flask_signed_it(database_url):
    app = make_app(database_url)
    assert isinstance(app.session_interface, RememberingCookieSessionInterface)
    cookie = _signed(app, {"_user_id": "7:1", "lang": "en"})
    assert dict(_open(app, cookie)) == {"_user_id": "7:1", "lang": "en"}
    assert dict(_open(app, cookie)) == {"_user_id": "7:1", "lang": "en"}  # remembered
    assert dict(_open(app, None)) == {}


def test_a_tampered_cookie_is_refused_even_after_the_real_one_was_seen(database_url):
    app = make_app(database_url)
    cookie = _signed(app, {"_user_id": "7:1"})
    assert dict(_open(app, cookie)) == {"_user_id": "7:1"}
    payload, signature = cookie.rsplit(".", 1)
    forged = _signed(make_app(database_url, SECRET_KEY="another-secret"), {"_user_id": "1:1"})
    for bad in (payload + ".AAAA" + signature[4:], forged, cookie[:-2], "garbage"):
        assert dict(_open(app, bad)) == {}


def test_a_request_changing_its_session_does_not_change_the_next_requests(database_url):
    app = make_app(database_url)
    cookie = _signed(app, {"_flashes": [("info", "Saved")], "n": 1})
    first = _open(app, cookie)
    first["_flashes"].append(("error", "planted"))
    first["n"] = 2
    assert dict(_open(app, cookie)) == {"_flashes": [("info", "Saved")], "n": 1}


def test_a_cookie_older_than_the_session_lifetime_is_refused_though_it_was_remembered(
        database_url, monkeypatch):
    app = make_app(database_url, PERMANENT_SESSION_LIFETIME=timedelta(hours=1))
    cookie = _signed(app, {"_user_id": "7:1"})
    assert dict(_open(app, cookie)) == {"_user_id": "7:1"}
    later = time.time() + 3600 + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert dict(_open(app, cookie)) == {}


def test_a_new_secret_key_forgets_every_remembered_cookie(database_url):
    app = make_app(database_url)
    cookie = _signed(app, {"_user_id": "7:1"})
    assert dict(_open(app, cookie)) == {"_user_id": "7:1"}
    app.secret_key = "rotated-secret"
    assert dict(_open(app, cookie)) == {}
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret-before"]
    app.secret_key = "rotated-again"
    assert dict(_open(app, _signed(app, {"a": 1}))) == {"a": 1}


def test_a_shorter_session_lifetime_forgets_every_remembered_cookie(database_url, monkeypatch):
    app = make_app(database_url, PERMANENT_SESSION_LIFETIME=timedelta(hours=12))
    cookie = _signed(app, {"_user_id": "7:1"})
    assert dict(_open(app, cookie)) == {"_user_id": "7:1"}
    later = time.time() + 2 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert dict(_open(app, cookie)) == {"_user_id": "7:1"}  # two hours old, lifetime twelve
    app.permanent_session_lifetime = timedelta(hours=1)
    assert dict(_open(app, cookie)) == {}
