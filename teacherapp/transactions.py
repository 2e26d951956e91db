"""Which transactions write: the rule behind SQLite's BEGIN IMMEDIATE and the writers' turn.

A POST, PUT, PATCH or DELETE writes, so on SQLite its transaction begins IMMEDIATE and takes
the writers' turn (teacherapp.ops.sqlite_writers) from its first statement: two requests that
read and then write can never deadlock on the lock upgrade.

A save (one score, one rubric level) is the hottest write of the app and reads far more than
it writes: the user, the cell with its permission join, the answer's template. Holding the
single SQLite writer's turn through all of that made saves from two workers run one after the
other. A view marked `@reads_before_writing` therefore reads in a plain transaction and calls
`start_writing()` right before its first write: the reading transaction ends, and the next
one begins IMMEDIATE. Whatever was read may have changed in between, which is why such a view
must only write with checks that hold at write time (UPDATE ... WHERE version = :base, an
INSERT against a unique constraint), as the saves do.

On PostgreSQL the same view reads in autocommit: under READ COMMITTED (PostgreSQL's default,
and ours) every statement takes its own snapshot inside a transaction too, so a BEGIN around
the reads only costs two round trips (psycopg sends BEGIN and COMMIT on their own). Its
write then either runs in a transaction (`start_writing()`: the next statement sends BEGIN,
the commit sends COMMIT) or, when it is one statement, atomic by itself, on its own
(`start_writing(single_statement=True)`: an unchanged score's stored answer, one INSERT).
A saved score costs two round trips instead of seven: the cell (whose SELECT also checks the
login, teacherapp.auth.claims) and one WITH statement that writes the score, its audit row
and its idempotency record. Those two need no ORM session at all: `statement_connection()`
gives them the pool's DBAPI connection itself, in autocommit, for the rest of the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.pool import Pool, PoolProxiedConnection

F = TypeVar("F", bound=Callable[..., Any])
_READS_FIRST = "reads_before_writing"
_PAGE_AUTOCOMMIT = "page_reads_in_autocommit"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def reads_before_writing(view: F) -> F:
    """Mark a view that reads first and calls `start_writing()` before it writes."""
    setattr(view, _READS_FIRST, True)
    return view


def is_write_transaction() -> bool:
    """Whether a transaction beginning now may write (SQLite: BEGIN IMMEDIATE, take the turn)."""
    if not has_request_context() or request.method in _SAFE_METHODS:
        return False
    if g.get("_writing"):
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return not getattr(view, _READS_FIRST, False)


def page_reads_in_autocommit(view: F) -> F:
    """Mark a page (GET) whose reads run in autocommit on PostgreSQL.

    Under READ COMMITTED every statement takes its own snapshot inside a transaction too, so
    for a page that only reads, BEGIN and COMMIT are two round trips that change nothing
    (the course pages: 8-10 statements each). Only marked pages: an export streams through a
    server-side cursor, which needs its transaction.
    """
    setattr(view, _PAGE_AUTOCOMMIT, True)
    return view


def reads_in_autocommit() -> bool:
    """Whether a PostgreSQL transaction beginning now runs its statements in autocommit.

    For a view marked `@reads_before_writing` that has not started writing, and for a GET of
    a page marked `@page_reads_in_autocommit`.
    """
    if not has_request_context() or g.get("_writing"):
        return False
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if request.method in _SAFE_METHODS:
        return getattr(view, _PAGE_AUTOCOMMIT, False)
    return getattr(view, _READS_FIRST, False)


def start_writing(single_statement: bool = False) -> None:
    """What runs next may write.

    SQLite: the write transaction begins now, in the writers' turn, on the connection the
    reads used (they opened no transaction of their own); if one is open, it ends first and
    the next statement begins the write transaction. PostgreSQL: the reads ran in autocommit; the next statement begins a transaction, unless
    `single_statement` says the write is one statement, atomic on its own, and the caller
    sends nothing else before it commits.
    """
    from teacherapp.extensions import db

    if g.get("_writing"):
        return
    g._writing = True
    session = db.session()
    if not session.in_transaction():
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        if not single_statement:
            _leave_autocommit(session.connection().connection.dbapi_connection)
        return
    if dialect != "sqlite":
        return
    from teacherapp.ops.sqlite_writers import begin_writing

    if begin_writing(session.connection()):
        return
    keep = session.expire_on_commit
    session.expire_on_commit = False  # the loaded user stays usable without a reload
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def end_clean_read(exc: BaseException | None = None) -> None:
    """After a GET, end its (read-only, untouched) transaction with COMMIT, not ROLLBACK.

    psycopg forgets every prepared statement of a connection on ROLLBACK, and Flask-SQLAlchemy
    rolls back every request's transaction at teardown: PostgreSQL then planned every query
    of every page anew (0.2-0.8 ms each for the roster's joins) and psycopg never reached its
    threshold for preparing one. A GET never writes (tests/security proves it), and a session
    with no pending change has nothing a COMMIT could store, so this only changes how the
    transaction ends. Anything else (an error, a write request, a pending change) still ends
    in Flask-SQLAlchemy's rollback.
    """
    from teacherapp.extensions import db

    if exc is not None or not has_request_context() or request.method not in _SAFE_METHODS:
        return
    if not db.session.registry.has():  # the request never used the database (the floor)
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    try:
        session.commit()
    except Exception:  # noqa: BLE001 (the teardown's rollback cleans up)
        session.rollback()


@dataclass(frozen=True, slots=True)
class PooledConnection:
    """What teacherapp.direct_sql reads of a Connection: its dialect and its pool connection."""

    dialect: Dialect
    connection: PoolProxiedConnection


_HELD = "_statement_connection"


def statement_connection() -> Connection | PooledConnection:
    """Where a save runs statements that each stand alone (teacherapp.direct_sql).

    PostgreSQL: the pool's connection, taken once per request with `Engine.raw_connection()`
    (the pool's own checkout; its reset and invalidation apply as to any other) and put in
    autocommit, given back at the request's teardown. Through the ORM session the same two
    statements also paid for the session, a session transaction, an engine Connection with
    its begin and commit events and the session's commit: 0.43 M of a save's 5.67 M
    instructions (callgrind, 300 saves). Only for statements atomic on their own: a read, or one WITH
    statement that writes (the view must not have begun a transaction it expects them in).

    SQLite: the session's connection, on which a save takes the writers' turn for its write
    (teacherapp.ops.sqlite_writers).
    """
    from teacherapp.extensions import db

    held = g.get(_HELD)
    if held is not None:
        return held
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return db.session.connection()
    pooled = engine.raw_connection()
    try:
        pooled.dbapi_connection.autocommit = True
    except BaseException:
        pooled.invalidate()
        pooled.close()
        raise
    pooled.info[_OURS] = True  # made transactional again at checkin (_checkin)
    held = g._statement_connection = PooledConnection(engine.dialect, pooled)
    return held


def give_back_statement_connection(exc: BaseException | None = None) -> None:
    """Teardown: the request's pool connection goes back to the pool (a broken one is dropped)."""
    held = g.pop(_HELD, None)
    if held is None:
        return
    pooled = held.connection
    dbapi_connection = pooled.dbapi_connection
    if dbapi_connection is None or dbapi_connection.closed or dbapi_connection.broken:
        pooled.invalidate()
    pooled.close()


def _enter_autocommit(conn: Any) -> None:
    """Engine "begin": a reads-first request on PostgreSQL reads without BEGIN (see above)."""
    if conn.dialect.name != "postgresql" or not reads_in_autocommit():
        return
    fairy = conn.connection
    dbapi_connection = fairy.dbapi_connection
    if dbapi_connection.info.transaction_status == _IDLE and not dbapi_connection.autocommit:
        dbapi_connection.autocommit = True
        fairy.info[_OURS] = True  # reset at checkin; an AUTOCOMMIT engine's own stays as it is


def _leave_autocommit(dbapi_connection: Any) -> None:
    if getattr(dbapi_connection, "autocommit", False) is True:
        dbapi_connection.autocommit = False  # allowed: between statements it is idle


def _checkin(dbapi_connection: Any, connection_record: Any) -> None:
    """Back in the pool, a connection this module put in autocommit is transactional again."""
    info = getattr(connection_record, "info", None)
    if info is not None and info.pop(_OURS, False) and dbapi_connection is not None:
        _leave_autocommit(dbapi_connection)


_OURS = "teacherapp_reads_in_autocommit"


_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open
_installed = False


def install() -> None:
    """Register the engine and pool listeners once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    event.listen(Engine, "begin", _enter_autocommit)
    event.listen(Pool, "checkin", _checkin)


def init_app(app: Flask) -> None:
    install()
    # Request teardown runs while the request is still known, before the app context's
    # teardown where Flask-SQLAlchemy closes (rolls back) the session.
    app.teardown_request(_end_request)


def _end_request(exc: BaseException | None = None) -> None:
    # One teardown for both: Flask looks each teardown function up as sync or async first.
    give_back_statement_connection(exc)
    end_clean_read(exc)
