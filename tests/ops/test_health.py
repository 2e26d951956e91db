"""/healthz checks the database (and Redis when rate limits live there); /healthz/live nothing."""

from __future__ import annotations

import pytest

from teacherapp import create_app


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_needs_no_login_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200  # not a redirect to /login
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "checks": {"database": "error"}}


def test_healthz_answers_503_when_the_rate_limit_redis_is_unreachable(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "redis": "error"}


def test_liveness_touches_no_database(client, count_statements):
    with count_statements() as counter:
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert counter.count == 0


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live"])
def test_health_endpoints_refuse_post(client, path):
    assert client.post(path).status_code in (400, 405)  # CSRF or method: never a change
