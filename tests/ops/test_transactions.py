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
