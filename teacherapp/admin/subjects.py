"""Subjects of a course with an exam moment per sitting; copying them from another course."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from wtforms import SelectChoice

from teacherapp.admin import bp
from teacherapp.admin.courses import copy_source_choices
from teacherapp.admin.crud import Screen, register
from teacherapp.admin.exam_moments import apply_moments, fill_moments
from teacherapp.admin.forms import CopySubjectsForm, SubjectForm
from teacherapp.admin.helpers import (
    get_or_404,
    record_create,
)
from teacherapp.admin.logic import (
    SubjectTemplate,
    maximum_below_scores,
    next_position,
    plan_subject_copy,
)
from teacherapp.extensions import db
from teacherapp.models import Course, Exemption, Rubric, Score, Subject
from teacherapp.permissions import secretariat_required
from teacherapp.rules import format_score

FIELDS = ["name", "kind", "maximum", "pass_mark", "position", "rubric_id"]


def _subject_form(course: Course, subject: Subject | None = None) -> SubjectForm:
    form = SubjectForm(obj=subject)
    form.course_id = course.id
    form.editing_id = subject.id if subject else None
    rubrics = db.session.execute(select(Rubric.id, Rubric.name)
                                 .where(Rubric.course_type_id == course.course_type_id)
                                 .order_by(Rubric.name)).all()
    form.rubric_id.choices = [SelectChoice("", _("No rubric"))] + [
        SelectChoice(r.id, r.name) for r in rubrics]
    if subject is not None and not form.is_submitted():
        fill_moments(form, subject)
    return form


def _apply(form: SubjectForm, subject: Subject, siblings: list[int]) -> None:
    subject.name = form.name.data.strip()
    subject.kind = form.kind.data
    subject.maximum = form.maximum.data
    subject.pass_mark = form.pass_mark.data
    subject.position = form.position.data if form.position.data is not None else next_position(siblings)
    subject.rubric_id = form.rubric_id.data


def _render_form(form: SubjectForm, course: Course, subject: Subject | None):
    return render_template("admin/subject_form.html", form=form, course=course, subject=subject), \
        422 if form.errors else 200


@bp.route("/courses/<int:course_id>/subjects/new", methods=["GET", "POST"])
@secretariat_required
def subject_new(course_id: int):
    course = get_or_404(Course, course_id)
    form = _subject_form(course)
    if form.validate_on_submit():
        subject = Subject(course_id=course.id)
        _apply(form, subject, [s.position for s in course.subjects])
        db.session.add(subject)
        record_create("subject", subject, FIELDS, course_id=course.id)
        apply_moments(form, subject)
        db.session.commit()
        flash(_("Subject %(name)s added.", name=subject.name), "success")
        return redirect(url_for("admin.course", course_id=course.id, _anchor="subjects"))
    return _render_form(form, course, None)


def _highest_score_fits(form: SubjectForm, subject: Subject) -> bool:
    """Lowering a maximum under a score already entered would make that score invalid."""
    highest = db.session.scalar(select(func.max(Score.value)).where(Score.subject_id == subject.id))
    if maximum_below_scores(form.maximum.data, highest):
        form.maximum.errors.append(_("A score of %(score)s was already entered; the maximum "
                                     "cannot be lower.", score=format_score(highest)))
        return True
    return False


def _entered(subject: Subject) -> int:
    return (db.session.scalar(select(func.count(Score.id)).where(Score.subject_id == subject.id))
            + db.session.scalar(select(func.count(Exemption.id))
                                .where(Exemption.subject_id == subject.id)))


def _course_page(subject: Subject) -> str:
    return url_for("admin.course", course_id=subject.course_id, _anchor="subjects")


# Subjects are created under their course (subject_new above); edit and delete are the
# shared shape.
SCREEN = register(bp, Screen(
    name="subject", model=Subject, create=False, template="admin/subject_form.html",
    form=lambda subject: _subject_form(subject.course, subject),
    apply=lambda form, subject: _apply(
        form, subject, [s.position for s in subject.course.subjects if s.id != subject.id]),
    fields=FIELDS, refuse_edit=_highest_score_fits, finish=apply_moments,
    course_of=lambda subject: subject.course_id,
    context=lambda subject: {"course": subject.course, "subject": subject},
    label=lambda subject: subject.name,
    dependants=lambda subject: {"scores": _entered(subject)},
    created=lambda subject: _("Subject %(name)s added.", name=subject.name),
    saved=lambda subject: _("Subject %(name)s saved.", name=subject.name),
    deleted=lambda subject: _("Subject %(name)s deleted.", name=subject.name),
    new_title=lambda: _("New subject"),
    edit_title=lambda subject: subject.name,
    delete_label=lambda: _("Delete subject"),
    listing=lambda: url_for("admin.courses"),
    after_save=_course_page, after_delete=_course_page,
    url_prefix="/subjects", id_arg="subject_id",
))


@bp.route("/courses/<int:course_id>/subjects/copy", methods=["POST"])
@secretariat_required
def subjects_copy(course_id: int):
    course = get_or_404(Course, course_id)
    form = CopySubjectsForm()
    form.source_id.choices = copy_source_choices(course)
    if not form.validate_on_submit():
        flash(_("Choose another course of the same type to copy from."), "error")
        return redirect(url_for("admin.course", course_id=course.id, _anchor="subjects"))
    source = get_or_404(Course, form.source_id.data)
    if source.course_type_id != course.course_type_id or source.id == course.id:
        abort(404)  # the choices never offer these
    plan = plan_subject_copy(
        [SubjectTemplate(s.name, s.kind, s.maximum, s.pass_mark, s.position, s.rubric_id)
         for s in source.subjects],
        [s.name for s in course.subjects],
    )
    for template in plan.to_create:
        subject = Subject(course_id=course.id, name=template.name, kind=template.kind,
                          maximum=template.maximum, pass_mark=template.pass_mark,
                          position=template.position, rubric_id=template.rubric_id)
        db.session.add(subject)
        record_create("subject", subject, FIELDS,
                      course_id=course.id)
    db.session.commit()
    message = ngettext("%(num)s subject copied; plan its exam moments.",
                       "%(num)s subjects copied; plan their exam moments.", len(plan.to_create))
    if plan.skipped:
        message += " " + _("Skipped because this course already has them: %(names)s.",
                           names=", ".join(plan.skipped))
    flash(message, "success" if plan.to_create else "warning")
    return redirect(url_for("admin.course", course_id=course.id, _anchor="subjects"))
