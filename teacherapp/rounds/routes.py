"""The secretariat's deliberation rounds: open, confirm per course, override, reopen,
print and download the attests, revoke one."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from teacherapp.certificates import reasons_text
from teacherapp.extensions import db
from teacherapp.htmx import render_page_or_partial
from teacherapp.models import (
    Attest,
    AttestJob,
    Decision,
    DeliberationRound,
    Enrolment,
    RoundCourse,
    SchoolAttests,
)
from teacherapp.permissions import secretariat_required
from teacherapp.rounds import bp, jobs, logic
from teacherapp.rounds.forms import (
    DECISION_NAMES,
    ConfirmForm,
    OpenRoundForm,
    OverrideForm,
    ReasonForm,
)
from teacherapp.rounds.printing import load_pages, render_pdf
from teacherapp.scoring.messages import RESULT_TEXT
from teacherapp.write_locks import lock_course


def _round_or_404(round_id: int) -> DeliberationRound:
    return db.session.get(DeliberationRound, round_id) or abort(404)


def _round_course_or_404(round_id: int, round_course_id: int, lock: bool = False) -> RoundCourse:
    """The round's course; `lock`: the course row FOR UPDATE first, as a reopen of its
    sitting does, so that a confirmation and a reopen never cross."""
    row = db.session.get(RoundCourse, round_course_id)
    if row is None or row.round_id != round_id:
        abort(404)
    if lock:
        lock_course(row.course_id)
        db.session.refresh(row)
    return row


@bp.route("/")
@secretariat_required
def index(form: OpenRoundForm | None = None, status: int = 200):
    rounds = db.session.scalars(select(DeliberationRound).order_by(
        DeliberationRound.school_year.desc(), DeliberationRound.trimester.desc())).all()
    return render_template("rounds/index.html", rounds=rounds,
                           form=form or OpenRoundForm()), status


@bp.route("/", methods=["POST"])
@secretariat_required
def open_round():
    form = OpenRoundForm()
    if not form.validate_on_submit():
        return index(form, 422)
    try:
        row = logic.open_round(form.school_year.data, int(form.trimester.data), current_user.id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.school_year.errors = [_("This trimester already has a round.")]
        return index(form, 422)
    flash(_("Round opened."), "success")
    return redirect(url_for(".show", round_id=row.id), 303)


def _round_page(round_: DeliberationRound, status: int = 200):
    job = db.session.scalar(select(AttestJob).where(AttestJob.round_id == round_.id)
                            .order_by(AttestJob.id.desc()).limit(1))
    return render_template("rounds/round.html", round=round_, courses=logic.round_summary(round_),
                           job=job, interrupted=job is not None and jobs.is_interrupted(job),
                           form=ConfirmForm()), status


@bp.route("/<int:round_id>")
@secretariat_required
def show(round_id: int):
    return _round_page(_round_or_404(round_id))


@bp.route("/<int:round_id>/gather", methods=["POST"])
@secretariat_required
def gather(round_id: int):
    round_ = _round_or_404(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    added = logic.gather_courses(round_)
    db.session.commit()
    flash(_("%(count)s courses added.", count=added), "success")
    return redirect(url_for(".show", round_id=round_.id), 303)


def _with_ids(form, suffix: str):
    """The same field names on every row (what the POST reads), but ids of their own, so
    that each label points at its own field."""
    for field in form:
        if field.type not in ("CSRFTokenField", "HiddenField"):
            field.id = field.label.field_id = f"{field.name}-{suffix}"
    return form


def _course_page(round_course: RoundCourse, status: int = 200, override_form=None,
                 reopen_form=None, override_for: int | None = None):
    subjects, lines = logic.course_table(round_course)
    overrides = {line.enrolment_id: _with_ids(
        override_form if override_for == line.enrolment_id and override_form
        else OverrideForm(formdata=None), str(line.enrolment_id)) for line in lines}
    revokes = {line.attest.id: _with_ids(ReasonForm(formdata=None), f"attest-{line.attest.id}")
               for line in lines if line.attest}
    return render_template(
        "rounds/course.html", rc=round_course, subjects=subjects, lines=lines,
        decision_names=DECISION_NAMES, reasons_text=reasons_text, confirm_form=ConfirmForm(),
        result_text=RESULT_TEXT,
        override_forms=overrides, override_for=override_for, revoke_forms=revokes,
        reopen_form=reopen_form or ReasonForm()), status


@bp.route("/<int:round_id>/courses/<int:rc_id>")
@secretariat_required
def course(round_id: int, rc_id: int):
    return _course_page(_round_course_or_404(round_id, rc_id))


@bp.route("/<int:round_id>/courses/<int:rc_id>/confirm", methods=["POST"])
@secretariat_required
def confirm(round_id: int, rc_id: int):
    rc = _round_course_or_404(round_id, rc_id, lock=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if rc.confirmed_on is not None:
        flash(_("This course is confirmed already."), "error")
        return _course_page(rc, 409)
    issued = logic.confirm_course(rc, current_user.id, date.today())
    db.session.commit()
    flash(_("Confirmed: %(count)s certificates issued.", count=issued), "success")
    return redirect(url_for(".course", round_id=round_id, rc_id=rc.id), 303)


@bp.route("/<int:round_id>/courses/<int:rc_id>/reopen", methods=["POST"])
@secretariat_required
def reopen(round_id: int, rc_id: int):
    rc = _round_course_or_404(round_id, rc_id, lock=True)
    form = ReasonForm()
    if rc.confirmed_on is None:
        flash(_("This course is not confirmed, so there is nothing to reopen."), "error")
        return _course_page(rc, 409, reopen_form=form)
    if not form.validate_on_submit():
        return _course_page(rc, 422, reopen_form=form)
    logic.reopen_course(rc, form.reason.data.strip())
    db.session.commit()
    flash(_("Reopened: the course's sittings can be reopened again."), "success")
    return redirect(url_for(".course", round_id=round_id, rc_id=rc.id), 303)


@bp.route("/<int:round_id>/courses/<int:rc_id>/pupils/<int:enrolment_id>/override",
          methods=["POST"])
@secretariat_required
def override(round_id: int, rc_id: int, enrolment_id: int):
    rc = _round_course_or_404(round_id, rc_id, lock=True)
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.course_id != rc.course_id:
        abort(404)
    form = OverrideForm()
    if rc.confirmed_on is not None:
        flash(_("This course is confirmed: reopen it in the round first."), "error")
        return _course_page(rc, 409, override_form=form, override_for=enrolment_id)
    if not form.validate_on_submit():
        return _course_page(rc, 422, override_form=form, override_for=enrolment_id)
    logic.override_decision(rc, enrolment_id, Decision(form.decision.data),
                            form.reason.data.strip(), current_user.id)
    db.session.commit()
    flash(_("Decision changed."), "success")
    return redirect(url_for(".course", round_id=round_id, rc_id=rc.id), 303)


@bp.route("/attests/<int:attest_id>/revoke", methods=["POST"])
@secretariat_required
def revoke(attest_id: int):
    attest = db.session.get(Attest, attest_id) or abort(404)
    rc = attest.round_course
    form = ReasonForm()
    if attest.revoked_at is not None:
        flash(_("This certificate is revoked already."), "error")
        return _course_page(rc, 409)
    if not form.validate_on_submit():
        flash(_("Give a reason."), "error")
        return _course_page(rc, 422)
    logic.revoke_attest(attest, form.reason.data.strip())
    db.session.commit()
    flash(_("Certificate revoked."), "success")
    return redirect(url_for(".course", round_id=rc.round_id, rc_id=rc.id), 303)


@bp.route("/attests/<int:attest_id>.pdf")
@secretariat_required
def attest_pdf(attest_id: int):
    attest = db.session.get(Attest, attest_id) or abort(404)
    pdf = render_pdf(load_pages(request.host_url, attest_ids=[attest.id]), cover=False)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="attest-{attest.number}.pdf"'})


# ---------------------------------------------------------------- printing per school


@bp.route("/<int:round_id>/print", methods=["POST"])
@secretariat_required
def print_attests(round_id: int):
    round_ = _round_or_404(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = jobs.create_job(round_.id, request.host_url)
    db.session.commit()
    jobs.start(job.id)
    return redirect(url_for(".show", round_id=round_.id), 303)


def _job_or_404(round_id: int, job_id: int) -> AttestJob:
    job = db.session.get(AttestJob, job_id)
    if job is None or job.round_id != round_id:
        abort(404)
    return job


@bp.route("/<int:round_id>/jobs/<int:job_id>")
@secretariat_required
def job_status(round_id: int, job_id: int, status: int = 200):
    job = _job_or_404(round_id, job_id)
    files = db.session.scalars(select(SchoolAttests).where(SchoolAttests.job_id == job.id)
                               .order_by(SchoolAttests.school_id)).all()
    page = render_page_or_partial("rounds/job.html", "rounds/_job.html", job=job,
                                  files=files, round_id=round_id, form=ConfirmForm(),
                                  interrupted=jobs.is_interrupted(job))
    page.status_code = status
    return page


@bp.route("/<int:round_id>/jobs/<int:job_id>/restart", methods=["POST"])
@secretariat_required
def restart_job(round_id: int, job_id: int):
    job = _job_or_404(round_id, job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    new_job = jobs.restart_interrupted(job, request.host_url)
    if new_job is None:
        db.session.rollback()
        flash(_("This print job is not interrupted: it is still printing or it has ended."),
              "error")
        return job_status(round_id, job_id, 409)
    db.session.commit()
    jobs.start(new_job.id)
    flash(_("Printing again."), "success")
    return redirect(url_for(".show", round_id=round_id), 303)


@bp.route("/<int:round_id>/jobs/<int:job_id>/schools/<int:school_id>.pdf")
@secretariat_required
def school_pdf(round_id: int, job_id: int, school_id: int):
    job = _job_or_404(round_id, job_id)
    return jobs.pdf_response(jobs.school_attests(job.id, school_id) or abort(404))


@bp.route("/<int:round_id>/jobs/<int:job_id>.zip")
@secretariat_required
def job_zip(round_id: int, job_id: int):
    job = _job_or_404(round_id, job_id)
    return Response(jobs.zip_of(job), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="attesten-ronde-{round_id}.zip"'})
