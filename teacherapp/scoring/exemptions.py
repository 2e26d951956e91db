"""Exemptions per subject (vrijstelling, or a repeater keeping a pass), by teacher or secretariat."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from teacherapp import audit
from teacherapp.extensions import db
from teacherapp.models import (
    Enrolment,
    Exemption,
    ExemptionKind,
    Subject,
    Submission,
    SubmissionState,
)
from teacherapp.permissions import get_enrolment_or_404
from teacherapp.redirects import safe_next_url
from teacherapp.scoring import bp
from teacherapp.scoring.forms import ExemptionForm, RemoveExemptionForm

EXEMPTION_URL = "/<int:course_id>/pupils/<int:enrolment_id>/subjects/<int:subject_id>/exemption"


def _load(course_id: int, enrolment_id: int, subject_id: int) -> tuple[Enrolment, Subject]:
    enrolment = get_enrolment_or_404(course_id, enrolment_id)
    subject = db.session.get(Subject, subject_id)
    if subject is None or subject.course_id != course_id:
        abort(404)
    return enrolment, subject


def _locked_for_teacher(course_id: int) -> bool:
    """A submitted sitting is the teacher's word to VTS: only the secretariat changes it then."""
    if current_user.is_secretariat:
        return False
    return db.session.scalar(
        select(Submission.id).where(Submission.course_id == course_id,
                                    Submission.state == SubmissionState.SUBMITTED).limit(1)
    ) is not None


def _back(course_id: int) -> str:
    return safe_next_url(request.values.get("next"), url_for("scoring.grid", course_id=course_id))


def _describe(exemption: Exemption | None) -> str | None:
    return f"{exemption.kind.value}: {exemption.reason}" if exemption else None


@bp.route(EXEMPTION_URL, methods=["GET", "POST"])
@login_required
def exemption(course_id: int, enrolment_id: int, subject_id: int):
    enrolment, subject = _load(course_id, enrolment_id, subject_id)
    current = db.session.scalars(select(Exemption).where(
        Exemption.enrolment_id == enrolment.id, Exemption.subject_id == subject.id)).first()
    form = ExemptionForm(obj=current)
    locked = _locked_for_teacher(course_id)
    status = 200
    if request.method == "POST":
        if locked:
            abort(403)
        if form.validate_on_submit():
            old = _describe(current)
            if current is None:
                current = Exemption(enrolment_id=enrolment.id, subject_id=subject.id,
                                    created_by_id=current_user.id, kind=ExemptionKind.EXEMPTION,
                                    reason="")
                db.session.add(current)
            current.kind = ExemptionKind(form.kind.data)
            current.reason = form.reason.data.strip()
            db.session.flush()
            audit.record("create" if old is None else "update", "exemption", current.id,
                         field=f"subject_{subject.id}", old=old, new=_describe(current),
                         course_id=course_id)
            db.session.commit()
            flash(_("Exemption saved: %(subject)s needs no score for %(pupil)s.",
                    subject=subject.name, pupil=enrolment.pupil.full_name), "success")
            return redirect(_back(course_id), 303)
        status = 422
    return render_template("scoring/exemption.html", form=form, remove_form=RemoveExemptionForm(),
                           enrolment=enrolment, subject=subject, current=current, locked=locked,
                           next=_back(course_id)), status


@bp.route(EXEMPTION_URL + "/remove", methods=["POST"])
@login_required
def remove_exemption(course_id: int, enrolment_id: int, subject_id: int):
    enrolment, subject = _load(course_id, enrolment_id, subject_id)
    if _locked_for_teacher(course_id):
        abort(403)
    if not RemoveExemptionForm().validate_on_submit():
        abort(400)
    current = db.session.scalars(select(Exemption).where(
        Exemption.enrolment_id == enrolment.id, Exemption.subject_id == subject.id)).first()
    if current is not None:
        audit.record("delete", "exemption", current.id, field=f"subject_{subject.id}",
                     old=_describe(current), new=None, course_id=course_id)
        db.session.delete(current)
        db.session.commit()
        flash(_("Exemption removed: %(subject)s needs a score again.", subject=subject.name),
              "success")
    return redirect(_back(course_id), 303)
