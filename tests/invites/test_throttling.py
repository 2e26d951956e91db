"""Guessing invitation links is throttled per address, as failed logins are."""

from __future__ import annotations

import pytest

from teacherapp.extensions import limiter
from tests.invites.conftest import invite_coordinator, link_in, path_of
from tests.security.helpers import make_app


@pytest.fixture
def limited_app(database_url, data_app):
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   INVITE_LIMIT_ADDRESS="5 per minute")
    limiter.reset()
    yield app
    limiter.reset()


def test_wrong_tokens_from_one_address_are_throttled(limited_app, schools):
    from tests.conftest import Auth

    client = limited_app.test_client()
    for n in range(5):
        assert client.get(f"/invite/guess-{n}", environ_base={"REMOTE_ADDR": "10.2.2.2"}
                          ).status_code == 410
    assert client.get("/invite/guess-6", environ_base={"REMOTE_ADDR": "10.2.2.2"}
                      ).status_code == 429
    # Another address is not held up, and a valid link opened there is not counted.
    auth = Auth(limited_app.test_client())
    auth.login(schools["secretariat"])
    path = path_of(link_in(invite_coordinator(auth, schools["a"]).get_data(as_text=True)))
    for _ in range(7):
        assert client.get(path, environ_base={"REMOTE_ADDR": "10.3.3.3"}).status_code == 200
