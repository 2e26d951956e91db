"""Scoring pages: exam mode (one pupil at a time, phone) and the grid (keyboard, laptop)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required

from teacherapp.htmx import render_page_or_partial
from teacherapp.models import AssessmentContext
from teacherapp.permissions import get_course_or_404, teacher_required
from teacherapp.rules import SITTINGS, course_result, final_subject_result
from teacherapp.scoring import bp
from teacherapp.scoring.logic import exam_order, mark_of, next_and_previous
from teacherapp.scoring.sheet import attach_rubric, load_sheet, rubrics_of_course


def _sitting() -> int:
    sitting = request.args.get("sitting", 1, type=int)
    if sitting not in SITTINGS:
        abort(404)
    return sitting


@bp.route("/<int:course_id>/exam")
@teacher_required
def exam_mode(course_id: int):
    course = get_course_or_404(course_id)
    sitting = _sitting()
    sheet = load_sheet(course, sitting)
    subject = sheet.subject(request.args.get("subject", type=int))
    if subject is None:
        # Exam mode is for the practical exam: start with the first subject that has a rubric.
        subject = next((s for s in sheet.subjects if s.rubric_id), None) or (
            sheet.subjects[0] if sheet.subjects else None)
    candidates = [p.enrolment_id for p in sheet.pupils]
    if subject is not None and sitting == 2:
        candidates = sheet.second_sitting_ids(subject)
    refused = {p.enrolment_id for p in sheet.pupils if p.refusal is not None}
    pupil_id = request.args.get("pupil", type=int)
    # A link to a pupil who cannot be scored (from the roster) shows everyone, that pupil too.
    show_all = request.args.get("all") == "1" or pupil_id in refused
    order, skipped = exam_order(candidates, refused, show_all)
    pupil = sheet.pupil(pupil_id) if pupil_id in order else None
    if pupil is None and order:
        pupil = sheet.pupil(order[0])
    if subject is not None and subject.rubric_id and pupil is not None:
        attach_rubric(sheet, subject.rubric_id, [pupil.enrolment_id])
    following, previous = next_and_previous(order, pupil.enrolment_id) if pupil else (None, None)
    return render_page_or_partial(
        "scoring/exam.html", "scoring/_exam_pupil.html", course=course, sheet=sheet,
        sitting=sitting, subject=subject, pupil=pupil, order=order, following=following,
        previous=previous, position=order.index(pupil.enrolment_id) + 1 if pupil else 0,
        show_all=show_all, skipped=skipped, can_skip=bool(refused & set(candidates)),
    )


@bp.route("/<int:course_id>/grid")
@login_required
def grid(course_id: int):
    course = get_course_or_404(course_id)
    sitting = _sitting()
    view = request.args.get("view", "subjects")
    if view not in ("subjects", "rubric"):
        view = "subjects"
    rubrics = rubrics_of_course(course)
    rubric_id = request.args.get("rubric", type=int)
    if rubric_id not in {r.id for r in rubrics}:
        rubric_id = rubrics[0].id if rubrics else None
    try:
        context = AssessmentContext(request.args.get("context", "exam"))
    except ValueError:
        context = AssessmentContext.EXAM
    sheet = load_sheet(course, sitting, rubric_id=rubric_id if view == "rubric" else None,
                       context=context)
    finals = {}
    if view == "subjects":
        for pupil in sheet.pupils:
            results = []
            for subject in sheet.subjects:
                first = sheet.scores.get((pupil.enrolment_id, subject.id, 1))
                second = sheet.scores.get((pupil.enrolment_id, subject.id, 2))
                results.append(final_subject_result(
                    mark_of(first.value, first.absence) if first else None,
                    mark_of(second.value, second.absence) if second else None,
                    subject.pass_mark,
                    exempt=(pupil.enrolment_id, subject.id) in sheet.exemptions))
            finals[pupil.enrolment_id] = course_result(results)
    return render_template(
        "scoring/grid.html", course=course, sheet=sheet, sitting=sitting, view=view,
        rubrics=rubrics, rubric_id=rubric_id, context=context, finals=finals,
        can_edit=current_user.is_teacher,
    )
