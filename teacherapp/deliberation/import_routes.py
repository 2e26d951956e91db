"""Importing a course's pupils (upload, preview, confirm) and setting payments by hand."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import RequestEntityTooLarge

from teacherapp import audit
from teacherapp.database import end_read_transaction
from teacherapp.deliberation import bp, pending
from teacherapp.deliberation.forms import ConfirmImportForm, ImportForm, PaymentForm
from teacherapp.deliberation.imports import apply_plan, plan_for_course
from teacherapp.deliberation.logic import check_columns
from teacherapp.deliberation.messages import FILE_ERRORS, file_error
from teacherapp.extensions import db
from teacherapp.htmx import is_htmx_request
from teacherapp.models import Enrolment, PaymentMethod, Pupil, School
from teacherapp.models.types import utcnow
from teacherapp.permissions import get_course_or_404, get_enrolment_or_404, secretariat_required
from teacherapp.tabular import TabularFileError, read_table

DEFAULT_IMPORT_MAX_BYTES = 2 * 1024 * 1024


def _import_limit() -> int:
    return int(current_app.config.get("DELIBERATION_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


def _too_large_message() -> str:
    megabytes = _import_limit() / (1024 * 1024)
    return _("The file is larger than %(limit)s MB. Remove columns or rows you do not need, "
             "or split the list.", limit=f"{megabytes:g}".replace(".", ","))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """An upload over the app's limit: show the import page with the reason, not a bare 413."""
    course_id = (request.view_args or {}).get("course_id")
    if course_id is None or not current_user.is_authenticated or not current_user.is_secretariat:
        return error
    course = get_course_or_404(course_id)
    form = ImportForm(formdata=None)
    form.file.errors = [_too_large_message()]
    return render_template("deliberation/import.html", course=course, form=form), 413


def _parse_and_keep(course_id: int, data: bytes, filename: str) -> tuple[str | None, str | None]:
    """(token of the kept preview, None) or (None, why the file was refused)."""
    if len(data) > _import_limit():
        return None, _too_large_message()
    try:
        table = read_table(data, filename)
    except TabularFileError as exc:
        return None, file_error(exc.code)
    problem = check_columns(table)
    if problem:
        return None, str(FILE_ERRORS[problem])
    try:
        return pending.save(current_app.instance_path, current_user.id, course_id, filename,
                            table), None
    except pending.PendingTooLarge:
        return None, _("The list is too large to preview. Split it into smaller files.")


@bp.route("/courses/<int:course_id>/import-pupils", methods=["GET", "POST"])
@secretariat_required
def import_pupils(course_id: int):
    course = get_course_or_404(course_id)
    form = ImportForm()
    if form.validate_on_submit():
        end_read_transaction()  # never writes: the file is read without holding a transaction
        upload = form.file.data
        token, error = _parse_and_keep(course_id, upload.read(_import_limit() + 1),
                                       upload.filename or "")
        if token:
            return redirect(url_for(".import_preview", course_id=course_id, token=token))
        form.file.errors = [error]
    status = 422 if form.errors else 200
    return render_template("deliberation/import.html", course=course, form=form), status


def _pending_or_redirect(course_id: int, token: str, user_id: int):
    upload = pending.load(current_app.instance_path, user_id, token)
    if upload is None or upload.course_id != course_id:
        flash(_("This import is no longer waiting: it was confirmed, cancelled or is more than "
                "six hours old. Upload the file again."), "warning")
        return None, redirect(url_for(".import_pupils", course_id=course_id))
    return upload, None


