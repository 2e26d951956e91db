"""Version-checked writes of one score or one rubric level, each with one audit event.

A save names the version it was based on (0: the cell was empty). The write is atomic:
an UPDATE ... WHERE version = :base that must hit one row, or an INSERT that loses the race
on the unique constraint. Either way the loser gets a conflict and nothing is overwritten.
A score's write also stores its answer under the save's idempotency key, in the same
transaction (teacherapp.scoring.idempotency); a key stored before is a conflict too, which
the caller answers with the stored answer. The caller commits or rolls back.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import (
    Insert,
    Integer,
    String,
    Text,
    Update,
    bindparam,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from teacherapp import audit
from teacherapp.direct_sql import DirectStatement
from teacherapp.extensions import db
from teacherapp.models import AssessmentContext, AuditEvent, Score, SkillAssessment
from teacherapp.models.types import UTCDateTime
from teacherapp.rules import Mark, format_score
from teacherapp.scoring import idempotency
from teacherapp.transactions import start_writing, statement_connection


class Outcome(enum.StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Written:
    outcome: Outcome
    row_id: int | None = None
    version: int = 0
    answer: str = ""  # the saved cell's answer, as stored under the idempotency key


# The answer to a save that stored (row id, new version); rendered by the caller.
AnswerFor = Callable[[int, int], str]


CONFLICT = Written(Outcome.CONFLICT)


def describe_mark(mark: Mark | None) -> str | None:
    """How a mark reads in the audit log: "7.5", "absent", "excused", or None."""
    if mark is None or mark.is_empty:
        return None
    if mark.absence is not None:
        return mark.absence.value
    return format_score(mark.value, decimal_comma=False)


def _now() -> datetime:
    return datetime.now(UTC)


@cache
def _versioned_update(table_name: str, **columns: str) -> Update:
    """UPDATE <table> SET <columns>, version = version + 1 WHERE id = :row_id AND version = :base.

    Built once per process on the Core table (each SET column bound to a parameter of the
    same name with a "new_" prefix): a save then skips SQLAlchemy's statement construction
    and the ORM's bulk-update bookkeeping, which cost more than the UPDATE itself.
    """
    table = {Score.__tablename__: Score.__table__,
             SkillAssessment.__tablename__: SkillAssessment.__table__}[table_name]
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.version == bindparam("base"))
        .values(version=table.c.version + 1,
                **{column: bindparam(parameter) for column, parameter in columns.items()})
    )


def _score_update() -> Update:
    return _versioned_update(Score.__tablename__, value="new_value", absence="new_absence",
                             updated_by_id="new_by", updated_at="new_at")


@cache
def _score_update_direct() -> DirectStatement:
    """SQLite: the versioned UPDATE alone (its audit row and answer follow as INSERTs)."""
    return DirectStatement(_score_update())


@cache
def _score_update_with_audit(remembered: bool) -> Insert:
    """PostgreSQL: the versioned UPDATE, its audit row and its stored answer in one statement.

    WITH changed AS (UPDATE score ... WHERE id = :row_id AND version = :base RETURNING id)
    [, remembered AS (INSERT INTO idempotent_save ... SELECT ... FROM changed)]
    INSERT INTO audit_event (...) SELECT ... FROM changed: the audit row and the answer exist
    exactly when the update happened (it returns one row or, on a conflict, none). One
    statement is atomic on its own, so it runs without BEGIN and COMMIT (the save's reads ran
    in autocommit, teacherapp.transactions): the save's writes cost one round trip instead of
    four. SQLite cannot UPDATE inside a WITH, so it keeps separate statements.
    """
    changed = _score_update().returning(Score.__table__.c.id).cte("changed")
    audit = AuditEvent.__table__
    values = select(
        bindparam("audit_actor", type_=Integer), bindparam("audit_at", type_=UTCDateTime()),
        literal("update", String), literal("score", String),
        bindparam("audit_entity_id", type_=String), bindparam("audit_field", type_=String),
        bindparam("audit_old", type_=Text), bindparam("audit_new", type_=Text),
        bindparam("audit_course", type_=Integer),
    ).select_from(changed)
    statement = insert(audit).from_select(
        ["actor_id", "at", "action", "entity", "entity_id", "field", "old_value", "new_value",
         "course_id"], values).returning(audit.c.id)
    if remembered:
        # PostgreSQL runs a data-modifying WITH even when nothing reads it.
        statement = statement.add_cte(idempotency.remember_with(changed).cte("remembered"))
    return statement


@cache
def _score_write(remembered: bool) -> DirectStatement:
    return DirectStatement(_score_update_with_audit(remembered))


def direct_statements(dialect_name: str) -> list[DirectStatement]:
    """The save's direct writes on `dialect_name`, to compile before the fork."""
    inserts = [audit.INSERT, idempotency.INSERT]  # every audited write; a save's stored answer
    if dialect_name == "postgresql":
        return [_score_write(remembered) for remembered in (True, False)] + inserts
    return [_score_update_direct(), *inserts]


