"""Warm a process's caches before it serves: compiled templates, catalogues, locale data.

gunicorn loads the app once in the master (preload_app) and forks the workers from it, so
what is loaded here is shared by every worker, including the ones that replace a recycled
worker. Without it each new worker paid 60-100 ms on its first request of every page
(Jinja compiling the page's templates, Babel reading the catalogues and the CLDR data of
nl and en); under load, with workers recycled every few thousand requests, that showed up
as a roster p95 of 170-230 ms in the benchmark while the steady state was 27 ms.

The database side too: SQLAlchemy configures its mappers on the first ORM query, compiles the
login's user query on the first request that loads a user, and the save's own statements on
the first save. In a worker that had never touched the database, that made the first save
cost 100 ms of CPU instead of 3 (bench: four workers at once, 350 ms for the teachers whose
saves were in them). The master does it once, on one connection that it closes before the
fork: a connection must never be shared by two processes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)


def warm(app: Flask) -> None:
    import brotli
    from flask_babel import format_datetime, format_decimal

    from teacherapp.i18n import request_translations

    # The first compressor costs ~8 ms.
    brotli.compress(b"<p>warm</p>" * 100, quality=app.config["COMPRESS_BR_LEVEL"])
    for name in app.jinja_env.list_templates(extensions=("html", "txt", "xml", "js")):
        app.jinja_env.get_template(name)
    for language in ("nl", "en"):
        with app.test_request_context(f"/?lang={language}"):
            request_translations().ugettext("Save")
            format_decimal(1.5)
            format_datetime(datetime.now(UTC), "dd/MM/yyyy HH:mm")
    warm_database(app)


def warm_database(app: Flask) -> None:
    """Mappers configured, the login's query and the save's statements compiled; no connection kept.

    A database that cannot be reached now is no reason not to start: the health endpoint
    reports it, and each worker connects when it is back.
    """
    from sqlalchemy.orm import configure_mappers

    from teacherapp.extensions import db
    from teacherapp.models import User
    from teacherapp.scoring import cells, saving

    configure_mappers()
    with app.app_context():
        try:
            db.session.get(User, 0)  # the query teacherapp.auth.session.load_user runs
            dialect = db.engine.dialect  # initialised by that first connection
            for statement in cells.direct_statements() + saving.direct_statements(dialect.name):
                statement.prepare(dialect)
        except SQLAlchemyError as error:
            logger.warning("database not warmed before the fork: %s", error.__class__.__name__)
        finally:
            db.session.remove()
            db.engine.dispose()
