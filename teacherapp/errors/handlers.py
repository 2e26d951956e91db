"""Error pages in the user's language; htmx requests get a small fragment instead."""

from __future__ import annotations

import logging

from flask import make_response, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from teacherapp.errors import bp
from teacherapp.htmx import is_htmx_request
from teacherapp.xapi.errors import http_error, is_xapi_request

log = logging.getLogger(__name__)


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


def _forget_the_transaction() -> None:
    """Roll back what the failed request began; a connection that is gone is simply dropped.

    An error handler must never raise: the teacher always gets our answer, and the phone keeps
    what she typed (it sends the save again on a 5xx).
    """
    from teacherapp.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 (the connection died: nothing to roll back)
        log.warning("rollback after an error failed", exc_info=True)


def _safe_render(status: int, title: str, message: str, headers: dict | None = None):
    """Our page or fragment; if even that fails (it may need the database), plain text."""
    try:
        response = make_response(_render(status, title, message))
    except Exception:  # noqa: BLE001
        log.warning("error page could not be rendered", exc_info=True)
        response = make_response(f"{title}. {message}", status)
        response.mimetype = "text/plain"
    response.headers.update(headers or {})
    return response


@bp.app_errorhandler(500)
def server_error(error):
    _forget_the_transaction()
    return _safe_render(500, _("Something went wrong"),
                        _("Nothing was changed. Try again; if it keeps happening, contact VTS."))


# How long a client waits before it sends the same request again after a 503.
RETRY_AFTER_SECONDS = 2


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(SQLAlchemyTimeoutError)
def database_unavailable(error):
    """The database is unreachable, restarting, or a wait hit its limit (a lock held by a stuck
    request, a statement running too long, SQLite's busy timeout): nothing was stored, and the
    same request may simply be sent again. 503 with Retry-After; the phone's queue does that."""
    log.warning("database unavailable: %s", error.__class__.__name__, exc_info=True)
    _forget_the_transaction()
    return _safe_render(503, _("Briefly unavailable"),
                        _("Nothing was stored yet. What you entered is kept and sent again "
                          "in a moment."), {"Retry-After": str(RETRY_AFTER_SECONDS)})
