"""The SQLite checkpointer: the write-ahead log is copied back off the requests' path."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from teacherapp import create_app
from teacherapp.extensions import db
from teacherapp.ops.sqlite_checkpoint import (
    Checkpointer,
    _connect,
    checkpoint_once,
    checkpoint_round,
    database_path,
    start_in_background,
)
from teacherapp.ops.sqlite_writers import writers_turn


def test_only_a_sqlite_file_has_a_path():
    assert database_path("sqlite:////srv/app.sqlite") == Path("/srv/app.sqlite")
    assert database_path("sqlite:///instance/app.sqlite?mode=rw") == Path("instance/app.sqlite")
    assert database_path("sqlite://") is None
    assert database_path("sqlite:///:memory:") is None
    assert database_path("postgresql://app@db/teacherapp") is None
    assert start_in_background("postgresql://app@db/teacherapp") is None


def _wal_database(path: Path, rows: int) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")  # only our checkpoints
    connection.execute("CREATE TABLE t (x TEXT)")
    for _ in range(rows):
        connection.execute("INSERT INTO t VALUES (?)", ("x" * 2000,))
    return connection


def test_the_thread_copies_the_log_back_and_stops(tmp_path):
    path = tmp_path / "app.sqlite"
    writer = _wal_database(path, 50)  # 100 KB of rows, all still in the log
    assert path.stat().st_size < 20_000
    checkpointer = Checkpointer(path, interval=0.05)
    checkpointer.start()
    try:
        deadline = time.monotonic() + 5
        while path.stat().st_size < 100_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path.stat().st_size >= 100_000  # copied back into the database file
    finally:
        checkpointer.stop()
        checkpointer.join(5)
    assert not checkpointer.is_alive()
    # Checked once the thread is gone: a round of its own could hold SQLite's checkpoint lock.
    busy, log_pages, copied = checkpoint_once(path)
    assert busy == 0 and copied == log_pages
    writer.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM t").fetchone() == (50,)


def test_request_connections_take_the_autocheckpoint_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SQLITE_WAL_AUTOCHECKPOINT", "10000")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite'}",
                      "SECRET_KEY": "x"})
    with app.app_context():
        assert db.session.execute(db.text("PRAGMA wal_autocheckpoint")).scalar() == 10000
    monkeypatch.delenv("SQLITE_WAL_AUTOCHECKPOINT")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite'}",
                      "SECRET_KEY": "x"})
    with app.app_context():
        assert db.session.execute(db.text("PRAGMA wal_autocheckpoint")).scalar() == 1000


def test_the_process_checkpoints_until_its_parent_is_gone(tmp_path):
    path = tmp_path / "app.sqlite"
    writer = _wal_database(path, 50)
    process = start_in_background(f"sqlite:///{path}")
    try:
        deadline = time.monotonic() + 10
        while path.stat().st_size < 100_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path.stat().st_size >= 100_000
        assert process.poll() is None  # this test process, its parent, is still here
    finally:
        process.terminate()
        process.wait(5)
        writer.close()


def test_a_missing_database_is_never_created(tmp_path):
    import pytest

    with pytest.raises(sqlite3.OperationalError):
        checkpoint_once(tmp_path / "absent.sqlite")
    assert not (tmp_path / "absent.sqlite").exists()


def test_the_thread_waits_for_a_database_created_after_it_started(tmp_path):
    path = tmp_path / "later.sqlite"
    checkpointer = Checkpointer(path, interval=0.05)
    checkpointer.start()
    try:
        time.sleep(0.2)
        assert checkpointer.is_alive() and not path.exists()
        writer = _wal_database(path, 50)
        deadline = time.monotonic() + 5
        while path.stat().st_size < 100_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path.stat().st_size >= 100_000
        writer.close()
    finally:
        checkpointer.stop()
        checkpointer.join(5)


def _log_pages(connection: sqlite3.Connection) -> int:
    """Pages in the log now (a PASSIVE checkpoint reports them; it changes nothing else)."""
    return connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]


@pytest.fixture
def wal(tmp_path):
    """A database with 50 rows still in its log: (path, its writer, the writers' lock file)."""
    path = tmp_path / "app.sqlite"
    writer = _wal_database(path, 50)
    yield path, writer, str(path) + ".writers"
    writer.close()


@pytest.fixture
def first_round(wal):
    """The first round on `wal`, complete: (its checkpointer's connection, the log's pages)."""
    path, _writer, lock = wal
    checkpointer = _connect(path, timeout=0.01)
    busy, log_pages, copied = checkpoint_round(checkpointer, path, lock)
    assert busy == 0 and copied == log_pages > 50
    yield checkpointer, log_pages
    checkpointer.close()


def test_a_round_lets_the_next_writer_start_the_log_afresh(wal, first_round):
    path, writer, _lock = wal
    # A page read while the next save writes (it began after the round, so it reads the
    # database file, not the log) does not keep the writer from starting the log afresh.
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (50,)
    writer.execute("INSERT INTO t VALUES ('after the round')")
    reader.execute("COMMIT")
    assert _log_pages(writer) < 5  # written from the start of the log, not after its end
    assert writer.execute("SELECT count(*) FROM t").fetchone() == (51,)
    reader.close()


def test_without_the_round_the_log_only_grows(wal):
    """The behaviour the round exists for: a complete PASSIVE checkpoint alone is not enough."""
    path, writer, _lock = wal
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchone()  # holds the log while the writer starts
    writer.execute("BEGIN IMMEDIATE")
    checkpointer = _connect(path)
    busy, log_pages, copied = checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    writer.execute("INSERT INTO t VALUES ('x')")
    writer.execute("COMMIT")
    reader.execute("COMMIT")
    assert _log_pages(writer) > log_pages
    for connection in (checkpointer, reader):
        connection.close()


def test_the_round_completes_in_the_writers_turn(wal):
    path, _writer, lock = wal
    finished = threading.Event()

    def run_round() -> None:
        connection = _connect(path, check_same_thread=False, timeout=0.01)
        checkpoint_round(connection, path, lock)
        connection.close()
        finished.set()

    with writers_turn(lock):  # a save holds the turn
        thread = threading.Thread(target=run_round)
        thread.start()
        assert not finished.wait(0.3)  # copied back and synced, waiting for the turn
    assert finished.wait(5)
    thread.join(5)


def test_a_long_read_only_delays_the_restart_and_frees_the_turn(wal):
    path, writer, lock = wal
    export = sqlite3.connect(path, isolation_level=None)
    export.execute("BEGIN")
    export.execute("SELECT count(*) FROM t").fetchone()  # an export reading for seconds
    writer.execute("INSERT INTO t VALUES ('x')")
    checkpointer = _connect(path, timeout=0.01)
    started = time.monotonic()
    busy, _log, _copied = checkpoint_round(checkpointer, path, lock)
    assert busy == 1 and time.monotonic() - started < 1
    with writers_turn(lock):  # released: the next save gets its turn
        writer.execute("INSERT INTO t VALUES ('y')")
    export.execute("COMMIT")
    assert checkpoint_round(checkpointer, path, lock)[0] == 0
    for connection in (checkpointer, export):
        connection.close()


def test_a_settled_log_costs_the_writers_no_turn(wal, first_round):
    path, _writer, lock = wal
    checkpointer, log_pages = first_round
    with writers_turn(lock):  # would block the round if it asked for the turn
        assert checkpoint_round(checkpointer, path, lock, settled=log_pages) == (0, log_pages,
                                                                                 log_pages)
