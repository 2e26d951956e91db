"""Deliberation rounds and attests: the secretariat's pages (nested in the deliberation
area, under /admin/rounds) and the public verification page (nested in main, /attest)."""

from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/rounds")
public_bp = Blueprint("attests", __name__)

from teacherapp.rounds import routes, verify  # noqa: E402,F401
