"""Courses: list with filters, create, edit, and the course page (teachers, subjects)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from teacherapp.admin import bp
from teacherapp.admin.course_teachers import teacher_panel_context
from teacherapp.admin.forms import CopySubjectsForm, CourseForm, course_type_choices, school_choices
from teacherapp.admin.helpers import get_or_404, record_changes, record_create, snapshot
from teacherapp.admin.logic import TrackProblem, course_type_change_blocked, track_problem
from teacherapp.extensions import db
from teacherapp.models import Course, CourseTeacher, CourseType, Enrolment, School, Subject
from teacherapp.parsing import parse_id
from teacherapp.permissions import secretariat_required

FIELDS = ["course_type_id", "school_id", "school_year", "track", "start_date", "group_name"]


def _course_form(course: Course | None = None) -> CourseForm:
    form = CourseForm(obj=course)
    form.course_type_id.choices = course_type_choices()
    form.school_id.choices = school_choices()
    return form


def _domain_errors(form: CourseForm, course: Course | None) -> bool:
    """Checks that need the database; adds messages to the form. True when all is well."""
    ok = True
    school = db.session.get(School, form.school_id.data)
    if school is None:
        form.school_id.errors.append(_("Choose a school from the list."))
        return False
    course_type = db.session.get(CourseType, form.course_type_id.data)
    if course_type is None:
        form.course_type_id.errors.append(_("Choose a course type from the list."))
        return False
    problem = track_problem(form.track.data, school.has_bk_curriculum, course_type.code)
    if problem == TrackProblem.TRACK_2_NOT_FOR_COURSE_TYPE:
        form.track.errors.append(_("Track 2 exists only for Start 2 Coach and Multimove "
                                   "(Spoor 2: Voor S2C en MM); %(type)s is on track 1.",
                                   type=course_type.name))
        ok = False
    elif problem == TrackProblem.TRACK_2_NEEDS_BK_SCHOOL:
        form.track.errors.append(_("Track 2 is only for schools with the BK curriculum; %(school)s "
                                   "does not have it.", school=school.name))
        ok = False
    if course is not None and form.course_type_id.data != course.course_type_id:
        def count(column, condition) -> int:
            return db.session.scalar(select(func.count(column)).where(condition))

        if course_type_change_blocked(
            teachers_linked=count(CourseTeacher.id, CourseTeacher.course_id == course.id),
            enrolments=count(Enrolment.id, Enrolment.course_id == course.id),
            subjects_with_rubric=count(Subject.id, (Subject.course_id == course.id)
                                       & Subject.rubric_id.is_not(None)),
        ):
            form.course_type_id.errors.append(_(
                "The course type can no longer change: teachers, pupils or rubrics depend on it. "
                "Create a new course instead."))
            ok = False
    return ok


def _apply(form: CourseForm, course: Course) -> None:
    course.course_type_id = form.course_type_id.data
    course.school_id = form.school_id.data
    course.school_year = form.school_year.data.strip()
    course.track = form.track.data
    course.start_date = form.start_date.data
    course.group_name = (form.group_name.data or "").strip()


@bp.route("/courses")
@secretariat_required
def courses():
    filters = {key: request.args.get(key, "", type=str) for key in ("school_year", "school_id",
                                                                   "course_type_id")}
    query = select(Course).options(joinedload(Course.course_type), joinedload(Course.school))
    if filters["school_year"]:
        query = query.where(Course.school_year == filters["school_year"])
    if (school_id := parse_id(filters["school_id"])) is not None:
        query = query.where(Course.school_id == school_id)
    if (course_type_id := parse_id(filters["course_type_id"])) is not None:
        query = query.where(Course.course_type_id == course_type_id)
    courses = db.session.scalars(query.order_by(Course.school_year.desc(), Course.start_date,
                                                Course.id)).all()
    ids = [c.id for c in courses]

    def counts(column, key) -> dict[int, int]:
        if not ids:
            return {}
        return dict(db.session.execute(select(key, func.count(column)).where(key.in_(ids))
                                       .group_by(key)).all())

    years = db.session.scalars(select(Course.school_year).distinct()
                               .order_by(Course.school_year.desc())).all()
    return render_template(
        "admin/courses.html", courses=courses, filters=filters,
        years=[SelectChoice(year) for year in years],
        schools=school_choices()[1:], course_types=course_type_choices()[1:],
        teacher_counts=counts(CourseTeacher.id, CourseTeacher.course_id),
        subject_counts=counts(Subject.id, Subject.course_id),
        pupil_counts=counts(Enrolment.id, Enrolment.course_id),
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@secretariat_required
def course_new():
    form = _course_form()
    if form.validate_on_submit() and _domain_errors(form, None):
        course = Course()
        _apply(form, course)
        db.session.add(course)
        db.session.flush()
        record_create("course", course, FIELDS, course_id=course.id)
        db.session.commit()
        flash(_("Course created. Now link a teacher and add the subjects."), "success")
        return redirect(url_for("admin.course", course_id=course.id))
    return render_template("admin/form.html", form=form, title=_("New course"),
                           back_url=url_for("admin.courses")), 422 if form.errors else 200


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@secretariat_required
def course_edit(course_id: int):
    course = get_or_404(Course, course_id)
    form = _course_form(course)
    if form.validate_on_submit() and _domain_errors(form, course):
        before = snapshot(course, FIELDS)
        _apply(form, course)
        record_changes("course", course, before, course_id=course.id)
        db.session.commit()
        flash(_("Course saved."), "success")
        return redirect(url_for("admin.course", course_id=course.id))
    return render_template(
        "admin/form.html", form=form, title=_("Edit course"),
        intro=_("A course is never deleted, so that its history stays; correct its details here."),
        back_url=url_for("admin.course", course_id=course.id)), 422 if form.errors else 200


@bp.route("/courses/<int:course_id>")
@secretariat_required
def course(course_id: int):
    course = db.session.scalars(
        select(Course).where(Course.id == course_id)
        .options(joinedload(Course.course_type), joinedload(Course.school),
                 selectinload(Course.subjects).selectinload(Subject.exam_moments),
                 selectinload(Course.subjects).joinedload(Subject.rubric))
    ).first()
    if course is None:
        abort(404)
    copy_form = CopySubjectsForm()
    copy_form.source_id.choices = copy_source_choices(course)
    pupils = db.session.scalar(select(func.count(Enrolment.id)).where(Enrolment.course_id == course.id))
    return render_template("admin/course.html", copy_form=copy_form, pupils=pupils,
                           **teacher_panel_context(course))


def copy_source_choices(course: Course) -> list[SelectChoice]:
    """Other courses of the same type, newest school year first."""
    rows = db.session.execute(
        select(Course.id, Course.school_year, Course.group_name, School.name)
        .join(School).where(Course.course_type_id == course.course_type_id, Course.id != course.id)
        .order_by(Course.school_year.desc(), School.name, Course.id)
    ).all()
    return [SelectChoice("", _("Choose…"))] + [
        SelectChoice(row.id, f"{row.school_year} · {row.name}" + (f" · {row.group_name}" if row.group_name else ""))
        for row in rows]