@bp.route("/courses/<int:course_id>/import-pupils/<token>", methods=["GET", "POST"])
@secretariat_required
def import_preview(course_id: int, token: str):
    get_course_or_404(course_id)
    user_id = current_user.id
    end_read_transaction()
    upload, gone = _pending_or_redirect(course_id, token, user_id)  # from disk, no transaction
    if gone:
        return gone
    # The plan and its signature check are read in the transaction that writes the import.
    course = get_course_or_404(course_id)
    plan = plan_for_course(course, upload.table, upload.uploaded_at)
    form = ConfirmImportForm(signature=plan.signature())
    if form.validate_on_submit():
        if form.signature.data != plan.signature():
            flash(_("The pupils of this course changed since the preview. Check the new "
                    "preview and confirm again."), "warning")
            return redirect(url_for(".import_preview", course_id=course.id, token=token))
        outcome = apply_plan(course, plan)
        db.session.commit()
        pending.discard(current_app.instance_path, current_user.id, token)
        flash(_("Import done: %(created)s new pupils, %(enrolled)s known pupils enrolled, "
                "%(updated)s updated.", created=outcome.created, enrolled=outcome.enrolled,
                updated=outcome.updated), "success")
        return redirect(url_for(".payments", course_id=course.id))
    other_ids = {r.other_school_id for r in plan.rows if r.other_school_id is not None}
    other_schools = dict(db.session.execute(
        select(School.id, School.name).where(School.id.in_(other_ids))).all()) if other_ids else {}
    return render_template("deliberation/import_preview.html", course=course, upload=upload,
                           plan=plan, form=form, other_schools=other_schools)


@bp.route("/courses/<int:course_id>/import-pupils/<token>/cancel", methods=["POST"])
@secretariat_required
def import_cancel(course_id: int, token: str):
    course = get_course_or_404(course_id)
    pending.discard(current_app.instance_path, current_user.id, token)
    flash(_("Import cancelled; nothing was changed."), "success")
    return redirect(url_for(".import_pupils", course_id=course.id))


# ---------------------------------------------------------------- payments by hand


def _payment_state(enrolment: Enrolment) -> str:
    return enrolment.payment_method.value if enrolment.payment_method else "unpaid"


def _payment_form(enrolment: Enrolment, formdata=None) -> PaymentForm:
    form = PaymentForm(formdata=formdata, prefix=f"e{enrolment.id}",
                       state=_payment_state(enrolment), code=enrolment.payment_code or "")
    return form


@bp.route("/courses/<int:course_id>/payments")
@secretariat_required
def payments(course_id: int):
    course = get_course_or_404(course_id)
    enrolments = db.session.scalars(
        select(Enrolment).join(Pupil).options(joinedload(Enrolment.pupil))
        .where(Enrolment.course_id == course.id).order_by(Pupil.last_name, Pupil.first_name)
    ).all()
    rows = [(e, _payment_form(e)) for e in enrolments]
    paid = sum(1 for e in enrolments if e.is_paid)
    return render_template("deliberation/payments.html", course=course, rows=rows, paid=paid)


@bp.route("/courses/<int:course_id>/payments/<int:enrolment_id>", methods=["POST"])
@secretariat_required
def set_payment(course_id: int, enrolment_id: int):
    enrolment = get_enrolment_or_404(course_id, enrolment_id)
    form = _payment_form(enrolment, formdata=request.form)
    saved = False
    if form.validate():
        old = (_payment_state(enrolment), enrolment.payment_code)
        state = form.state.data
        if state == "unpaid":
            enrolment.paid_at = enrolment.payment_method = enrolment.payment_code = None
        else:
            if enrolment.paid_at is None:
                enrolment.paid_at = utcnow()
            enrolment.payment_method = PaymentMethod(state)
            enrolment.payment_code = form.code.data or None
        new = (_payment_state(enrolment), enrolment.payment_code)
        if new != old:
            audit.record("update", "enrolment", enrolment.id, field="payment",
                         old=" ".join(v for v in old if v), new=" ".join(v for v in new if v),
                         course_id=course_id)
            db.session.commit()
        saved = True
        if not is_htmx_request():
            flash(_("Payment of %(name)s saved.", name=enrolment.pupil.full_name), "success")
            return redirect(url_for(".payments", course_id=course_id))
    elif not is_htmx_request():
        flash(_("Payment of %(name)s not saved: %(error)s", name=enrolment.pupil.full_name,
                error=" ".join(form.code.errors + form.state.errors)), "error")
        return redirect(url_for(".payments", course_id=course_id))
    # Only htmx gets here: the row answers for itself, with its saved state or its error.
    return render_template("deliberation/_payment_row.html", course=enrolment.course,
                           enrolment=enrolment, form=form, saved=saved), (200 if saved else 422)
