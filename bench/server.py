"""Serve the app with gunicorn (gunicorn.conf.py, as in production) on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from tests.ops.processes import free_port, stop, wait_for

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def gunicorn(database_url: str, workers: int | None, log_path: Path, config: Path | None = None):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-secret-key",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "LOG_FORMAT": "json",
           "GUNICORN_ACCESS_LOG": str(log_path), "GUNICORN_ERROR_LOG": str(log_path),
           "PYTHONPATH": str(REPO)}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(config or REPO / "gunicorn.conf.py"),
                                 "teacherapp:create_app()"], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz/live", 60)
        yield base
    finally:
        stop(proc)
