"""gunicorn.conf.py plus hooks that record every request in the workers (for bench.timeline).

    gunicorn -c bench/timeline_conf.py ...   with TIMELINE_DIR set to a folder

Each worker writes, when it exits, one line per request: start and end (perf_counter), CPU
seconds, 1 for a score's save (0 for anything else, the login's POST included), then from getrusage: blocks written, voluntary and involuntary context
switches, major page faults; and the garbage collector's time within the request.
"""

from __future__ import annotations

import gc
import os
import resource
import runpy
import time
from pathlib import Path

globals().update({name: value for name, value in runpy.run_path(
    str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py")).items()
    if not name.startswith("__")})

_rows: list[tuple] = []
_gc = {"seconds": 0.0, "started": 0.0}


def _collecting(phase: str, info: dict) -> None:
    if phase == "start":
        _gc["started"] = time.perf_counter()
    else:
        _gc["seconds"] += time.perf_counter() - _gc["started"]


def pre_request(worker, req):  # noqa: ANN001 (gunicorn's hook signature)
    if _collecting not in gc.callbacks:
        gc.callbacks.append(_collecting)
    _gc["seconds"] = 0.0
    worker._timeline = (time.perf_counter(), time.process_time(),
                        resource.getrusage(resource.RUSAGE_SELF))


def post_request(worker, req, environ, resp):  # noqa: ANN001 (gunicorn's hook signature)
    started, cpu, before = worker._timeline
    after = resource.getrusage(resource.RUSAGE_SELF)
    saves = req.method == "POST" and "/sittings/" in req.path  # a score's save, not the login
    _rows.append((started, time.perf_counter(), time.process_time() - cpu, int(saves),
                  after.ru_oublock - before.ru_oublock, after.ru_nvcsw - before.ru_nvcsw,
                  after.ru_nivcsw - before.ru_nivcsw, after.ru_majflt - before.ru_majflt,
                  _gc["seconds"]))


def worker_exit(server, worker):  # noqa: ANN001 (gunicorn's hook signature)
    folder = os.environ.get("TIMELINE_DIR")
    if folder:
        with open(Path(folder) / f"worker-{os.getpid()}.tsv", "w") as out:
            for row in _rows:
                out.write("\t".join(str(value) for value in row) + "\n")
