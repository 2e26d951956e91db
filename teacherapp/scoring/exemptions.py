"""Exemptions per subject (vrijstelling, or a repeater keeping a pass), by teacher or secretariat.

Each form carries what the teacher saw (`seen`: a fingerprint of the exemption then, or
"none"); a change made meanwhile on another device is shown, not overwritten (409).
"""

from __future__ import annotations

import hashlib

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
from teacherapp.write_locks import lock_for_pupil_change

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


def seen_fingerprint(exemption: Exemption | None) -> str:
    """What a form remembers of the exemption it was shown with."""
    if exemption is None:
        return "none"
    return hashlib.sha256(_describe(exemption).encode()).hexdigest()[:16]


def _current(enrolment: Enrolment, subject: Subject) -> Exemption | None:
    return db.session.scalars(select(Exemption).where(
        Exemption.enrolment_id == enrolment.id, Exemption.subject_id == subject.id)).first()


def _lock_or_404(course_id: int, enrolment: Enrolment) -> None:
    if not lock_for_pupil_change(current_user, course_id, enrolment.id):
        abort(404)


def _changed_meanwhile(current: Exemption | None) -> bool:
    return request.form.get("seen") != seen_fingerprint(current)


@bp.route(EXEMPTION_URL, methods=["GET", "POST"])
@login_required
def exemption(course_id: int, enrolment_id: int, subject_id: int):
    enrolment, subject = _load(course_id, enrolment_id, subject_id)
    if request.method == "POST":
        _lock_or_404(course_id, enrolment)
    current = _current(enrolment, subject)
    form = ExemptionForm(obj=current)
    locked = _locked_for_teacher(course_id)
    status = 200
    if request.method == "POST":
        if locked:
            abort(403)
        if _changed_meanwhile(current):
            flash(_("Not saved: this exemption was changed elsewhere meanwhile. "
                    "Check what is stored now, then save again."), "error")
            status = 409
        elif form.validate_on_submit():
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
        else:
            status = 422
    if status == 409:
        db.session.rollback()
        form = ExemptionForm(formdata=None, obj=current)
    return render_template("scoring/exemption.html", form=form, remove_form=RemoveExemptionForm(),
                           enrolment=enrolment, subject=subject, current=current, locked=locked,
                           seen=seen_fingerprint(current), next=_back(course_id)), status


@bp.route(EXEMPTION_URL + "/remove", methods=["POST"])
@login_required
def remove_exemption(course_id: int, enrolment_id: int, subject_id: int):
    enrolment, subject = _load(course_id, enrolment_id, subject_id)
    _lock_or_404(course_id, enrolment)
    if _locked_for_teacher(course_id):
        abort(403)
    if not RemoveExemptionForm().validate_on_submit():
        abort(400)
    current = _current(enrolment, subject)
    if _changed_meanwhile(current):
        db.session.rollback()
        flash(_("Not removed: this exemption was changed elsewhere meanwhile. "
                "Check what is stored now."), "error")
        return render_template(
            "scoring/exemption.html", form=ExemptionForm(formdata=None, obj=current),
            remove_form=RemoveExemptionForm(), enrolment=enrolment, subject=subject,
            current=current, locked=False, seen=seen_fingerprint(current),
            next=_back(course_id)), 409
    if current is not None:
        audit.record("delete", "exemption", current.id, field=f"subject_{subject.id}",
                     old=_describe(current), new=None, course_id=course_id)
        db.session.delete(current)
        db.session.commit()
        flash(_("Exemption removed: %(subject)s needs a score again.", subject=subject.name),
              "success")
    return redirect(_back(course_id), 303)
