"""What the secretariat's and the coordinator's screens share: sending an invitation and the
answer page that shows its link once."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from teacherapp.extensions import db
from teacherapp.invites.accounts import Invited, InviteRefusal, InviteRefused, cancel, invite
from teacherapp.invites.forms import ROLE_LABELS, InviteForm
from teacherapp.invites.mail import mail_configured, send_invitation
from teacherapp.models import Invitation, Role, School
from teacherapp.models.types import utcnow

REFUSAL_MESSAGES = {
    InviteRefusal.SECRETARIAT: _l("%(email)s is a VTS secretariat account; it cannot be "
                                  "invited into a school."),
    InviteRefusal.OTHER_ROLE: _l("%(email)s already has an account in another role; it cannot "
                                 "be invited as %(role)s. Ask the VTS secretariat."),
}


def refusal_text(refused: InviteRefused, role: Role) -> str:
    return str(REFUSAL_MESSAGES[refused.refusal]) % {"email": refused.user.email,
                                                     "role": ROLE_LABELS[role]}


def invite_and_answer(form: InviteForm, school: School, role: Role, back_url: str):
    """Invite from a valid form, commit, mail, and answer with the link shown once.

    Returns None (nothing changed) when the account cannot take the role; the form's email
    field then carries the reason.
    """
    try:
        invited = invite(email=form.email.data, full_name=form.full_name.data, role=role,
                         school_id=school.id, invited_by_id=current_user.id, now=utcnow())
    except InviteRefused as refused:
        db.session.rollback()
        form.email.errors.append(refusal_text(refused, role))
        return None
    db.session.commit()
    return link_once(invited, school, back_url)


def link_once(invited: Invited, school: School, back_url: str):
    """The answer to the POST itself, never stored: reloading or going back does not show the
    link again, and no cache keeps it."""
    link = mailed = None
    if invited.token is not None:
        link = url_for("invites.accept_invitation", token=invited.token, _external=True)
        mailed = send_invitation(invited.invitation, link)
    response = make_response(render_template(
        "invites/link_once.html", invitation=invited.invitation, school=school, link=link,
        mailed=mailed, mail_configured=mail_configured(), existing=invited.existing,
        role_label=ROLE_LABELS[invited.invitation.role], back_url=back_url))
    response.headers["Cache-Control"] = "no-store"
    return response


def cancel_and_flash(invitation: Invitation) -> None:
    """Cancel (the UPDATE checks it is still open), commit, and say what happened."""
    if cancel(invitation.id, utcnow()):
        db.session.commit()
        flash(_("The invitation of %(email)s is cancelled; its link no longer works.",
                email=invitation.email), "success")
    else:
        flash(_("This invitation was already used, cancelled or expired."), "info")


def resend_and_answer(invitation: Invitation, school: School, back_url: str):
    """Invite the same person again (a new link, valid 7 days; an open earlier link stops
    working) and show the new link once. A used or cancelled invitation is not sent again:
    the page says so and nothing changes."""
    if invitation.used_at is not None or invitation.cancelled_at is not None:
        flash(_("This invitation was already used or cancelled; it is not sent again."), "info")
        return redirect(back_url)
    try:
        invited = invite(email=invitation.email, full_name=invitation.full_name,
                         role=invitation.role, school_id=invitation.school_id,
                         invited_by_id=current_user.id, now=utcnow())
    except InviteRefused as refused:
        db.session.rollback()
        flash(refusal_text(refused, invitation.role), "error")
        return redirect(back_url)
    db.session.commit()
    return link_once(invited, school, back_url)
