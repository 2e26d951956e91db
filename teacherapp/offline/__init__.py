"""The offline layer: web app manifest, service worker, offline pages and their helpers."""

from flask import Blueprint

bp = Blueprint("offline", __name__)

from teacherapp.offline import routes  # noqa: E402,F401
