"""Content items of VTS Connect per course type (what pupils view)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from teacherapp.admin import bp
from teacherapp.admin.forms import ContentItemForm, course_type_choices
from teacherapp.admin.helpers import (
    get_or_404,
    record_changes,
    record_create,
    record_delete,
    refusal_text,
    snapshot,
)
from teacherapp.admin.logic import delete_refusals, next_position
from teacherapp.extensions import db
from teacherapp.models import ContentItem, ContentView, CourseType
from teacherapp.parsing import parse_id
from teacherapp.permissions import secretariat_required

FIELDS = ["course_type_id", "title", "kind", "external_id", "activity_iri", "position"]


def _form(item: ContentItem | None = None) -> ContentItemForm:
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


@bp.route("/content/new", methods=["GET", "POST"])
@secretariat_required
def content_item_new():
    form = _form()
    if form.validate_on_submit():
        item = ContentItem()
        _apply(form, item)
        db.session.add(item)
        record_create("content_item", item, FIELDS)
        db.session.commit()
        flash(_("Content item %(title)s created.", title=item.title), "success")
        return redirect(url_for("admin.content_items"))
    return render_template("admin/form.html", form=form, title=_("New content item"),
                           back_url=url_for("admin.content_items")), 422 if form.errors else 200


@bp.route("/content/<int:item_id>/edit", methods=["GET", "POST"])
@secretariat_required
def content_item_edit(item_id: int):
    item = get_or_404(ContentItem, item_id)
    form = _form(item)
    if form.validate_on_submit():
        before = snapshot(item, FIELDS)
        _apply(form, item)
        record_changes("content_item", item, before)
        db.session.commit()
        flash(_("Content item %(title)s saved.", title=item.title), "success")
        return redirect(url_for("admin.content_items"))
    return render_template("admin/form.html", form=form, title=_("Edit content item"),
                           back_url=url_for("admin.content_items"),
                           delete_url=url_for("admin.content_item_delete", item_id=item.id),
                           delete_label=_("Delete content item")), 422 if form.errors else 200


@bp.route("/content/<int:item_id>/delete", methods=["POST"])
@secretariat_required
def content_item_delete(item_id: int):
    item = get_or_404(ContentItem, item_id)
    refusals = delete_refusals(views=db.session.scalar(
        select(func.count(ContentView.id)).where(ContentView.content_item_id == item.id)))
    if refusals:
        flash(_("%(name)s cannot be deleted: %(reasons)s.", name=item.title,
                reasons=refusal_text(refusals)), "error")
        return redirect(url_for("admin.content_item_edit", item_id=item.id))
    record_delete("content_item", item, item.external_id)
    db.session.delete(item)
    db.session.commit()
    flash(_("Content item %(title)s deleted.", title=item.title), "success")
    return redirect(url_for("admin.content_items"))
