"""A school coordinator imports her school's pupils into one of its courses and records
their payments, including the payment codes the school bought in advance.

The views are the secretariat's (teacherapp.deliberation.import_views), limited to her
schools' courses: another school's course or enrolment is a 404, a row naming a course that
is not hers is refused, and a known pupil of another school is enrolled without showing or
changing their personal data.
"""

from __future__ import annotations

from werkzeug.exceptions import RequestEntityTooLarge

from teacherapp.deliberation import import_views as views
from teacherapp.models import Role
from teacherapp.permissions import (
    coordinator_required,
    get_school_course_or_404,
    get_school_enrolment_or_404,
    school_courses_query,
)
from teacherapp.school import bp

SCOPE = views.CourseScope(
    blueprint="school", role=Role.SCHOOL_COORDINATOR, load_course=get_school_course_or_404,
    load_enrolment=get_school_enrolment_or_404, courses=school_courses_query,
    protect_other_schools=True)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    return views.upload_too_large(SCOPE, error)


@bp.route("/courses/<int:course_id>/import-pupils", methods=["GET", "POST"])
@coordinator_required
def import_pupils(course_id: int):
    return views.import_page(SCOPE, course_id)


@bp.route("/courses/<int:course_id>/import-pupils/<token>", methods=["GET", "POST"])
@coordinator_required
def import_preview(course_id: int, token: str):
    return views.preview_page(SCOPE, course_id, token)


@bp.route("/courses/<int:course_id>/import-pupils/<token>/cancel", methods=["POST"])
@coordinator_required
def import_cancel(course_id: int, token: str):
    return views.cancel(SCOPE, course_id, token)


@bp.route("/courses/<int:course_id>/payments")
@coordinator_required
def payments(course_id: int):
    return views.payments_page(SCOPE, course_id)


@bp.route("/courses/<int:course_id>/payments/<int:enrolment_id>", methods=["POST"])
@coordinator_required
def set_payment(course_id: int, enrolment_id: int):
    return views.set_payment(SCOPE, course_id, enrolment_id)
