"""Integration tokens: random secrets shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "vtsc_"
PREFIX_LENGTH = 12  # "vtsc_" and 7 random characters: enough to tell tokens apart


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str, str]:
    """A fresh secret, its recognisable prefix, and the hash to store."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return secret, secret[:PREFIX_LENGTH], hash_token(secret)


def bearer_secret(authorization: str | None) -> str | None:
    """The token from an `Authorization: Bearer <token>` header, or None."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value or len(value) > 200:
        return None
    return value
