"""The pupil import (upload, preview, confirm, cancel) and the payments page, for whoever may
use them: the secretariat for every course, a school coordinator for her schools' courses.

One code path; a CourseScope says which courses may be targeted, how a course or enrolment
is loaded (404 outside the scope), which endpoints and page templates belong to the caller,
and whether known pupils of another school are protected (a coordinator's import enrols
them but never shows or changes their personal data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import RequestEntityTooLarge

from teacherapp.database import end_read_transaction
from teacherapp.deliberation import pending
from teacherapp.deliberation.forms import ConfirmImportForm, ImportForm, PaymentForm
from teacherapp.deliberation.imports import apply_plan, plan_for_course
from teacherapp.deliberation.logic import check_columns
from teacherapp.deliberation.messages import FILE_ERRORS, file_error
from teacherapp.deliberation.payments import payment_state, record_payment
from teacherapp.extensions import db
from teacherapp.htmx import is_htmx_request
from teacherapp.models import Course, Enrolment, Pupil, Role, School
from teacherapp.tabular import TabularFileError, read_table
from teacherapp.write_locks import lock_course

DEFAULT_IMPORT_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class CourseScope:
    """Whose import and payment pages these are."""

    blueprint: str  # "deliberation" or "school": endpoints are <blueprint>.<view>
    role: Role
    load_course: Callable[[int], Course]  # 404 outside the scope
    load_enrolment: Callable[[int, int], Enrolment]  # (course_id, enrolment_id), 404 outside
    courses: Callable[[], Select[tuple[Course]] | None]  # None: every course
    protect_other_schools: bool

    def endpoint(self, view: str) -> str:
        return f"{self.blueprint}.{view}"

    def template(self, page: str) -> str:
        return f"{self.blueprint}/{page}"


def _render(scope: CourseScope, page: str, **context):
    return render_template(scope.template(page), scope=scope, **context)


# ---------------------------------------------------------------- upload


def _import_limit() -> int:
    return int(current_app.config.get("DELIBERATION_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


def _too_large_message() -> str:
    megabytes = _import_limit() / (1024 * 1024)
    return _("The file is larger than %(limit)s MB. Remove columns or rows you do not need, "
             "or split the list.", limit=f"{megabytes:g}".replace(".", ","))


def upload_too_large(scope: CourseScope, error):
    """An upload over the app's limit: the import page with the reason, not a bare 413."""
    course_id = (request.view_args or {}).get("course_id")
    if course_id is None or not current_user.is_authenticated or current_user.role != scope.role:
        return error
    course = scope.load_course(course_id)
    form = ImportForm(formdata=None)
    form.file.errors = [_too_large_message()]
    return _render(scope, "import.html", course=course, form=form), 413


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


def import_page(scope: CourseScope, course_id: int):
    course = scope.load_course(course_id)
    form = ImportForm()
    if form.validate_on_submit():
        end_read_transaction()  # never writes: the file is read without holding a transaction
        upload = form.file.data
        token, error = _parse_and_keep(course_id, upload.read(_import_limit() + 1),
                                       upload.filename or "")
        if token:
            return redirect(url_for(scope.endpoint("import_preview"), course_id=course_id,
                                    token=token))
        form.file.errors = [error]
    status = 422 if form.errors else 200
    return _render(scope, "import.html", course=course, form=form), status


# ---------------------------------------------------------------- preview and confirm


def _pending_or_redirect(scope: CourseScope, course_id: int, token: str, user_id: int):
    upload = pending.load(current_app.instance_path, user_id, token)
    if upload is None or upload.course_id != course_id:
        flash(_("This import is no longer waiting: it was confirmed, cancelled or is more than "
                "six hours old. Upload the file again."), "warning")
        return None, redirect(url_for(scope.endpoint("import_pupils"), course_id=course_id))
    return upload, None


def _other_school_names(scope: CourseScope, plan) -> dict[int, str]:
    """The secretariat sees which school a known pupil comes from; a coordinator never does."""
    if scope.protect_other_schools:
        return {}
    ids = {r.other_school_id for r in plan.rows if r.other_school_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(School.id, School.name).where(School.id.in_(ids))).all())


