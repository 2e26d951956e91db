"""A saved score's round trips to the database: few, and on PostgreSQL without BEGIN/COMMIT.

On PostgreSQL a save reads in autocommit and writes its score, audit row and stored answer in
one statement (teacherapp.transactions, teacherapp.scoring.saving), and the cell's SELECT also
checks the login (teacherapp.auth.claims): two statements, neither of them inside a
transaction psycopg would have to BEGIN and COMMIT around.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from teacherapp import direct_sql
from teacherapp.extensions import db
from teacherapp.models import AuditEvent, IdempotentSave, Score
from tests.offline.helpers import exam_course


def _url(ec) -> str:
    return (f"/courses/{ec.course.id}/pupils/{ec.enrolments[0].id}/subjects/{ec.subject.id}"
            f"/sittings/1")


@pytest.fixture
def statements(app):
    """Each statement the serving app runs: (SQL, whether its connection was in autocommit)."""
    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        # `is True`: psycopg's flag; Python 3.12's sqlite3 has an `autocommit` of its own,
        # -1 (legacy transaction control) by default, which is not what is asked here.
        autocommit = getattr(conn.connection.dbapi_connection, "autocommit", False) is True
        seen.append((statement, autocommit))

    def record_direct(statement, parameters, dbapi_connection):
        seen.append((statement, getattr(dbapi_connection, "autocommit", False) is True))

    event.listen(engine, "before_cursor_execute", record)
    direct_sql.statement_listeners.append(record_direct)
    yield seen
    event.remove(engine, "before_cursor_execute", record)
    direct_sql.statement_listeners.remove(record_direct)


def test_an_update_with_its_key_is_two_statements(auth, make, statements):
    ec = exam_course(make, pupils=1)
    auth.login(ec.teacher)
    url = _url(ec)
    assert auth.post(url, {"layout": "exam", "value": "11", "version": "0",
                           "idempotency_key": "one"}, htmx=True).status_code == 200
    token = auth.csrf_token()
    statements.clear()
    response = auth.client.post(url, data={"layout": "exam", "value": "12", "version": "1",
                                           "idempotency_key": "two"},
                                headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert 'name="version" value="2"' in response.get_data(as_text=True)
    sql = [s for s, _ in statements if not s.startswith("BEGIN")]  # SQLite: BEGIN IMMEDIATE
    if db.engine.dialect.name == "postgresql":
        # the cell with the login, then one WITH statement: update, audit row, stored answer
        assert len(sql) == 2, sql
        assert all(autocommit for _, autocommit in statements), statements
        assert re.search(r'JOIN "?user"? ON', sql[0]) and "session_version" in sql[0]
        assert "UPDATE score" in sql[1] and "INSERT INTO idempotent_save" in sql[1]
    else:
        # the cell with the login, the update, its audit row, its stored answer
        assert len(sql) == 4, "\n".join(s[:60] for s in sql)
        assert re.search(r'JOIN "?user"? ON', sql[0]) and "session_version" in sql[0]
    db.session.expire_all()
    assert db.session.scalar(select(Score.value)) == 12
    assert db.session.scalar(select(IdempotentSave.response_body).where(
        IdempotentSave.key == "two")) == response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "score")) == 2


def test_autocommit_never_outlives_the_save(auth, make, app):
    """After a save, the pooled connection is transactional again for the next request."""
    ec = exam_course(make, pupils=1)
    auth.login(ec.teacher)
    assert auth.post(_url(ec), {"layout": "exam", "value": "11", "version": "0"},
                     htmx=True).status_code == 200
    with app.app_context():
        with db.engine.connect() as conn:
            assert getattr(conn.connection.dbapi_connection, "autocommit", False) is not True


def test_a_level_save_writes_in_one_transaction(auth, make, statements):
    """A rubric level's write is several statements: on PostgreSQL they run in a transaction."""
    ec = exam_course(make, pupils=1, criteria=1)
    criterion = ec.rubric.criteria[0]
    auth.login(ec.teacher)
    url = f"/courses/{ec.course.id}/pupils/{ec.enrolments[0].id}/criteria/{criterion.id}/exam"
    token = auth.csrf_token()
    statements.clear()
    response = auth.client.post(url, data={"layout": "exam", "version": "0",
                                           "choose": str(criterion.levels[1].id),
                                           "idempotency_key": "lv"},
                                headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    writes = [(s, a) for s, a in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes
    assert not any(autocommit for _, autocommit in writes)


def test_an_autocommit_engine_keeps_its_autocommit(app, database_url):
    """Only connections a save put in autocommit are reset; an AUTOCOMMIT engine's stay so
    (CREATE/DROP DATABASE, VACUUM need it)."""
    from sqlalchemy import create_engine

    from teacherapp.config import normalise_database_url

    if not database_url.startswith("postgresql"):
        pytest.skip("autocommit is a PostgreSQL connection setting here")
    engine = create_engine(normalise_database_url(database_url), isolation_level="AUTOCOMMIT",
                           pool_size=1)
    try:
        for _ in range(2):  # the second checkout gets the same pooled connection back
            with engine.connect() as conn:
                assert conn.connection.dbapi_connection.autocommit is True
    finally:
        engine.dispose()


@pytest.mark.parametrize("page", ["/courses/{id}", "/courses/{id}/exam", "/courses/{id}/grid",
                                  "/courses/{id}/pupils/{pupil}", "/courses/{id}/content", "/"])
def test_course_pages_read_in_autocommit_on_postgresql(auth, make, statements, app, page):
    """A marked page's reads need no BEGIN and COMMIT around them (READ COMMITTED: a snapshot
    per statement either way), and its pooled connection is transactional again afterwards."""
    ec = exam_course(make, pupils=2)
    auth.login(ec.teacher)
    statements.clear()
    response = auth.client.get(page.format(id=ec.course.id, pupil=ec.enrolments[0].id))
    assert response.status_code == 200
    assert statements
    postgresql = db.engine.dialect.name == "postgresql"
    assert all(autocommit == postgresql for _, autocommit in statements), statements
    with app.app_context():
        with db.engine.connect() as conn:
            assert getattr(conn.connection.dbapi_connection, "autocommit", False) is not True


def test_an_export_streams_inside_its_transaction(auth, make, statements):
    """Unmarked GETs keep their transaction: the export's server-side cursor needs one."""
    ec = exam_course(make, pupils=2)
    clerk = make.secretariat()
    auth.login(clerk)
    statements.clear()
    response = auth.client.get(f"/admin/export/download?school_year={ec.course.school_year}"
                               "&file_format=csv&include_unsubmitted=y")
    assert response.status_code == 200
    response.get_data()
    assert statements
    assert not any(autocommit for _, autocommit in statements), statements
