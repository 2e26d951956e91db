"""The public verification page of an attest: only what the paper shows."""

from __future__ import annotations

from flask import abort, current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from teacherapp.extensions import db, limiter
from teacherapp.models import Attest, Course, Enrolment
from teacherapp.rounds import public_bp
from teacherapp.rounds.printing import KIND_TITLES


@public_bp.route("/attest/<number>")
@limiter.limit(lambda: current_app.config["ATTEST_VERIFY_LIMIT"])
def verify(number: str):
    if len(number) > 32:
        abort(404)
    attest = db.session.scalar(select(Attest).where(Attest.number == number.upper()).options(
        joinedload(Attest.enrolment).joinedload(Enrolment.pupil),
        joinedload(Attest.enrolment).joinedload(Enrolment.course).joinedload(Course.course_type)))
    if attest is None:
        abort(404)
    return render_template("rounds/verify.html", attest=attest, titles=KIND_TITLES)
