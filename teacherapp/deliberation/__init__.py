"""The secretariat's imports, year overview and exports for deliberation."""

from flask import Blueprint

bp = Blueprint("deliberation", __name__)

from teacherapp.deliberation import import_routes, routes  # noqa: E402,F401
