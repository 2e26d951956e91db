"""The secretariat's set-up landing page: one link per screen, with counts."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from teacherapp.admin import bp
from teacherapp.extensions import db
from teacherapp.models import ContentItem, Course, CourseType, Role, Rubric, School, User
from teacherapp.permissions import secretariat_required


@bp.route("/")
@secretariat_required
def index():
    counts = {
        name: db.session.scalar(query)
        for name, query in {
            "schools": select(func.count(School.id)),
            "teachers": select(func.count(User.id)).where(User.role == Role.TEACHER),
            "course_types": select(func.count(CourseType.id)),
            "courses": select(func.count(Course.id)),
            "rubrics": select(func.count(Rubric.id)),
            "content_items": select(func.count(ContentItem.id)),
        }.items()
    }
    return render_template("admin/index.html", counts=counts)


@bp.context_processor
def _labels() -> dict:
    """Translated names of the closed value sets, for every admin template."""
    from teacherapp.admin.forms import BASIS_LABELS, CONTENT_KIND_LABELS, SUBJECT_KIND_LABELS

    return {"basis_labels": BASIS_LABELS, "content_kind_labels": CONTENT_KIND_LABELS,
            "subject_kind_labels": SUBJECT_KIND_LABELS}
