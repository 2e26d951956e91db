"""Schools: list, create, edit, delete (only while nothing depends on them)."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from teacherapp.admin import bp
from teacherapp.admin.crud import Screen, register
from teacherapp.admin.forms import SchoolForm
from teacherapp.extensions import db
from teacherapp.models import Course, Pupil, School
from teacherapp.permissions import secretariat_required


def _form(school: School | None) -> SchoolForm:
    form = SchoolForm(obj=school)
    form.editing_id = school.id if school else None
    return form


def _apply(form: SchoolForm, school: School) -> None:
    school.name = form.name.data.strip()
    school.city = (form.city.data or "").strip()
    school.institution_number = (form.institution_number.data or "").strip() or None
    school.has_bk_curriculum = form.has_bk_curriculum.data


def _count(column, condition) -> int:
    return db.session.scalar(select(func.count(column)).where(condition))


SCREEN = register(bp, Screen(
    name="school", model=School, form=_form, apply=_apply,
    fields=["name", "city", "institution_number", "has_bk_curriculum"],
    label=lambda school: school.name,
    dependants=lambda school: {"courses": _count(Course.id, Course.school_id == school.id),
                               "pupils": _count(Pupil.id, Pupil.school_id == school.id)},
    created=lambda school: _("School %(name)s created.", name=school.name),
    saved=lambda school: _("School %(name)s saved.", name=school.name),
    deleted=lambda school: _("School %(name)s deleted.", name=school.name),
    new_title=lambda: _("New school"),
    edit_title=lambda school: _("Edit school"),
    delete_label=lambda: _("Delete school"),
    listing=lambda: url_for("admin.schools"),
    url_prefix="/schools", id_arg="school_id",
    template="admin/school_form.html",
    context=lambda school: {"school_id": school.id if school else None},
))


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
