"""The coordinator receives her schools' attests: per round, each school's PDF of the
secretariat's newest finished print (the same file the secretariat downloads)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import (
    Attest,
    Course,
    DeliberationRound,
    RoundCourse,
    School,
    SchoolAttests,
)
from teacherapp.permissions import coordinated_school_ids, coordinator_required
from teacherapp.rounds import jobs
from teacherapp.school import bp


@dataclass(frozen=True)
class SchoolLine:
    school: School
    attests: int  # valid attests of the school in the round
    printed: int | None  # attests in the newest finished print; None: not printed yet


@dataclass(frozen=True)
class RoundLine:
    round: DeliberationRound
    schools: list[SchoolLine]


def _rounds_of(school_ids: list[int]) -> list[RoundLine]:
    """The rounds with valid attests for these schools, newest first."""
    counts = db.session.execute(
        select(RoundCourse.round_id, Course.school_id, func.count(Attest.id))
        .join(Attest, Attest.round_course_id == RoundCourse.id)
        .join(Course, Course.id == RoundCourse.course_id)
        .where(Course.school_id.in_(school_ids), Attest.revoked_at.is_(None))
        .group_by(RoundCourse.round_id, Course.school_id)).all()
    round_ids = sorted({round_id for round_id, _school, _n in counts})
    done = jobs.latest_done_jobs(round_ids)
    printed = {(job_id, school_id): n for job_id, school_id, n in db.session.execute(
        select(SchoolAttests.job_id, SchoolAttests.school_id, SchoolAttests.attest_count)
        .where(SchoolAttests.job_id.in_(list(done.values())),
               SchoolAttests.school_id.in_(school_ids)))}
    rounds = {r.id: r for r in db.session.scalars(
        select(DeliberationRound).where(DeliberationRound.id.in_(round_ids)))}
    schools = {s.id: s for s in db.session.scalars(select(School).where(School.id.in_(school_ids)))}
    lines: dict[int, list[SchoolLine]] = {}
    for round_id, school_id, n in counts:
        lines.setdefault(round_id, []).append(SchoolLine(
            schools[school_id], n, printed.get((done.get(round_id), school_id))))
    return [RoundLine(rounds[round_id], sorted(found, key=lambda line: line.school.name))
            for round_id, found in sorted(
                lines.items(), key=lambda item: (rounds[item[0]].school_year,
                                                 rounds[item[0]].trimester), reverse=True)]


@bp.route("/attests")
@coordinator_required
def attests(status: int = 200, message: str | None = None):
    return render_template("school/attests.html", rounds=_rounds_of(coordinated_school_ids()),
                           message=message), status


@bp.route("/attests/<int:round_id>/schools/<int:school_id>.pdf")
@coordinator_required
def attests_pdf(round_id: int, school_id: int):
    if school_id not in coordinated_school_ids():
        return attests(404, _("This school is not yours: its certificates are not shown."))
    job_id = jobs.latest_done_jobs([round_id]).get(round_id)
    row = jobs.school_attests(job_id, school_id) if job_id is not None else None
    if row is None:
        return attests(404, _("The certificates of this school in this round are not printed "
                              "yet. The VTS secretariat prints them after the deliberation."))
    return jobs.pdf_response(row)
