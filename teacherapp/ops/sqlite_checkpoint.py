"""SQLite: copy the write-ahead log back off the requests' path, and let it start afresh.

In WAL mode SQLite copies the log back into the database file ("checkpoints") once the log
holds 1,000 pages, and it does so in the connection whose commit crossed that mark, with an
fsync of the database file: one save in a few hundred then waits for all of it. At 500
saves a second (about ten pages each) that is a save every fifth of a second that takes
several times longer than the others.

Under gunicorn a small process of its own, started by the master, checkpoints instead, every
half second. (Not a thread in the master: the master forks workers, and a fork while that
thread holds one of SQLite's mutexes leaves the worker waiting on it forever.) It stops when
the master does. A round has two steps:

1. A PASSIVE checkpoint, which never waits for nor blocks a reader or a writer, copies back
   what the log holds, and an fsync of the database file puts those pages on disk, while the
   requests go on.
2. Under the saving clients, new pages reach the log while step 1 copies, so the log is
   never copied back completely, and SQLite starts writing the log from its beginning only
   after a complete checkpoint. Left alone it grew to SQLITE_WAL_AUTOCHECKPOINT pages (10,000,
   40 MB) in two seconds, and from then on a save's commit checkpointed it, with an fsync of
   every page the background had copied and not synced: 35-65 ms in which no teacher's save
   finished, every two seconds, which was the 20-client p99. So the round then takes the
   writers' turn (teacherapp.ops.sqlite_writers) and checkpoints again: only the pages that
   arrived during step 1, and their fsync. With no writer in between, that checkpoint is
   complete (unless a long read still needs the log: then in a later round), and the next save
   starts the log afresh. Writers wait a few milliseconds for it, twice a second.

The requests' connections checkpoint only when the log reaches SQLITE_WAL_AUTOCHECKPOINT pages
(10,000 there: only if this process stopped); without gunicorn (`flask run`, the tests, the
CLI) nothing changes: SQLite's own 1,000.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from teacherapp.ops.sqlite_writers import lock_path_for, writers_turn

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 0.5


def database_path(url: str) -> Path | None:
    """The file of a SQLite URL ("sqlite:///path"), or None (PostgreSQL, in-memory)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url[len(prefix):].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


def _connect(path: Path, timeout: float = 0, **options) -> sqlite3.Connection:
    """The existing database, never a new empty file in its place (mode=rw)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=timeout,
                           isolation_level=None, **options)


# How long the completing checkpoint waits for a read that began before it (a page's SELECT
# takes a few milliseconds); the writers wait that long at most, and a longer read (an
# export) leaves the restart to a later round.
READERS_WAIT_MS = 10


def _checkpoint(connection: sqlite3.Connection, mode: str) -> tuple[int, int, int]:
    """(busy, log pages, pages copied back), as SQLite reports them (-1, -1: not in WAL mode)."""
    return tuple(connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchone())


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checkpoint_round(connection: sqlite3.Connection, path: Path, lock_path: str | None,
                     settled: int = 0) -> tuple[int, int, int]:
    """Copy the log back and sync it; then, in the writers' turn, let the log start afresh.

    `settled`: the log's length after the last round that restarted it; a log still that
    long with every page copied back has had no write since (nothing to do). Returns what
    the last checkpoint reported: busy 0 after RESTART means the next writer restarts the log.
    """
    result = _checkpoint(connection, "PASSIVE")
    _busy, log_pages, copied = result
    if log_pages <= 0 or (log_pages == settled and copied == log_pages):
        return result
    _sync(path)  # the pages copied back go to disk now, while the requests go on
    if lock_path is None:
        return result
    with writers_turn(lock_path):
        # RESTART copies what arrived meanwhile, waits for the readers still on the log, and
        # syncs: the next writer then writes the log from its start.
        return _checkpoint(connection, "RESTART")


def checkpoint_once(path: Path) -> tuple[int, int, int]:
    """One PASSIVE checkpoint: (busy, log pages, pages copied back), as SQLite reports them."""
    connection = _connect(path)
    try:
        return _checkpoint(connection, "PASSIVE")
    finally:
        connection.close()


class Checkpointer(threading.Thread):
    """A daemon thread that checkpoints one database every `interval` seconds.

    `lock_path`: the writers' lock file the requests use (by default the one next to `path`).
    """

    def __init__(self, path: Path, interval: float = INTERVAL_SECONDS,
                 lock_path: str | None = None) -> None:
        super().__init__(name="sqlite-checkpoint", daemon=True)
        self.path = path
        self.interval = interval
        self.lock_path = lock_path or lock_path_for(str(path))
        self.stopped = threading.Event()

    def run(self) -> None:
        connection: sqlite3.Connection | None = None
        settled = 0
        try:
            while not self.stopped.wait(self.interval):
                try:
                    # Opened when the database exists (before the first migration it does not).
                    connection = connection or _connect(self.path, check_same_thread=False,
                                                        timeout=READERS_WAIT_MS / 1000)
                    busy, log_pages, copied = checkpoint_round(connection, self.path,
                                                               self.lock_path, settled)
                    if busy == 0 and copied == log_pages:
                        settled = log_pages
                except (sqlite3.Error, OSError) as error:  # no file yet, or busy: the next round
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
    # The lock file named as the requests name it: from the URL's path, in this directory.
    return subprocess.Popen([sys.executable, "-m", __name__, str(path.resolve()),
                             str(os.getpid()), lock_path_for(str(path)) or ""])


def main(argv: list[str]) -> None:
    """`python -m teacherapp.ops.sqlite_checkpoint PATH PARENT_PID [LOCK_PATH]`: until the
    parent is gone."""
    path, parent = Path(argv[0]), int(argv[1])
    checkpointer = Checkpointer(path, lock_path=(argv[2] if len(argv) > 2 else None) or None)
    checkpointer.start()
    while os.getppid() == parent and checkpointer.is_alive():
        checkpointer.stopped.wait(INTERVAL_SECONDS)
    checkpointer.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
