"""The secretariat's list of statements naming an unknown pupil or activity, and mapping them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from teacherapp import audit
from teacherapp.extensions import db
from teacherapp.models import ContentItem, CourseType
from teacherapp.parsing import parse_id
from teacherapp.permissions import secretariat_required
from teacherapp.xapi import admin_bp, unresolved
from teacherapp.xapi.forms import ActivityMapForm, AgentLinkForm, ReprojectForm


def _targets() -> list[tuple[str, str]]:
    """Choices for an activity: every content item, and every course type's generic test."""
    items = db.session.execute(
        select(ContentItem.id, ContentItem.title, CourseType.code)
        .join(CourseType, CourseType.id == ContentItem.course_type_id)
        .order_by(CourseType.code, ContentItem.position, ContentItem.id)).all()
    types = db.session.execute(select(CourseType.id, CourseType.code).order_by(CourseType.code)).all()
    return ([("", _("Choose…"))]
            + [(f"item:{iid}", f"{code} · {title}") for iid, title, code in items]
            + [(f"test:{ctid}", _("%(code)s · generic competence test", code=code))
               for ctid, code in types])


def _page(agent_form: AgentLinkForm | None = None, activity_form: ActivityMapForm | None = None,
          status: int = 200):
    return render_template(
        "xapi/unresolved.html", waiting=unresolved.waiting(), targets=_targets(),
        agent_form=agent_form, activity_form=activity_form, reproject_form=ReprojectForm(),
        agent_label=unresolved.agent_label), status


@admin_bp.route("/")
@secretariat_required
def index():
    return _page()


@admin_bp.route("/agents", methods=["POST"])
@secretariat_required
def link_agent():
    form = AgentLinkForm()
    if form.validate_on_submit():
        pupils = unresolved.find_pupil(form.pupil.data)
        if len(pupils) != 1:
            form.pupil.errors.append(_("No pupil has this VTS account id or email.") if not pupils
                                     else _("Several pupils have this email; give the VTS account id."))
        elif unresolved.is_linked(form.actor_key.data):
            form.pupil.errors.append(_("This agent is already linked to a pupil."))
        else:
            count = unresolved.link_agent(form.actor_key.data, pupils[0], current_user.id)
            audit.record("link", "xapi_agent", pupils[0].id, field="actor_key",
                         new=form.actor_key.data)
            db.session.commit()
            flash(_("Linked to %(name)s; %(count)s statements are now applied.",
                    name=pupils[0].full_name, count=count), "success")
            return redirect(url_for("xapi_admin.index"))
    return _page(agent_form=form, status=422)


@admin_bp.route("/activities", methods=["POST"])
@secretariat_required
def map_activity():
    form = ActivityMapForm()
    form.target.choices = _targets()
    if form.validate_on_submit():
        kind, _sep, raw_id = form.target.data.partition(":")
        object_id = parse_id(raw_id)
        item_id = object_id if kind == "item" else None
        course_type_id = object_id if kind == "test" else None
        if unresolved.iri_taken(form.iri.data, item_id):
            form.target.errors.append(_("Another content item already has this activity IRI."))
        else:
            count = unresolved.map_activity(form.iri.data, item_id, course_type_id)
            if count is None:
                form.target.errors.append(_("This already has another activity IRI. Change it "
                                            "under Administration first."))
            else:
                audit.record("map", "content_item" if item_id else "course_type",
                             object_id, field="activity_iri", new=form.iri.data)
                db.session.commit()
                flash(_("Mapped; %(count)s statements are now applied.", count=count), "success")
                return redirect(url_for("xapi_admin.index"))
    db.session.rollback()
    return _page(activity_form=form, status=422)


@admin_bp.route("/reproject", methods=["POST"])
@secretariat_required
def reproject():
    form = ReprojectForm()
    if not form.validate_on_submit():
        return _page(status=422)
    count = unresolved.reproject_all()
    if count:  # an event for a change, not for a click that changed nothing
        audit.record("reproject", "xapi_statement", "unresolved", field="applied", new=count)
    db.session.commit()
    flash(_("%(count)s statements are now applied.", count=count), "success")
    return redirect(url_for("xapi_admin.index"))
