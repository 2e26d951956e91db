"""Faults cost no teacher a save: dead connections, stuck writers and errors heal by themselves."""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from teacherapp.extensions import db
from teacherapp.models import Score
from tests.offline.helpers import exam_course

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def _save(auth, ec, value: str, version: int, key: str | None = None):
    pupil = ec.enrolments[0]
    url = f"/courses/{ec.course.id}/pupils/{pupil.id}/subjects/{ec.subject.id}/sittings/1"
    data = {"value": value, "version": str(version), "layout": "exam"}
    if key:
        data["idempotency_key"] = key
    return auth.post(url, data, htmx=True)


def test_a_database_error_answers_503_with_retry_after_and_our_words(auth, make, monkeypatch):
    ec = exam_course(make, pupils=1, criteria=1)
    auth.login(ec.teacher)

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("teacherapp.scoring.saves.load_score_cell", unreachable)
    response = _save(auth, ec, "12", 0)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    body = response.get_data(as_text=True)
    assert "Even niet bereikbaar" in body and "<html" not in body


def test_the_error_handler_never_raises_when_the_connection_is_gone(auth, make, monkeypatch, app):
    ec = exam_course(make, pupils=1, criteria=1)
    auth.login(ec.teacher)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    def rollback_fails(*args, **kwargs):
        raise OperationalError("ROLLBACK", {}, Exception("connection lost"))

    monkeypatch.setattr("teacherapp.scoring.saves.load_score_cell", broken)
    monkeypatch.setattr(db.session, "rollback", rollback_fails)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = _save(auth, ec, "12", 0)
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
        monkeypatch.undo()
    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True) or "mis" in response.get_data(
        as_text=True)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's backends are terminated")
def test_saves_after_every_backend_was_terminated_succeed(auth, make, app):
    ec = exam_course(make, pupils=1, criteria=1)
    auth.login(ec.teacher)
    assert _save(auth, ec, "10", 0).status_code == 200
    db.session.execute(text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    db.session.commit()
    for version in range(1, 11):
        response = _save(auth, ec, str(10 + version % 5), version)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]


def _timed_save_while_another_holds_the_lock(auth, ec, hold_seconds: float):
    """Another connection holds the lock this save needs (SQLite's write lock, or the
    enrolment's row FOR UPDATE on PostgreSQL) for `hold_seconds`; returns (response, seconds
    the save took)."""
    other = create_engine(db.engine.url.render_as_string(hide_password=False))
    enrolment_id = ec.enrolments[0].id
    held = threading.Event()
    release = threading.Event()

    def hold_the_lock() -> None:
        with other.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.execute(text("SELECT id FROM enrolment WHERE id = :id FOR UPDATE"),
                             {"id": enrolment_id})
            held.set()
            release.wait(hold_seconds)
            conn.rollback()

    thread = threading.Thread(target=hold_the_lock)
    thread.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        response = _save(auth, ec, "12", 0)
        return response, time.monotonic() - started
    finally:
        release.set()
        thread.join()
        other.dispose()


def test_a_stuck_writer_makes_a_save_answer_503_within_the_limit(auth, make, app):
    """Another process holds the lock the save needs: the save waits at most the configured
    limit (5 s), then answers 503 (the phone sends it again), and stores nothing."""
    ec = exam_course(make, pupils=1, criteria=1)
    auth.login(ec.teacher)
    response, waited = _timed_save_while_another_holds_the_lock(auth, ec, hold_seconds=20)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert 4 <= waited < 8
    assert db.session.query(Score).count() == 0


def test_a_save_waits_for_a_short_writer_and_then_stores(auth, make, app):
    """A writer that holds the lock a moment: the save waits for it, then stores (on SQLite
    its BEGIN IMMEDIATE is retried every 0.2 ms, teacherapp.database)."""
    ec = exam_course(make, pupils=1, criteria=1)
    auth.login(ec.teacher)
    response, waited = _timed_save_while_another_holds_the_lock(auth, ec, hold_seconds=0.3)
    assert response.status_code == 200
    assert 0.2 <= waited < 2
    assert db.session.query(Score).count() == 1
