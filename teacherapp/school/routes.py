"""A school coordinator plans her schools' exam moments, links their teachers, follows the year.

Every object is loaded through teacherapp.permissions' school helpers: a course, subject or
teacher of another school is a 404. She never enters scores, submits, or changes recognitions.
"""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from teacherapp.admin.course_teachers import (
    PanelUrls,
    link_teacher,
    panel_or_redirect,
    teacher_panel_context,
    unlink_teacher,
)
from teacherapp.admin.exam_moments import apply_moments, fill_moments, planned_dates
from teacherapp.admin.forms import ExamMomentsForm, TeacherLinkForm
from teacherapp.deliberation.routes import deliberation_words, render_overview
from teacherapp.extensions import db
from teacherapp.models import Course, School, Subject
from teacherapp.permissions import (
    coordinated_school_ids,
    coordinator_required,
    get_school_course_or_404,
    get_school_subject_or_404,
    get_school_teacher_or_404,
    school_courses_query,
    school_teachers_query,
)
from teacherapp.school import bp
from teacherapp.write_locks import lock_course

# The overview's table is the deliberation area's: it needs the same words.
bp.context_processor(deliberation_words)

PANEL = PanelUrls(link="school.teacher_link", unlink="school.teacher_unlink", teacher=None,
                  back="school.course")


def render_school_home():
    """Her schools and their courses (also the home page of a coordinator)."""
    schools = list(db.session.scalars(
        select(School).where(School.id.in_(coordinated_school_ids())).order_by(School.name)))
    courses = list(db.session.scalars(
        school_courses_query().options(selectinload(Course.course_type))
        .order_by(Course.school_year.desc(), Course.start_date, Course.id)))
    return render_template("school/index.html", schools=schools, courses=courses)


@bp.route("/")
@coordinator_required
def index():
    return render_school_home()


@bp.route("/courses/<int:course_id>")
@coordinator_required
def course(course_id: int):
    course = get_school_course_or_404(course_id)
    subjects = list(db.session.scalars(
        select(Subject).where(Subject.course_id == course.id)
        .options(selectinload(Subject.exam_moments)).order_by(Subject.position, Subject.id)))
    return render_template("school/course.html", subjects=subjects,
                           **teacher_panel_context(course, urls=PANEL,
                                                   teachers=school_teachers_query(course.school_id)))


def _moments_form(course: Course, subject: Subject) -> ExamMomentsForm:
    form = ExamMomentsForm()
    form.school_year, form.today = course.school_year, date.today()
    form.planned = planned_dates(subject)
    if not form.is_submitted():
        fill_moments(form, subject)
    return form


@bp.route("/courses/<int:course_id>/subjects/<int:subject_id>/moments", methods=["GET", "POST"])
@coordinator_required
def exam_moments(course_id: int, subject_id: int):
    subject = get_school_subject_or_404(course_id, subject_id)
    course = subject.course
    form = _moments_form(course, subject)
    if form.validate_on_submit():
        lock_course(course.id)
        apply_moments(form, subject)
        db.session.commit()
        flash(_("Exam moments of %(name)s saved.", name=subject.name), "success")
        return redirect(url_for("school.course", course_id=course.id, _anchor="subjects"))
    return render_template("school/exam_moments.html", form=form, course=course,
                           subject=subject), 422 if form.errors else 200


@bp.route("/courses/<int:course_id>/teachers", methods=["POST"])
@coordinator_required
def teacher_link(course_id: int):
    course = get_school_course_or_404(course_id)
    teachers = school_teachers_query(course.school_id)
    form = TeacherLinkForm()
    if not form.validate_on_submit():
        return panel_or_redirect(course, _("Choose a teacher to link."), ok=False, urls=PANEL,
                                 teachers=teachers)
    teacher = get_school_teacher_or_404(course.school_id, form.teacher_id.data)
    message, ok = link_teacher(course, teacher)
    return panel_or_redirect(course, message, ok, urls=PANEL, teachers=teachers)


@bp.route("/courses/<int:course_id>/teachers/<int:teacher_id>/unlink", methods=["POST"])
@coordinator_required
def teacher_unlink(course_id: int, teacher_id: int):
    course = get_school_course_or_404(course_id)
    message = unlink_teacher(course, teacher_id)
    return panel_or_redirect(course, message, ok=True, urls=PANEL,
                             teachers=school_teachers_query(course.school_id))


@bp.route("/overview")
@coordinator_required
def overview():
    return render_overview(tuple(coordinated_school_ids()), school_view=True,
                           overview_endpoint="school.overview")
