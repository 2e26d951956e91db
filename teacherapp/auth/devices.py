"""Devices a user logged in from before: a signed cookie that lets them past the lockout.

Ten wrong passwords a minute for a teacher's email would otherwise lock the teacher herself
out for a minute, on an exam morning. Following the OWASP authentication cheat sheet
("device cookies"): a successful login leaves a cookie on the device, signed with the app's
secret key (itsdangerous, as Flask signs its session), naming the account by a digest of its
email. A login attempt for that account from a device with that cookie is not counted
against the account's limit but against the device's own (teacherapp.auth.routes), so an
attacker elsewhere cannot lock it out, and a stolen cookie guesses no faster than before.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE_DAYS = 180
_SALT = "teacherapp-device"


def cookie_name() -> str:
    return "__Host-device" if current_app.config.get("SESSION_COOKIE_SECURE") else "device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _account(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def remember_device(response: Response, email: str) -> None:
    """After a successful login: this device is known for this account (a new nonce)."""
    value = _serializer().dumps({"a": _account(email), "n": secrets.token_urlsafe(12)})
    response.set_cookie(cookie_name(), value, max_age=MAX_AGE_DAYS * 24 * 3600, path="/",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                        httponly=True, samesite="Lax")


def _device() -> dict | None:
    if "_device" not in g:
        raw = request.cookies.get(cookie_name())
        try:
            data = _serializer().loads(raw, max_age=MAX_AGE_DAYS * 24 * 3600) if raw else None
        except BadSignature:  # tampered, expired, or signed with another key
            data = None
        g._device = data if isinstance(data, dict) else None
    return g._device


def known_device_for(email: str) -> bool:
    """Whether this request comes from a device that logged in to this account before."""
    device = _device()
    return device is not None and device.get("a") == _account(email)


def device_key() -> str:
    """The device's own nonce, to count its failed attempts (only for a known device)."""
    device = _device() or {}
    return "device:" + str(device.get("n", "-"))
