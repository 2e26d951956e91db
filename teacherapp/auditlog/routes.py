"""The secretariat browses and filters the audit log: who changed what, when."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from teacherapp.auditlog import bp
from teacherapp.auditlog.logic import PAGE_SIZE, filtered_events_query, page_window, parse_filters
from teacherapp.extensions import db
from teacherapp.htmx import render_page_or_partial
from teacherapp.models import AuditEvent, Course
from teacherapp.permissions import secretariat_required

ERROR_MESSAGES = {
    "bad_date": _l("Use a date like 31/01/2027."),
    "to_before_from": _l("The end date lies before the start date."),
    "bad_course": _l("Choose a course from the list."),
}


def _choices(column) -> list[str]:
    return list(db.session.scalars(select(column).distinct().order_by(column)))


@bp.route("/")
@secretariat_required
def index():
    filters = parse_filters(request.args)
    offset, limit = page_window(filters)
    rows = db.session.scalars(
        filtered_events_query(filters)
        .options(joinedload(AuditEvent.actor))
        .offset(offset).limit(limit)
    ).all()
    courses = db.session.scalars(
        select(Course).options(joinedload(Course.course_type), joinedload(Course.school))
        .order_by(Course.school_year.desc(), Course.id)
    ).unique().all()
    errors = {key: ERROR_MESSAGES[code] for key, code in filters.errors.items()}
    response = render_page_or_partial(
        "auditlog/index.html", "auditlog/_results.html",
        filters=filters, events=rows[:PAGE_SIZE], has_next=len(rows) > PAGE_SIZE,
        actions=_choices(AuditEvent.action), entities=_choices(AuditEvent.entity),
        courses=courses, course_titles={c.id: c for c in courses}, errors=errors,
    )
    if errors:
        response.status_code = 422
    return response
