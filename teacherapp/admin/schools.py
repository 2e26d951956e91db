"""Schools: list, create, edit, delete (only while nothing depends on them)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from teacherapp.admin import bp
from teacherapp.admin.forms import SchoolForm
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
from teacherapp.models import Course, Pupil, School
from teacherapp.permissions import secretariat_required

FIELDS = ["name", "city", "institution_number", "has_bk_curriculum"]


def _apply(form: SchoolForm, school: School) -> None:
    school.name = form.name.data.strip()
    school.city = (form.city.data or "").strip()
    school.institution_number = (form.institution_number.data or "").strip() or None
    school.has_bk_curriculum = form.has_bk_curriculum.data


@bp.route("/schools")
@secretariat_required
def schools():
    course_counts = (select(Course.school_id, func.count(Course.id).label("n"))
                     .group_by(Course.school_id).subquery())
    rows = db.session.execute(
        select(School, func.coalesce(course_counts.c.n, 0))
        .outerjoin(course_counts, course_counts.c.school_id == School.id)
        .order_by(School.name)
    ).all()
    return render_template("admin/schools.html", rows=rows)


@bp.route("/schools/new", methods=["GET", "POST"])
@secretariat_required
def school_new():
    form = SchoolForm()
    if form.validate_on_submit():
        school = School()
        _apply(form, school)
        db.session.add(school)
        record_create("school", school, FIELDS)
        db.session.commit()
        flash(_("School %(name)s created.", name=school.name), "success")
        return redirect(url_for("admin.schools"))
    return render_template("admin/form.html", form=form, title=_("New school"),
                           back_url=url_for("admin.schools")), 422 if form.errors else 200


@bp.route("/schools/<int:school_id>/edit", methods=["GET", "POST"])
@secretariat_required
def school_edit(school_id: int):
    school = get_or_404(School, school_id)
    form = SchoolForm(obj=school)
    form.editing_id = school.id
    if form.validate_on_submit():
        before = snapshot(school, FIELDS)
        _apply(form, school)
        record_changes("school", school, before)
        db.session.commit()
        flash(_("School %(name)s saved.", name=school.name), "success")
        return redirect(url_for("admin.schools"))
    return render_template("admin/form.html", form=form, title=_("Edit school"),
                           back_url=url_for("admin.schools"),
                           delete_url=url_for("admin.school_delete", school_id=school.id),
                           delete_label=_("Delete school")), 422 if form.errors else 200


@bp.route("/schools/<int:school_id>/delete", methods=["POST"])
@secretariat_required
def school_delete(school_id: int):
    school = get_or_404(School, school_id)
    refusals = delete_refusals(
        courses=db.session.scalar(select(func.count(Course.id)).where(Course.school_id == school.id)),
        pupils=db.session.scalar(select(func.count(Pupil.id)).where(Pupil.school_id == school.id)),
    )
    if refusals:
        flash(_("%(name)s cannot be deleted: %(reasons)s.", name=school.name,
                reasons=refusal_text(refusals)), "error")
        return redirect(url_for("admin.school_edit", school_id=school.id))
    record_delete("school", school, school.name)
    db.session.delete(school)
    db.session.commit()
    flash(_("School %(name)s deleted.", name=school.name), "success")
    return redirect(url_for("admin.schools"))
