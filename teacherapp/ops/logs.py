"""Structured logs: one JSON object per line, with the request id that ties them together.

In production (or with LOG_FORMAT=json) the app's own log lines become JSON on stderr;
gunicorn's access and error lines use the same shape (see teacherapp.ops.gunicorn_logging),
so a log shipper needs one parser. The request id comes from the proxy's X-Request-ID, or is
made here, and is sent back in the response so a teacher's complaint can be traced.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line; `extra={...}` fields become keys of their own."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


class RequestContextFilter(logging.Filter):
    """Adds the request id, method, path and user id to lines logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            record.method = request.method
            record.path = request.path
            # Only a user Flask-Login already loaded: logging must never query the database.
            user = g.get("_login_user")
            if user is not None and getattr(user, "is_authenticated", False):
                record.user_id = user.id
        return True


def log_format(app: Flask) -> str:
    configured = app.config.get("LOG_FORMAT") or os.environ.get("LOG_FORMAT")
    if configured:
        return configured.lower()
    return "json" if app.config.get("TEACHERAPP_ENV") == "production" else "text"


def install_json_handler(level: str | int = "INFO") -> logging.Handler:
    """Route the root logger to stderr as JSON lines; replaces a handler installed earlier."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_teacherapp_json", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    handler._teacherapp_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def _assign_request_id() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _send_request_id(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers.setdefault(REQUEST_ID_HEADER, request_id)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.after_request(_send_request_id)
    if log_format(app) == "json":
        install_json_handler(os.environ.get("LOG_LEVEL", "INFO").upper())
        # Flask's own stderr handler would print every app line a second time, as text.
        app.logger.removeHandler(default_handler)
