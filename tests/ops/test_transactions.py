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
