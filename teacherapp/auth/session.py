"""Loading the logged-in user from the session cookie, and ending sessions that ran too long.

A session ends when any of these holds:
- the user logged out, or was disabled, or their password changed: `User.session_version`
  moved on, so the "id:version" in every copied session or remember cookie no longer matches;
- it was idle longer than SESSION_IDLE_MINUTES (2 h: a teacher who leaves the phone in the
  changing room for an afternoon logs in again);
- it is older than PERMANENT_SESSION_LIFETIME (SESSION_HOURS, 12 h: one exam day).

"Stay logged in on this device" is the teacher's explicit choice for a personal phone: such a
session has no idle limit and lives as long as the remember cookie (REMEMBER_DAYS).

There is deliberately no IP or user-agent binding: a phone moving between the pool's Wi-Fi
and mobile data must not be logged out in the middle of an exam.
"""

from __future__ import annotations

import re
import time

from flask import Flask, current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, logout_user, user_loaded_from_cookie
from sqlalchemy.exc import SQLAlchemyError

from teacherapp.extensions import db
from teacherapp.models import User

LOGIN_AT = "login_at"  # epoch seconds: when this session was established
SEEN_AT = "seen_at"  # epoch seconds: the last request, refreshed at most once a minute
REMEMBERED = "remembered"  # the user chose "stay logged in on this device"
_REFRESH_AFTER = 60
_DATABASE_FAILED = "_user_load_failed"
_USER_TOKEN = re.compile(r"([0-9]{1,12}):([0-9]{1,12})")


def load_user(user_token: str) -> User | None:
    """The cookie holds "id:session_version"; a bumped version invalidates old cookies."""
    match = _USER_TOKEN.fullmatch(user_token or "")
    if match is None:
        return None
    if g.get(_DATABASE_FAILED):
        return None  # answering a request whose database failed: never wait for it twice
    user_id, version = match.groups()
    try:
        user = db.session.get(User, int(user_id))
    except SQLAlchemyError:
        g.setdefault(_DATABASE_FAILED, True)
        raise
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def start_session(remember: bool) -> None:
    """Stamp a freshly logged-in session with its start, for the timeouts below."""
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session[REMEMBERED] = bool(remember)
    session.permanent = True


def log_in(user: User, remember: bool) -> None:
    """A fresh session for this user (no fixation), keeping only the chosen language."""
    from flask_login import login_user

    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember)
    start_session(remember=remember)


def end_session() -> None:
    """Forget the user and everything in the session but the chosen language."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


def session_expired(now: float, login_at: float | None, seen_at: float | None,
                    remembered: bool, idle_seconds: float, absolute_seconds: float,
                    remember_seconds: float) -> bool:
    """Whether a session stamped with these times must end now. Plain arithmetic, no Flask."""
    if login_at is None or seen_at is None:
        return True  # not established by our login: never trust it
    if remembered:
        return now - login_at > remember_seconds
    return now - seen_at > idle_seconds or now - login_at > absolute_seconds


def enforce_timeouts() -> None:
    """Before every request: end a session that was idle or alive too long."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    config = current_app.config
    now = time.time()
    if session_expired(
        now, session.get(LOGIN_AT), session.get(SEEN_AT), session.get(REMEMBERED, False),
        idle_seconds=config["SESSION_IDLE_MINUTES"] * 60,
        absolute_seconds=config["PERMANENT_SESSION_LIFETIME"].total_seconds(),
        remember_seconds=config["REMEMBER_COOKIE_DURATION"].total_seconds(),
    ):
        end_session()
        flash(_("Your session has ended. Log in again to continue."), "info")
        return
    if now - session.get(SEEN_AT, 0) > _REFRESH_AFTER:
        session[SEEN_AT] = int(now)


def _restored_from_remember_cookie(app: Flask, user: User) -> None:
    # Flask-Login rebuilt the session from the remember cookie (whose "id:version" was just
    # checked by load_user): a new session for a device the teacher chose to stay on.
    start_session(remember=True)


def init_login_manager(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"
    # "basic" or "strong" would log a teacher out when their phone hops from Wi-Fi to
    # mobile data (a new address); cookies are bound to the session version instead.
    login_manager.session_protection = None
    user_loaded_from_cookie.connect(_restored_from_remember_cookie)
    login_manager.unauthorized_handler(_unauthorized)


def _unauthorized():
    """Pages go to the login form; an htmx request (a save) answers 401 instead.

    Following the redirect would swap the login page into the score cell and drop what the
    teacher typed; a 401 is not swapped, so the cell keeps the value and says why.
    """
    from flask import make_response, redirect
    from flask_login.utils import login_url

    from teacherapp.htmx import is_htmx_request

    target = login_url("auth.login", request.url)
    if is_htmx_request():
        response = make_response(_("You are logged out. Log in again, then save again: "
                                   "what you typed is kept."), 401)
        response.headers["X-Login-URL"] = target
        return response
    flash(_("Log in to continue."), "info")
    return redirect(target)
