"""Saving one cell: a score (pupil x subject x sitting) or a rubric level (pupil x criterion).

Every save is one POST answered with the cell's own fragment (`hx-target="this"`): the
stored value, the result and the saved state, or why nothing was saved. Without JavaScript
the same POST redirects back (Post/Redirect/Get) or shows the cell on a page of its own.

A save is one transaction: lock the rows its checks are about (teacherapp.write_locks), load
the cell with its checks, write with the version check, commit. A save based on a version
that is no longer stored is refused (409, both values shown); the only way to write over
another device's value is the teacher's "keep mine" after seeing both, sent as
`resolve=mine` with the version shown then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

from flask import Response, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from teacherapp.extensions import db
from teacherapp.htmx import is_htmx_request, render_page_or_partial
from teacherapp.models import AssessmentContext, AuditEvent, SkillAssessment, Subject, User
from teacherapp.parsing import parse_id
from teacherapp.permissions import teacher_required
from teacherapp.redirects import safe_next_url
from teacherapp.rules import SITTINGS, Absence, Mark, ScoreParseError, format_score, parse_score
from teacherapp.scoring import bp, idempotency
from teacherapp.scoring.cells import (
    LevelCellContext,
    ScoreCellContext,
    load_level_cell,
    load_score_cell,
)
from teacherapp.scoring.logic import Block, parse_version, same_mark
from teacherapp.scoring.messages import BLOCK_TEXT, absence_text, parse_error_text
from teacherapp.scoring.saving import Outcome, write_level, write_score
from teacherapp.scoring.sheet import load_rubric, totals_for
from teacherapp.write_locks import lock_teacher_course_enrolment

SCORE_URL = "/<int:course_id>/pupils/<int:enrolment_id>/subjects/<int:subject_id>/sittings/<int:sitting>"
LEVEL_URL = "/<int:course_id>/pupils/<int:enrolment_id>/criteria/<int:criterion_id>/<context>"
LAYOUTS = ("exam", "grid")
NOTE_LIMIT = 500


def _layout() -> str:
    layout = request.values.get("layout", "exam")
    return layout if layout in LAYOUTS else "exam"


def _safe_next(default: str) -> str:
    return safe_next_url(request.form.get("next"), default)


def _keeping_mine() -> bool:
    """The teacher saw both values after a conflict and chose her own."""
    return request.form.get("resolve") == "mine"


def _finish(body: str, status: int, key: str | None,
             default_next: Callable[[], str], *, stored: bool = False) -> Response:
    """Commit the change with its idempotency record; answer htmx or redirect a plain form.

    `stored`: the write already stored the answer under the key (teacherapp.scoring.saving).
    A save that does not succeed may be the repeat of one that did (its answer got lost on
    the way): the answer stored under its key is given instead.
    """
    if status == 200:
        if key is not None and not stored:
            try:
                idempotency.remember(key, current_user.id, status, body)
            except IntegrityError:  # the same key was stored before, or raced in just now
                db.session.rollback()
                replay = idempotency.stored_response(key, current_user.id)
                if replay is None:
                    raise
                return replay
        db.session.commit()
    else:
        db.session.rollback()
        replay = idempotency.stored_response(key, current_user.id)
        if replay is not None:
            return replay
    if is_htmx_request():
        return make_response(body, status)
    if status == 200:
        return redirect(_safe_next(default_next()), 303)
    page = render_template("scoring/cell.html", fragment=body)
    return make_response(page, status)


def _not_found_unless_replayed(key: str | None) -> Response:
    """A cell this user can no longer reach: 404, unless this is the repeat of a save applied."""
    db.session.rollback()
    replay = idempotency.stored_response(key, current_user.id)
    if replay is not None:
        return replay
    abort(404)


# ---------------------------------------------------------------- scores


def _score_view(ctx: ScoreCellContext, layout: str, **extra) -> dict:
    return {"c": ctx, "layout": layout, "state": extra.pop("state", "idle"), "typed": None,
            "error": None, "theirs": None, "next": safe_next_url(request.values.get("next"), ""), **extra}


def _typed_mark(ctx: ScoreCellContext) -> tuple[str, Mark | None, str | None]:
    """What the teacher sent: (text to show back, parsed mark or None, error or None)."""
    form = request.form
    if "suggested" in form:
        typed = form["suggested"]
    elif form.get("mark") in (Absence.ABSENT, Absence.EXCUSED):
        return absence_text(form["mark"]), Mark(absence=Absence(form["mark"])), None
    elif form.get("mark") == "clear":
        return "", Mark(), None
    else:
        typed = form.get("value", "")
    if not typed.strip():
        return "", Mark(), None
    try:
        return typed, parse_score(typed[:40], ctx.cell.maximum), None
    except ScoreParseError as error:
        return typed, None, parse_error_text(error)


@bp.route(SCORE_URL, methods=["GET", "POST"])
@teacher_required
def score_cell(course_id: int, enrolment_id: int, subject_id: int, sitting: int):
    if sitting not in SITTINGS:
        abort(404)
    layout = _layout()
    if request.method == "GET":
        ctx = load_score_cell(current_user, course_id, enrolment_id, subject_id, sitting)
        if ctx is None:
            abort(404)
        return render_page_or_partial("scoring/cell.html", "scoring/_score_cell.html",
                                      **_score_view(ctx, layout))
    key = idempotency.key_from_request()
    if not idempotency.is_valid_key(key):
        abort(400)
    if not lock_teacher_course_enrolment(current_user, course_id, enrolment_id):
        return _not_found_unless_replayed(key)
    ctx = load_score_cell(current_user, course_id, enrolment_id, subject_id, sitting)
    if ctx is None:
        return _not_found_unless_replayed(key)
    # Only a plain form (no JavaScript) is redirected; htmx saves never build this URL.
    default_next = partial(url_for, "scoring.exam_mode", course_id=course_id, sitting=sitting,
                           subject=subject_id, pupil=enrolment_id)
    typed, mark, error = _typed_mark(ctx)
    block = ctx.cell.block
    if block is not None:
        status = 422 if block in (Block.EXEMPT, Block.NOT_IN_SECOND_SITTING) else 403
        body = render_template("scoring/_score_cell.html", **_score_view(
            ctx, layout, state="failed", typed=typed, error=str(BLOCK_TEXT[block])))
        return _finish(body, status, key, default_next)
    base = parse_version(request.form.get("version"))
    if error is not None or base is None or mark is None:
        error = error or _("This page is out of date. Reload it and try again.")
        body = render_template("scoring/_score_cell.html", **_score_view(
            ctx, layout, state="failed", typed=typed, error=error))
        return _finish(body, 422, key, default_next)
    if same_mark(ctx.cell.mark, mark):
        body = render_template("scoring/_score_cell.html", **_score_view(ctx, layout, state="saved"))
        return _finish(body, 200, key, default_next)

    def saved_answer(score_id: int, version: int) -> str:
        saved = replace(ctx, score_id=score_id,
                        cell=replace(ctx.cell, mark=None if mark.is_empty else mark,
                                     version=version))
        return render_template("scoring/_score_cell.html",
                               **_score_view(saved, layout, state="saved"))

    written = write_score(
        course_id=course_id, enrolment_id=enrolment_id, subject_id=subject_id, sitting=sitting,
        score_id=ctx.score_id, stored_version=ctx.cell.version, base_version=base,
        old=ctx.cell.mark, new=mark, user_id=current_user.id, answer_for=saved_answer,
        idempotency_key=key, keeping_mine=_keeping_mine())
    if written.outcome == Outcome.CONFLICT:
        replay = idempotency.stored_response(key, current_user.id)
        if replay is not None:  # a repeat of a save applied before
            return replay
        fresh = load_score_cell(current_user, course_id, enrolment_id, subject_id, sitting) or ctx
        body = render_template("scoring/_score_cell.html", **_score_view(
            fresh, layout, state="conflict", typed=typed, yours=mark))
        return _finish(body, 409, key, default_next)
    return _finish(written.answer, 200, key, default_next, stored=True)


def mark_input_text(mark: Mark | None) -> str:
    """A mark as the form sends it back (used by "keep mine" after a conflict)."""
    if mark is None or mark.is_empty:
        return ""
    if mark.absence is not None:
        return "a" if mark.absence == Absence.ABSENT else "ga"
    return format_score(mark.value, decimal_comma=False)


bp.add_app_template_global(mark_input_text, "mark_input_text")


# ---------------------------------------------------------------- rubric levels


def _context_or_404(context: str) -> AssessmentContext:
    try:
        return AssessmentContext(context)
    except ValueError:
        abort(404)


def _level_label(ctx: LevelCellContext, level_id: int | None, note: str) -> str | None:
    label = next((lv.label for lv in ctx.levels if lv.id == level_id), None)
    if note:
        return f"{label or '-'} ({note})"
    return label


def _rubric_subject(ctx: LevelCellContext) -> Subject | None:
    """The subject whose suggested score this rubric informs (as chosen in exam mode)."""
    subject_id = request.values.get("subject", type=int)
    if subject_id is None:
        return None
    subject = db.session.get(Subject, subject_id)
    if subject is None or subject.course_id != ctx.course_id or subject.rubric_id != ctx.rubric_id:
        return None
    return subject


def _level_view(ctx: LevelCellContext, layout: str, **extra) -> dict:
    return {"c": ctx, "layout": layout, "state": extra.pop("state", "idle"), "error": None,
            "typed_level": None, "typed_note": None, "theirs": None,
            "subject_id": request.values.get("subject", type=int),
            "sitting": request.values.get("sitting", 1, type=int),
            "next": safe_next_url(request.values.get("next"), ""), "total": None, **extra}


def _with_total(ctx: LevelCellContext, view: dict) -> dict:
    """Add the pupil's live rubric total, swapped out of band next to the cell."""
    rubric = load_rubric(ctx.rubric_id)
    if rubric is None:
        return view
    chosen = dict(db.session.execute(
        select(SkillAssessment.criterion_id, SkillAssessment.level_id).where(
            SkillAssessment.enrolment_id == ctx.enrolment_id,
            SkillAssessment.context == ctx.context)
    ).all())
    subject = _rubric_subject(ctx)
    view["total"] = totals_for(rubric, chosen, subject.maximum if subject else None)
    view["total_subject"] = subject
    return view


