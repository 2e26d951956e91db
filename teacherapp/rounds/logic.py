"""Deliberation rounds: gathering their courses, the table per course, confirming,
overriding, reopening, issuing and revoking attests. Callers commit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from teacherapp import audit
from teacherapp.certificates import load_eligibility
from teacherapp.extensions import db
from teacherapp.models import (
    Attest,
    AttestKind,
    Course,
    Decision,
    DecisionOverride,
    DeliberationRound,
    Enrolment,
    ExamMoment,
    Exemption,
    GenericTestResult,
    Pupil,
    RoundCourse,
    Score,
    Subject,
    Submission,
    SubmissionState,
)
from teacherapp.models.types import utcnow
from teacherapp.rounds.decisions import final_decision, new_attest_number, proposed_decision
from teacherapp.rules import (
    Absence,
    Certificate,
    Eligibility,
    Mark,
    Result,
    final_subject_result,
    trimester_days,
)

# How each certificate of the rule is worded on paper.
ATTEST_KINDS = {
    Certificate.TRACK_1: AttestKind.REGULAR,
    Certificate.TRACK_2: AttestKind.CURRICULUM,
    Certificate.PHASING_OUT: AttestKind.EXEMPTION,
}


def open_round(school_year: str, trimester: int, user_id: int) -> DeliberationRound:
    row = DeliberationRound(school_year=school_year, trimester=trimester, opened_by_id=user_id)
    db.session.add(row)
    db.session.flush()
    audit.record("open", "deliberation_round", row.id, new=f"{school_year} T{trimester}")
    gather_courses(row)
    return row


def gather_courses(round_: DeliberationRound) -> int:
    """Add the courses the round deliberates. Returns how many were added.

    - Track 1: a course of the round's school year with a submitted sitting examined in the
      round's trimester.
    - Track 2 and phasing out: their scores are not submitted to VTS; the attest follows the
      school's record that the pupil completed the BK curriculum. A course with a track-2 or
      phasing-out pupil who completed it in the round's trimester.
    """
    in_trimester = exists().where(
        Submission.course_id == Course.id, Submission.state == SubmissionState.SUBMITTED,
        Subject.course_id == Course.id, ExamMoment.subject_id == Subject.id,
        ExamMoment.sitting == Submission.sitting, ExamMoment.trimester == round_.trimester)
    first, last = trimester_days(round_.school_year, round_.trimester)
    completed_in_trimester = exists().where(
        Enrolment.course_id == Course.id, or_(Course.track == 2, Enrolment.phasing_out),
        Enrolment.curriculum_completed_on.between(first, last))
    already = select(RoundCourse.course_id).where(RoundCourse.round_id == round_.id)
    ids = db.session.scalars(select(Course.id).where(
        or_(and_(Course.school_year == round_.school_year, Course.track == 1, in_trimester),
            completed_in_trimester),
        Course.id.not_in(already)).order_by(Course.id)).all()
    for course_id in ids:
        db.session.add(RoundCourse(round_id=round_.id, course_id=course_id))
    if ids:
        audit.record("gather", "deliberation_round", round_.id, new=",".join(map(str, ids)))
    return len(ids)


def frozen_by(course_id: int) -> RoundCourse | None:
    """The confirmed round course that keeps this course's sittings closed, if any."""
    return db.session.scalar(select(RoundCourse).where(
        RoundCourse.course_id == course_id, RoundCourse.confirmed_on.is_not(None)).limit(1))


# ---------------------------------------------------------------- the table of a course


@dataclass(frozen=True)
class SubjectCell:
    first: Mark | None
    second: Mark | None
    exempt: bool
    result: Result


@dataclass(frozen=True)
class PupilLine:
    enrolment_id: int
    name: str
    birth_date: date
    paid: bool
    generic_test: bool
    subjects: tuple[SubjectCell, ...]
    eligibility: Eligibility
    proposed: Decision
    override: DecisionOverride | None
    attest: Attest | None

    @property
    def decision(self) -> Decision:
        return final_decision(self.proposed, self.override.decision if self.override else None)


