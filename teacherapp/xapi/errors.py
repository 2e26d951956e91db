"""JSON error bodies for LRS clients: they read `error` and `message`, never an HTML page."""

from __future__ import annotations

from flask import Response, jsonify, request

VERSION = "1.0.3"
PREFIX = "/xapi/"


def is_xapi_request() -> bool:
    return request.path.startswith(PREFIX) or request.path == PREFIX.rstrip("/")


def json_error(status: int, code: str, message: str, **headers: str) -> Response:
    response = jsonify(error=code, message=message)
    response.status_code = status
    response.headers.update(headers)
    response.headers["X-Experience-API-Version"] = VERSION
    return response


HTTP_ERRORS = {
    400: ("bad_request", "The request could not be understood."),
    404: ("not_found", "No such resource. This LRS serves /xapi/statements and /xapi/about."),
    405: ("method_not_allowed", "This method is not allowed on this resource."),
    413: ("too_large", "The body is too large."),
    429: ("too_many_requests", "Too many requests; wait a minute."),
    500: ("server_error", "Something went wrong; nothing was stored. Try again."),
}


def http_error(status: int, error: object) -> Response:
    """The JSON answer for an HTTP error raised by Flask on an xAPI path."""
    code, message = HTTP_ERRORS.get(status, ("error", "The request failed."))
    headers = {}
    methods = getattr(error, "valid_methods", None)
    if status == 405 and methods:
        headers["Allow"] = ", ".join(sorted(methods))
    return json_error(status, code, message, **headers)
