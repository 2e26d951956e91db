"""The secretariat's pupil import (upload, preview, confirm) and payments, for any course.

The views are teacherapp.deliberation.import_views', shared with the school coordinator.
"""

from __future__ import annotations

from werkzeug.exceptions import RequestEntityTooLarge

from teacherapp.deliberation import bp
from teacherapp.deliberation import import_views as views
from teacherapp.models import Role
from teacherapp.permissions import get_course_or_404, get_enrolment_or_404, secretariat_required

SCOPE = views.CourseScope(
    blueprint="deliberation", role=Role.SECRETARIAT, load_course=get_course_or_404,
    load_enrolment=get_enrolment_or_404, courses=lambda: None, protect_other_schools=False)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    return views.upload_too_large(SCOPE, error)


@bp.route("/courses/<int:course_id>/import-pupils", methods=["GET", "POST"])
@secretariat_required
def import_pupils(course_id: int):
    return views.import_page(SCOPE, course_id)


@bp.route("/courses/<int:course_id>/import-pupils/<token>", methods=["GET", "POST"])
@secretariat_required
def import_preview(course_id: int, token: str):
    return views.preview_page(SCOPE, course_id, token)


@bp.route("/courses/<int:course_id>/import-pupils/<token>/cancel", methods=["POST"])
@secretariat_required
def import_cancel(course_id: int, token: str):
    return views.cancel(SCOPE, course_id, token)


@bp.route("/courses/<int:course_id>/payments")
@secretariat_required
def payments(course_id: int):
    return views.payments_page(SCOPE, course_id)


@bp.route("/courses/<int:course_id>/payments/<int:enrolment_id>", methods=["POST"])
@secretariat_required
def set_payment(course_id: int, enrolment_id: int):
    return views.set_payment(SCOPE, course_id, enrolment_id)
