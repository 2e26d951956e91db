from flask import Blueprint

from teacherapp.rounds import public_bp as attests_bp

bp = Blueprint("main", __name__)
bp.register_blueprint(attests_bp)

from teacherapp.main import routes  # noqa: E402,F401

