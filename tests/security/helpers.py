"""Builders shared by the security tests."""

from __future__ import annotations

import os

from flask import Flask

from teacherapp import create_app

TEST_SECRET = "test-secret"


def redis_test_url() -> str:
    """A Redis database of this test process's own (15, 14, ... per pytest-xdist worker):
    a limiter test resets its storage, which must not clear another worker's counters."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{15 - int(worker.removeprefix('gw')) % 8}"


def make_app(database_url: str, **config) -> Flask:
    """A separate app on the test database, e.g. with the rate limiter switched on."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                       "SECRET_KEY": TEST_SECRET, **config})


def production_app(monkeypatch, database_url: str, **config) -> Flask:
    """The app as TEACHERAPP_ENV=production builds it (secure cookies, HSTS)."""
    monkeypatch.setenv("TEACHERAPP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "1")  # limits are off here anyway
    try:
        return make_app(database_url, RATELIMIT_ENABLED=False, **config)
    finally:
        os.environ.pop("TEACHERAPP_ENV", None)
