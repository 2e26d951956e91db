"""gunicorn.conf.py: workers from the cores, bind and sizes from the environment."""

from __future__ import annotations

import multiprocessing
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _load(monkeypatch, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "HOST", "PORT", "LOG_FORMAT", "DATABASE_URL",
                 "SQLITE_WAL_AUTOCHECKPOINT", "SQLITE_BACKGROUND_CHECKPOINT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_workers_are_the_cores_plus_one_on_postgresql(monkeypatch):
    conf = _load(monkeypatch, DATABASE_URL="postgresql://app@db:5432/teacherapp")
    assert conf["workers"] == multiprocessing.cpu_count() + 1


def test_workers_are_the_cores_on_sqlite_which_takes_one_writer_at_a_time(monkeypatch):
    assert _load(monkeypatch)["workers"] == max(2, multiprocessing.cpu_count())
    conf = _load(monkeypatch, DATABASE_URL="sqlite:////srv/teacherapp.sqlite")
    assert conf["workers"] == max(2, multiprocessing.cpu_count())


def test_web_concurrency_overrides_the_workers(monkeypatch):
    assert _load(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_bind_comes_from_the_environment(monkeypatch):
    assert _load(monkeypatch)["bind"] == "127.0.0.1:8000"
    assert _load(monkeypatch, HOST="0.0.0.0", PORT="9000")["bind"] == "0.0.0.0:9000"
    assert _load(monkeypatch, GUNICORN_BIND="unix:/run/teacherapp.sock")["bind"] == "unix:/run/teacherapp.sock"


def test_access_log_is_on_and_structured(monkeypatch):
    conf = _load(monkeypatch)
    assert conf["accesslog"] == "-"
    assert conf["logger_class"] == "teacherapp.ops.gunicorn_logging.JsonLogger"


def test_gunicorn_gives_up_before_the_browser_does(monkeypatch):
    import re
    from pathlib import Path

    conf = _load(monkeypatch)
    offline_js = (Path(__file__).resolve().parents[2] / "teacherapp/static/offline.js").read_text()
    browser_ms = int(re.search(r"SAVE_TIMEOUT_MS = (\d+)", offline_js).group(1))
    assert conf["timeout"] * 1000 < browser_ms


def test_each_fork_leaves_the_preloaded_app_out_of_the_collectors_view(monkeypatch):
    """A worker's full collection must not walk the master's objects (74 ms each, measured)."""
    import gc

    conf = _load(monkeypatch)
    assert conf["preload_app"] is True
    gc.unfreeze()
    try:
        conf["pre_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
