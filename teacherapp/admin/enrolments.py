"""The regulation's facts about one enrolment, recorded by the secretariat on the pupil page:
school year, sport-technical admission requirements, BK curriculum completed, and results of
the generic competence test. A course's justification for fewer than 10 pupils."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from teacherapp.admin import bp
from teacherapp.admin.forms import EnrolmentFactsForm, GenericTestForm, JustificationForm
from teacherapp.admin.helpers import get_or_404, record_changes, snapshot
from teacherapp.certificates import record_generic_test_result
from teacherapp.courses.routes import render_pupil_page
from teacherapp.extensions import db
from teacherapp.models import Course, Enrolment
from teacherapp.permissions import secretariat_required

FACTS = ["school_grade", "school_semester", "admission_requirement_met",
         "curriculum_completed_on"]
_MET = {"": None, "yes": True, "no": False}


def _pupil_page(enrolment: Enrolment) -> str:
    return url_for("courses.pupil", course_id=enrolment.course_id, enrolment_id=enrolment.id)


@bp.route("/enrolments/<int:enrolment_id>/facts", methods=["POST"])
@secretariat_required
def enrolment_facts(enrolment_id: int):
    enrolment = get_or_404(Enrolment, enrolment_id)
    form = EnrolmentFactsForm()
    if not form.validate_on_submit():
        return render_pupil_page(enrolment, 422, facts_form=form)
    before = snapshot(enrolment, FACTS)
    enrolment.school_grade = form.school_grade.data
    enrolment.school_semester = form.school_semester.data
    enrolment.admission_requirement_met = _MET.get(form.admission_requirement_met.data or "")
    enrolment.curriculum_completed_on = form.curriculum_completed_on.data
    record_changes("enrolment", enrolment, before, course_id=enrolment.course_id)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(_pupil_page(enrolment))


@bp.route("/enrolments/<int:enrolment_id>/generic-test", methods=["POST"])
@secretariat_required
def generic_test_add(enrolment_id: int):
    enrolment = get_or_404(Enrolment, enrolment_id)
    form = GenericTestForm()
    if not form.validate_on_submit():
        return render_pupil_page(enrolment, 422, test_form=form)
    record_generic_test_result(enrolment, form.passed.data == "yes", form.score.data, "form",
                               datetime.combine(form.taken_on.data, time(12), tzinfo=UTC))
    db.session.commit()
    flash(_("Generic competence test result recorded."), "success")
    return redirect(_pupil_page(enrolment))


@bp.route("/courses/<int:course_id>/justification", methods=["GET", "POST"])
@secretariat_required
def course_justification(course_id: int):
    course = get_or_404(Course, course_id)
    form = JustificationForm(obj=course)
    if form.validate_on_submit():
        before = snapshot(course, ["justification_under_ten"])
        course.justification_under_ten = (form.justification_under_ten.data or "").strip() or None
        record_changes("course", course, before, course_id=course.id)
        db.session.commit()
        flash(_("Justification saved."), "success")
        return redirect(url_for("admin.course", course_id=course.id))
    return render_template(
        "admin/form.html", form=form, title=_("Justification for fewer than 10 pupils"),
        intro=f"{course.title} · {course.school.name} · {course.school_year}",
        back_url=url_for("admin.course", course_id=course.id)), 422 if form.errors else 200
