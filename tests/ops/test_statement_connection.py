"""A save's statements on PostgreSQL: the pool's connection for the request, not the session's."""

from __future__ import annotations

import pytest

from teacherapp.extensions import db
from teacherapp.transactions import PooledConnection, statement_connection
from tests.offline.helpers import exam_course

SAVE = "/courses/1/pupils/2/subjects/3/sittings/1"


def _postgresql_only(app) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite saves on the session's connection (the writers' turn)")


def test_sqlite_uses_the_sessions_connection(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
    with app.test_request_context(SAVE, method="POST"):
        assert statement_connection() is db.session.connection()


def _pool(app):
    """The PostgreSQL engine's pool and how many connections are out of it now."""
    _postgresql_only(app)
    with app.app_context():
        pool = db.engine.pool
    return pool, pool.checkedout()


def test_one_pooled_connection_per_request_in_autocommit_and_given_back(app):
    pool, before = _pool(app)
    with app.test_request_context(SAVE, method="POST"):
        held = statement_connection()
        assert isinstance(held, PooledConnection)
        assert statement_connection() is held  # one per request
        assert held.connection.dbapi_connection.autocommit is True
        assert not db.session.registry.has()  # no ORM session was made for it
        assert pool.checkedout() == before + 1
    assert pool.checkedout() == before
    with app.app_context(), db.engine.connect() as conn:  # transactional again in the pool
        assert conn.connection.dbapi_connection.autocommit is False


def test_a_broken_connection_is_dropped_not_given_back(app):
    pool, before = _pool(app)
    with app.test_request_context(SAVE, method="POST"):
        held = statement_connection()
        broken = held.connection.dbapi_connection
        broken.close()  # as a restarted server or a cut network leaves it
    assert pool.checkedout() == before
    with app.test_request_context(SAVE, method="POST"):
        fresh = statement_connection().connection.dbapi_connection
        assert fresh is not broken
        assert fresh.execute("SELECT 1").fetchone() == (1,)


def test_a_save_on_postgresql_makes_no_orm_session(auth, make, app, monkeypatch):
    """The cell's SELECT and the write both run on the pooled connection."""
    _postgresql_only(app)
    ec = exam_course(make, pupils=1)
    auth.login(ec.teacher)
    url = (f"/courses/{ec.course.id}/pupils/{ec.enrolments[0].id}/subjects/{ec.subject.id}"
           f"/sittings/1")
    assert auth.post(url, {"layout": "exam", "value": "11", "version": "0"},
                     htmx=True).status_code == 200  # the first save INSERTs through the ORM
    token = auth.csrf_token()
    sessions = []
    registry = db.session.registry
    factory = registry.createfunc
    monkeypatch.setattr(registry, "createfunc", lambda: sessions.append(1) or factory())
    response = auth.client.post(url, data={"layout": "exam", "value": "12", "version": "1",
                                           "idempotency_key": "k"},
                                headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert sessions == []
