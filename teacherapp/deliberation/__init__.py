from flask import Blueprint

bp = Blueprint("deliberation", __name__)

from teacherapp.deliberation import routes  # noqa: E402,F401
