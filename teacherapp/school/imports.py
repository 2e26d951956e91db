"""A school coordinator imports her school's pupils into one of its courses and records
their payments, including the payment codes the school bought in advance.

The views are the secretariat's (teacherapp.deliberation.import_views), limited to her
schools' courses: another school's course or enrolment is a 404, a row naming a course that
is not hers is refused, and a known pupil of another school is enrolled without showing or
changing their personal data.
"""

from __future__ import annotations

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

views.register_routes(bp, SCOPE, coordinator_required)
