"""Content items of VTS Connect per course type (what pupils view)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from teacherapp.admin import bp
from teacherapp.admin.crud import Screen, register
from teacherapp.admin.forms import ContentItemForm, course_type_choices
from teacherapp.admin.logic import next_position
from teacherapp.extensions import db
from teacherapp.models import ContentItem, ContentView, CourseType
from teacherapp.parsing import parse_id
from teacherapp.permissions import secretariat_required


def _form(item: ContentItem | None) -> ContentItemForm:
    form = ContentItemForm(obj=item)
    form.course_type_id.choices = course_type_choices()
    form.editing_id = item.id if item else None
    return form


def _apply(form: ContentItemForm, item: ContentItem) -> None:
    item.course_type_id = form.course_type_id.data
    item.title = form.title.data.strip()
    item.kind = form.kind.data
    item.external_id = form.external_id.data.strip()
    item.activity_iri = (form.activity_iri.data or "").strip() or None
    if form.position.data is not None:
        item.position = form.position.data
    elif item.id is None:
        item.position = next_position(db.session.scalars(
            select(ContentItem.position).where(ContentItem.course_type_id == item.course_type_id)))


SCREEN = register(bp, Screen(
    name="content_item", model=ContentItem, form=_form, apply=_apply,
    fields=["course_type_id", "title", "kind", "external_id", "activity_iri", "position"],
    label=lambda item: item.title, describe=lambda item: item.external_id,
    dependants=lambda item: {"views": db.session.scalar(
        select(func.count(ContentView.id)).where(ContentView.content_item_id == item.id))},
    created=lambda item: _("Content item %(title)s created.", title=item.title),
    saved=lambda item: _("Content item %(title)s saved.", title=item.title),
    deleted=lambda item: _("Content item %(title)s deleted.", title=item.title),
    new_title=lambda: _("New content item"),
    edit_title=lambda item: _("Edit content item"),
    delete_label=lambda: _("Delete content item"),
    listing=lambda: url_for("admin.content_items"),
    url_prefix="/content", id_arg="item_id",
))


@bp.route("/content")
@secretariat_required
def content_items():
    selected = request.args.get("course_type_id", "")
    query = (select(ContentItem).join(CourseType).options(joinedload(ContentItem.course_type))
             .order_by(CourseType.code, ContentItem.position, ContentItem.id))
    if (course_type_id := parse_id(selected)) is not None:
        query = query.where(ContentItem.course_type_id == course_type_id)
    items = db.session.scalars(query).all()
    return render_template("admin/content_items.html", items=items, selected=selected,
                           course_types=course_type_choices()[1:])
