from flask import Blueprint

bp = Blueprint("scoring", __name__)

from teacherapp.scoring import routes  # noqa: E402,F401
