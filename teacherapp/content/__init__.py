from flask import Blueprint

bp = Blueprint("content", __name__)

from teacherapp.content import api, integrations, routes  # noqa: E402,F401