@bp.route(LEVEL_URL, methods=["GET", "POST"])
@teacher_required
def level_cell(course_id: int, enrolment_id: int, criterion_id: int, context: str):
    assessment_context = _context_or_404(context)
    layout = _layout()
    if request.method == "GET":
        ctx = load_level_cell(current_user, course_id, enrolment_id, criterion_id,
                              assessment_context)
        if ctx is None:
            abort(404)
        return render_page_or_partial("scoring/cell.html", "scoring/_level_cell.html",
                                      **_level_view(ctx, layout))
    key = idempotency.key_from_request()
    if not idempotency.is_valid_key(key):
        abort(400)
    if not lock_teacher_course_enrolment(current_user, course_id, enrolment_id):
        return _not_found_unless_replayed(key)
    ctx = load_level_cell(current_user, course_id, enrolment_id, criterion_id, assessment_context)
    if ctx is None:
        return _not_found_unless_replayed(key)
    default_next = partial(url_for, "scoring.exam_mode", course_id=course_id, pupil=enrolment_id)
    form = request.form
    raw = form["choose"] if "choose" in form else form.get("level_id", "")
    note = form.get("note", ctx.note).strip()
    level_id: int | None = parse_id(raw)
    error = None
    if raw and (level_id is None or level_id not in {lv.id for lv in ctx.levels}):
        error = _("Choose one of the levels shown.")
    elif len(note) > NOTE_LIMIT:
        error = _("A note can be at most %(limit)s characters.", limit=NOTE_LIMIT)
    refusal = ctx.pupil.refusal()
    if refusal is not None:
        body = render_template("scoring/_level_cell.html", **_level_view(
            ctx, layout, state="failed", error=str(BLOCK_TEXT[refusal])))
        return _finish(body, 403, key, default_next)
    base = parse_version(form.get("version"))
    if error is not None or base is None:
        body = render_template("scoring/_level_cell.html", **_level_view(
            ctx, layout, state="failed", typed_level=level_id, typed_note=note,
            error=error or _("This page is out of date. Reload it and try again.")))
        return _finish(body, 422, key, default_next)
    if level_id == ctx.level_id and note == ctx.note:
        body = render_template("scoring/_level_cell.html",
                               **_with_total(ctx, _level_view(ctx, layout, state="saved")))
        return _finish(body, 200, key, default_next)
    written = write_level(
        course_id=course_id, enrolment_id=enrolment_id, criterion_id=criterion_id,
        context=assessment_context, assessment_id=ctx.assessment_id,
        stored_version=ctx.version, base_version=base,
        old_level=_level_label(ctx, ctx.level_id, ctx.note),
        new_level_id=level_id, new_level=_level_label(ctx, level_id, note), note=note,
        user_id=current_user.id, keeping_mine=_keeping_mine())
    if written.outcome == Outcome.CONFLICT:
        fresh = load_level_cell(current_user, course_id, enrolment_id, criterion_id,
                                assessment_context) or ctx
        body = render_template("scoring/_level_cell.html", **_level_view(
            fresh, layout, state="conflict", typed_level=level_id, typed_note=note))
        return _finish(body, 409, key, default_next)
    saved = replace(ctx, assessment_id=written.row_id, level_id=level_id, note=note,
                    version=written.version)
    body = render_template("scoring/_level_cell.html",
                           **_with_total(saved, _level_view(saved, layout, state="saved")))
    return _finish(body, 200, key, default_next)


