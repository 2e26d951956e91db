"""Teachers: accounts (create, edit, disable, reset password) and recognition per course type."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from teacherapp import audit
from teacherapp.admin import bp
from teacherapp.admin.forms import (
    PasswordResetForm,
    RecognitionForm,
    TeacherEditForm,
    TeacherForm,
    course_type_choices,
)
from teacherapp.admin.helpers import get_or_404, record_changes, record_create, snapshot
from teacherapp.admin.logic import generate_password, refresher_date_required
from teacherapp.extensions import db
from teacherapp.models import (
    Course,
    CourseTeacher,
    CourseType,
    Recognition,
    RecognitionBasis,
    Role,
    User,
)
from teacherapp.models.types import utcnow
from teacherapp.passwords import hash_password
from teacherapp.permissions import secretariat_required
from teacherapp.rules import basis_allowed_for
from teacherapp.write_locks import lock_user


def _get_teacher_or_404(teacher_id: int) -> User:
    teacher = get_or_404(User, teacher_id)
    if teacher.role != Role.TEACHER:
        abort(404)
    return teacher


def _chosen_password(form: TeacherForm | PasswordResetForm) -> tuple[str, bool]:
    """The password to set, and whether it was generated (then it is shown once)."""
    if form.password_choice.data == "set":
        return form.password.data, False
    return generate_password(), True


@bp.route("/teachers")
@secretariat_required
def teachers():
    teachers = db.session.scalars(
        select(User).where(User.role == Role.TEACHER)
        .options(selectinload(User.recognitions).joinedload(Recognition.course_type))
        .order_by(User.full_name)
    ).all()
    course_counts = dict(db.session.execute(
        select(CourseTeacher.teacher_id, func.count(CourseTeacher.id)).group_by(CourseTeacher.teacher_id)
    ).all())
    return render_template("admin/teachers.html", teachers=teachers, course_counts=course_counts)


@bp.route("/teachers/new", methods=["GET", "POST"])
@secretariat_required
def teacher_new():
    form = TeacherForm()
    if form.validate_on_submit():
        password, generated = _chosen_password(form)
        teacher = User(email=form.email.data.strip(), full_name=form.full_name.data.strip(),
                       role=Role.TEACHER, password_hash=hash_password(password))
        db.session.add(teacher)
        record_create("user", teacher, ["email", "full_name", "role"])
        db.session.commit()
        flash(_("Account for %(name)s created.", name=teacher.full_name), "success")
        if generated:
            return _show_password_once(teacher, password)
        return redirect(url_for("admin.teacher", teacher_id=teacher.id))
    return render_template("admin/form.html", form=form, title=_("New teacher"),
                           back_url=url_for("admin.teachers")), 422 if form.errors else 200


def _show_password_once(teacher: User, password: str):
    # Rendered on the POST itself, never stored: reloading does not show it again.
    return render_template("admin/password_once.html", teacher=teacher, password=password)


@bp.route("/teachers/<int:teacher_id>")
@secretariat_required
def teacher(teacher_id: int):
    teacher = _get_teacher_or_404(teacher_id)
    form = RecognitionForm()
    form.course_type_id.choices = course_type_choices()
    return _teacher_page(teacher, form)


def _teacher_page(teacher: User, form: RecognitionForm, status: int = 200):
    recognitions = db.session.scalars(
        select(Recognition).where(Recognition.teacher_id == teacher.id)
        .options(selectinload(Recognition.course_type)).order_by(Recognition.granted_at)
    ).all()
    courses = db.session.scalars(
        select(Course).join(CourseTeacher).where(CourseTeacher.teacher_id == teacher.id)
        .options(selectinload(Course.course_type), selectinload(Course.school))
        .order_by(Course.school_year.desc(), Course.start_date)
    ).all()
    return render_template("admin/teacher.html", teacher=teacher, recognitions=recognitions,
                           courses=courses, form=form), status


@bp.route("/teachers/<int:teacher_id>/edit", methods=["GET", "POST"])
@secretariat_required
def teacher_edit(teacher_id: int):
    teacher = _get_teacher_or_404(teacher_id)
    form = TeacherEditForm(obj=teacher)
    form.editing_id = teacher.id
    if form.validate_on_submit():
        before = snapshot(teacher, ["email", "full_name"])
        teacher.email = form.email.data.strip()
        teacher.full_name = form.full_name.data.strip()
        record_changes("user", teacher, before)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.teacher", teacher_id=teacher.id))
    return render_template("admin/form.html", form=form, title=_("Edit %(name)s", name=teacher.full_name),
                           back_url=url_for("admin.teacher", teacher_id=teacher.id)), \
        422 if form.errors else 200


@bp.route("/teachers/<int:teacher_id>/disable", methods=["POST"])
@secretariat_required
def teacher_disable(teacher_id: int):
    teacher = _get_teacher_or_404(teacher_id)
    if teacher.active:
        teacher.active = False
        teacher.session_version += 1  # every open session of this teacher ends now
        audit.record("disable", "user", teacher.id, field="active", old=True, new=False)
        db.session.commit()
    flash(_("%(name)s can no longer log in; open sessions were ended.", name=teacher.full_name), "success")
    return redirect(url_for("admin.teacher", teacher_id=teacher.id))


@bp.route("/teachers/<int:teacher_id>/enable", methods=["POST"])
@secretariat_required
def teacher_enable(teacher_id: int):
    teacher = _get_teacher_or_404(teacher_id)
    if not teacher.active:
        teacher.active = True
        audit.record("enable", "user", teacher.id, field="active", old=False, new=True)
        db.session.commit()
    flash(_("%(name)s can log in again.", name=teacher.full_name), "success")
    return redirect(url_for("admin.teacher", teacher_id=teacher.id))


@bp.route("/teachers/<int:teacher_id>/password", methods=["GET", "POST"])
@secretariat_required
def teacher_password(teacher_id: int):
    teacher = _get_teacher_or_404(teacher_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        password, generated = _chosen_password(form)
        teacher.password_hash = hash_password(password)
        teacher.session_version += 1  # the old password's sessions end
        audit.record("password_reset", "user", teacher.id)
        db.session.commit()
        flash(_("New password set for %(name)s; open sessions were ended.", name=teacher.full_name),
              "success")
        if generated:
            return _show_password_once(teacher, password)
        return redirect(url_for("admin.teacher", teacher_id=teacher.id))
    return render_template("admin/form.html", form=form,
                           title=_("New password for %(name)s", name=teacher.full_name),
                           intro=_("The teacher's open sessions end when the new password is set."),
                           back_url=url_for("admin.teacher", teacher_id=teacher.id)), \
        422 if form.errors else 200


@bp.route("/teachers/<int:teacher_id>/recognitions", methods=["POST"])
@secretariat_required
def recognition_add(teacher_id: int):
    teacher = _get_teacher_or_404(teacher_id)
    form = RecognitionForm()
    form.course_type_id.choices = course_type_choices()
    if not form.validate_on_submit():
        return _teacher_page(teacher, form, 422)
    course_type = get_or_404(CourseType, form.course_type_id.data)
    training = form.refresher_training_date.data if refresher_date_required(form.basis.data) else None
    recognition = db.session.scalar(select(Recognition).where(
        Recognition.teacher_id == teacher.id, Recognition.course_type_id == course_type.id))
    if not basis_allowed_for(form.basis.data, course_type.code):
        form.basis.errors.append(_("The automatic recognition is for track 2, which exists only "
                                   "for Start 2 Coach and Multimove; %(type)s needs an LO or VTS "
                                   "qualification and the refresher training.",
                                   type=course_type.name))
        return _teacher_page(teacher, form, 422)
    if (recognition is not None and recognition.is_valid
            and form.basis.data == RecognitionBasis.AUTOMATIC_TRACK2
            and recognition.basis != RecognitionBasis.AUTOMATIC_TRACK2):
        form.basis.errors.append(_("%(name)s is already recognised for %(type)s on a "
                                   "qualification, which covers both tracks; revoke it first to "
                                   "record the automatic track-2 recognition instead.",
                                   name=teacher.full_name, type=course_type.name))
        return _teacher_page(teacher, form, 422)
    if recognition is None:
        recognition = Recognition(teacher_id=teacher.id, course_type_id=course_type.id,
                                  basis=form.basis.data, refresher_training_date=training,
                                  granted_by_id=current_user.id)
        db.session.add(recognition)
        record_create("recognition", recognition,
                      ["teacher_id", "course_type_id", "basis", "refresher_training_date"])
    else:  # renewing (a new refresher date) or granting again after a revocation
        before = snapshot(recognition, ["basis", "refresher_training_date", "revoked_at"])
        recognition.basis = form.basis.data
        recognition.refresher_training_date = training
        recognition.revoked_at = None
        recognition.granted_at = utcnow()
        recognition.granted_by_id = current_user.id
        record_changes("recognition", recognition, before)
    db.session.commit()
    flash(_("%(name)s is recognised for %(type)s.", name=teacher.full_name, type=course_type.name),
          "success")
    return redirect(url_for("admin.teacher", teacher_id=teacher.id))


@bp.route("/teachers/<int:teacher_id>/recognitions/<int:recognition_id>/revoke", methods=["POST"])
@secretariat_required
def recognition_revoke(teacher_id: int, recognition_id: int):
    teacher = _get_teacher_or_404(teacher_id)
    recognition = get_or_404(Recognition, recognition_id)
    if recognition.teacher_id != teacher.id:
        abort(404)
    lock_user(teacher.id)  # saves in progress finish first; later ones see the revocation
    if recognition.revoked_at is None:
        recognition.revoked_at = utcnow()
        audit.record("revoke", "recognition", recognition.id, field="revoked_at",
                     new=recognition.revoked_at)
        db.session.commit()
    linked = db.session.scalar(
        select(func.count(CourseTeacher.id)).join(Course)
        .where(CourseTeacher.teacher_id == teacher.id,
               Course.course_type_id == recognition.course_type_id))
    message = _("Recognition for %(type)s revoked.", type=recognition.course_type.name)
    if linked:
        message += " " + _("%(name)s no longer sees the %(n)s linked courses of this type.",
                           name=teacher.full_name, n=linked)
    flash(message, "success")
    return redirect(url_for("admin.teacher", teacher_id=teacher.id))
