"""The school coordinator's area: her schools' courses, exam moments, teachers, pupil
imports and payments, overview and attests."""

from flask import Blueprint

bp = Blueprint("school", __name__)

from teacherapp.school import attests, imports, routes, staff  # noqa: E402,F401
