"""The school coordinator's area: her schools' courses, exam moments, teachers, overview
and attests."""

from flask import Blueprint

bp = Blueprint("school", __name__)

from teacherapp.school import attests, routes  # noqa: E402,F401