def preview_page(scope: CourseScope, course_id: int, token: str):
    scope.load_course(course_id)
    user_id = current_user.id
    end_read_transaction()
    upload, gone = _pending_or_redirect(scope, course_id, token, user_id)  # from disk
    if gone:
        return gone
    # The plan and its signature check are read in the transaction that writes the import.
    course = scope.load_course(course_id)
    if request.method == "POST":
        lock_course(course.id)  # a second confirm of the same file waits, then sees it done
    plan = plan_for_course(course, upload.table, upload.uploaded_at, courses=scope.courses(),
                           protect_other_schools=scope.protect_other_schools)
    form = ConfirmImportForm(signature=plan.signature())
    if form.validate_on_submit():
        if form.signature.data != plan.signature():
            flash(_("The pupils of this course changed since the preview. Check the new "
                    "preview and confirm again."), "warning")
            return redirect(url_for(scope.endpoint("import_preview"), course_id=course.id,
                                    token=token))
        outcome = apply_plan(course, plan)
        db.session.commit()
        pending.discard(current_app.instance_path, current_user.id, token)
        flash(_("Import done: %(created)s new pupils, %(enrolled)s known pupils enrolled, "
                "%(updated)s updated.", created=outcome.created, enrolled=outcome.enrolled,
                updated=outcome.updated), "success")
        return redirect(url_for(scope.endpoint("payments"), course_id=course.id))
    return _render(scope, "import_preview.html", course=course, upload=upload, plan=plan,
                   form=form, other_schools=_other_school_names(scope, plan))


def cancel(scope: CourseScope, course_id: int, token: str):
    course = scope.load_course(course_id)
    pending.discard(current_app.instance_path, current_user.id, token)
    flash(_("Import cancelled; nothing was changed."), "success")
    return redirect(url_for(scope.endpoint("import_pupils"), course_id=course.id))


# ---------------------------------------------------------------- payments by hand


def _payment_form(enrolment: Enrolment, formdata=None) -> PaymentForm:
    return PaymentForm(formdata=formdata, prefix=f"e{enrolment.id}",
                       state=payment_state(enrolment), code=enrolment.payment_code or "")


def payments_page(scope: CourseScope, course_id: int):
    course = scope.load_course(course_id)
    enrolments = db.session.scalars(
        select(Enrolment).join(Pupil)
        .options(joinedload(Enrolment.pupil), joinedload(Enrolment.payment_recorded_by))
        .where(Enrolment.course_id == course.id).order_by(Pupil.last_name, Pupil.first_name)
    ).all()
    rows = [(e, _payment_form(e)) for e in enrolments]
    paid = sum(1 for e in enrolments if e.is_paid)
    return _render(scope, "payments.html", course=course, rows=rows, paid=paid)


def set_payment(scope: CourseScope, course_id: int, enrolment_id: int):
    enrolment = scope.load_enrolment(course_id, enrolment_id)
    form = _payment_form(enrolment, formdata=request.form)
    saved = False
    if form.validate():
        if record_payment(enrolment, form.state.data, form.code.data):
            db.session.commit()
        saved = True
        if not is_htmx_request():
            flash(_("Payment of %(name)s saved.", name=enrolment.pupil.full_name), "success")
            return redirect(url_for(scope.endpoint("payments"), course_id=course_id))
    elif not is_htmx_request():
        flash(_("Payment of %(name)s not saved: %(error)s", name=enrolment.pupil.full_name,
                error=" ".join(str(e) for e in [*form.code.errors, *form.state.errors])), "error")
        return redirect(url_for(scope.endpoint("payments"), course_id=course_id))
    # Only htmx gets here: the row answers for itself, with its saved state or its error.
    return render_template("deliberation/_payment_row.html", scope=scope, course=enrolment.course,
                           enrolment=enrolment, form=form, saved=saved), (200 if saved else 422)


def register_routes(bp: Blueprint, scope: CourseScope, required: Callable) -> None:
    """The import and payment routes of one area (the same URLs under its blueprint), each
    behind that area's role check, and its answer to an upload that is too large."""
    views = (
        ("/courses/<int:course_id>/import-pupils", "import_pupils", ["GET", "POST"],
         lambda course_id: import_page(scope, course_id)),
        ("/courses/<int:course_id>/import-pupils/<token>", "import_preview", ["GET", "POST"],
         lambda course_id, token: preview_page(scope, course_id, token)),
        ("/courses/<int:course_id>/import-pupils/<token>/cancel", "import_cancel", ["POST"],
         lambda course_id, token: cancel(scope, course_id, token)),
        ("/courses/<int:course_id>/payments", "payments", ["GET"],
         lambda course_id: payments_page(scope, course_id)),
        ("/courses/<int:course_id>/payments/<int:enrolment_id>", "set_payment", ["POST"],
         lambda course_id, enrolment_id: set_payment(scope, course_id, enrolment_id)),
    )
    for rule, endpoint, methods, view in views:
        bp.add_url_rule(rule, endpoint=endpoint, view_func=required(view), methods=methods)
    bp.register_error_handler(RequestEntityTooLarge, lambda error: upload_too_large(scope, error))
