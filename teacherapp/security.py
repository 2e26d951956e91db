"""Response headers every page and fragment carries, and the security event log."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Flask, Response, abort, request

logger = logging.getLogger("teacherapp.security")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def log_security_event(event: str, **fields: Any) -> None:
    """One JSON line per login, failure, throttle or logout, for the log shipper to parse.

    Never a password; the address is the client's (after ProxyFix when PROXY_HOPS is set).
    """
    record = {"event": event, "address": request.remote_addr, "path": request.path, **fields}
    logger.info(json.dumps(record, default=str, ensure_ascii=False), extra={"security": record})


_ALWAYS = tuple((name.lower(), name, value) for name, value in (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
))


def set_security_headers(response: Response) -> Response:
    """Each header unless the view set its own. One pass over the response's headers: a
    `setdefault` per header scanned them all and raised a KeyError each time (1 % of a save)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    for lowered, name, value in _ALWAYS:
        if lowered not in present:
            headers.add(name, value)
    # Pages with pupil data must not linger in shared caches or the back-forward cache.
    if "cache-control" not in present and not request.path.startswith("/static/"):
        headers.add("Cache-Control", "no-store")
    return response


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A NUL written as a JSON escape: "\u0000" after an even number of backslashes (an escaped
# backslash followed by the text "u0000" is no NUL).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def refuse_nul_characters() -> None:
    """No field of ours may hold a NUL character; PostgreSQL cannot even store one.

    Refused here, once, with a 400 and a message, instead of as a database error (a 500)
    deep inside whichever form happened to receive it: the query string, form fields, and
    any other body whole (JSON whatever its declared type, since the API reads JSON from a
    text/plain body too). Uploaded files are checked whole by their reader (teacherapp.tabular).
    """
    values = list(request.args.values())
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        values += request.form.values()
        if request.mimetype not in _FORM_TYPES:
            body = request.get_data()
            if b"\x00" in body or _JSON_NUL.search(body):
                abort(400)
    if any("\x00" in value for value in values):
        abort(400)


def drop_idle_limiter_check(app: Flask, limiter: Any) -> None:
    """Drop Flask-Limiter's check before every request when there is nothing for it to check.

    That check applies default, application, meta and blueprint limits; we set none (the
    login declares its own limits, and its decorator checks them). It still resolved the
    endpoint's limits and exemption scopes on every request: about 5 % of a save's CPU.
    Called once the blueprints are registered, so that any limit declared in code or
    configuration is known; if there is one, the check stays.
    """
    manager = limiter.limit_manager
    if (manager.default_limits or manager.application_limits or manager._blueprint_limits
            or limiter._meta_limits):
        return
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [hook for hook in hooks if hook != limiter._check_request_limit]


def init_app(app: Flask) -> None:
    from teacherapp.extensions import limiter

    limiter.init_app(app)
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
    if app.config["TEACHERAPP_ENV"] == "production":

        @app.after_request
        def hsts(response: Response) -> Response:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
            return response
