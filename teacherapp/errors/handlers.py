"""Error pages in the user's language; htmx requests get a small fragment instead."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from teacherapp.errors import bp
from teacherapp.htmx import is_htmx_request
from teacherapp.xapi.errors import http_error, is_xapi_request


def _render(status: int, title: str, message: str, error: object = None):
    if is_xapi_request():  # LRS clients get JSON, not a page
        return http_error(status, error)
    template = "errors/_error.html" if is_htmx_request() else "errors/error.html"
    return render_template(template, status=status, title=title, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return _render(400, _("Page expired"),
                   _("This form was open too long or came from elsewhere. Reload the page and try again."))


@bp.app_errorhandler(400)
def bad_request(error):
    return _render(400, _("Bad request"), _("The request could not be understood."))


@bp.app_errorhandler(403)
def forbidden(error):
    return _render(403, _("Not allowed"), _("You do not have access to this page."))


@bp.app_errorhandler(404)
def not_found(error):
    return _render(404, _("Not found"), _("This page does not exist, or it is not yours to see."))


@bp.app_errorhandler(405)
def method_not_allowed(error):
    return _render(405, _("Not allowed"), _("This action is not possible here."), error)


@bp.app_errorhandler(413)
def too_large(error):
    return _render(413, _("File too large"), _("The file is too large. The limit is 5 MB."))


@bp.app_errorhandler(429)
def too_many(error):
    return _render(429, _("Too many attempts"),
                   _("Too many attempts in a short time. Wait a minute and try again."))


@bp.app_errorhandler(500)
def server_error(error):
    from teacherapp.extensions import db

    db.session.rollback()
    return _render(500, _("Something went wrong"),
                   _("Nothing was changed. Try again; if it keeps happening, contact VTS."))
