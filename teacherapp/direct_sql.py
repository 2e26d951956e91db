"""The save's statements, compiled once and run straight on the request's DBAPI cursor.

A save runs two statements on PostgreSQL: the cell's SELECT (with the permission and login
checks) and one WITH statement that writes the score, its audit row and its stored answer;
on SQLite the same SELECT, then the versioned UPDATE and the two INSERTs (audit event, stored
answer), which every other audited write shares.
Run through SQLAlchemy's Connection, each paid more CPU for the execution layer around it
(an execution context, parameter processing, a CursorResult and its metadata) than psycopg
needed to run it: 250 against 110 microseconds for the cell's SELECT (profiled). On a
two-core machine that serves twenty teachers at once, the CPU is the throughput.

Nothing here writes SQL by hand: a `DirectStatement` wraps a Core statement, compiles it
once per dialect with SQLAlchemy, and sends SQLAlchemy's SQL on the cursor of the session's
own connection, so the request's transaction (SQLite's BEGIN IMMEDIATE, PostgreSQL's
autocommit reads, teacherapp.transactions) is exactly the one the session would have used.
Parameters and result values pass through the column types' own processors (the public
`bind_processor` and `result_processor` of each type), so a row reads as it would through
SQLAlchemy; a DBAPI error is raised as SQLAlchemy's (IntegrityError, OperationalError, ...).

Only the save's few statements (and the audit and stored-answer INSERTs) go this way;
everything else stays on the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

Processor = Callable[[Any], Any] | None
# Called with each statement's SQL, parameters and DBAPI connection, as SQLAlchemy's
# before_cursor_execute event would be (tests count and inspect statements through both).
statement_listeners: list[Callable[[str, Any, Any], None]] = []


@dataclass
class _Compiled:
    sql: str
    compiled: Any  # SQLAlchemy's Compiled, for construct_params()
    positional_names: Sequence[str] | None
    bind_processors: dict[str, Processor]
    result_types: list[Any]
    result_processors: list[Processor] | None = field(default=None)


class DirectStatement:
    """A Core statement (built once, with bind parameters) run without the execution layer."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def _compiled_for(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            sa_compiled = self.statement.compile(dialect=dialect)
            binds = sa_compiled.binds
            result_types = [column.type for column in getattr(
                self.statement, "selected_columns", ())]
            compiled = _Compiled(
                sql=sa_compiled.string,
                compiled=sa_compiled,
                positional_names=sa_compiled.positiontup if dialect.positional else None,
                bind_processors={name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                                 for name, bind in binds.items()},
                result_types=result_types,
            )
            self._by_dialect[dialect.name] = compiled
        return compiled

    def prepare(self, dialect: Dialect) -> None:
        """Compile for `dialect` now: a process warming up before gunicorn forks its workers."""
        self._compiled_for(dialect)

    @property
    def prepared_dialects(self) -> frozenset[str]:
        return frozenset(self._by_dialect)

    def _parameters(self, compiled: _Compiled, values: Mapping[str, Any]) -> Any:
        constructed = compiled.compiled.construct_params(values)
        for name, process in compiled.bind_processors.items():
            if process is not None and name in constructed:
                constructed[name] = process(constructed[name])
        if compiled.positional_names is not None:
            return [constructed[name] for name in compiled.positional_names]
        return constructed

    def execute(self, connection: Connection | Any, values: Mapping[str, Any]) -> DirectResult:
        """Run on `connection`: the session's (`db.session.connection()`) or a save's pooled
        one (`teacherapp.transactions.statement_connection()`); only its `dialect` and its
        pool connection's `dbapi_connection` are used."""
        dialect = connection.dialect
        compiled = self._compiled_for(dialect)
        parameters = self._parameters(compiled, values)
        dbapi_connection = connection.connection.dbapi_connection
        for listener in statement_listeners:
            listener(compiled.sql, parameters, dbapi_connection)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, parameters)
            rows = cursor.fetchall() if _returns_rows(cursor) else []
            if rows and compiled.result_types:
                rows = _processed(rows, _result_processors(compiled, cursor, dialect))
            rowcount = cursor.rowcount
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(compiled.sql, parameters, error,
                                      dialect.loaded_dbapi.Error) from error
        finally:
            cursor.close()
        return DirectResult(rows, rowcount)


def insert_into(table: Table, *columns: str) -> DirectStatement:
    """INSERT INTO `table` (`columns`), each bound to the parameter of its own name.

    Compiled once, so every INSERT names its columns (an id left out is the database's).
    """
    return DirectStatement(table.insert().values({column: bindparam(column) for column in columns}))


def _returns_rows(cursor: Any) -> bool:
    """Whether the statement gave rows to fetch (a SELECT, a RETURNING).

    psycopg's `cursor.description` builds a Column object per column at every call (19 for a
    score cell); its documented `pgresult` tells the same from the number of fields.
    """
    if not hasattr(cursor, "pgresult"):  # sqlite3: description is a plain attribute
        return cursor.description is not None
    result = cursor.pgresult
    return result is not None and result.nfields > 0


def _result_processors(compiled: _Compiled, cursor: Any, dialect: Dialect) -> list[Processor]:
    if compiled.result_processors is None:  # the DBAPI's type codes are known after a run
        compiled.result_processors = [
            type_.dialect_impl(dialect).result_processor(dialect, description[1])
            for type_, description in zip(compiled.result_types, cursor.description, strict=True)
        ]
    return compiled.result_processors


def _processed(rows: list[Sequence[Any]], processors: list[Processor]) -> list[tuple]:
    if not any(processors):
        return [tuple(row) for row in rows]
    return [tuple(value if process is None else process(value)
                  for value, process in zip(row, processors, strict=True)) for row in rows]


@dataclass
class DirectResult:
    rows: list[tuple]  # a write's RETURNING rows; none without RETURNING
    rowcount: int = -1  # rows an UPDATE or DELETE matched, as the DBAPI reports them

    def first(self) -> tuple | None:
        return self.rows[0] if self.rows else None
