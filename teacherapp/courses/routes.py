"""The teacher's courses: my courses, a course's roster, one pupil, who viewed which content.

Every view loads its course through `permissions` (404 when it is not the user's), asks
`queries` for the data and renders. The secretariat may look at every course, read-only.
"""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from teacherapp.certificates import CERTIFICATE_NAMES, NOT_ELIGIBLE
from teacherapp.courses import bp
from teacherapp.courses.forms import RosterSearchForm
from teacherapp.courses.logic import completion_chart, filter_roster
from teacherapp.courses.queries import (
    count_unrecognised_links,
    load_content_overview,
    load_course_cards,
    load_pupil_detail,
    load_reopened_submissions,
    load_roster,
)
from teacherapp.htmx import render_page_or_partial
from teacherapp.models import Enrolment
from teacherapp.permissions import get_course_or_404, get_enrolment_or_404, has_any_recognition
from teacherapp.rules import school_year_of

# Pages of the scoring area a course page links to: (endpoint, label, label on a track-2
# course, url arguments, shown to the secretariat too). Links appear only once that area
# provides the endpoint. Track 2 is never submitted to VTS: the same pages check completeness.
SCORING_LINKS = (
    ("scoring.exam_mode", _l("Exam mode"), None, {}, False),
    ("scoring.grid", _l("Score grid"), None, {}, True),
    ("scoring.submission", _l("Submit 1st sitting"), _l("Check 1st sitting"), {"sitting": 1},
     False),
    ("scoring.submission", _l("Submit 2nd sitting"), _l("Check 2nd sitting"), {"sitting": 2},
     False),
)


def render_my_courses() -> str:
    """The course cards; also the teacher's start page (main.home)."""
    today = date.today()
    cards = load_course_cards(current_user, today)
    recognised = current_user.is_secretariat or has_any_recognition(current_user)
    hidden = count_unrecognised_links(current_user) if current_user.is_teacher else 0
    return render_template("courses/index.html", cards=cards, recognised=recognised,
                           hidden_links=hidden, today=today, school_year=school_year_of(today))


@bp.route("/")
@login_required
def index():
    return render_my_courses()


def scoring_links(course_id: int, track: int = 1) -> list[tuple[str, str]]:
    """(url, label) of the scoring pages that exist and this user may open."""
    return [
        (url_for(endpoint, course_id=course_id, **arguments),
         str(track_two_label if track != 1 and track_two_label else label))
        for endpoint, label, track_two_label, arguments, for_secretariat in SCORING_LINKS
        if endpoint in current_app.view_functions
        and (current_user.is_teacher or for_secretariat)
    ]


@bp.route("/<int:course_id>")
@login_required
def show(course_id: int) -> Response:
    course = get_course_or_404(course_id)
    form = RosterSearchForm(request.args)
    form.validate()
    roster = load_roster(course)
    rows = filter_roster(roster, form.roster_filter())
    return render_page_or_partial(
        "courses/show.html", "courses/_pupil_rows.html",
        course=course, form=form, rows=rows, total=len(roster),
        unpaid=sum(1 for r in roster if not r.is_paid),
        blocked=sum(1 for r in roster if not r.can_be_scored),
        filtering=form.roster_filter().is_active,
        scoring_links=scoring_links(course.id, course.track),
        reopened=load_reopened_submissions(course.id),
    )


@bp.route("/<int:course_id>/pupils/<int:enrolment_id>")
@login_required
def pupil(course_id: int, enrolment_id: int) -> str:
    return render_pupil_page(get_enrolment_or_404(course_id, enrolment_id))


def render_pupil_page(enrolment: Enrolment, status: int = 200, **forms: FlaskForm):
    """The pupil page; the secretariat also gets its forms for the regulation's facts (a form
    that failed is passed in, with what the clerk typed)."""
    course = enrolment.course
    detail = load_pupil_detail(course, enrolment)
    exam_url = None
    if (current_user.is_teacher and detail.row.can_be_scored
            and "scoring.exam_mode" in current_app.view_functions):
        exam_url = url_for("scoring.exam_mode", course_id=course.id, pupil=enrolment.id)
    if current_user.is_secretariat:
        from teacherapp.admin.forms import EnrolmentFactsForm, GenericTestForm

        if "facts_form" not in forms:
            facts = EnrolmentFactsForm(formdata=None, obj=enrolment)
            facts.admission_requirement_met.data = {True: "yes", False: "no"}.get(
                enrolment.admission_requirement_met, "")
            forms["facts_form"] = facts
        forms.setdefault("test_form", GenericTestForm(formdata=None))
    payment_recorded = ""
    if current_user.is_secretariat:  # who recorded the payment: the school or VTS
        from teacherapp.deliberation.payments import payment_recorder

        payment_recorded = payment_recorder(enrolment)
    return render_template("courses/pupil.html", course=course, detail=detail,
                           row=detail.row, exam_url=exam_url, payment_recorded=payment_recorded,
                           certificate_names=CERTIFICATE_NAMES, not_eligible=NOT_ELIGIBLE,
                           **forms), status


@bp.route("/<int:course_id>/content")
@login_required
def content(course_id: int) -> str:
    course = get_course_or_404(course_id)
    overview = load_content_overview(course)
    return render_template("courses/content.html", course=course, overview=overview,
                           chart=completion_chart(overview.summaries))
