"""SQLite's write transactions: BEGIN IMMEDIATE, retried briefly while another writer holds it
(the waiting itself: tests/ops/test_faults.py)."""

from __future__ import annotations

import pytest

from teacherapp.database import SQLITE_BUSY_TIMEOUT_MS
from teacherapp.extensions import db
from tests.offline.helpers import exam_course
from tests.ops.test_faults import _save


def test_the_connection_keeps_its_busy_timeout_for_every_other_statement(app, auth, make):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's busy timeout")
    ec = exam_course(make, pupils=1, criteria=1)
    auth.login(ec.teacher)
    assert _save(auth, ec, "12", 0).status_code == 200
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
