"""Static files with content hashes in their URLs, served pre-compressed from memory.

`url_for('static', filename='app.css')` becomes `/static/app.css?v=<sha256 prefix>`. A request
whose `v` matches the file's current hash may be cached for a year (`immutable`): a new
release changes the hash, so the browser fetches the new file. A request without `v`, or with
an old one, gets `no-cache` and an ETag, so a stale copy is never taken for the current one.

Each file is read, hashed and compressed (brotli 11, gzip 9) once per process; in debug mode
a changed file is picked up on the next request.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass, field
from typing import Any

import brotli
from flask import Flask, Response, abort, current_app, request
from werkzeug.security import safe_join

HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_COMPRESSIBLE = ("text/", "application/javascript", "application/json",
                 "application/manifest+json", "image/svg+xml", "application/xml")

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


@dataclass
class StaticFile:
    digest: str
    mtime_ns: int
    mimetype: str
    bodies: dict[str, bytes] = field(default_factory=dict)  # encoding ("" = identity) -> bytes


class StaticFiles:
    """The hashed, compressed copies of one app's static folder."""

    def __init__(self, folder: str, check_changes: bool) -> None:
        self.folder = folder
        self.check_changes = check_changes
        self._files: dict[str, StaticFile] = {}

    def _path(self, filename: str) -> str | None:
        path = safe_join(self.folder, filename)
        return path if path and os.path.isfile(path) else None

    def get(self, filename: str) -> StaticFile | None:
        cached = self._files.get(filename)
        if cached is not None and not self.check_changes:
            return cached
        path = self._path(filename)
        if path is None:
            return None
        mtime_ns = os.stat(path).st_mtime_ns
        if cached is not None and cached.mtime_ns == mtime_ns:
            return cached
        with open(path, "rb") as fh:
            raw = fh.read()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        entry = StaticFile(hashlib.sha256(raw).hexdigest()[:HASH_LENGTH], mtime_ns, mimetype, {"": raw})
        if mimetype.startswith(_COMPRESSIBLE):
            for encoding, packed in (("br", brotli.compress(raw, quality=11)),
                                     ("gzip", gzip.compress(raw, compresslevel=9, mtime=0))):
                if len(packed) < len(raw):
                    entry.bodies[encoding] = packed
        self._files[filename] = entry
        return entry

    def digest(self, filename: str) -> str | None:
        entry = self.get(filename)
        return entry.digest if entry else None


def _files() -> StaticFiles:
    return current_app.extensions["ops_static"]


def serve_static(filename: str) -> Response:
    entry = _files().get(filename)
    if entry is None:
        abort(404)
    offered = [e for e in ("br", "gzip") if e in entry.bodies]
    encoding = request.accept_encodings.best_match(offered) if offered else None
    encoding = encoding or ""
    response = Response(entry.bodies[encoding], mimetype=entry.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if offered:
        response.vary.add("Accept-Encoding")
    response.set_etag(f"{entry.digest}-{encoding or 'identity'}")
    current = request.args.get("v") == entry.digest
    response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
    return response.make_conditional(request)


def _hash_static_urls(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = _files().digest(values["filename"])
        if digest:
            values["v"] = digest


class DropCookieVaryOnStatic:
    """WSGI middleware: static answers never depend on the cookie.

    Flask adds `Vary: Cookie` whenever an extension peeked at the session (Flask-Login does
    on every response). On a static file that would make the browser fetch it again after
    login, when the cookie changes, defeating the year-long cache.
    """

    def __init__(self, wsgi_app: Any, prefix: str) -> None:
        self.wsgi_app = wsgi_app
        self.prefix = prefix

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.wsgi_app(environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            cleaned = []
            for name, value in headers:
                if name.lower() == "vary":
                    value = ", ".join(v.strip() for v in value.split(",")
                                      if v.strip().lower() != "cookie")
                    if not value:
                        continue
                cleaned.append((name, value))
            return start_response(status, cleaned, exc_info)

        return self.wsgi_app(environ, start)


def init_app(app: Flask) -> None:
    if not app.static_folder:
        return
    app.extensions["ops_static"] = StaticFiles(app.static_folder, check_changes=app.debug)
    app.view_functions["static"] = serve_static
    app.url_defaults(_hash_static_urls)
    app.wsgi_app = DropCookieVaryOnStatic(app.wsgi_app, f"{app.static_url_path}/")  # type: ignore[method-assign]
