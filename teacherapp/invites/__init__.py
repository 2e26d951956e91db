"""Invitations: the secretariat invites a school's coordinator, a coordinator her teachers;
the invited person sets a password through a one-time link (`/invite/<token>`)."""

from flask import Blueprint

bp = Blueprint("invites", __name__)

from teacherapp.invites import routes  # noqa: E402,F401
