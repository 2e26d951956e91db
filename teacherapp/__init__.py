"""teacherapp: scores and rubric assessments for VTS external courses."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter


class DatabaseId(IntegerConverter):
    """Werkzeug's `int` converter, bounded to the range of an SQL INTEGER column."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(config: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """The app; `instance_path` (default: ./instance) holds uploads waiting for confirmation
    and the compiled translations (tests give each test process its own)."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    # Before any route is added: an id in a URL fits the database's integer, or matches no
    # route (404), instead of reaching PostgreSQL as an out-of-range value (a 500).
    app.url_map.converters["int"] = DatabaseId
    os.makedirs(app.instance_path, exist_ok=True)

    from teacherapp.config import load_config

    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
        if "SQLALCHEMY_DATABASE_URI" in config:
            from teacherapp.config import engine_options, normalise_database_url

            uri = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
            app.config["SQLALCHEMY_DATABASE_URI"] = uri
            app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
            if "SQLALCHEMY_ENGINE_OPTIONS" not in config:
                app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(uri)

    _init_extensions(app)
    _register_blueprints(app)

    from teacherapp.extensions import limiter
    from teacherapp.security import drop_idle_limiter_check

    drop_idle_limiter_check(app, limiter)  # last: every declared limit is known by now

    from teacherapp import cli

    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from teacherapp import database, formatting, htmx, i18n, security  # noqa: F401 (listeners)
    from teacherapp.extensions import csrf, db, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "migrations")),
        render_as_batch=True, compare_type=True,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    htmx.init_app(app)
    i18n.init_app(app)
    formatting.init_app(app)
    security.init_app(app)

    if app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from teacherapp.auth.session import init_login_manager

    init_login_manager(login_manager)

    from teacherapp import ops

    ops.init_app(app)  # last: health, JSON logs, compression, hashed static files


def _register_blueprints(app: Flask) -> None:
    from teacherapp import xapi
    from teacherapp.admin import bp as admin_bp
    from teacherapp.auditlog import bp as auditlog_bp
    from teacherapp.auth import bp as auth_bp
    from teacherapp.content import bp as content_bp
    from teacherapp.courses import bp as courses_bp
    from teacherapp.deliberation import bp as deliberation_bp
    from teacherapp.errors import bp as errors_bp
    from teacherapp.invites import bp as invites_bp
    from teacherapp.main import bp as main_bp
    from teacherapp.offline import bp as offline_bp
    from teacherapp.school import bp as school_bp
    from teacherapp.scoring import bp as scoring_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    # Manifest and service worker at the root scope; offline pages under /offline.
    app.register_blueprint(offline_bp)
    # Teachers' areas. Every URL with a course id checks the course through permissions.
    app.register_blueprint(courses_bp, url_prefix="/courses")
    app.register_blueprint(scoring_bp, url_prefix="/courses")
    # Secretariat areas live under /admin; the content feed for machines under /api.
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(deliberation_bp, url_prefix="/admin")
    app.register_blueprint(auditlog_bp, url_prefix="/admin/audit")
    # The school coordinator's area: her schools' courses, exam moments, teachers, overview.
    app.register_blueprint(school_bp, url_prefix="/school")
    # The public page of an invitation link (set a password); the inviting screens live in
    # the admin and school areas.
    app.register_blueprint(invites_bp, url_prefix="/invite")
    app.register_blueprint(content_bp)
    # The xAPI Statements resource for the content platform, and the secretariat's screen for
    # statements whose person or activity is not known yet.
    app.register_blueprint(xapi.bp, url_prefix="/xapi")
    app.register_blueprint(xapi.admin_bp, url_prefix="/admin/xapi")
