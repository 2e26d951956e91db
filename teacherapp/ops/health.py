"""Health endpoints for load balancers and orchestrators; no login, no session.

/healthz checks what a request needs (the database, and Redis when rate limits live there);
/healthz/live touches nothing, so it doubles as the benchmark's floor.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from teacherapp.extensions import db

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)


def _check_database() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return False


def _redis_url() -> str | None:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    return uri if uri.startswith(("redis://", "rediss://", "unix://")) else None


def _check_redis(url: str) -> bool:
    import redis

    client = current_app.extensions.get("ops_redis")
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        current_app.extensions["ops_redis"] = client
    try:
        return bool(client.ping())
    except redis.RedisError:
        log.exception("health check: redis unreachable")
        return False


@bp.get("/healthz")
def healthz() -> Any:
    checks = {"database": "ok" if _check_database() else "error"}
    redis_url = _redis_url()
    if redis_url:
        checks["redis"] = "ok" if _check_redis(redis_url) else "error"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "error", checks=checks), 200 if healthy else 503


@bp.get("/healthz/live")
def live() -> Any:
    """The process answers: no database, no session, no template."""
    return jsonify(status="ok")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # Probes come every few seconds from the proxy; they must never hit a rate limit.
    limiter = app.extensions.get("limiter")
    if limiter is not None:
        for one in limiter if isinstance(limiter, set | list | tuple) else [limiter]:
            one.exempt(bp)
