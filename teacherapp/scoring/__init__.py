from flask import Blueprint

bp = Blueprint("scoring", __name__)

from teacherapp.scoring import exemptions, routes, saves, submission  # noqa: E402,F401
from teacherapp.scoring.messages import register_template_helpers  # noqa: E402

register_template_helpers(bp)
