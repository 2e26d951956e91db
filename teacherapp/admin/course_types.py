"""Course types: hours, minimum age, fee, refresher group."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from teacherapp.admin import bp
from teacherapp.admin.crud import Screen, register
from teacherapp.admin.forms import CourseTypeForm
from teacherapp.extensions import db
from teacherapp.models import ContentItem, Course, CourseType, Recognition, Rubric
from teacherapp.permissions import secretariat_required


def _form(course_type: CourseType | None) -> CourseTypeForm:
    form = CourseTypeForm(obj=course_type)
    form.editing_id = course_type.id if course_type else None
    return form


def _apply(form: CourseTypeForm, course_type: CourseType) -> None:
    course_type.code = form.code.data.strip()
    course_type.name = form.name.data.strip()
    course_type.sport = (form.sport.data or "").strip() or None
    course_type.hours = form.hours.data
    course_type.minimum_age = form.minimum_age.data
    course_type.fee = form.fee.data
    course_type.refresher_group = form.refresher_group.data.strip()
    course_type.has_internship = form.has_internship.data
    course_type.admission_requirement = (form.admission_requirement.data or "").strip() or None
    course_type.generic_test_iri = (form.generic_test_iri.data or "").strip() or None


def _count(column, condition) -> int:
    return db.session.scalar(select(func.count(column)).where(condition))


def _dependants(course_type: CourseType) -> dict[str, int]:
    return {
        "courses": _count(Course.id, Course.course_type_id == course_type.id),
        "rubrics": _count(Rubric.id, Rubric.course_type_id == course_type.id),
        "content": _count(ContentItem.id, ContentItem.course_type_id == course_type.id),
        "recognitions": _count(Recognition.id, Recognition.course_type_id == course_type.id),
    }


SCREEN = register(bp, Screen(
    name="course_type", model=CourseType, form=_form, apply=_apply,
    fields=["code", "name", "sport", "hours", "minimum_age", "fee", "refresher_group",
            "has_internship", "admission_requirement", "generic_test_iri"],
    label=lambda course_type: course_type.code, dependants=_dependants,
    created=lambda course_type: _("Course type %(code)s created.", code=course_type.code),
    saved=lambda course_type: _("Course type %(code)s saved.", code=course_type.code),
    deleted=lambda course_type: _("Course type %(code)s deleted.", code=course_type.code),
    new_title=lambda: _("New course type"),
    edit_title=lambda course_type: _("Edit course type %(code)s", code=course_type.code),
    delete_label=lambda: _("Delete course type"),
    intro=lambda course_type: _("A new minimum age applies to pupils admitted from now on; "
                                "pupils already enrolled keep the minimum age they were "
                                "admitted under."),
    listing=lambda: url_for("admin.course_types"),
    url_prefix="/course-types", id_arg="course_type_id",
))


@bp.route("/course-types")
@secretariat_required
def course_types():
    counts = (select(Course.course_type_id, func.count(Course.id).label("n"))
              .group_by(Course.course_type_id).subquery())
    rows = db.session.execute(
        select(CourseType, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.course_type_id == CourseType.id).order_by(CourseType.code)
    ).all()
    return render_template("admin/course_types.html", rows=rows)
