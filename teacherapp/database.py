"""How the app talks to its database: SQLite's pragmas and write transactions, PostgreSQL's limits.

SQLite follows SQLAlchemy's documented pysqlite recipe ("Serializable isolation / Savepoints /
Transactional DDL") for the transactions of a request that may write (POST, PUT, PATCH,
DELETE): pysqlite's own BEGIN handling is switched off and our "begin" listener sends
BEGIN IMMEDIATE. Such a request takes SQLite's single write lock at its first statement, so
everything it reads is read inside the transaction that writes, and two writers never deadlock
on a lock upgrade (the second waits its turn, up to SQLITE_BUSY_TIMEOUT_MS). Everything else (pages,
CLI commands, test set-up) keeps pysqlite's default handling (a BEGIN before the first write);
in WAL mode a page never waits for a writer.

PostgreSQL runs every request in one READ COMMITTED transaction of the ORM session. The checks
that gate a save hold until it commits because the save first locks the rows they are about
(teacherapp.write_locks).
"""

from __future__ import annotations

import time
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# How long a write waits for SQLite's write lock before it gives up (and the request answers
# 503, teacherapp.errors). A save takes milliseconds; a longer wait means something is stuck.
SQLITE_BUSY_TIMEOUT_MS = 5000
WRITE_LOCK_RETRY_SECONDS = 0.0002


def is_write_request() -> bool:
    """Whether a transaction beginning now belongs to a request that may write."""
    return has_request_context() and request.method not in _SAFE_METHODS


def _is_sqlite(dbapi_connection: Any) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: foreign keys, WAL (readers never block the teacher's save), a bounded wait."""
    if not _is_sqlite(dbapi_connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn: Any) -> None:
    """SQLite: BEGIN IMMEDIATE for a request that may write; pysqlite's default otherwise."""
    if conn.dialect.name != "sqlite":
        return
    dbapi_connection = conn.connection.dbapi_connection
    if is_write_request():
        dbapi_connection.isolation_level = None  # the recipe: we send BEGIN ourselves
        _begin_immediate(conn)
    else:
        dbapi_connection.isolation_level = ""  # pysqlite's default: BEGIN before a write


def _begin_immediate(conn: Any) -> None:
    """BEGIN IMMEDIATE, retried every WRITE_LOCK_RETRY_SECONDS while another writer holds the
    lock, for at most SQLITE_BUSY_TIMEOUT_MS.

    SQLite's own busy handler (busy_timeout) sleeps 1, 2, 5, 10, 15 ms ... between tries: a
    save that found the lock taken slept past the other's 1.5 ms write, and at 20 saving
    clients the lock stood idle 40 % of the time while saves waited for it. The connection
    keeps busy_timeout for every other statement; only this one tries without waiting. (The
    timeout is a setting of the driver's connection, set on it as in `_sqlite_on_connect`.)
    """
    dbapi_connection = conn.connection.dbapi_connection
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    try:
        while True:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc.orig) or time.monotonic() > deadline:
                    raise
            time.sleep(WRITE_LOCK_RETRY_SECONDS)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def end_read_transaction() -> None:
    """Before slow work that writes nothing (reading an uploaded file): end the request's
    transaction, so that a POST does not hold SQLite's write lock (taken at its first
    statement) while it parses. Nothing was written yet; the next statement begins a new
    transaction, in which whatever gates the write is read again."""
    from teacherapp.extensions import db

    db.session.rollback()
