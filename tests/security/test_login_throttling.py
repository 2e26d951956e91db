"""Login throttling per account and per address, with a clear message; every attempt logged."""

from __future__ import annotations

import json
import logging
import socket

import pytest

from teacherapp.extensions import db, limiter
from teacherapp.models import AuditEvent
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD
from tests.security.helpers import make_app, redis_test_url

THROTTLED = "Te veel mislukte aanmeldpogingen"


def _redis_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
        return True
    except OSError:
        return False


@pytest.fixture(params=["memory", "redis"])
def limited_client(request, database_url):
    if request.param == "redis" and not _redis_running():
        pytest.skip("no Redis on 127.0.0.1:6379")
    storage = "memory://" if request.param == "memory" else redis_test_url()
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage,
                   LOGIN_LIMIT_ACCOUNT="10 per minute", LOGIN_LIMIT_ADDRESS="30 per minute")
    limiter.reset()  # Redis keeps counters between tests and runs
    yield app.test_client()
    limiter.reset()


def _attempt(client, email, password="wrong-password-xyz", address="10.1.1.1"):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_eleventh_failed_attempt_for_one_account_gets_429_with_a_clear_message(limited_client, make):
    teacher = make.teacher()
    db.session.commit()
    for _ in range(10):
        assert _attempt(limited_client, teacher.email).status_code == 200
    response = _attempt(limited_client, teacher.email)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert THROTTLED in html
    assert '<form method="post"' in html  # the login form again, not a dead end
    # Even the right password waits: otherwise guessing could go on.
    assert _attempt(limited_client, teacher.email, PASSWORD).status_code == 429


def test_account_limit_ignores_case_and_spaces_in_the_email(limited_client, make):
    teacher = make.teacher()
    db.session.commit()
    for i in range(10):
        variant = teacher.email.upper() if i % 2 else f"  {teacher.email} "
        _attempt(limited_client, variant)
    assert _attempt(limited_client, teacher.email).status_code == 429


def test_throttled_account_does_not_block_colleagues_behind_the_same_address(limited_client, make):
    victim, colleague = make.teacher(), make.teacher()
    db.session.commit()
    for _ in range(11):
        _attempt(limited_client, victim.email)
    assert _attempt(limited_client, colleague.email, PASSWORD).status_code == 302


def test_unknown_account_is_throttled_like_a_known_one(limited_client):
    for _ in range(10):
        assert _attempt(limited_client, "nobody@example.test").status_code == 200
    assert _attempt(limited_client, "nobody@example.test").status_code == 429


def test_one_address_trying_many_accounts_is_throttled(limited_client):
    for i in range(30):
        assert _attempt(limited_client, f"guess{i}@example.test").status_code == 200
    response = _attempt(limited_client, "guess-next@example.test")
    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)
    # Another address (another school) is not affected.
    assert _attempt(limited_client, "guess-next@example.test", address="10.2.2.2").status_code == 200


def test_successful_logins_do_not_count(limited_client, make):
    teacher = make.teacher()
    db.session.commit()
    for _ in range(12):
        assert _attempt(limited_client, teacher.email, PASSWORD).status_code == 302
        limited_client.post("/logout", data={
            "csrf_token": csrf_token_from(limited_client.get("/").get_data(as_text=True))})


def test_failures_and_successes_are_logged_and_audited(client, make, caplog):
    teacher = make.teacher()
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="teacherapp.security"):
        _attempt(client, teacher.email)
        _attempt(client, "nobody@example.test")
        _attempt(client, teacher.email, PASSWORD)
    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == "teacherapp.security"]
    assert [e["event"] for e in events] == ["login_failed", "login_failed", "login_succeeded"]
    assert events[0]["known_account"] is True and events[1]["known_account"] is False
    assert all(e["address"] == "10.1.1.1" for e in events)
    assert not any("wrong-password" in r.getMessage() or PASSWORD in r.getMessage()
                   for r in caplog.records)
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["login_failed", "login_failed", "login"]


def test_throttled_attempts_are_logged(limited_client, make, caplog):
    with caplog.at_level(logging.INFO, logger="teacherapp.security"):
        for _ in range(11):
            _attempt(limited_client, "nobody@example.test")
    events = [json.loads(r.getMessage())["event"] for r in caplog.records
              if r.name == "teacherapp.security"]
    assert events[-1] == "login_throttled"



def _own_limiter_app(**limiter_options):
    """A bare app with a limiter of its own: limits set on the shared one would reach other tests."""
    from flask import Blueprint, Flask
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    from teacherapp.security import drop_idle_limiter_check

    blueprint_limit = limiter_options.pop("blueprint_limit", None)
    app = Flask("bare")
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    own = Limiter(key_func=get_remote_address, app=app, **limiter_options)
    bp = Blueprint("pages", __name__)
    bp.add_url_rule("/page", "page", lambda: "ok")
    if blueprint_limit:
        own.limit(blueprint_limit)(bp)
    app.register_blueprint(bp)
    drop_idle_limiter_check(app, own)
    client = app.test_client()
    return own, app, [client.get("/page").status_code for _ in range(3)]


@pytest.mark.parametrize("options, statuses", [
    ({}, [200, 200, 200]),
    ({"default_limits": ["2 per minute"]}, [200, 200, 429]),
    ({"application_limits": ["2 per minute"]}, [200, 200, 429]),
    ({"blueprint_limit": "2 per minute"}, [200, 200, 429]),
])
def test_the_per_request_limiter_check_goes_only_when_no_limit_needs_it(options, statuses):
    own, app, seen = _own_limiter_app(**options)
    assert seen == statuses
    assert (own._check_request_limit in app.before_request_funcs[None]) is bool(options)


def test_without_default_limits_other_routes_are_never_counted(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   LOGIN_LIMIT_ADDRESS="2 per minute")
    assert limiter._check_request_limit not in app.before_request_funcs[None]  # nothing to check
    limiter.reset()
    client = app.test_client()
    try:
        assert {client.get("/login").status_code for _ in range(5)} == {200}  # limits POSTs only
        assert {client.get("/healthz/live").status_code for _ in range(5)} == {200}
        statuses = [_attempt(client, "nobody@example.org").status_code for _ in range(3)]
        assert statuses[-1] == 429  # the login's own limit still holds
    finally:
        limiter.reset()
