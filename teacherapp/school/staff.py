"""A coordinator's staff: her schools' teachers, their open invitations, inviting a teacher.

She invites teachers only to her own schools (another school's id is a 404) and cancels only
her schools' teacher invitations; both hold her membership FOR SHARE while they write.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.invites.accounts import is_member, remove_membership
from teacherapp.invites.answers import cancel_and_flash, invite_and_answer, resend_and_answer
from teacherapp.invites.forms import ROLE_LABELS, TeacherInviteForm
from teacherapp.invites.tokens import lapsed_invitations_query, open_invitations_query
from teacherapp.models import Invitation, Role, School, SchoolMembership, User
from teacherapp.permissions import (
    coordinated_school_ids,
    coordinator_required,
    get_coordinated_school_or_404,
    get_school_invitation_or_404,
)
from teacherapp.school import bp


def _schools() -> list[School]:
    return list(db.session.scalars(select(School).where(School.id.in_(coordinated_school_ids()))
                                   .order_by(School.name)))


def _invite_form(schools: list[School]) -> TeacherInviteForm:
    form = TeacherInviteForm()
    form.school_id.choices = [(school.id, school.name) for school in schools]
    return form


def _page(form: TeacherInviteForm | None = None, status: int = 200):
    schools = _schools()
    ids = [school.id for school in schools]
    rows = db.session.execute(
        select(User, SchoolMembership.school_id)
        .join(SchoolMembership, SchoolMembership.user_id == User.id)
        .where(SchoolMembership.school_id.in_(ids), User.role == Role.TEACHER)
        .order_by(User.full_name)).all()
    invitations = db.session.scalars(
        open_invitations_query(ids).where(Invitation.role == Role.TEACHER)).all()
    lapsed = db.session.scalars(
        lapsed_invitations_query(ids).where(Invitation.role == Role.TEACHER)).all()
    return render_template("school/staff.html", schools=schools,
                           staff=list(dict.fromkeys(user for user, _ in rows)),
                           staff_schools=_school_names(rows, schools),
                           remove_buttons=_remove_buttons(rows, schools),
                           invitations=invitations, lapsed=lapsed,
                           form=form or _invite_form(schools),
                           role_labels=ROLE_LABELS, cancel_endpoint="school.invitation_cancel",
                           resend_endpoint="school.invitation_resend",
                           cancel_args={}), status


def _remove_buttons(rows, schools: list[School]):
    """Per staff teacher, a button for each of her schools the teacher is on (one school:
    "Remove from school"; a school group: the school named)."""
    names = {school.id: school.name for school in schools}
    by_user: dict[int, list[tuple[str, str]]] = {}
    for user, school_id in rows:
        label = (_("Remove from %(school)s", school=names[school_id]) if len(schools) > 1
                 else _("Remove from school"))
        by_user.setdefault(user.id, []).append(
            (url_for("school.staff_remove", school_id=school_id, teacher_id=user.id), label))
    return lambda user: sorted(by_user.get(user.id, []), key=lambda button: button[1])


def _school_names(rows, schools: list[School]) -> dict[int, str]:
    """Each staff teacher's schools among hers, by name (she may coordinate a group)."""
    names = {school.id: school.name for school in schools}
    found: dict[int, list[str]] = {}
    for user, school_id in rows:
        found.setdefault(user.id, []).append(names[school_id])
    return {user_id: ", ".join(sorted(school_names)) for user_id, school_names in found.items()}


@bp.route("/staff")
@coordinator_required
def staff():
    return _page()


@bp.route("/staff/invite", methods=["POST"])
@coordinator_required
def staff_invite():
    # Her school, checked before the form: another school's id is a 404, not a form error.
    school = get_coordinated_school_or_404(request.form.get("school_id", type=int), lock=True)
    form = _invite_form(_schools())
    if form.validate_on_submit():
        answer = invite_and_answer(form, school, Role.TEACHER, url_for("school.staff"))
        if answer is not None:
            return answer
    return _page(form, status=422)


@bp.route("/staff/invitations/<int:invitation_id>/cancel", methods=["POST"])
@coordinator_required
def invitation_cancel(invitation_id: int):
    invitation = get_school_invitation_or_404(invitation_id, lock=True)
    cancel_and_flash(invitation)
    return redirect(url_for("school.staff"))


@bp.route("/staff/invitations/<int:invitation_id>/resend", methods=["POST"])
@coordinator_required
def invitation_resend(invitation_id: int):
    """Invite the same teacher again: a new link, shown once (an expired link, a lost mail)."""
    invitation = get_school_invitation_or_404(invitation_id, lock=True)
    return resend_and_answer(invitation, invitation.school, url_for("school.staff"))


@bp.route("/staff/<int:school_id>/teachers/<int:teacher_id>/remove", methods=["GET", "POST"])
@coordinator_required
def staff_remove(school_id: int, teacher_id: int):
    """Take a teacher off one of her schools' staff (a teacher who left), after a confirmation
    page (GET). Her courses' links stay as they are: unlinking is done per course. Other
    coordinators are the secretariat's."""
    school = get_coordinated_school_or_404(school_id, lock=request.method == "POST")
    teacher = db.session.get(User, teacher_id)
    if teacher is None or teacher.role != Role.TEACHER:
        abort(404)
    if request.method == "GET":
        if not is_member(teacher.id, school.id):
            abort(404)
        return render_template("school/staff_remove.html", user=teacher, school=school,
                               cancel_url=url_for("school.staff"))
    if not remove_membership(teacher.id, school.id):
        abort(404)
    db.session.commit()
    flash(_("%(name)s no longer belongs to %(school)s.", name=teacher.full_name,
            school=school.name), "success")
    return redirect(url_for("school.staff"))
