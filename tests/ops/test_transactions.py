"""Which transactions write: saves read first and begin their write transaction late."""

from __future__ import annotations

from teacherapp import create_app
from teacherapp.transactions import is_write_transaction, start_writing

SAVE = "/courses/1/pupils/2/subjects/3/sittings/1"


def _app():
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


def test_reads_never_write_and_other_posts_write_from_the_start():
    app = _app()
    with app.test_request_context("/courses/1"):
        assert not is_write_transaction()
    with app.test_request_context("/admin/schools", method="POST"):
        assert is_write_transaction()
    with app.test_request_context("/nowhere", method="POST"):
        assert is_write_transaction()  # unknown endpoint: the safe side


def test_a_save_reads_first_and_writes_after_start_writing():
    app = _app()
    with app.test_request_context(SAVE, method="POST"):
        assert not is_write_transaction()
        start_writing()
        assert is_write_transaction()
        start_writing()  # a second call changes nothing
        assert is_write_transaction()
    with app.test_request_context(SAVE + "/history"):
        assert not is_write_transaction()


def test_a_clean_read_ends_in_commit_so_postgresql_keeps_its_prepared_statements():
    from unittest.mock import patch

    from teacherapp.extensions import db
    from teacherapp.transactions import end_clean_read

    app = _app()
    with app.test_request_context("/courses/1"):
        db.session.execute(db.text("SELECT 1"))
        with patch.object(db.session(), "commit") as commit:
            end_clean_read(None)
        commit.assert_called_once()
    for path, method, error in (("/courses/1", "GET", RuntimeError("boom")),
                                (SAVE, "POST", None)):
        with app.test_request_context(path, method=method):
            db.session.execute(db.text("SELECT 1"))
            with patch.object(db.session(), "commit") as commit:
                end_clean_read(error)
            commit.assert_not_called()


def _file_app(tmp_path):
    from teacherapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite'}",
                      "SECRET_KEY": "x"})
    with app.app_context():
        db.session.execute(db.text("CREATE TABLE t (x INTEGER)"))
        db.session.commit()
    return app


def _turn_is_free(tmp_path) -> bool:
    import fcntl
    import os

    fd = os.open(str(tmp_path / "app.sqlite") + ".writers", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_sqlite_a_save_begins_writing_on_the_connection_it_read_with(tmp_path):
    """No second checkout: the read's connection begins IMMEDIATE, in the writers' turn."""
    from teacherapp.extensions import db

    app = _file_app(tmp_path)
    with app.test_request_context(SAVE, method="POST"):
        db.session.execute(db.text("SELECT count(*) FROM t"))
        connection = db.session.connection()
        dbapi_connection = connection.connection.dbapi_connection
        assert not dbapi_connection.in_transaction  # the reads opened none
        assert _turn_is_free(tmp_path)
        start_writing()
        assert db.session.connection() is connection
        assert dbapi_connection.in_transaction and not _turn_is_free(tmp_path)
        db.session.execute(db.text("INSERT INTO t VALUES (1)"))
        db.session.commit()
        assert not dbapi_connection.in_transaction and _turn_is_free(tmp_path)
    with app.app_context():
        assert db.session.execute(db.text("SELECT count(*) FROM t")).scalar() == 1


def test_sqlite_a_save_that_rolls_back_writes_nothing_and_frees_the_turn(tmp_path):
    from teacherapp.extensions import db

    app = _file_app(tmp_path)
    with app.test_request_context(SAVE, method="POST"):
        db.session.execute(db.text("SELECT count(*) FROM t"))
        start_writing()
        db.session.execute(db.text("INSERT INTO t VALUES (1)"))
        db.session.rollback()  # a conflict
        assert _turn_is_free(tmp_path)
    with app.app_context():
        assert db.session.execute(db.text("SELECT count(*) FROM t")).scalar() == 0


def test_sqlite_an_open_transaction_is_ended_before_writing(tmp_path):
    """If something already opened a transaction, start_writing ends it and begins anew."""
    from teacherapp.extensions import db

    app = _file_app(tmp_path)
    with app.test_request_context(SAVE, method="POST"):
        connection = db.session.connection()
        connection.connection.dbapi_connection.execute("BEGIN")
        start_writing()
        db.session.execute(db.text("INSERT INTO t VALUES (1)"))
        assert not _turn_is_free(tmp_path)
        db.session.commit()
    with app.app_context():
        assert db.session.execute(db.text("SELECT count(*) FROM t")).scalar() == 1