# ---------------------------------------------------------------- history


def _history(entity: str, entity_id: int | None, course_id: int) -> list[tuple[AuditEvent, User | None]]:
    if entity_id is None:
        return []
    return list(db.session.execute(
        select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id),
               AuditEvent.course_id == course_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all())


@bp.route(SCORE_URL + "/history")
@teacher_required
def score_history(course_id: int, enrolment_id: int, subject_id: int, sitting: int):
    ctx = load_score_cell(current_user, course_id, enrolment_id, subject_id, sitting)
    if ctx is None or sitting not in SITTINGS:
        abort(404)
    events = _history("score", ctx.score_id, course_id)
    return render_page_or_partial("scoring/history.html", "scoring/_history.html",
                                  events=events, title=f"{ctx.subject_name} · {ctx.pupil_name}",
                                  kind="score")


@bp.route(LEVEL_URL + "/history")
@teacher_required
def level_history(course_id: int, enrolment_id: int, criterion_id: int, context: str):
    ctx = load_level_cell(current_user, course_id, enrolment_id, criterion_id,
                          _context_or_404(context))
    if ctx is None:
        abort(404)
    events = _history("skill_assessment", ctx.assessment_id, course_id)
    return render_page_or_partial("scoring/history.html", "scoring/_history.html",
                                  events=events, title=f"{ctx.criterion_name} · {ctx.pupil_name}",
                                  kind="level")
