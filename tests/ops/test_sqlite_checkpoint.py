"""The SQLite checkpointer: the write-ahead log is copied back off the requests' path."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from teacherapp import create_app
from teacherapp.extensions import db
from teacherapp.ops.sqlite_checkpoint import (
    Checkpointer,
    checkpoint_once,
    database_path,
    start_in_background,
)


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
        busy, log_pages, copied = checkpoint_once(path)
        assert busy == 0 and copied == log_pages
    finally:
        checkpointer.stop()
        checkpointer.join(5)
        writer.close()
    assert not checkpointer.is_alive()
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
