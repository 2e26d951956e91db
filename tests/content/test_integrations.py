"""Integration tokens: created and shown once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, IntegrationToken
from tests.content.conftest import integration

URL = "/admin/integrations/"
API = "/api/v1/content-views"


def _secret(html: str) -> str:
    match = re.search(r'id="new-token"[^>]*value="(vtsc_[^"]+)"', html)
    assert match, "the new token is not shown"
    return match.group(1)


def test_the_page_lists_tokens_with_prefix_and_last_use(client, auth, world):
    token, _secret_text = integration("VTS Connect productie")
    auth.login(world.secretariat)
    html = client.get(URL).get_data(as_text=True)
    assert "VTS Connect productie" in html
    assert token.token_prefix in html
    assert "Nog nooit gebruikt" in html
    assert _secret_text not in html


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(client, auth, world):
    auth.login(world.secretariat)
    response = auth.post(URL, {"name": "VTS Connect"})
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    assert "<html" in html
    secret = _secret(html)
    assert "no-store" in response.headers["Cache-Control"]
    assert "vtsc_" not in client.get(URL).get_data(as_text=True).replace(secret[:12] + "…", "")

    db.session.expire_all()
    token = db.session.scalars(select(IntegrationToken)).one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.token_prefix == secret[:12]
    assert token.created_by_id == world.secretariat.id
    assert secret not in (token.token_hash, token.token_prefix)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "integration_token",
                                                       AuditEvent.action == "create")).one()


@pytest.mark.parametrize("htmx", [False, True])
def test_the_new_secret_never_reaches_the_session_cookie(app, client, auth, world, htmx):
    auth.login(world.secretariat)
    response = auth.post(URL, {"name": "VTS Connect"}, htmx=htmx)
    secret = _secret(response.get_data(as_text=True))
    assert secret not in " ".join(response.headers.getlist("Set-Cookie"))
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    serializer = app.session_interface.get_signing_serializer(app)
    assert secret not in repr(serializer.loads(cookie.value))


def test_creating_with_htmx_answers_the_fragment_with_the_token(client, auth, world):
    auth.login(world.secretariat)
    response = auth.post(URL, {"name": "Test"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 201
    assert "<html" not in html
    assert 'id="integrations"' in html
    secret = _secret(html)
    assert client.post(API, json={"events": []},
                       headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_name_is_required(client, auth, world):
    auth.login(world.secretariat)
    response = auth.post(URL, {"name": "  "})
    assert response.status_code == 422
    assert "Geef de koppeling een naam." in response.get_data(as_text=True)
    assert db.session.scalars(select(IntegrationToken)).all() == []


def test_revoking_stops_the_token(client, auth, world):
    token, secret = integration()
    auth.login(world.secretariat)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post(API, json={"events": []}, headers=headers).status_code == 200

    response = auth.post(f"{URL}{token.id}/revoke", follow_redirects=True)
    assert "is ingetrokken" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(IntegrationToken, token.id).revoked_at is not None
    answer = client.post(API, json={"events": []}, headers=headers)
    assert answer.status_code == 401
    assert answer.get_json()["error"] == "unauthorized"


def test_revoking_with_htmx_answers_the_fragment(client, auth, world):
    token, _ = integration()
    auth.login(world.secretariat)
    response = auth.post(f"{URL}{token.id}/revoke", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert "Ingetrokken op" in html


def test_the_page_as_htmx_fragment(client, auth, world):
    auth.login(world.secretariat)
    response = client.get(URL, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def test_revoking_an_unknown_token_is_not_found(client, auth, world):
    auth.login(world.secretariat)
    assert auth.post(f"{URL}999/revoke").status_code == 404
