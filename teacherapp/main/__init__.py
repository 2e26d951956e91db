from flask import Blueprint

from teacherapp.rounds import public_bp as attests_bp

bp = Blueprint("main", __name__)
bp.register_blueprint(attests_bp)

from teacherapp.main import routes  # noqa: E402,F401


# The school coordinator's area. It belongs in create_app's _register_blueprints (being
# rewritten elsewhere); until then it is registered together with main, once per app.
@bp.record_once
def _register_school_area(state) -> None:
    from teacherapp.school import bp as school_bp

    state.app.register_blueprint(school_bp, url_prefix="/school")
