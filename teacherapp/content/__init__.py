from flask import Blueprint

from teacherapp.xapi import admin_bp as xapi_admin_bp
from teacherapp.xapi import bp as xapi_bp

bp = Blueprint("content", __name__)

from teacherapp.content import api, integrations, routes  # noqa: E402,F401

# Nested here because teacherapp/__init__.py registers the top-level blueprints.
bp.register_blueprint(xapi_bp, url_prefix="/xapi")
bp.register_blueprint(xapi_admin_bp, url_prefix="/admin/xapi")
