"""Linking teachers to a course: only teachers recognised for the course's type."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, and_, select

from teacherapp import audit
from teacherapp.admin import bp
from teacherapp.admin.forms import TeacherLinkForm
from teacherapp.admin.helpers import LINK_REFUSAL_MESSAGES, get_or_404
from teacherapp.admin.logic import LinkRefusal, link_refusal
from teacherapp.extensions import db
from teacherapp.htmx import is_htmx_request
from teacherapp.models import Course, CourseTeacher, Recognition, Role, User
from teacherapp.permissions import secretariat_required
from teacherapp.write_locks import lock_course


@dataclass(frozen=True)
class Candidate:
    teacher: User
    refusal: LinkRefusal | None

    @property
    def reason(self) -> str:
        return str(LINK_REFUSAL_MESSAGES[self.refusal]) if self.refusal else ""


def _candidates(course: Course, teachers: Select[tuple[User]] | None = None
                ) -> tuple[list[tuple[CourseTeacher, Recognition | None]], list[Candidate]]:
    """Linked teachers (with their recognition), and every other teacher with why not.

    `teachers`: the teachers to consider (a school coordinator's: her school's); all by default.
    """
    pool = (teachers if teachers is not None
            else select(User).where(User.role == Role.TEACHER)).subquery()
    rows = db.session.execute(
        select(User, Recognition, CourseTeacher)
        .join(pool, pool.c.id == User.id)
        .outerjoin(Recognition, and_(Recognition.teacher_id == User.id,
                                     Recognition.course_type_id == course.course_type_id))
        .outerjoin(CourseTeacher, and_(CourseTeacher.teacher_id == User.id,
                                       CourseTeacher.course_id == course.id))
        .where(User.role == Role.TEACHER)
        .order_by(User.full_name)
    ).all()
    linked, others = [], []
    for teacher, recognition, link in rows:
        if link is not None:
            linked.append((link, recognition))
            continue
        others.append(Candidate(teacher, _refusal(course, teacher, recognition)))
    return linked, others


def _refusal(course: Course, teacher: User, recognition: Recognition | None,
             already_linked: bool = False):
    return link_refusal(active=teacher.active, has_recognition=recognition is not None,
                        recognition_revoked=recognition is not None and not recognition.is_valid,
                        already_linked=already_linked,
                        basis=recognition.basis if recognition is not None else None,
                        track=course.track)


@dataclass(frozen=True)
class PanelUrls:
    """Where the teacher panel's forms post, per area (the secretariat's or the school's)."""

    link: str
    unlink: str  # an endpoint taking course_id and teacher_id
    teacher: str | None  # a teacher's own page, if this user may open it
    back: str  # the course page a plain form returns to


ADMIN_PANEL = PanelUrls(link="admin.course_teacher_link", unlink="admin.course_teacher_unlink",
                        teacher="admin.teacher", back="admin.course")


def teacher_panel_context(course: Course, error: str | None = None, urls: PanelUrls = ADMIN_PANEL,
                          teachers: Select[tuple[User]] | None = None) -> dict:
    linked, others = _candidates(course, teachers)
    return {"course": course, "linked": linked, "error": error, "urls": urls,
            "linkable": [c for c in others if c.refusal is None],
            "not_linkable": [c for c in others if c.refusal is not None]}


def panel_or_redirect(course: Course, message: str, ok: bool, urls: PanelUrls = ADMIN_PANEL,
                      teachers: Select[tuple[User]] | None = None):
    """htmx gets the refreshed teacher panel; a plain form goes back to the course page."""
    if is_htmx_request():
        context = teacher_panel_context(course, error=None if ok else message, urls=urls,
                                        teachers=teachers)
        context["message"] = message if ok else None
        return render_template("admin/_course_teachers.html", **context), 200 if ok else 422
    flash(message, "success" if ok else "error")
    return redirect(url_for(urls.back, course_id=course.id, _anchor="teachers"))


def link_teacher(course: Course, teacher: User) -> tuple[str, bool]:
    """Link the teacher if the regulation allows it (recognised for the type, on a basis that
    covers the track); the message to show and whether it was linked. Commits."""
    lock_course(course.id)  # the check and the write see the same course, whoever is faster
    recognition = db.session.scalar(select(Recognition).where(
        Recognition.teacher_id == teacher.id, Recognition.course_type_id == course.course_type_id))
    already = db.session.scalar(select(CourseTeacher.id).where(
        CourseTeacher.course_id == course.id, CourseTeacher.teacher_id == teacher.id)) is not None
    refusal = _refusal(course, teacher, recognition, already)
    if refusal is not None:
        db.session.rollback()
        return _("%(name)s cannot be linked: %(reason)s.", name=teacher.full_name,
                 reason=LINK_REFUSAL_MESSAGES[refusal]), False
    link = CourseTeacher(course_id=course.id, teacher_id=teacher.id, linked_by_id=current_user.id)
    db.session.add(link)
    db.session.flush()
    audit.record("link", "course_teacher", link.id, new=teacher.email, course_id=course.id)
    db.session.commit()
    return _("%(name)s linked.", name=teacher.full_name), True


def unlink_teacher(course: Course, teacher_id: int) -> str:
    """Unlink a linked teacher (404 if not linked); the message to show. Commits."""
    lock_course(course.id)  # saves in progress finish first; later ones see the link gone
    link = db.session.scalar(select(CourseTeacher).where(
        CourseTeacher.course_id == course.id, CourseTeacher.teacher_id == teacher_id))
    if link is None:
        abort(404)
    name = link.teacher.full_name
    audit.record("unlink", "course_teacher", link.id, old=link.teacher.email, course_id=course.id)
    db.session.delete(link)
    db.session.commit()
    return _("%(name)s unlinked.", name=name)


@bp.route("/courses/<int:course_id>/teachers", methods=["POST"])
@secretariat_required
def course_teacher_link(course_id: int):
    course = get_or_404(Course, course_id)
    form = TeacherLinkForm()
    if not form.validate_on_submit():
        return panel_or_redirect(course, _("Choose a teacher to link."), ok=False)
    teacher = db.session.get(User, form.teacher_id.data)
    if teacher is None or teacher.role != Role.TEACHER:
        abort(404)
    return panel_or_redirect(course, *link_teacher(course, teacher))


@bp.route("/courses/<int:course_id>/teachers/<int:teacher_id>/unlink", methods=["POST"])
@secretariat_required
def course_teacher_unlink(course_id: int, teacher_id: int):
    course = get_or_404(Course, course_id)
    return panel_or_redirect(course, unlink_teacher(course, teacher_id), ok=True)
