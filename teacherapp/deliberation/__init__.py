"""The secretariat's imports, year overview and exports for deliberation, and its rounds."""

from flask import Blueprint

from teacherapp.rounds import bp as rounds_bp

bp = Blueprint("deliberation", __name__)
bp.register_blueprint(rounds_bp)

from teacherapp.deliberation import cli, import_routes, routes  # noqa: E402,F401
