"""DirectStatement: a Core statement run on the DBAPI cursor reads and writes as SQLAlchemy does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Date, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from teacherapp import direct_sql
from teacherapp.direct_sql import DirectStatement
from teacherapp.extensions import db
from teacherapp.models import IdempotentSave, Role, Score, Submission, SubmissionState, User
from teacherapp.models.types import utcnow
from tests.offline.helpers import exam_course


def test_a_row_reads_exactly_as_through_sqlalchemy(app, make):
    ec = exam_course(make, pupils=1)
    db.session.add(Score(enrolment_id=ec.enrolments[0].id, subject_id=ec.subject.id, sitting=1,
                         value=Decimal("7.5"), version=1, updated_at=utcnow()))
    db.session.add(Submission(course_id=ec.course.id, sitting=1, state=SubmissionState.SUBMITTED,
                              submitted_at=utcnow(), submitted_by_id=ec.teacher.id))
    db.session.commit()
    statement = (
        select(Score.value, Score.version, Score.updated_at, User.role, User.active,
               Submission.state, Submission.submitted_at, bindparam("on_day", type_=Date))
        .select_from(Score)
        .join(User, User.id == bindparam("user_id"))
        .join(Submission, Submission.course_id == bindparam("course_id"))
        .where(Score.enrolment_id == bindparam("enrolment_id"), User.role == Role.TEACHER)
    )
    values = {"user_id": ec.teacher.id, "course_id": ec.course.id,
              "enrolment_id": ec.enrolments[0].id, "on_day": date(2026, 11, 26)}
    through_sqlalchemy = tuple(db.session.execute(statement, values).one())
    direct = DirectStatement(statement).execute(db.session.connection(), values).first()
    assert direct == through_sqlalchemy
    assert isinstance(direct[0], Decimal) and direct[0] == Decimal("7.5")
    assert direct[3] is Role.TEACHER and direct[5] is SubmissionState.SUBMITTED
    assert direct[2].tzinfo is not None and direct[6].tzinfo is not None


def test_nothing_found_is_no_row(app, make):
    statement = DirectStatement(select(User.id).where(User.id == bindparam("user_id")))
    result = statement.execute(db.session.connection(), {"user_id": 123456})
    assert result.first() is None and result.rows == []


def test_a_constraint_violation_is_sqlalchemys_integrity_error(app, make):
    teacher = make.teacher()
    db.session.commit()
    statement = DirectStatement(insert(IdempotentSave).values(
        key=bindparam("k"), user_id=teacher.id, status_code=200, response_body="x",
        created_at=bindparam("at")))
    statement.execute(db.session.connection(), {"k": "same", "at": utcnow()})
    with pytest.raises(IntegrityError):
        statement.execute(db.session.connection(), {"k": "same", "at": utcnow()})
    db.session.rollback()


def test_listeners_see_each_statement(app):
    seen = []

    def listen(sql, parameters, dbapi_connection):
        seen.append(sql)

    direct_sql.statement_listeners.append(listen)
    try:
        DirectStatement(select(User.id).where(User.id == bindparam("user_id"))).execute(
            db.session.connection(), {"user_id": 1})
    finally:
        direct_sql.statement_listeners.remove(listen)
    assert len(seen) == 1 and seen[0].startswith("SELECT")
