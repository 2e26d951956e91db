from flask import Blueprint

bp = Blueprint("auditlog", __name__)

from teacherapp.auditlog import routes  # noqa: E402,F401
