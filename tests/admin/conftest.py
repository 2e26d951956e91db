"""Fixtures for the secretariat's set-up screens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent


@pytest.fixture
def clerk(make, auth):
    """A logged-in secretariat member."""
    user = make.secretariat(full_name="Sofie Secretariaat")
    auth.login(user)
    return user


def audit_events(entity: str, action: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.entity == entity)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


class ClerkClient:
    """Posts as the logged-in secretariat member, as a form would (or as htmx).

    The CSRF token comes from an admin page: the secretariat's "/" is a redirect.
    """

    def __init__(self, client) -> None:
        self.client = client

    def token(self) -> str:
        from tests.conftest import csrf_token_from

        return csrf_token_from(self.client.get("/admin/").get_data(as_text=True))

    def get(self, url: str, htmx: bool = False):
        return self.client.get(url, headers={"HX-Request": "true"} if htmx else {})

    def post(self, url: str, data: dict | None = None, htmx: bool = False):
        token = self.token()
        data = dict(data or {})
        headers = {}
        if htmx:
            headers = {"HX-Request": "true", "X-CSRFToken": token}
        else:
            data.setdefault("csrf_token", token)
        return self.client.post(url, data=data, headers=headers)


@pytest.fixture
def admin(client, clerk) -> ClerkClient:
    return ClerkClient(client)
