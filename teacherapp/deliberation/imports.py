"""A pupil import against the database: load what exists, plan, and apply in one transaction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select

from teacherapp import audit
from teacherapp.deliberation.logic import (
    Action,
    CourseFacts,
    ExistingEnrolment,
    ExistingPupil,
    ImportPlan,
    course_ids_named,
    enrolment_result,
    name_key,
    plan_import,
)
from teacherapp.deliberation.payments import mark_payment_recorded
from teacherapp.extensions import db
from teacherapp.models import (
    Course,
    Enrolment,
    Exemption,
    PaymentMethod,
    Pupil,
    Score,
    Subject,
)
from teacherapp.models.types import utcnow
from teacherapp.rules import CourseResult, Mark
from teacherapp.tabular import Table


def _existing(pupil: Pupil) -> ExistingPupil:
    return ExistingPupil(pupil.id, pupil.first_name, pupil.last_name, pupil.birth_date,
                         pupil.school_id, pupil.vts_account_id, pupil.email)


def passed_before_pupil_ids(course: Course, pupil_ids: list[int]) -> set[int]:
    """Pupils who passed an earlier course of this course's type (final result: passed).

    Four queries whatever the number of pupils: their earlier enrolments, those courses'
    subjects, the scores and the exemptions.
    """
    if not pupil_ids:
        return set()
    earlier = db.session.execute(
        select(Enrolment.id, Enrolment.pupil_id, Enrolment.course_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.pupil_id.in_(pupil_ids), Course.id != course.id,
               Course.course_type_id == course.course_type_id,
               Course.start_date < course.start_date)
    ).all()
    if not earlier:
        return set()
    course_ids = {row.course_id for row in earlier}
    enrolment_ids = [row.id for row in earlier]
    subjects: dict[int, dict] = defaultdict(dict)
    for subject_id, course_id, pass_mark in db.session.execute(
        select(Subject.id, Subject.course_id, Subject.pass_mark)
        .where(Subject.course_id.in_(course_ids))
    ):
        subjects[course_id][subject_id] = pass_mark
    marks: dict[int, dict] = defaultdict(dict)
    for row in db.session.execute(
        select(Score.enrolment_id, Score.subject_id, Score.sitting, Score.value, Score.absence)
        .where(Score.enrolment_id.in_(enrolment_ids))
    ):
        marks[row.enrolment_id][(row.subject_id, row.sitting)] = Mark(row.value, row.absence)
    exempt: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, subject_id in db.session.execute(
        select(Exemption.enrolment_id, Exemption.subject_id)
        .where(Exemption.enrolment_id.in_(enrolment_ids))
    ):
        exempt[enrolment_id].add(subject_id)
    return {
        row.pupil_id for row in earlier
        if enrolment_result(subjects[row.course_id], marks[row.id], exempt[row.id])
        == CourseResult.PASSED
    }


def plan_for_course(course: Course, table: Table, now: datetime | None = None, *,
                    courses: Select[tuple[Course]] | None = None,
                    protect_other_schools: bool = False) -> ImportPlan:
    """The import plan of this file for this course, against the database as it is now.

    `courses`: the courses this user may import into (None: all); a row naming another of
    them is refused as "another course", a row naming any other course as not allowed.
    `protect_other_schools`: a school coordinator's import (see CourseFacts).
    """
    from teacherapp.deliberation.logic import VTS_ACCOUNT

    vts_ids = {row.get(*VTS_ACCOUNT).strip().casefold() for row in table.rows}
    vts_ids.discard("")
    conditions = [Pupil.school_id == course.school_id]
    if vts_ids:
        conditions.append(func.lower(Pupil.vts_account_id).in_(vts_ids))
    pupils = db.session.scalars(select(Pupil).where(or_(*conditions))).all()
    by_vts = {p.vts_account_id.casefold(): _existing(p) for p in pupils if p.vts_account_id}
    by_name = {name_key(p.first_name, p.last_name, p.birth_date): _existing(p)
               for p in pupils if p.school_id == course.school_id}
    enrolments = {
        e.pupil_id: ExistingEnrolment(e.id, e.pupil_id, e.paid_at,
                                      e.payment_method.value if e.payment_method else None,
                                      e.payment_code, e.passed_before, e.phasing_out,
                                      e.school_grade, e.school_semester)
        for e in db.session.scalars(select(Enrolment).where(Enrolment.course_id == course.id))
    }
    passed = passed_before_pupil_ids(course, [p.id for p in pupils])
    facts = CourseFacts(course.school_id, course.start_year, course.course_type.minimum_age,
                        course.id, protect_other_schools)
    return plan_import(table, facts, by_vts, by_name, enrolments, passed, now or utcnow(),
                       _importable_course_ids(table, courses))


def _importable_course_ids(table: Table, courses: Select[tuple[Course]] | None) -> set[int]:
    """Of the course ids the file names, those this user may import into."""
    named = course_ids_named(table)
    if not named:
        return set()
    query = (courses if courses is not None else select(Course)).where(Course.id.in_(named))
    return set(db.session.scalars(query.with_only_columns(Course.id)))


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    enrolled: int
    updated: int


_PUPIL_FIELDS = {"first_name", "last_name", "birth_date", "email", "vts_account_id"}
PAYMENT_FIELDS = {"paid_at", "payment_method", "payment_code"}


def apply_plan(course: Course, plan: ImportPlan) -> ImportOutcome:
    """Write the plan: new pupils, new enrolments and updates, each audited. No commit here:
    the caller commits once, so the whole file goes in or nothing does."""
    pupil_ids = [r.pupil_id for r in plan.rows if r.pupil_id and r.action != Action.REJECT]
    pupils = {p.id: p for p in db.session.scalars(select(Pupil).where(Pupil.id.in_(pupil_ids)))}
    enrolments = {e.id: e for e in db.session.scalars(
        select(Enrolment).where(Enrolment.course_id == course.id))}
    created = enrolled = updated = 0
    for row in plan.rows:
        if row.action in (Action.REJECT, Action.UNCHANGED):
            continue
        person = row.pupil
        assert person is not None
        if row.action == Action.CREATE:
            pupil = Pupil(first_name=person.first_name, last_name=person.last_name,
                          birth_date=person.birth_date, school_id=course.school_id,
                          vts_account_id=person.vts_account_id, email=person.email)
            db.session.add(pupil)
            db.session.flush()
            audit.record("create", "pupil", pupil.id, new=pupil.full_name, course_id=course.id)
            created += 1
        else:
            pupil = pupils[row.pupil_id]
        enrolment = enrolments.get(row.enrolment_id) if row.enrolment_id else None
        if enrolment is None:
            enrolment = Enrolment(pupil_id=pupil.id, course_id=course.id)
            db.session.add(enrolment)
            if row.action == Action.ENROL:
                enrolled += 1
        else:
            updated += 1
        for change in row.changes:
            target = pupil if change.field in _PUPIL_FIELDS else enrolment
            value = change.new
            if change.field == "payment_method" and value is not None:
                value = PaymentMethod(value)
            setattr(target, change.field, value)
        if any(change.field in PAYMENT_FIELDS for change in row.changes):
            mark_payment_recorded(enrolment)
        db.session.flush()
        if row.action in (Action.CREATE, Action.ENROL):
            audit.record("create", "enrolment", enrolment.id, new=pupil.full_name,
                         course_id=course.id)
        for change in row.changes:
            entity, entity_id = (("pupil", pupil.id) if change.field in _PUPIL_FIELDS
                                 else ("enrolment", enrolment.id))
            audit.record("update", entity, entity_id, field=change.field, old=change.old,
                         new=change.new, course_id=course.id)
    audit.record("import", "course", course.id, field="pupils",
                 new=f"created={created} enrolled={enrolled} updated={updated}",
                 course_id=course.id)
    return ImportOutcome(created, enrolled, updated)
