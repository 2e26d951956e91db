"""SQLite: writers from several gunicorn workers take turns through a file lock, not by polling.

Write requests begin their transaction with BEGIN IMMEDIATE (teacherapp/__init__.py), so a
second writer waits for the first. SQLite's own wait (busy_timeout) polls: it sleeps 1, 2,
5, 10, 15, 20, 25, 50, 100 ms between tries, so under 20 saving clients the lock sits free
while waiters sleep, and a save's p99 climbed to 0.5-2.5 s at 20-100 saves a second.

Here each write transaction first takes an exclusive `flock` on a file next to the database
(`<database>.writers`); the kernel queues the waiters and wakes the next one the moment the
lock is released, right after COMMIT or ROLLBACK. SQLite's locking stays in force underneath:
the file lock only decides whose turn it is, it never replaces SQLite's own guarantees, so a
writer that does not take it (a CLI command, a test's set-up) is still safe.

The lock is held per thread (one open file per thread and process) and released when the
transaction ends, and in any case when the connection goes back to the pool. A process that
dies holding it loses it with its file descriptors.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from teacherapp import direct_sql
from teacherapp.transactions import is_write_transaction

_local = threading.local()
_installed = False


def lock_path_for(database: str | None) -> str | None:
    """The writers' lock file of a SQLite database file (None: in memory, or a URI)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return os.path.abspath(database) + ".writers"


def _lock_path(conn: Any) -> str | None:
    return lock_path_for(conn.engine.url.database)


@contextmanager
def writers_turn(path: str) -> Iterator[None]:
    """Hold the writers' turn of the lock file `path` for a block (another process's writer).

    The requests take it through the listeners below; the checkpointer (its own process) uses
    this while it completes a checkpoint.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def acquire(path: str) -> None:
    """Wait (in the kernel, without polling) for this database's writer turn."""
    held = getattr(_local, "held", None)
    if held == path:
        return
    if held is not None:
        release()
    files = getattr(_local, "files", None)
    if files is None or files.get("pid") != os.getpid():
        files = _local.files = {"pid": os.getpid()}  # never share a file across a fork
    fd = files.get(path)
    if fd is None:
        fd = files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    _local.held = path


def release(*args: Any) -> None:
    path = getattr(_local, "held", None)
    if path is None:
        return
    _local.held = None
    files = getattr(_local, "files", None) or {}
    fd = files.get(path) if files.get("pid") == os.getpid() else None
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def begin_writing(conn: Any) -> bool:
    """Turn a reading SQLite connection into a writing one, in place: take the turn, BEGIN IMMEDIATE.

    For a save that read first (teacherapp.transactions.start_writing): its reads ran in
    pysqlite's own mode, which sends no BEGIN before a SELECT, so no transaction is open yet
    and the write transaction can begin on the same connection, without ending the session's
    transaction and checking the connection out again (a tenth of a save's work). The
    session's commit or rollback then ends it, and releases the turn as for any other write.
    False when a transaction is open already: the caller ends it first.
    """
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection.in_transaction:
        return False
    path = _lock_path(conn)
    if path is not None:
        acquire(path)
    dbapi_connection.isolation_level = None  # we begin; pysqlite stays out of it
    for listener in direct_sql.statement_listeners:
        listener("BEGIN IMMEDIATE", (), dbapi_connection)
    dbapi_connection.execute("BEGIN IMMEDIATE")
    return True


def _before_begin(conn: Any) -> None:
    # The same transactions that begin IMMEDIATE (teacherapp/__init__.py).
    if conn.dialect.name != "sqlite" or not is_write_transaction():
        return
    path = _lock_path(conn)
    if path is not None:
        acquire(path)


def install() -> None:
    """Register the listeners once per process (every app made by create_app shares them)."""
    global _installed
    if _installed:
        return
    _installed = True
    # insert=True: the turn is taken before teacherapp's listener sends BEGIN IMMEDIATE.
    event.listen(Engine, "begin", _before_begin, insert=True)
    event.listen(Session, "after_commit", release)
    event.listen(Session, "after_rollback", release)
    event.listen(Pool, "checkin", release)
