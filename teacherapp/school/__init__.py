"""The school coordinator's area: her schools' courses, exam moments, teachers and overview."""

from flask import Blueprint

bp = Blueprint("school", __name__)

from teacherapp.school import routes, staff  # noqa: E402,F401
