"""Rubrics per course type: criteria (ordered) with ordered levels; reused by subjects."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from teacherapp import audit
from teacherapp.admin import bp
from teacherapp.admin.crud import Screen, register
from teacherapp.admin.forms import CriterionForm, LevelForm, RubricForm, course_type_choices
from teacherapp.admin.helpers import (
    get_or_404,
    record_changes,
    record_create,
    record_delete,
    refusal_text,
    snapshot,
)
from teacherapp.admin.logic import delete_refusals, neighbour_index, next_position
from teacherapp.extensions import db
from teacherapp.htmx import is_htmx_request
from teacherapp.models import CourseType, Criterion, Level, Rubric, SkillAssessment, Subject
from teacherapp.permissions import secretariat_required


def level_form(criterion_id: int, **kwargs) -> LevelForm:
    # A prefix per criterion keeps the ids of the many add-level forms on one page unique.
    return LevelForm(prefix=f"level{criterion_id}", **kwargs)


def _load_rubric(rubric_id: int) -> Rubric:
    rubric = db.session.scalars(
        select(Rubric).where(Rubric.id == rubric_id)
        .options(joinedload(Rubric.course_type),
                 selectinload(Rubric.criteria).selectinload(Criterion.levels))
    ).first()
    return rubric or get_or_404(Rubric, rubric_id)


def _criteria_context(rubric: Rubric, criterion_form: CriterionForm | None = None,
                      failed_level: LevelForm | None = None, failed_for: int | None = None,
                      focus_criterion: int | None = None) -> dict:
    # Fresh, empty forms; only the one that failed keeps what the clerk typed.
    level_forms = {c.id: level_form(c.id, formdata=None) for c in rubric.criteria}
    if failed_level is not None and failed_for is not None:
        level_forms[failed_for] = failed_level
    if criterion_form is None:
        criterion_form = CriterionForm(formdata=None)
    return {"rubric": rubric, "criterion_form": criterion_form, "level_forms": level_forms,
            "focus_criterion": focus_criterion}


def _criteria_or_redirect(rubric: Rubric, status: int = 200, **context):
    """htmx gets the refreshed criteria panel; a plain form goes back to the rubric page."""
    if is_htmx_request():
        db.session.expire_all()
        rubric = _load_rubric(rubric.id)
        return render_template("admin/_rubric_criteria.html",
                               **_criteria_context(rubric, **context)), status
    if status != 200:
        return render_template("admin/rubric.html", **_rubric_page(rubric, **context)), status
    anchor = f"criterion-{context['focus_criterion']}" if context.get("focus_criterion") else "criteria"
    return redirect(url_for("admin.rubric", rubric_id=rubric.id, _anchor=anchor))


def _rubric_page(rubric: Rubric, **context) -> dict:
    subjects = db.session.scalar(select(func.count(Subject.id)).where(Subject.rubric_id == rubric.id))
    return {**_criteria_context(rubric, **context), "subjects_using": subjects}


@bp.route("/rubrics")
@secretariat_required
def rubrics():
    criteria = (select(Criterion.rubric_id, func.count(Criterion.id).label("n"))
                .group_by(Criterion.rubric_id).subquery())
    uses = (select(Subject.rubric_id, func.count(Subject.id).label("n"))
            .group_by(Subject.rubric_id).subquery())
    rows = db.session.execute(
        select(Rubric, func.coalesce(criteria.c.n, 0), func.coalesce(uses.c.n, 0))
        .join(CourseType).options(joinedload(Rubric.course_type))
        .outerjoin(criteria, criteria.c.rubric_id == Rubric.id)
        .outerjoin(uses, uses.c.rubric_id == Rubric.id)
        .order_by(CourseType.code, Rubric.name)
    ).all()
    return render_template("admin/rubrics.html", rows=rows)


@bp.route("/rubrics/<int:rubric_id>")
@secretariat_required
def rubric(rubric_id: int):
    rubric = _load_rubric(rubric_id)
    return render_template("admin/rubric.html", **_rubric_page(rubric))


def _form(rubric: Rubric | None) -> RubricForm:
    form = RubricForm(obj=rubric)
    form.course_type_id.choices = course_type_choices()
    return form


def _apply(form: RubricForm, rubric: Rubric) -> None:
    rubric.course_type_id = form.course_type_id.data
    rubric.name = form.name.data.strip()
    rubric.description = (form.description.data or "").strip()


def _subjects_using(rubric: Rubric) -> int:
    return db.session.scalar(select(func.count(Subject.id)).where(Subject.rubric_id == rubric.id))


def _type_fixed(form: RubricForm, rubric: Rubric) -> bool:
    """Subjects of one course type use it: its course type stays."""
    if form.course_type_id.data != rubric.course_type_id and _subjects_using(rubric):
        form.course_type_id.errors.append(_("Subjects use this rubric; its course type cannot change."))
        return True
    return False


def _page(rubric: Rubric) -> str:
    return url_for("admin.rubric", rubric_id=rubric.id)


SCREEN = register(bp, Screen(
    name="rubric", model=Rubric, form=_form, apply=_apply,
    fields=["course_type_id", "name", "description"],
    label=lambda rubric: rubric.name, refuse_edit=_type_fixed,
    dependants=lambda rubric: {
        "subjects": _subjects_using(rubric),
        "assessments": db.session.scalar(select(func.count(SkillAssessment.id)).join(Criterion)
                                         .where(Criterion.rubric_id == rubric.id))},
    created=lambda rubric: _("Rubric created. Now add its skills and levels."),
    saved=lambda rubric: _("Rubric saved."),
    deleted=lambda rubric: _("Rubric %(name)s deleted.", name=rubric.name),
    new_title=lambda: _("New rubric"),
    edit_title=lambda rubric: _("Edit rubric"),
    delete_label=lambda: _("Delete rubric"),
    listing=lambda: url_for("admin.rubrics"),
    back=lambda rubric: _page(rubric) if rubric else url_for("admin.rubrics"),
    after_save=_page, url_prefix="/rubrics", id_arg="rubric_id",
))


@bp.route("/rubrics/<int:rubric_id>/criteria", methods=["POST"])
@secretariat_required
def criterion_add(rubric_id: int):
    rubric = _load_rubric(rubric_id)
    form = CriterionForm()
    if not form.validate_on_submit():
        return _criteria_or_redirect(rubric, 422, criterion_form=form)
    criterion = Criterion(rubric_id=rubric.id, name=form.name.data.strip(),
                          description=(form.description.data or "").strip(),
                          position=next_position(c.position for c in rubric.criteria))
    db.session.add(criterion)
    record_create("criterion", criterion, ["rubric_id", "name", "position"])
    db.session.commit()
    return _criteria_or_redirect(rubric, focus_criterion=criterion.id)


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@secretariat_required
def criterion_edit(criterion_id: int):
    criterion = get_or_404(Criterion, criterion_id)
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        before = snapshot(criterion, ["name", "description"])
        criterion.name = form.name.data.strip()
        criterion.description = (form.description.data or "").strip()
        record_changes("criterion", criterion, before)
        db.session.commit()
        flash(_("Skill saved."), "success")
        return redirect(url_for("admin.rubric", rubric_id=criterion.rubric_id, _anchor="criteria"))
    return render_template("admin/form.html", form=form, title=_("Edit skill"),
                           back_url=url_for("admin.rubric", rubric_id=criterion.rubric_id),
                           delete_url=url_for("admin.criterion_delete", criterion_id=criterion.id),
                           delete_label=_("Delete skill")), 422 if form.errors else 200


@bp.route("/criteria/<int:criterion_id>/move", methods=["POST"])
@secretariat_required
def criterion_move(criterion_id: int):
    criterion = get_or_404(Criterion, criterion_id)
    rubric = _load_rubric(criterion.rubric_id)
    criteria = list(rubric.criteria)
    index = criteria.index(criterion)
    other_index = neighbour_index(index, request.form.get("direction", ""), len(criteria))
    if other_index is not None:
        other = criteria[other_index]
        old, new = criterion.position, other.position
        criterion.position = -1  # (rubric, position) is unique: park one while swapping
        db.session.flush()
        other.position = old
        db.session.flush()
        criterion.position = new
        audit.record("update", "criterion", criterion.id, field="position", old=old, new=new)
        audit.record("update", "criterion", other.id, field="position", old=new, new=old)
        db.session.commit()
    return _criteria_or_redirect(rubric)


@bp.route("/criteria/<int:criterion_id>/delete", methods=["POST"])
@secretariat_required
def criterion_delete(criterion_id: int):
    criterion = get_or_404(Criterion, criterion_id)
    rubric = _load_rubric(criterion.rubric_id)
    refusals = delete_refusals(assessments=db.session.scalar(
        select(func.count(SkillAssessment.id)).where(SkillAssessment.criterion_id == criterion.id)))
    if refusals:
        flash(_("%(name)s cannot be deleted: %(reasons)s.", name=criterion.name,
                reasons=refusal_text(refusals)), "error")
        return redirect(url_for("admin.rubric", rubric_id=rubric.id, _anchor="criteria"))
    record_delete("criterion", criterion, criterion.name)
    rubric.criteria.remove(criterion)
    db.session.commit()
    flash(_("Skill %(name)s deleted.", name=criterion.name), "success")
    return redirect(url_for("admin.rubric", rubric_id=rubric.id, _anchor="criteria"))


def _rank_taken(criterion: Criterion, rank: int, level_id: int | None = None) -> bool:
    return any(level.rank == rank and level.id != level_id for level in criterion.levels)


@bp.route("/criteria/<int:criterion_id>/levels", methods=["POST"])
@secretariat_required
def level_add(criterion_id: int):
    criterion = get_or_404(Criterion, criterion_id)
    rubric = _load_rubric(criterion.rubric_id)
    form = level_form(criterion.id)
    valid = form.validate_on_submit()
    if valid and form.rank.data is not None and _rank_taken(criterion, form.rank.data):
        form.rank.errors.append(_("This skill already has a level with rank %(rank)s.",
                                  rank=form.rank.data))
        valid = False
    if not valid:
        return _criteria_or_redirect(rubric, 422, failed_level=form, failed_for=criterion.id)
    level = Level(criterion_id=criterion.id, label=form.label.data.strip(),
                  descriptor=(form.descriptor.data or "").strip(), points=form.points.data,
                  rank=form.rank.data or next_position(lv.rank for lv in criterion.levels))
    db.session.add(level)
    record_create("level", level, ["criterion_id", "rank", "label", "points"])
    db.session.commit()
    return _criteria_or_redirect(rubric, focus_criterion=criterion.id)


@bp.route("/levels/<int:level_id>/edit", methods=["GET", "POST"])
@secretariat_required
def level_edit(level_id: int):
    level = get_or_404(Level, level_id)
    criterion = level.criterion
    form = LevelForm(obj=level)
    valid = form.validate_on_submit()
    if valid and form.rank.data is not None and _rank_taken(criterion, form.rank.data, level.id):
        form.rank.errors.append(_("This skill already has a level with rank %(rank)s.",
                                  rank=form.rank.data))
        valid = False
    if valid:
        before = snapshot(level, ["rank", "label", "descriptor", "points"])
        level.label = form.label.data.strip()
        level.descriptor = (form.descriptor.data or "").strip()
        level.points = form.points.data
        level.rank = form.rank.data if form.rank.data is not None else level.rank
        record_changes("level", level, before)
        db.session.commit()
        flash(_("Level saved."), "success")
        return redirect(url_for("admin.rubric", rubric_id=criterion.rubric_id, _anchor="criteria"))
    return render_template("admin/form.html", form=form,
                           title=_("Edit level of %(skill)s", skill=criterion.name),
                           back_url=url_for("admin.rubric", rubric_id=criterion.rubric_id),
                           delete_url=url_for("admin.level_delete", level_id=level.id),
                           delete_label=_("Delete level")), 422 if form.errors else 200


@bp.route("/levels/<int:level_id>/delete", methods=["POST"])
@secretariat_required
def level_delete(level_id: int):
    level = get_or_404(Level, level_id)
    criterion = level.criterion
    refusals = delete_refusals(assessments=db.session.scalar(
        select(func.count(SkillAssessment.id)).where(SkillAssessment.level_id == level.id)))
    if refusals:
        flash(_("%(name)s cannot be deleted: %(reasons)s.", name=level.label,
                reasons=refusal_text(refusals)), "error")
    else:
        record_delete("level", level, f"{level.rank} {level.label}")
        criterion.levels.remove(level)
        db.session.commit()
        flash(_("Level %(name)s deleted.", name=level.label), "success")
    return redirect(url_for("admin.rubric", rubric_id=criterion.rubric_id, _anchor="criteria"))
