"""The invitation by e-mail (Flask-Mailman), only when a mail server is configured.

The mail carries the one-time link and never a password: the invited person chooses one.
"""

from __future__ import annotations

import logging
import smtplib

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage

from teacherapp.invites.forms import ROLE_LABELS
from teacherapp.invites.tokens import VALID_DAYS
from teacherapp.models import Invitation

log = logging.getLogger(__name__)


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_invitation(invitation: Invitation, link: str) -> bool:
    """Mail the link to the invited address; True when the server took it.

    Sent after the invitation is committed: a slow or failing mail server never holds the
    database, and the inviter still sees the link to pass on by hand.
    """
    if not mail_configured():
        return False
    context = {"invitation": invitation, "link": link,
               "school": invitation.school.name, "days": VALID_DAYS,
               "role_label": ROLE_LABELS[invitation.role]}
    with force_locale("nl"):  # Dutch first, English below, whatever the inviter's language
        subject = render_template("invites/mail_subject.txt", **context).strip()
        dutch = render_template("invites/mail_body.txt", **context)
    with force_locale("en"):
        english = render_template("invites/mail_body.txt", **context)
    message = EmailMessage(subject=subject, body=f"{dutch}\n\n-- English --\n\n{english}",
                           to=[invitation.email])
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        log.warning("invitation mail failed", extra={"invitation_id": invitation.id},
                    exc_info=True)
        return False
    return True
