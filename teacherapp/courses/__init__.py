from flask import Blueprint

bp = Blueprint("courses", __name__)

from teacherapp.courses import routes  # noqa: E402,F401