def _level_update() -> Update:
    return _versioned_update(SkillAssessment.__tablename__, level_id="new_level_id",
                             note="new_note", assessed_by_id="new_by", assessed_at="new_at")


def write_score(
    *, course_id: int, enrolment_id: int, subject_id: int, sitting: int,
    score_id: int | None, stored_version: int, base_version: int,
    old: Mark | None, new: Mark, user_id: int, answer_for: AnswerFor,
    idempotency_key: str | None,
) -> Written:
    """Store `new` if the cell is still at `base_version`; audit it; store the answer."""
    if base_version != stored_version:
        return CONFLICT
    value = new.value
    absence = new.absence.value if new.absence else None
    audit_values = {"field": f"sitting_{sitting}", "old": describe_mark(old),
                    "new": describe_mark(new), "course_id": course_id, "actor_id": user_id}
    try:
        if score_id is None:
            start_writing()
            result = db.session.execute(insert(Score).values(
                enrolment_id=enrolment_id, subject_id=subject_id, sitting=sitting,
                value=value, absence=absence, version=1, updated_by_id=user_id,
                updated_at=_now()))
            score_id, version = result.inserted_primary_key[0], 1
            audit.record("create", "score", score_id, **audit_values)
            answer = answer_for(score_id, version)
            idempotency.remember(idempotency_key, user_id, 200, answer)
            return Written(Outcome.SAVED, score_id, version, answer)
        version = base_version + 1
        answer = answer_for(score_id, version)  # known before the write: it is base + 1
        params = {"row_id": score_id, "base": base_version, "new_value": value,
                  "new_absence": absence, "new_by": user_id, "new_at": _now()}
        if db.engine.dialect.name == "postgresql":  # one statement, outside the session
            if idempotency_key is not None:
                params |= {"idempotency_key": idempotency_key, "idempotency_user": user_id,
                           "idempotency_body": answer, "idempotency_at": params["new_at"]}
            result = _score_write(idempotency_key is not None).execute(statement_connection(), {
                **params, "audit_actor": user_id, "audit_at": params["new_at"],
                "audit_entity_id": str(score_id), "audit_field": audit_values["field"],
                "audit_old": audit_values["old"], "audit_new": audit_values["new"],
                "audit_course": course_id})
            if len(result.rows) != 1:  # one audit row per updated row: none on a conflict
                return CONFLICT
            return Written(Outcome.SAVED, score_id, version, answer)
        start_writing()
        if _score_update_direct().execute(db.session.connection(), params).rowcount != 1:
            db.session.rollback()
            return CONFLICT
        audit.record("update", "score", score_id, **audit_values)
        idempotency.remember(idempotency_key, user_id, 200, answer)
        return Written(Outcome.SAVED, score_id, version, answer)
    except IntegrityError:
        # Another device created the cell a moment ago, or this key was stored before (a
        # repeated save: the caller answers with the stored answer).
        db.session.rollback()
        return CONFLICT


def write_level(
    *, course_id: int, enrolment_id: int, criterion_id: int, context: AssessmentContext,
    assessment_id: int | None, stored_version: int, base_version: int,
    old_level: str | None, new_level_id: int | None, new_level: str | None, note: str,
    user_id: int,
) -> Written:
    """Store a chosen level (or clear it) and its note if the cell is still at `base_version`."""
    if base_version != stored_version:
        return CONFLICT
    if assessment_id is None:
        try:
            result = db.session.execute(insert(SkillAssessment).values(
                enrolment_id=enrolment_id, criterion_id=criterion_id, context=context.value,
                level_id=new_level_id, note=note, version=1, assessed_by_id=user_id,
                assessed_at=_now()))
        except IntegrityError:
            db.session.rollback()
            return CONFLICT
        assessment_id = result.inserted_primary_key[0]
        action, version = "create", 1
    else:
        result = db.session.execute(_level_update(), {
            "row_id": assessment_id, "base": base_version, "new_level_id": new_level_id,
            "new_note": note, "new_by": user_id, "new_at": _now()})
        if result.rowcount != 1:
            db.session.rollback()
            return CONFLICT
        action, version = "update", base_version + 1
    audit.record(action, "skill_assessment", assessment_id, field=f"level_{context.value}",
                 old=old_level, new=new_level, course_id=course_id, actor_id=user_id)
    return Written(Outcome.SAVED, assessment_id, version)
