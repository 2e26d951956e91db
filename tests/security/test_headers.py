"""Security headers on error answers and in production; the route matrix checks every route."""

from __future__ import annotations

import pytest

from tests.security.helpers import make_app, production_app
from tests.security.matrix import header_problems


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/no-such-page", 404),
    ("GET", "/logout", 405),
    ("POST", "/login", 400),  # no CSRF token
])
def test_error_answers_carry_every_header(client, method, path, status, htmx):
    response = client.open(path, method=method, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == status
    assert header_problems(response, path) == []
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx  # htmx gets the error as a fragment


def test_server_error_carries_every_header(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=False)
    app.testing = False  # let the 500 handler answer instead of raising

    @app.route("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True)
    assert header_problems(response, "/boom") == []


def test_production_adds_hsts(monkeypatch, database_url):
    app = production_app(monkeypatch, database_url)
    client = app.test_client()
    for path in ("/login", "/no-such-page", "/static/app.css"):
        response = client.get(path, base_url="https://teacherapp.example")
        assert header_problems(response, path, production=True) == [], path
        assert "max-age=63072000" in response.headers["Strict-Transport-Security"]


def test_static_files_may_be_cached(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_csp_has_no_inline_scripts_or_styles_to_allow(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and " hx-on" not in html
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
