from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy import func, select

from teacherapp import audit
from teacherapp.auth import bp
from teacherapp.auth.devices import device_key, known_device_for, remember_device
from teacherapp.auth.forms import LoginForm
from teacherapp.auth.session import end_session, log_in
from teacherapp.extensions import db, limiter
from teacherapp.models import User
from teacherapp.models.types import utcnow
from teacherapp.passwords import DUMMY_HASH, verify_password
from teacherapp.redirects import safe_next_url
from teacherapp.security import log_security_event


def _find_user(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()


def _submitted_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def _account_key() -> str:
    return "account:" + _submitted_email()


def _address_key() -> str:
    return "address:" + (get_remote_address() or "-")


def _from_known_device() -> bool:
    return known_device_for(_submitted_email())


def _from_unknown_device() -> bool:
    return not _from_known_device()


def _login_failed(response) -> bool:
    # Only failed attempts count towards the limits: a successful login redirects.
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
# A device this account logged in from before counts against its own limit, not the
# account's: an attacker's failures elsewhere cannot lock the teacher out (auth/devices.py).
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=_login_failed, scope="login-account",
               exempt_when=_from_known_device)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], key_func=device_key,
               methods=["POST"], deduct_when=_login_failed, scope="login-device",
               exempt_when=_from_unknown_device)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], key_func=_address_key,
               methods=["POST"], deduct_when=_login_failed, scope="login-address")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip()
        user = _find_user(email)
        password_hash = user.password_hash if user else DUMMY_HASH
        user_id = user.id if user else None
        # Argon2 takes tens of milliseconds of CPU on purpose: end the transaction first, so
        # that on SQLite (a POST holds the write lock) other teachers' saves do not wait on it.
        db.session.rollback()
        password_ok = verify_password(password_hash, form.password.data)
        user = db.session.get(User, user_id) if user_id is not None else None
        if user is not None and password_ok and user.active:
            log_in(user, remember=form.remember.data)  # a fresh session: no fixation
            user.last_login_at = utcnow()
            audit.record("login", "user", user.id, actor_id=user.id)
            db.session.commit()
            log_security_event("login_succeeded", user_id=user.id, email=email)
            response = redirect(safe_next_url(request.args.get("next"), url_for("main.home")))
            remember_device(response, email)
            return response
        audit.record("login_failed", "user", user.id if user else "-", actor_id=None,
                     new=email[:254])
        db.session.commit()
        log_security_event("login_failed", email=email, known_account=user is not None)
        # One message for every failure, so it never tells whether an account exists.
        flash(_("Email address or password is not correct."), "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else (
        200 if not form.errors else 422)


@bp.errorhandler(429)
def login_throttled(error):
    # The login form again, with the reason, instead of a bare error page.
    log_security_event("login_throttled", email=_submitted_email())
    form = LoginForm()
    form.password.data = ""
    flash(_("Too many failed attempts to log in with this account or from this network. "
            "Wait a minute and try again."), "error")
    return render_template("auth/login.html", form=form), 429


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = db.session.get(User, current_user.id)
    user.session_version += 1  # every copy of the old session or remember cookie stops working
    audit.record("logout", "user", user.id)
    db.session.commit()
    log_security_event("logout", user_id=user.id)
    end_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
