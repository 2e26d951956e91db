"""The one shape of the secretariat's set-up screens: create, edit, delete.

Each screen (schools, course types, content items, rubrics, subjects) describes itself as a
`Screen`: its model, form, audited fields and words; `register` adds its routes to the
blueprint under the endpoint names the templates use. What differs per screen is data
(and, where a screen needs one, a small hook), never another copy of the view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from teacherapp.admin.helpers import (
    get_or_404,
    record_changes,
    record_create,
    record_delete,
    refusal_text,
    snapshot,
)
from teacherapp.admin.logic import delete_refusals
from teacherapp.extensions import db
from teacherapp.permissions import secretariat_required

Text = Callable[[Any], str]  # a translated sentence about one row


@dataclass(frozen=True)
class Screen:
    """What one set-up screen is made of. `name` is the audit entity and the endpoint stem:
    "school" gives admin.school_new, admin.school_edit and admin.school_delete."""

    name: str
    model: type
    form: Callable[[Any], FlaskForm]  # the form for a row (None: a new one)
    fields: list[str]  # audited on create and edit
    apply: Callable[[FlaskForm, Any], None]  # copy the form into the row
    label: Callable[[Any], str]  # how a refusal names the row
    dependants: Callable[[Any], dict[str, int]]  # counts for delete_refusals
    created: Text
    saved: Text
    deleted: Text
    new_title: Callable[[], str]
    edit_title: Text
    delete_label: Callable[[], str]
    listing: Callable[[], str]  # the list: where a save and a delete go by default
    url_prefix: str  # "/schools": new, <id>/edit and <id>/delete live under it
    id_arg: str  # the URL's id parameter, e.g. "school_id"
    describe: Callable[[Any], str] | None = None  # the audit's "old" on delete (label)
    back: Callable[[Any], str] | None = None  # the form's Cancel (the list)
    after_save: Callable[[Any], str] | None = None  # where a save goes (the list)
    after_delete: Callable[[Any], str] | None = None  # where a delete goes (the list)
    course_of: Callable[[Any], int | None] = field(default=lambda obj: None)  # for the audit
    finish: Callable[[FlaskForm, Any], None] | None = None  # after the row's audit, in the same transaction
    context: Callable[[Any], dict] = field(default=lambda obj: {})  # more for the template
    intro: Callable[[Any], str] | None = None  # a sentence above the edit form
    refuse_edit: Callable[[FlaskForm, Any], bool] = field(default=lambda form, obj: False)
    template: str = "admin/form.html"
    create: bool = True  # False: the screen creates rows its own way

    def url(self, action: str, obj: Any) -> str:
        return url_for(f"admin.{self.name}_{action}", **{self.id_arg: obj.id})

    def _go(self, where: Callable[[Any], str] | None, obj: Any):
        return redirect(where(obj) if where else self.listing())

    def render(self, form: FlaskForm, obj: Any = None):
        """The form page; 422 when the form has errors."""
        context: dict[str, Any] = {"form": form, **self.context(obj),
                                   "back_url": self.back(obj) if self.back else self.listing()}
        if obj is None:
            context["title"] = self.new_title()
        else:
            context.update(title=self.edit_title(obj), delete_url=self.url("delete", obj),
                           delete_label=self.delete_label(),
                           intro=self.intro(obj) if self.intro else None)
        return render_template(self.template, **context), 422 if form.errors else 200

    def new(self):
        form = self.form(None)
        if form.validate_on_submit():
            obj = self.model()
            self.apply(form, obj)
            db.session.add(obj)
            record_create(self.name, obj, self.fields, course_id=self.course_of(obj))
            if self.finish:
                self.finish(form, obj)
            db.session.commit()
            flash(self.created(obj), "success")
            return self._go(self.after_save, obj)
        return self.render(form)

    def edit(self, **ids: int):
        obj = get_or_404(self.model, ids[self.id_arg])
        form = self.form(obj)
        if form.validate_on_submit() and not self.refuse_edit(form, obj):
            before = snapshot(obj, self.fields)
            self.apply(form, obj)
            record_changes(self.name, obj, before, course_id=self.course_of(obj))
            if self.finish:
                self.finish(form, obj)
            db.session.commit()
            flash(self.saved(obj), "success")
            return self._go(self.after_save, obj)
        return self.render(form, obj)

    def delete(self, **ids: int):
        obj = get_or_404(self.model, ids[self.id_arg])
        refusals = delete_refusals(**self.dependants(obj))
        if refusals:
            flash(self._refused(obj, refusals), "error")
            return redirect(self.url("edit", obj))
        response = self._go(self.after_delete, obj)  # while the row is still there
        record_delete(self.name, obj, (self.describe or self.label)(obj),
                      course_id=self.course_of(obj))
        db.session.delete(obj)
        db.session.commit()
        flash(self.deleted(obj), "success")
        return response

    def _refused(self, obj: Any, refusals) -> str:
        return _("%(name)s cannot be deleted: %(reasons)s.", name=self.label(obj),
                 reasons=refusal_text(refusals))


def register(bp: Blueprint, screen: Screen) -> Screen:
    """Add the screen's create, edit and delete routes, secretariat only."""
    item = f"{screen.url_prefix}/<int:{screen.id_arg}>"
    if screen.create:
        bp.add_url_rule(f"{screen.url_prefix}/new", f"{screen.name}_new",
                        secretariat_required(screen.new), methods=["GET", "POST"])
    bp.add_url_rule(f"{item}/edit", f"{screen.name}_edit", secretariat_required(screen.edit),
                    methods=["GET", "POST"])
    bp.add_url_rule(f"{item}/delete", f"{screen.name}_delete",
                    secretariat_required(screen.delete), methods=["POST"])
    return screen
