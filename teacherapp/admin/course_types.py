"""Course types: hours, minimum age, fee, refresher group."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from teacherapp.admin import bp
from teacherapp.admin.forms import CourseTypeForm
from teacherapp.admin.helpers import (
    get_or_404,
    record_changes,
    record_create,
    record_delete,
    refusal_text,
    snapshot,
)
from teacherapp.admin.logic import delete_refusals
from teacherapp.extensions import db
from teacherapp.models import ContentItem, Course, CourseType, Recognition, Rubric
from teacherapp.permissions import secretariat_required

FIELDS = ["code", "name", "sport", "hours", "minimum_age", "fee", "refresher_group", "has_internship",
          "generic_test_iri"]


def _apply(form: CourseTypeForm, course_type: CourseType) -> None:
    course_type.code = form.code.data.strip()
    course_type.name = form.name.data.strip()
    course_type.sport = (form.sport.data or "").strip() or None
    course_type.hours = form.hours.data
    course_type.minimum_age = form.minimum_age.data
    course_type.fee = form.fee.data
    course_type.refresher_group = form.refresher_group.data.strip()
    course_type.has_internship = form.has_internship.data
    course_type.generic_test_iri = (form.generic_test_iri.data or "").strip() or None


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


@bp.route("/course-types/new", methods=["GET", "POST"])
@secretariat_required
def course_type_new():
    form = CourseTypeForm()
    if form.validate_on_submit():
        course_type = CourseType()
        _apply(form, course_type)
        db.session.add(course_type)
        record_create("course_type", course_type, FIELDS)
        db.session.commit()
        flash(_("Course type %(code)s created.", code=course_type.code), "success")
        return redirect(url_for("admin.course_types"))
    return render_template("admin/form.html", form=form, title=_("New course type"),
                           back_url=url_for("admin.course_types")), 422 if form.errors else 200


@bp.route("/course-types/<int:course_type_id>/edit", methods=["GET", "POST"])
@secretariat_required
def course_type_edit(course_type_id: int):
    course_type = get_or_404(CourseType, course_type_id)
    form = CourseTypeForm(obj=course_type)
    form.editing_id = course_type.id
    if form.validate_on_submit():
        before = snapshot(course_type, FIELDS)
        _apply(form, course_type)
        record_changes("course_type", course_type, before)
        db.session.commit()
        flash(_("Course type %(code)s saved.", code=course_type.code), "success")
        return redirect(url_for("admin.course_types"))
    return render_template(
        "admin/form.html", form=form, title=_("Edit course type %(code)s", code=course_type.code),
        intro=_("A new minimum age applies to enrolments checked from now on."),
        back_url=url_for("admin.course_types"),
        delete_url=url_for("admin.course_type_delete", course_type_id=course_type.id),
        delete_label=_("Delete course type")), 422 if form.errors else 200


@bp.route("/course-types/<int:course_type_id>/delete", methods=["POST"])
@secretariat_required
def course_type_delete(course_type_id: int):
    course_type = get_or_404(CourseType, course_type_id)

    def count(column, condition) -> int:
        return db.session.scalar(select(func.count(column)).where(condition))

    refusals = delete_refusals(
        courses=count(Course.id, Course.course_type_id == course_type.id),
        rubrics=count(Rubric.id, Rubric.course_type_id == course_type.id),
        content=count(ContentItem.id, ContentItem.course_type_id == course_type.id),
        recognitions=count(Recognition.id, Recognition.course_type_id == course_type.id),
    )
    if refusals:
        flash(_("%(name)s cannot be deleted: %(reasons)s.", name=course_type.code,
                reasons=refusal_text(refusals)), "error")
        return redirect(url_for("admin.course_type_edit", course_type_id=course_type.id))
    record_delete("course_type", course_type, course_type.code)
    db.session.delete(course_type)
    db.session.commit()
    flash(_("Course type %(code)s deleted.", code=course_type.code), "success")
    return redirect(url_for("admin.course_types"))
