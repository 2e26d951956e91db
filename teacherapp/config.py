"""Configuration from the environment, with safe development defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The app was asked to start in production without what production needs."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def is_production() -> bool:
    return os.environ.get("TEACHERAPP_ENV", "development").lower() == "production"


def load_config(instance_path: str) -> dict[str, Any]:
    """Build the Flask config from environment variables.

    In production the app refuses to start without SECRET_KEY and DATABASE_URL, so a
    misconfigured deployment fails loudly instead of signing sessions with a dev key; and
    without a limiter storage every worker shares (see _check_limiter_storage).
    """
    production = is_production()
    secret_key = os.environ.get("SECRET_KEY")
    database_url = os.environ.get("DATABASE_URL")
    if production:
        missing = [n for n, v in (("SECRET_KEY", secret_key), ("DATABASE_URL", database_url)) if not v]
        if missing:
            raise ConfigError(
                "TEACHERAPP_ENV=production needs these environment variables: " + ", ".join(missing)
            )
    limiter_storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    if production:
        _check_limiter_storage(limiter_storage)
    if not database_url:
        database_url = "sqlite:///" + str(Path(instance_path) / "teacherapp.sqlite")
    database_url = normalise_database_url(database_url)

    return {
        "TEACHERAPP_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key or "dev-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Brussels",
        "LANGUAGES": ("nl", "en"),
        # xAPI actors with an account on these home pages are pupils by VTS account id.
        "XAPI_ACCOUNT_HOMEPAGES": tuple(
            page.strip().rstrip("/") for page in
            os.environ.get("XAPI_ACCOUNT_HOMEPAGES", "https://connect.vts.be").split(",")
            if page.strip()),
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session: a teacher's exam day is long
        "WTF_CSRF_HEADERS": ["X-CSRFToken", "X-CSRF-Token"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        # __Host- cookies must be Secure, have Path=/ and no Domain: they cannot be set or
        # overwritten by another subdomain.
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        # Absolute lifetime: one exam day. The idle limit is checked in auth/session.py.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("SESSION_HOURS", "12"))),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "120")),
        # Send the session cookie only when the session changed (login, language, the idle
        # stamp, at most once a minute), not re-signed on every save: each save's answer stays
        # ~400 bytes smaller and skips an HMAC and zlib. The timeouts are checked server-side
        # from the stamps in the cookie, so its Expires date enforces nothing.
        "SESSION_REFRESH_EACH_REQUEST": False,
        # "Stay logged in on this device": the cookie holds "user id:session version", so
        # logout, a password change or disabling the account kills it like the session.
        "REMEMBER_COOKIE_NAME": "__Host-remember" if production else "remember_token",
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(os.environ.get("REMEMBER_DAYS", "14"))),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_PATH": "/",
        "REMEMBER_COOKIE_DOMAIN": None,
        "REMEMBER_COOKIE_REFRESH_EACH_REQUEST": False,
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", str(5 * 1024 * 1024))),
        "RATELIMIT_STORAGE_URI": limiter_storage,
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_KEY_PREFIX": "teacherapp",
        # Failed logins: one account may be guessed at slowly; a school network puts every
        # teacher behind one address, so the per-address limit is far higher.
        "LOGIN_LIMIT_ACCOUNT": os.environ.get("LOGIN_LIMIT_ACCOUNT", "10 per minute"),
        "LOGIN_LIMIT_ADDRESS": os.environ.get("LOGIN_LIMIT_ADDRESS", "200 per minute"),
        # Invitation links: requests per address that fail (a wrong or used token, a refused form).
        "INVITE_LIMIT_ADDRESS": os.environ.get("INVITE_LIMIT_ADDRESS", "30 per minute"),
        # Invitations are mailed only when MAIL_SERVER is set; otherwise whoever invited passes
        # the link on. Always the SMTP backend (Flask-Mailman would keep test mail in memory).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "noreply@vts.be"),
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", "10")),
        "MAIL_BACKEND": "smtp",
        "ATTEST_JOB_RUNNER": os.environ.get("ATTEST_JOB_RUNNER", "thread"),
        # A running print job without a heartbeat this long was interrupted (a restart).
        "ATTEST_JOB_STALE_SECONDS": int(os.environ.get("ATTEST_JOB_STALE_SECONDS", "600")),
        "ATTEST_VERIFY_LIMIT": os.environ.get("ATTEST_VERIFY_LIMIT", "30 per minute"),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        "SQL_ECHO": _bool("SQL_ECHO", False),
    }


def _check_limiter_storage(uri: str) -> None:
    """memory:// counts failed logins per process: with several gunicorn workers an attacker
    gets the per-account limit once per worker. Production needs a shared storage (Redis),
    unless RATELIMIT_ALLOW_MEMORY=1 says a single process is meant (or limits are off)."""
    if not uri.startswith("memory://") or not _bool("RATELIMIT_ENABLED", True):
        return
    if _bool("RATELIMIT_ALLOW_MEMORY", False):
        return
    raise ConfigError(
        "TEACHERAPP_ENV=production needs RATELIMIT_STORAGE_URI pointing at a storage every "
        "worker shares, e.g. redis://127.0.0.1:6379/0: with memory:// each worker counts "
        "failed logins alone. Set RATELIMIT_ALLOW_MEMORY=1 to run with memory:// anyway "
        "(one worker only)."
    )


def normalise_database_url(url: str) -> str:
    """Let people paste the usual postgres:// URL; we talk psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # A save waits for a concurrent writer rather than fail, but not for ever
        # (teacherapp.database sets the same limit as busy_timeout).
        return {"connect_args": {"timeout": 5}}
    # pool_pre_ping: a connection PostgreSQL dropped (a restart, a terminated backend) is
    # replaced before a request uses it, instead of costing that request a 500.
    # The timeouts bound every wait: a lock held by a stuck request, a runaway statement, a
    # transaction left open by a frozen worker. A request that hits one answers 503.
    return {
        "pool_pre_ping": True,
        "pool_recycle": 3600,
        "connect_args": {"options": " ".join(
            f"-c {name}={value}" for name, value in POSTGRESQL_TIMEOUTS.items())},
    }


# Milliseconds; well below the browser's save timeout (offline.js) and gunicorn's timeout.
POSTGRESQL_TIMEOUTS = {
    "lock_timeout": int(os.environ.get("PG_LOCK_TIMEOUT_MS", "5000")),
    "statement_timeout": int(os.environ.get("PG_STATEMENT_TIMEOUT_MS", "30000")),
    "idle_in_transaction_session_timeout": int(
        os.environ.get("PG_IDLE_IN_TRANSACTION_TIMEOUT_MS", "10000")),
}
