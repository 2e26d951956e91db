"""Uploaded view files kept on disk between the preview and the confirmation.

The cookie session is far too small for a 5 MB file, so the bytes wait in the instance
folder under a random key, tagged with the user who uploaded them. Confirming re-reads the
same bytes, so what is applied is exactly what was previewed (merged with the database as
it is at that moment). Files older than MAX_AGE are swept away at the next upload.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

MAX_AGE_SECONDS = 2 * 60 * 60
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class PendingUpload:
    key: str
    filename: str
    data: bytes
    uploaded_at: float


class UploadStore:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.upload", self.folder / f"{key}.json"

    def save(self, user_id: int, filename: str, data: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sweep()
        key = secrets.token_urlsafe(24)
        data_path, meta_path = self._paths(key)
        data_path.write_bytes(data)
        meta_path.write_text(json.dumps({"user_id": user_id, "filename": filename[:200],
                                         "uploaded_at": time.time()}))
        return key

    def load(self, key: str, user_id: int) -> PendingUpload | None:
        """The upload, if it exists, is this user's and has not expired."""
        if not _KEY.match(key or ""):
            return None
        data_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text())
            data = data_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("user_id") != user_id:
            return None
        if time.time() - float(meta.get("uploaded_at", 0)) > MAX_AGE_SECONDS:
            self.discard(key)
            return None
        return PendingUpload(key, str(meta.get("filename", "")), data, float(meta["uploaded_at"]))

    def discard(self, key: str) -> None:
        if not _KEY.match(key or ""):
            return
        for path in self._paths(key):
            path.unlink(missing_ok=True)

    def sweep(self) -> None:
        limit = time.time() - MAX_AGE_SECONDS
        for path in self.folder.glob("*.json"):
            try:
                if path.stat().st_mtime < limit:
                    self.discard(path.stem)
            except OSError:
                continue
