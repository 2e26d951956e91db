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

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError

from teacherapp import audit
from teacherapp.extensions import db
from teacherapp.models import AssessmentContext, Score, SkillAssessment
from teacherapp.rules import Mark, format_score
from teacherapp.scoring import idempotency


class Outcome(enum.StrEnum):
    SAVED = "saved"
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

# The audit action of a write the teacher chose to keep over another device's value.
KEEP_MINE = "keep_mine"


def describe_mark(mark: Mark | None) -> str | None:
    """How a mark reads in the audit log: "7.5", "absent", "excused", or None."""
    if mark is None or mark.is_empty:
        return None
    if mark.absence is not None:
        return mark.absence.value
    return format_score(mark.value, decimal_comma=False)


# The writes, built once: Core statements on the tables, run in the request's session and
# transaction. The version check is part of the UPDATE's own WHERE.
_scores = Score.__table__
_INSERT_SCORE = insert(_scores)
_UPDATE_SCORE = (
    update(_scores)
    .where(_scores.c.id == bindparam("row_id"), _scores.c.version == bindparam("base_version"))
    .values(version=_scores.c.version + 1)
)
_assessments = SkillAssessment.__table__
_INSERT_LEVEL = insert(_assessments)
_UPDATE_LEVEL = (
    update(_assessments)
    .where(_assessments.c.id == bindparam("row_id"),
           _assessments.c.version == bindparam("base_version"))
    .values(version=_assessments.c.version + 1)
)


def _now() -> datetime:
    return datetime.now(UTC)


def write_score(
    *, course_id: int, enrolment_id: int, subject_id: int, sitting: int,
    score_id: int | None, stored_version: int, base_version: int,
    old: Mark | None, new: Mark, user_id: int, answer_for: AnswerFor,
    idempotency_key: str | None, keeping_mine: bool = False,
) -> Written:
    """Store `new` if the cell is still at `base_version`; audit it; store the answer."""
    if base_version != stored_version:
        return CONFLICT
    values = {"value": new.value, "absence": new.absence.value if new.absence else None,
              "updated_by_id": user_id, "updated_at": _now()}
    try:
        if score_id is None:
            result = db.session.execute(_INSERT_SCORE, {
                "enrolment_id": enrolment_id, "subject_id": subject_id, "sitting": sitting,
                "version": 1, **values})
            score_id, version, action = result.inserted_primary_key[0], 1, "create"
        else:
            result = db.session.execute(
                _UPDATE_SCORE, {"row_id": score_id, "base_version": base_version, **values})
            if result.rowcount != 1:
                db.session.rollback()
                return CONFLICT
            version, action = base_version + 1, "update"
        audit.record(KEEP_MINE if keeping_mine else action, "score", score_id,
                     field=f"sitting_{sitting}", old=describe_mark(old), new=describe_mark(new),
                     course_id=course_id, actor_id=user_id)
        answer = answer_for(score_id, version)
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
    user_id: int, keeping_mine: bool = False,
) -> Written:
    """Store a chosen level (or clear it) and its note if the cell is still at `base_version`."""
    if base_version != stored_version:
        return CONFLICT
    values = {"level_id": new_level_id, "note": note, "assessed_by_id": user_id,
              "assessed_at": _now()}
    try:
        if assessment_id is None:
            result = db.session.execute(_INSERT_LEVEL, {
                "enrolment_id": enrolment_id, "criterion_id": criterion_id,
                "context": context.value, "version": 1, **values})
            assessment_id, version, action = result.inserted_primary_key[0], 1, "create"
        else:
            result = db.session.execute(
                _UPDATE_LEVEL, {"row_id": assessment_id, "base_version": base_version, **values})
            if result.rowcount != 1:
                db.session.rollback()
                return CONFLICT
            version, action = base_version + 1, "update"
    except IntegrityError:
        db.session.rollback()
        return CONFLICT
    audit.record(KEEP_MINE if keeping_mine else action, "skill_assessment", assessment_id,
                 field=f"level_{context.value}", old=old_level, new=new_level,
                 course_id=course_id, actor_id=user_id)
    return Written(Outcome.SAVED, assessment_id, version)
