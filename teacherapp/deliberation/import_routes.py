"""The secretariat's pupil import (upload, preview, confirm) and payments, for any course.

The views are teacherapp.deliberation.import_views', shared with the school coordinator.
"""

from __future__ import annotations

from teacherapp.deliberation import bp
from teacherapp.deliberation import import_views as views
from teacherapp.models import Role
from teacherapp.permissions import get_course_or_404, get_enrolment_or_404, secretariat_required

SCOPE = views.CourseScope(
    blueprint="deliberation", role=Role.SECRETARIAT, load_course=get_course_or_404,
    load_enrolment=get_enrolment_or_404, courses=lambda: None, protect_other_schools=False)

views.register_routes(bp, SCOPE, secretariat_required)
