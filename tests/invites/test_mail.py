"""The invitation by e-mail, through a real SMTP server the test starts (aiosmtpd): it
carries the link and never a password. Without MAIL_SERVER nothing is sent and nothing fails."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from teacherapp import create_app
from tests.conftest import Auth, _test_config
from tests.invites.conftest import NEW_PASSWORD, accept, invite_coordinator, link_in, path_of


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                    policy=policy.default)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def mail_app(database_url, data_app, smtp):
    _, port = smtp
    return create_app({**_test_config(database_url), "MAIL_SERVER": "127.0.0.1",
                       "MAIL_PORT": port, "MAIL_DEFAULT_SENDER": "noreply@vts.example"})


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_the_mail_carries_the_link_and_no_password(mail_app, smtp, schools):
    inbox, _ = smtp
    auth = Auth(mail_app.test_client())
    auth.login(schools["secretariat"])
    response = invite_coordinator(auth, schools["a"])
    html = response.get_data(as_text=True)
    link = link_in(html)
    assert "ook per e-mail verstuurd" in html
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["nieuw@school.example"]
    assert message["From"] == "noreply@vts.example"
    assert "Sint-Jozefscollege" in message["Subject"] and message["Subject"].startswith("Uitnodiging")
    body = _body(message)
    assert link in body
    assert body.index("Kies je wachtwoord") < body.index("Choose your password")  # Dutch first
    assert "wachtwoord" in body.lower() and "VTS stuurt je nooit een wachtwoord" in body
    # The invited person sets the password; no mail ever carries it.
    assert accept(mail_app.test_client(), path_of(link)).status_code == 302
    assert len(inbox.messages) == 1
    assert all(NEW_PASSWORD not in _body(m) for _, m in inbox.messages)


def test_a_failing_mail_server_still_shows_the_link(database_url, data_app, schools):
    app = create_app({**_test_config(database_url), "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": _free_port(), "MAIL_TIMEOUT": 2})
    auth = Auth(app.test_client())
    auth.login(schools["secretariat"])
    response = invite_coordinator(auth, schools["a"])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert link_in(html) and "versturen van de e-mail is mislukt" in html


def test_without_a_mail_server_nothing_is_sent_and_nothing_fails(auth, smtp, schools):
    inbox, _ = smtp
    auth.login(schools["secretariat"])
    response = invite_coordinator(auth, schools["a"])
    assert response.status_code == 200
    assert "Er is geen e-mail verstuurd" in response.get_data(as_text=True)
    assert inbox.messages == []
