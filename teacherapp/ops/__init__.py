"""Production machinery: health checks, structured logs, compression, hashed static files.

Nothing here knows about courses or scores; `init_app` wires it into any app.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from teacherapp.ops import compression, health, logs, static_files

    logs.init_app(app)
    static_files.init_app(app)
    compression.init_app(app)
    health.init_app(app)