def course_table(round_course: RoundCourse) -> tuple[list[Subject], list[PupilLine]]:
    """Every pupil of the course with each subject over both sittings and the decision."""
    course_id = round_course.course_id
    subjects = list(db.session.scalars(select(Subject).where(Subject.course_id == course_id)
                                       .order_by(Subject.position, Subject.id)))
    rows = db.session.execute(
        select(Enrolment.id, Pupil.last_name, Pupil.first_name, Pupil.birth_date,
               Enrolment.paid_at)
        .join(Pupil, Pupil.id == Enrolment.pupil_id).where(Enrolment.course_id == course_id)
        .order_by(Pupil.last_name, Pupil.first_name, Enrolment.id)).all()
    ids = [r.id for r in rows]
    eligibility = load_eligibility(ids)
    marks: dict[tuple[int, int, int], Mark] = {}
    for e, s, sitting, value, absence in db.session.execute(
            select(Score.enrolment_id, Score.subject_id, Score.sitting, Score.value,
                   Score.absence).where(Score.enrolment_id.in_(ids))):
        marks[(e, s, sitting)] = Mark(value, Absence(absence) if absence else None)
    exempt = set(db.session.execute(select(Exemption.enrolment_id, Exemption.subject_id)
                                    .where(Exemption.enrolment_id.in_(ids))).all())
    tested = set(db.session.scalars(select(GenericTestResult.enrolment_id)
                                    .where(GenericTestResult.enrolment_id.in_(ids))))
    overrides = {o.enrolment_id: o for o in db.session.scalars(select(DecisionOverride).where(
        DecisionOverride.round_course_id == round_course.id))}
    attests = {a.enrolment_id: a for a in db.session.scalars(select(Attest).where(
        Attest.round_course_id == round_course.id).order_by(Attest.id))}  # the newest wins
    lines = []
    for r in rows:
        cells = []
        for s in subjects:
            first, second = marks.get((r.id, s.id, 1)), marks.get((r.id, s.id, 2))
            is_exempt = (r.id, s.id) in exempt
            cells.append(SubjectCell(first, second, is_exempt,
                                     final_subject_result(first, second, s.pass_mark, is_exempt)))
        lines.append(PupilLine(
            r.id, f"{r.last_name}, {r.first_name}", r.birth_date, r.paid_at is not None,
            r.id in tested, tuple(cells), eligibility[r.id], proposed_decision(eligibility[r.id]),
            overrides.get(r.id), attests.get(r.id)))
    return subjects, lines


# ---------------------------------------------------------------- changes


def override_decision(round_course: RoundCourse, enrolment_id: int, decision: Decision,
                      reason: str, user_id: int) -> None:
    row = db.session.scalar(select(DecisionOverride).where(
        DecisionOverride.round_course_id == round_course.id,
        DecisionOverride.enrolment_id == enrolment_id))
    old = row.decision if row else None
    if row is None:
        row = DecisionOverride(round_course_id=round_course.id, enrolment_id=enrolment_id)
        db.session.add(row)
    row.decision, row.reason, row.by_id, row.at = decision, reason, user_id, utcnow()
    db.session.flush()
    audit.record("override", "decision", row.id, field=f"enrolment_{enrolment_id}", old=old,
                 new=f"{decision}: {reason}", course_id=round_course.course_id)


def confirm_course(round_course: RoundCourse, user_id: int, today: date) -> int:
    """Confirm the course's decisions and issue an attest to each pupil who passed (once per
    enrolment over all rounds); an attest whose pupil no longer passed is revoked.
    Returns how many attests were issued."""
    _, lines = course_table(round_course)
    round_course.confirmed_on = today
    round_course.confirmed_by_id = user_id
    audit.record("confirm", "round_course", round_course.id, new=today.isoformat(),
                 course_id=round_course.course_id)
    holding = set(db.session.scalars(select(Attest.enrolment_id).where(
        Attest.enrolment_id.in_([line.enrolment_id for line in lines]),
        Attest.revoked_at.is_(None))))
    issued = 0
    for line in lines:
        if line.decision == Decision.PASSED and line.enrolment_id not in holding:
            attest = Attest(number=new_attest_number(), round_course_id=round_course.id,
                            enrolment_id=line.enrolment_id, deliberated_on=today,
                            kind=ATTEST_KINDS[line.eligibility.certificate])
            db.session.add(attest)
            db.session.flush()
            audit.record("issue", "attest", attest.id, new=attest.number,
                         course_id=round_course.course_id)
            issued += 1
        elif (line.decision != Decision.PASSED and line.attest is not None
              and line.attest.revoked_at is None):
            revoke_attest(line.attest, "decision changed on confirming again")
    return issued


def reopen_course(round_course: RoundCourse, reason: str) -> None:
    round_course.confirmed_on = None
    round_course.confirmed_by_id = None
    round_course.reopen_reason = reason
    audit.record("reopen", "round_course", round_course.id, new=reason,
                 course_id=round_course.course_id)


def revoke_attest(attest: Attest, reason: str) -> None:
    attest.revoked_at = utcnow()
    attest.revoke_reason = reason
    audit.record("revoke", "attest", attest.id, old=attest.number, new=reason,
                 course_id=attest.round_course.course_id)


def round_summary(round_: DeliberationRound) -> list[tuple[RoundCourse, int, int]]:
    """Each course of the round with its pupil count and attest count."""
    pupils: dict[int, int] = defaultdict(int)
    for (course_id,) in db.session.execute(
            select(Enrolment.course_id).join(RoundCourse, RoundCourse.course_id == Enrolment.course_id)
            .where(RoundCourse.round_id == round_.id)):
        pupils[course_id] += 1
    attests: dict[int, int] = defaultdict(int)
    for (rc_id,) in db.session.execute(
            select(Attest.round_course_id).join(RoundCourse, RoundCourse.id == Attest.round_course_id)
            .where(RoundCourse.round_id == round_.id, Attest.revoked_at.is_(None))):
        attests[rc_id] += 1
    courses = db.session.scalars(
        select(RoundCourse).where(RoundCourse.round_id == round_.id).order_by(RoundCourse.id)
        .options(joinedload(RoundCourse.course).joinedload(Course.course_type),
                 joinedload(RoundCourse.course).joinedload(Course.school))).all()
    return [(rc, pupils[rc.course_id], attests[rc.id]) for rc in courses]
