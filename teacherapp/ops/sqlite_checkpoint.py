"""SQLite: copy the write-ahead log back into the database off the requests' path.

In WAL mode SQLite copies the log back into the database file ("checkpoints") once the log
holds 1,000 pages, and it does so in the connection whose commit crossed that mark, with an
fsync of the database file: one save in a few hundred then waits for all of it. At 500
saves a second (about four pages each) that is a save every half second that takes several
times longer than the others, which is what the benchmark's p99 at 20 clients showed.

Under gunicorn a small process of its own, started by the master, runs `PRAGMA
wal_checkpoint(PASSIVE)` every second instead; PASSIVE never waits for, nor blocks, a
reader or a writer. (Not a thread in the master: the master forks workers, and a fork
while that thread holds one of SQLite's mutexes leaves the worker waiting on it forever.)
It stops when the master does. The requests' connections then checkpoint only when the log reaches
SQLITE_WAL_AUTOCHECKPOINT pages (10,000 there, about 40 MB: only if this thread stopped);
without gunicorn (`flask run`, the tests, the CLI) nothing changes: SQLite's own 1,000.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 1.0


def database_path(url: str) -> Path | None:
    """The file of a SQLite URL ("sqlite:///path"), or None (PostgreSQL, in-memory)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url[len(prefix):].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


def _connect(path: Path, **options) -> sqlite3.Connection:
    """The existing database, never a new empty file in its place (mode=rw)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=0, isolation_level=None,
                           **options)


def checkpoint_once(path: Path) -> tuple[int, int, int]:
    """One PASSIVE checkpoint: (busy, log pages, pages copied back), as SQLite reports them."""
    connection = _connect(path)
    try:
        return tuple(connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())
    finally:
        connection.close()


class Checkpointer(threading.Thread):
    """A daemon thread that checkpoints one database every `interval` seconds."""

    def __init__(self, path: Path, interval: float = INTERVAL_SECONDS) -> None:
        super().__init__(name="sqlite-checkpoint", daemon=True)
        self.path = path
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while not self.stopped.wait(self.interval):
                try:
                    # Opened when the database exists (before the first migration it does not).
                    connection = connection or _connect(self.path, check_same_thread=False)
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as error:  # a busy moment or no file yet: the next round
                    log.debug("checkpoint skipped: %s", error)
        finally:
            if connection is not None:
                connection.close()

    def stop(self) -> None:
        self.stopped.set()


def start_in_background(url: str) -> subprocess.Popen | None:
    """Start the checkpointing process for a SQLite file database; None for anything else."""
    path = database_path(url)
    if path is None:
        return None
    return subprocess.Popen([sys.executable, "-m", __name__, str(path.resolve()),
                             str(os.getpid())])


def main(argv: list[str]) -> None:
    """`python -m teacherapp.ops.sqlite_checkpoint PATH PARENT_PID`: until the parent is gone."""
    path, parent = Path(argv[0]), int(argv[1])
    checkpointer = Checkpointer(path)
    checkpointer.start()
    while os.getppid() == parent and checkpointer.is_alive():
        checkpointer.stopped.wait(INTERVAL_SECONDS)
    checkpointer.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
