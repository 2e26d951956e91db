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
