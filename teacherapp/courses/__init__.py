from flask import Blueprint

from teacherapp.courses.badges import progress_bar, roster_texts, status_badges

bp = Blueprint("courses", __name__)
bp.add_app_template_global(status_badges, "status_badges")
bp.add_app_template_global(progress_bar, "progress_bar")
bp.add_app_template_global(roster_texts, "roster_texts")

from teacherapp.courses import routes  # noqa: E402,F401
