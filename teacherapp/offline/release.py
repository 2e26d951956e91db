"""The current release: its version and the files a new service worker precaches.

Recomputed only when a static file's size or modification time moves, so serving /sw.js on
every navigation stays cheap.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app, url_for

from teacherapp.offline.logic import release_fingerprint, release_version, static_files

WORKER_SOURCE = Path(__file__).with_name("sw.js")
_lock = threading.Lock()
_cache: dict[str, tuple[tuple, str]] = {}


def worker_source() -> str:
    return WORKER_SOURCE.read_text(encoding="utf-8")


def current_version() -> str:
    """Version of the release: a hash of the static files, the worker and OFFLINE_RELEASE."""
    static_dir = Path(current_app.static_folder or "")
    files = static_files(static_dir)
    label = str(current_app.config.get("OFFLINE_RELEASE", ""))
    fingerprint = (release_fingerprint(static_dir, files),
                   WORKER_SOURCE.stat().st_mtime_ns, label)
    key = str(static_dir)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == fingerprint:
            return cached[1]
        version = release_version(static_dir, files,
                                  extra=(WORKER_SOURCE.read_bytes(), label.encode()))
        _cache[key] = (fingerprint, version)
        return version


def precache_urls() -> list[str]:
    """The app shell: every static file (by the URL pages use) and the offline page."""
    static_dir = Path(current_app.static_folder or "")
    urls = [url_for("static", filename=name) for name in static_files(static_dir)]
    return urls + [url_for("offline.fallback")]
