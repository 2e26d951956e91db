"""Loading the logged-in user from the session cookie."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from teacherapp.extensions import db
from teacherapp.models import User


def load_user(user_token: str) -> User | None:
    """The cookie holds "id:session_version"; a bumped version invalidates old cookies."""
    user_id, _, version = user_token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def init_login_manager(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"
    # "basic" would log a teacher out when their phone hops from Wi-Fi to mobile data.
    login_manager.session_protection = None
