from __future__ import annotations

import pytest

from teacherapp import create_app
from teacherapp.config import ConfigError, load_config, normalise_database_url


def test_production_refuses_to_start_without_secrets(monkeypatch, tmp_path):
    monkeypatch.setenv("TEACHERAPP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL"):
        load_config(str(tmp_path))


def _production(monkeypatch, **env: str) -> None:
    monkeypatch.setenv("TEACHERAPP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@localhost/db")
    for name in ("RATELIMIT_STORAGE_URI", "RATELIMIT_ALLOW_MEMORY", "RATELIMIT_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_production_starts_with_secrets_and_secure_cookies(monkeypatch, tmp_path):
    _production(monkeypatch, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@localhost/db"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"


def test_development_defaults_to_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("TEACHERAPP_ENV", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/teacherapp.sqlite"


def test_database_url_is_taken_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("TEACHERAPP_ENV", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "x.sqlite"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")


def test_normalise_database_url():
    assert normalise_database_url("postgresql://a/b") == "postgresql+psycopg://a/b"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_postgresql_connections_are_pinged_and_every_wait_is_bounded():
    from teacherapp.config import engine_options

    options = engine_options("postgresql+psycopg://app@db/teacherapp")
    assert options["pool_pre_ping"] is True and options["pool_recycle"] == 3600
    for setting in ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout"):
        assert f"-c {setting}=" in options["connect_args"]["options"]
    assert engine_options("sqlite:////srv/app.sqlite")["connect_args"]["timeout"] == 5


@pytest.mark.parametrize("storage", [None, "memory://"])
def test_production_refuses_a_limiter_storage_each_worker_keeps_alone(monkeypatch, tmp_path,
                                                                      storage):
    _production(monkeypatch, **({"RATELIMIT_STORAGE_URI": storage} if storage else {}))
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI.*RATELIMIT_ALLOW_MEMORY=1"):
        load_config(str(tmp_path))


def test_production_takes_memory_storage_when_told_explicitly(monkeypatch, tmp_path):
    _production(monkeypatch, RATELIMIT_ALLOW_MEMORY="1")
    assert load_config(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_takes_a_shared_storage(monkeypatch, tmp_path):
    _production(monkeypatch, RATELIMIT_STORAGE_URI="redis://redis-host:6379/0")
    assert load_config(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "redis://redis-host:6379/0"


def test_development_keeps_memory_storage(monkeypatch, tmp_path):
    monkeypatch.delenv("TEACHERAPP_ENV", raising=False)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert load_config(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "memory://"
