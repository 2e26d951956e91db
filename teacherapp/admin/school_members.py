"""A school's members: its coordinators and staff teachers, invitations, adding and removing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from teacherapp.admin import bp
from teacherapp.admin.helpers import get_or_404
from teacherapp.extensions import db
from teacherapp.invites.accounts import (
    attach_membership,
    find_user_by_email,
    is_member,
    refusal_for,
    remove_membership,
)
from teacherapp.invites.answers import cancel_and_flash, invite_and_answer, resend_and_answer
from teacherapp.invites.forms import ROLE_LABELS, InviteForm, MemberAddForm
from teacherapp.invites.tokens import lapsed_invitations_query, open_invitations_query
from teacherapp.models import Invitation, Role, School, SchoolMembership, User
from teacherapp.permissions import secretariat_required

KIND_ROLES = {"coordinator": Role.SCHOOL_COORDINATOR, "staff": Role.TEACHER}


def _members_url(school: School) -> str:
    return url_for("admin.school_members", school_id=school.id)


def _page(school: School, invite_form: InviteForm | None = None,
          add_form: MemberAddForm | None = None, status: int = 200):
    members = db.session.scalars(
        select(User).join(SchoolMembership, SchoolMembership.user_id == User.id)
        .where(SchoolMembership.school_id == school.id).order_by(User.full_name)).all()
    return render_template(
        "admin/school_members.html", school=school,
        coordinators=[m for m in members if m.role == Role.SCHOOL_COORDINATOR],
        staff=[m for m in members if m.role == Role.TEACHER],
        invitations=db.session.scalars(open_invitations_query([school.id])).all(),
        lapsed=db.session.scalars(lapsed_invitations_query([school.id])).all(),
        invite_form=invite_form or InviteForm(), add_form=add_form or MemberAddForm(prefix="member"),
        role_labels=ROLE_LABELS, cancel_endpoint="admin.school_invitation_cancel",
        resend_endpoint="admin.school_invitation_resend",
        cancel_args={"school_id": school.id}), status


@bp.route("/schools/<int:school_id>/members")
@secretariat_required
def school_members(school_id: int):
    return _page(get_or_404(School, school_id))


@bp.route("/schools/<int:school_id>/members/invite", methods=["POST"])
@secretariat_required
def school_member_invite(school_id: int):
    school = get_or_404(School, school_id)
    form = InviteForm()
    if form.validate_on_submit():
        answer = invite_and_answer(form, school, Role.SCHOOL_COORDINATOR, _members_url(school))
        if answer is not None:
            return answer
    return _page(school, invite_form=form, status=422)


@bp.route("/schools/<int:school_id>/members/add", methods=["POST"])
@secretariat_required
def school_member_add(school_id: int):
    school = get_or_404(School, school_id)
    form = MemberAddForm(prefix="member")  # beside the invitation's own email field
    if not form.validate_on_submit():
        return _page(school, add_form=form, status=422)
    role = KIND_ROLES[form.kind.data]
    user = find_user_by_email(form.email.data, lock=True)
    if user is None:
        form.email.errors.append(_("No account has this email address; invite the person "
                                   "instead."))
        return _page(school, add_form=form, status=422)
    if refusal_for(user, role) is not None:
        form.email.errors.append(_("%(email)s is not a %(role)s account.", email=user.email,
                                   role=ROLE_LABELS[role]))
        return _page(school, add_form=form, status=422)
    if attach_membership(user, school.id):
        db.session.commit()
        flash(_("%(name)s now belongs to %(school)s.", name=user.full_name, school=school.name),
              "success")
    else:
        flash(_("%(name)s already belongs to %(school)s.", name=user.full_name,
                school=school.name), "info")
    return redirect(_members_url(school))


@bp.route("/schools/<int:school_id>/members/<int:user_id>/remove", methods=["GET", "POST"])
@secretariat_required
def school_member_remove(school_id: int, user_id: int):
    """Take a coordinator or teacher off the school, after a confirmation page (GET)."""
    school = get_or_404(School, school_id)
    user = get_or_404(User, user_id)
    if request.method == "GET":
        if not is_member(user.id, school.id):
            abort(404)
        return render_template("admin/school_member_remove.html", user=user, school=school,
                               cancel_url=_members_url(school))
    if remove_membership(user.id, school.id):
        db.session.commit()
        flash(_("%(name)s no longer belongs to %(school)s.", name=user.full_name,
                school=school.name), "success")
    return redirect(_members_url(school))


@bp.route("/schools/<int:school_id>/invitations/<int:invitation_id>/cancel", methods=["POST"])
@secretariat_required
def school_invitation_cancel(school_id: int, invitation_id: int):
    school, invitation = _school_invitation_or_404(school_id, invitation_id)
    cancel_and_flash(invitation)
    return redirect(_members_url(school))


def _school_invitation_or_404(school_id: int, invitation_id: int) -> tuple[School, Invitation]:
    """The school and one of its invitations; 404 when the invitation is another school's."""
    school = get_or_404(School, school_id)
    invitation = get_or_404(Invitation, invitation_id)
    if invitation.school_id != school.id:
        abort(404)
    return school, invitation


@bp.route("/schools/<int:school_id>/invitations/<int:invitation_id>/resend", methods=["POST"])
@secretariat_required
def school_invitation_resend(school_id: int, invitation_id: int):
    """Invite the same person again: a new link, shown once (an expired link, or a lost mail)."""
    school, invitation = _school_invitation_or_404(school_id, invitation_id)
    return resend_and_answer(invitation, school, _members_url(school))
