"""Warm caches before forking, and translations looked up once per request."""

from __future__ import annotations

import runpy
from pathlib import Path

import flask_babel
from flask import render_template_string

from teacherapp import create_app
from teacherapp.i18n import request_translations, select_locale
from teacherapp.ops.warm import warm

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_warm_compiles_every_template_before_the_first_request():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    names = app.jinja_env.list_templates(extensions=("html",))
    warm(app)
    cached = {key[1] for key in app.jinja_env.cache.keys()}
    assert set(names) <= cached
    assert "courses/_pupil_rows.html" in cached and "scoring/_score_cell.html" in cached


def test_gunicorn_warms_the_master_and_recycles_workers_rarely(monkeypatch):
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    conf = runpy.run_path(str(CONF))
    assert conf["preload_app"] is True and callable(conf["when_ready"])
    assert conf["max_requests"] >= 50_000


def test_templates_translate_in_the_request_language_and_follow_a_switch():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    with app.test_request_context("/?lang=en"):
        assert render_template_string("{{ _('Save') }}") == "Save"
        assert request_translations() is request_translations()  # looked up once
    with app.test_request_context("/"):
        assert render_template_string("{{ _('Save') }}") == "Opslaan"
        flask_babel.get_babel().locale_selector = lambda: "en"
        try:
            flask_babel.refresh()
            assert render_template_string("{{ _('Save') }}") == "Save"
        finally:
            flask_babel.get_babel().locale_selector = select_locale


def test_warm_readies_the_database_side_once_and_keeps_no_connection(database_url, data_app):
    """A worker's first save must not configure mappers or compile its statements (100 ms)."""
    from sqlalchemy import inspect

    from teacherapp.extensions import db
    from teacherapp.models import User
    from teacherapp.scoring import cells, saving

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    with app.app_context():
        dialect_name = db.engine.dialect.name
    statements = cells.direct_statements() + saving.direct_statements(dialect_name)
    for statement in statements:  # as in a fresh process: earlier tests compiled them
        statement._by_dialect.clear()
    warm(app)
    assert inspect(User).configured
    with app.app_context():
        dialect = db.engine.dialect
        assert statements and all(dialect.name in s.prepared_dialects for s in statements)
        # Closed before the fork: the workers must never share the master's connection.
        assert db.engine.pool.checkedin() == 0 and db.engine.pool.checkedout() == 0
        assert db.engine.dialect.server_version_info  # learnt once, inherited by the workers


def test_warm_starts_the_server_even_when_the_database_is_down(caplog):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none",
                      "SECRET_KEY": "x"})
    with caplog.at_level("WARNING", logger="teacherapp.ops.warm"):
        warm(app)  # no exception: gunicorn's master goes on and the health check reports it
    assert "database not warmed" in caplog.text
