"""SQLite's write transactions: BEGIN IMMEDIATE, retried briefly while another writer holds it."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine

from teacherapp.database import SQLITE_BUSY_TIMEOUT_MS
from teacherapp.extensions import db
from teacherapp.models import Score
from tests.offline.helpers import exam_course
from tests.ops.test_faults import _save


@pytest.fixture
def sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's write lock")


def _hold_write_lock(url: str, seconds: float, held: threading.Event) -> threading.Thread:
    def hold() -> None:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            held.set()
            time.sleep(seconds)
            conn.rollback()
        engine.dispose()

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


def test_a_save_waits_for_another_writer_and_then_stores(sqlite_only, auth, make):
    ec = exam_course(make, pupils=1, criteria=1)
    auth.login(ec.teacher)
    held = threading.Event()
    thread = _hold_write_lock(db.engine.url.render_as_string(hide_password=False), 0.3, held)
    try:
        assert held.wait(10)
        started = time.monotonic()
        response = _save(auth, ec, "12", 0)
        waited = time.monotonic() - started
    finally:
        thread.join()
    assert response.status_code == 200
    assert 0.2 <= waited < 2
    assert db.session.query(Score).count() == 1


def test_the_connection_keeps_its_busy_timeout_for_every_other_statement(sqlite_only, auth, make):
    ec = exam_course(make, pupils=1, criteria=1)
    auth.login(ec.teacher)
    assert _save(auth, ec, "12", 0).status_code == 200
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
