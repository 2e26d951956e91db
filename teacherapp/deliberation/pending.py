"""An upload waiting between preview and confirm, kept server-side in the instance folder.

The parsed rows are stored as gzip-compressed JSON under a random id and the user's id, so
the confirm step reads exactly what the preview showed, and another user cannot confirm
someone else's upload. Each row is stored as its values in the order of the headers, never
the header names again; a preview larger than MAX_JSON_BYTES is refused (PendingTooLarge).
No Flask here: the caller passes the folder.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from teacherapp.tabular import Row, Table

MAX_AGE_SECONDS = 6 * 3600  # a working day's afternoon; older uploads are removed
MAX_JSON_BYTES = 16 * 1024 * 1024  # unpacked; 50,000 rows of a school's list take about 5 MB


class PendingTooLarge(ValueError):
    """The parsed upload is too large to keep for the preview."""
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class PendingImport:
    token: str
    course_id: int
    filename: str
    table: Table
    uploaded_at: datetime  # "betaald: ja" without a date means paid as of the upload


def _folder(base: str | os.PathLike) -> Path:
    folder = Path(base) / "pending_imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(base: str | os.PathLike, user_id: int, token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    return _folder(base) / f"{int(user_id)}-{token}.json.gz"


def save(base: str | os.PathLike, user_id: int, course_id: int, filename: str,
         table: Table) -> str:
    """Keep a parsed upload; returns the id the confirm form sends back."""
    remove_expired(base)
    token = secrets.token_urlsafe(18)
    keys = [h for h in dict.fromkeys(table.headers) if h]  # a row's values, in this order
    payload = {
        "course_id": course_id,
        "filename": filename[:200],
        "uploaded_at": datetime.now(UTC).isoformat(),
        "format": table.format,
        "headers": table.headers,
        "keys": keys,
        "rows": [[row.number, *(row.values.get(k, "") for k in keys)] for row in table.rows],
    }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(data) > MAX_JSON_BYTES:
        raise PendingTooLarge(len(data))
    path = _path(base, user_id, token)
    assert path is not None
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(gzip.compress(data, compresslevel=6))
    os.replace(tmp, path)
    return token


def load(base: str | os.PathLike, user_id: int, token: str) -> PendingImport | None:
    """The upload, if it exists, is this user's and has not expired."""
    path = _path(base, user_id, token)
    if path is None or not path.exists():
        return None
    if time.time() - path.stat().st_mtime > MAX_AGE_SECONDS:
        path.unlink(missing_ok=True)
        return None
    with gzip.open(path, "rb") as fh:
        payload = json.loads(fh.read(MAX_JSON_BYTES + 1))
    keys = payload["keys"]
    table = Table(payload["headers"],
                  [Row(n, dict(zip(keys, values, strict=True))) for n, *values in payload["rows"]],
                  payload["format"])
    return PendingImport(token, int(payload["course_id"]), payload["filename"], table,
                         datetime.fromisoformat(payload["uploaded_at"]))


def discard(base: str | os.PathLike, user_id: int, token: str) -> None:
    path = _path(base, user_id, token)
    if path is not None:
        path.unlink(missing_ok=True)


def remove_expired(base: str | os.PathLike) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in _folder(base).glob("*.json*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except FileNotFoundError:  # another worker removed it first
            continue
