"""Warm a process's caches before it serves: compiled templates, catalogues, locale data.

gunicorn loads the app once in the master (preload_app) and forks the workers from it, so
what is loaded here is shared by every worker, including the ones that replace a recycled
worker. Without it each new worker paid 60-100 ms on its first request of every page
(Jinja compiling the page's templates, Babel reading the catalogues and the CLDR data of
nl and en); under load, with workers recycled every few thousand requests, that showed up
as a roster p95 of 170-230 ms in the benchmark while the steady state was 27 ms.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask


def warm(app: Flask) -> None:
    import brotli
    from flask_babel import format_datetime, format_decimal

    from teacherapp.i18n import request_translations

    brotli.compress(b"<p>warm</p>" * 100, quality=4)  # the first compressor costs ~8 ms
    for name in app.jinja_env.list_templates(extensions=("html", "txt", "xml", "js")):
        app.jinja_env.get_template(name)
    for language in ("nl", "en"):
        with app.test_request_context(f"/?lang={language}"):
            request_translations().ugettext("Save")
            format_decimal(1.5)
            format_datetime(datetime.now(UTC), "dd/MM/yyyy HH:mm")
