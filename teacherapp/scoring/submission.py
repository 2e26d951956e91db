"""Submitting the scores of a sitting to VTS, and the secretariat reopening them."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from teacherapp import audit
from teacherapp.extensions import db
from teacherapp.models import Course, Enrolment, Pupil, Subject, Submission, SubmissionState
from teacherapp.permissions import get_course_or_404, secretariat_required
from teacherapp.progress import SittingProgress, load_sitting_progress
from teacherapp.rounds.logic import frozen_by
from teacherapp.rules import SITTINGS
from teacherapp.scoring import bp
from teacherapp.scoring.forms import ReopenForm, SubmitForm
from teacherapp.write_locks import lock_course


def _progress(course: Course, sitting: int) -> SittingProgress:
    if sitting not in SITTINGS:
        abort(404)
    return load_sitting_progress([course.id])[(course.id, sitting)]


def _missing_rows(progress: SittingProgress) -> list[tuple[str, str, int, int]]:
    """(pupil, subject, enrolment id, subject id) for each missing cell, in sheet order."""
    if not progress.missing:
        return []
    pupils = {row.id: (f"{row.last_name}, {row.first_name}") for row in db.session.execute(
        select(Enrolment.id, Pupil.first_name, Pupil.last_name)
        .join(Pupil, Pupil.id == Enrolment.pupil_id)
        .where(Enrolment.course_id == progress.course_id))}
    subjects = dict(db.session.execute(
        select(Subject.id, Subject.name).where(Subject.course_id == progress.course_id)).all())
    rows = [(pupils[m.enrolment_id], subjects[m.subject_id], m.enrolment_id, m.subject_id)
            for m in progress.missing]
    return sorted(rows, key=lambda r: (r[0].lower(), r[1].lower()))


def _page(course: Course, sitting: int, progress: SittingProgress, status: int = 200,
          reopen_form: ReopenForm | None = None, confirming: bool = False):
    can_submit = (current_user.is_teacher and course.track == 1
                  and not progress.is_submitted)
    # A confirmed deliberation keeps the sittings closed: say so instead of offering a
    # reopen form that would refuse.
    frozen = (frozen_by(course.id) if current_user.is_secretariat and progress.is_submitted
              else None)
    return render_template(
        "scoring/submission.html", course=course, sitting=sitting, progress=progress,
        missing=_missing_rows(progress), submit_form=SubmitForm(), frozen=frozen,
        reopen_form=reopen_form or ReopenForm(), can_submit=can_submit,
        confirming=confirming and can_submit and progress.is_complete,
    ), status


@bp.route("/<int:course_id>/submission/<int:sitting>")
@login_required
def submission(course_id: int, sitting: int):
    course = get_course_or_404(course_id)
    # "Submit to VTS" first asks (?confirm=1) with the course, sitting and count spelled out:
    # a submission locks the scores, so it should never be one stray tap.
    return _page(course, sitting, _progress(course, sitting),
                 confirming=request.args.get("confirm") == "1")


@bp.route("/<int:course_id>/submission/<int:sitting>", methods=["POST"])
@login_required
def submit(course_id: int, sitting: int):
    if not current_user.is_teacher:
        abort(403)
    course = get_course_or_404(course_id)
    lock_course(course.id)  # saves in progress finish first; later ones see the submission
    progress = _progress(course, sitting)
    if not SubmitForm().validate_on_submit():
        abort(400)
    if progress.is_submitted:
        abort(403)
    if course.track != 1:
        flash(_("Track-2 courses are not submitted to VTS."), "error")
        return _page(course, sitting, progress, 422)
    if not progress.is_complete:
        flash(_("Not submitted: %(count)s scores are still missing.",
                count=len(progress.missing)), "error")
        return _page(course, sitting, progress, 422)
    row = progress.submission or Submission(course_id=course.id, sitting=sitting)
    old_state = row.state
    row.state = SubmissionState.SUBMITTED
    row.submitted_by_id = current_user.id
    row.submitted_at = datetime.now(UTC)
    db.session.add(row)
    db.session.flush()
    audit.record("submit", "submission", row.id, field=f"sitting_{sitting}", old=old_state,
                 new=row.state, course_id=course.id)
    db.session.commit()
    flash(_("Submitted to VTS. The scores of this sitting are now locked."), "success")
    return redirect(url_for("scoring.submission", course_id=course.id, sitting=sitting), 303)


@bp.route("/<int:course_id>/submission/<int:sitting>/reopen", methods=["POST"])
@secretariat_required
def reopen(course_id: int, sitting: int):
    course = get_course_or_404(course_id)
    lock_course(course.id)
    progress = _progress(course, sitting)
    form = ReopenForm()
    if frozen_by(course.id) is not None:
        flash(_("Not reopened: the deliberation of this course is confirmed. Reopen the course "
                "in its deliberation round first, with a reason."), "error")
        return _page(course, sitting, progress, 409, form)
    if not progress.is_submitted:
        flash(_("This sitting is not submitted, so there is nothing to reopen."), "error")
        return _page(course, sitting, progress, 422, form)
    if not form.validate_on_submit():
        return _page(course, sitting, progress, 422, form)
    row = progress.submission
    assert row is not None
    row.state = SubmissionState.REOPENED
    row.reopened_by_id = current_user.id
    row.reopened_at = datetime.now(UTC)
    row.reopen_reason = form.reason.data.strip()
    audit.record("reopen", "submission", row.id, field=f"sitting_{sitting}",
                 old=SubmissionState.SUBMITTED, new=row.reopen_reason, course_id=course.id)
    db.session.commit()
    flash(_("Reopened. The teacher can change the scores again and sees your reason."), "success")
    return redirect(url_for("scoring.submission", course_id=course.id, sitting=sitting), 303)
