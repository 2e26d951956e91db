"""Gunicorn settings for teacherapp; every value can be changed from the environment.

    gunicorn -c gunicorn.conf.py "teacherapp:create_app()"

Workers: sync workers, cores + 1 by default on PostgreSQL (WEB_CONCURRENCY overrides). A
request spends part of its time waiting for PostgreSQL, whose own processes need the same
cores; the extra worker fills those waits and covers one busy with a long export. Not the
usual 2 x cores + 1: on this 2-core machine 5 workers, each with its PostgreSQL backend, were
preempted 5.5 times per save (3 workers: 4.4) and spent more CPU on each (cache misses), and
3 workers saved more and sooner in 7 interleaved pairs of runs at 20 clients (375 against 323
saves/s on average, p99 77 against 98 ms; docs/performance.md, sixth round).
On SQLite, one writer at a time: more processes than cores only queue on the write lock and get
preempted while holding it (measured on 2 cores, 20 saving clients: 2 workers p99 87 ms and 25%
of the floor, 5 workers p99 1,160 ms and 16%), so the default there is the number of cores.
"""

from __future__ import annotations

import multiprocessing
import os

_cores = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
_sqlite = (os.environ.get("DATABASE_URL") or "sqlite").startswith("sqlite")
workers = int(os.environ.get("WEB_CONCURRENCY") or (max(2, _cores) if _sqlite else _cores + 1))
worker_class = "sync"
# Behind a reverse proxy that buffers slow clients; a phone on 3G never holds a worker.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# An XLSX export of every school takes seconds; anything longer is stuck. Below the
# browser's save timeout (offline.js, 30 s), so a stuck save is answered before the phone
# gives up on it; the database's own limits (teacherapp.config) end most waits far sooner.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "25"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never becomes an outage. Not too often: at
# 5,000 a worker under load was replaced every 3 seconds, and each new one starts with empty
# caches (the benchmark's roster p95 went from 27 ms to 170-230 ms right after a load run).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Load the app once in the master: workers start fast and share the compiled code.
preload_app = True

# Structured logs: one JSON object per line on stdout (access) and stderr (errors).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "teacherapp.ops.gunicorn_logging.JsonLogger"
os.environ.setdefault("LOG_FORMAT", "json")

# ProxyFix in the app (PROXY_HOPS) decides which forwarded headers to trust; gunicorn
# itself then needs no list of trusted proxies.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker):  # noqa: ANN001 (gunicorn's hook signature)
    """Right before each fork: move the preloaded app's objects out of the collector's view.

    The gc module's documentation advises gc.freeze() before a fork without exec: a worker's
    full collections then walk only what it made itself, not the ~190,000 objects of the
    preloaded app (one such collection took 74 ms in a worker, a roster page's p99), and do
    not write to the pages it shares with the master.
    """
    import gc

    gc.freeze()


def post_fork(server, worker):  # noqa: ANN001 (gunicorn's hook signature)
    """Connections made in the master (preload) must not be shared by the workers."""
    from teacherapp.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)
