"""The public page of an invitation link: set a password, and be logged in."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from teacherapp import audit
from teacherapp.auth.session import log_in
from teacherapp.extensions import db, limiter
from teacherapp.invites import bp
from teacherapp.invites.accounts import InviteRefused, accept
from teacherapp.invites.answers import refusal_text
from teacherapp.invites.forms import ROLE_LABELS, AcceptForm
from teacherapp.invites.tokens import find_open_invitation
from teacherapp.models.types import utcnow
from teacherapp.passwords import hash_password
from teacherapp.security import log_security_event


def _address_key() -> str:
    return "invite-address:" + (get_remote_address() or "-")


def _failed(response) -> bool:
    # Wrong tokens and refused forms count; opening a valid link and using it do not.
    return response.status_code not in (200, 302)


def _invalid():
    """One answer for an unknown, used, cancelled or expired link: it does not say which."""
    return render_template("invites/invalid.html"), 410


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["INVITE_LIMIT_ADDRESS"], key_func=_address_key,
               deduct_when=_failed, scope="invite-address")
def accept_invitation(token: str):
    invitation = find_open_invitation(token)
    if invitation is None:
        return _invalid()
    form = AcceptForm()
    context = {"invitation": invitation, "school": invitation.school,
               "role_label": ROLE_LABELS[invitation.role]}
    if not form.validate_on_submit():
        return render_template("invites/accept.html", form=form, **context), \
            422 if form.errors else 200
    invitation_id, school_name = invitation.id, invitation.school.name
    # Argon2 takes tens of milliseconds on purpose: outside the transaction, as at login.
    db.session.rollback()
    password_hash = hash_password(form.password.data)
    try:
        accepted = accept(invitation_id, password_hash, utcnow())
    except InviteRefused as refused:
        db.session.rollback()
        invitation = find_open_invitation(token)
        if invitation is None:
            return _invalid()
        flash(refusal_text(refused, invitation.role), "error")
        return render_template("invites/accept.html", form=form, **context), 422
    if accepted is None:  # used, cancelled or expired while the form was open
        db.session.rollback()
        return _invalid()
    user = accepted.user
    if not accepted.created:  # an account was made meanwhile: it keeps its own password
        db.session.commit()
        flash(_("You already have an account; log in with your own password. You now belong "
                "to %(school)s.", school=school_name), "info")
        return redirect(url_for("auth.login"))
    log_in(user, remember=False)
    user.last_login_at = utcnow()
    audit.record("login", "user", user.id, actor_id=user.id)
    db.session.commit()
    log_security_event("invitation_accepted", user_id=user.id, invitation_id=invitation_id)
    flash(_("Welcome, %(name)s. Your password is set; you are logged in.",
            name=user.full_name), "success")
    return redirect(url_for("school.index") if user.is_school_coordinator
                    else url_for("main.home"))
