from flask import Blueprint

bp = Blueprint("auth", __name__)

from teacherapp.auth import routes  # noqa: E402,F401
from teacherapp.auth.session import enforce_timeouts  # noqa: E402

# Every request of the app, not only this blueprint's, ends idle and over-age sessions.
bp.before_app_request(enforce_timeouts)
