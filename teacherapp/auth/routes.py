from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from teacherapp import audit
from teacherapp.auth import bp
from teacherapp.auth.forms import LoginForm
from teacherapp.extensions import db
from teacherapp.models import User
from teacherapp.models.types import utcnow
from teacherapp.passwords import DUMMY_HASH, verify_password


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect to another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.home")


def _find_user(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip()
        user = _find_user(email)
        password_ok = verify_password(user.password_hash if user else DUMMY_HASH, form.password.data)
        if user is not None and password_ok and user.active:
            lang = session.get("lang")
            session.clear()  # a fresh session at login: no fixation
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            session.permanent = True
            user.last_login_at = utcnow()
            audit.record("login", "user", user.id, actor_id=user.id)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        audit.record("login_failed", "user", user.id if user else "-", actor_id=None,
                     new=email[:254])
        db.session.commit()
        # One message for every failure, so it never tells whether an account exists.
        flash(_("Email address or password is not correct."), "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else (
        200 if not form.errors else 422)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = db.session.get(User, current_user.id)
    user.session_version += 1  # every copy of the old cookie stops working
    audit.record("logout", "user", user.id)
    db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
