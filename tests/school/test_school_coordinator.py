"""The school coordinator: her schools' courses, exam moments, teachers and overview; nothing
of another school, and none of the teachers' or the secretariat's work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import (
    AuditEvent,
    CourseTeacher,
    ExamMoment,
    RecognitionBasis,
    Score,
    Submission,
)
from teacherapp.rules import school_year_of
from tests.security.world import database_digest

THIS_YEAR = school_year_of(date.today())
START = int(THIS_YEAR[:4])


@pytest.fixture
def school_x(make):
    """Sint-Jozefscollege with its coordinator, a course (this school year), a subject, a
    recognised teacher of the school and one who is not recognised."""
    school = make.school(name="Sint-Jozefscollege")
    ct = make.course_type(code="S2C", name="Start 2 Coach")
    course = make.course(ct, school, school_year=THIS_YEAR, start=date(START, 9, 14))
    subject = make.subject(course, "Praktijk")
    recognised = make.teacher(full_name="An Peeters", recognised_for=[ct])
    unrecognised = make.teacher(full_name="Els Wouters")
    make.member(recognised, school)
    make.member(unrecognised, school)
    coordinator = make.coordinator([school], email="coordinator@sjc.demo")
    db.session.commit()
    return {"school": school, "ct": ct, "course": course, "subject": subject,
            "recognised": recognised, "unrecognised": unrecognised, "coordinator": coordinator}


@pytest.fixture
def other(make, school_x):
    """School Y, with its own coordinator, course and teacher."""
    school = make.school(name="Atheneum Brugge")
    course = make.course(school_x["ct"], school, school_year=THIS_YEAR, start=date(START, 9, 14))
    subject = make.subject(course, "Theorie")
    teacher = make.teacher(full_name="Bram Declercq", recognised_for=[school_x["ct"]])
    make.member(teacher, school)
    coordinator = make.coordinator([school], email="coordinator@kab.demo")
    db.session.commit()
    return {"school": school, "course": course, "subject": subject, "teacher": teacher,
            "coordinator": coordinator}


def _future_day(months_ahead: int = 1) -> date:
    """A day after today inside this school year (falls back to the year's last day)."""
    day = date.today() + timedelta(days=30 * months_ahead)
    return day if school_year_of(day) == THIS_YEAR else date(START + 1, 8, 31)


def _moments_url(course, subject):
    return f"/school/courses/{course.id}/subjects/{subject.id}/moments"


# ---------------------------------------------------------------- pages


def test_home_shows_the_coordinators_schools_courses_only(client, auth, school_x, other):
    auth.login(school_x["coordinator"])
    page = client.get("/").get_data(as_text=True)
    assert "Sint-Jozefscollege" in page
    assert f"/school/courses/{school_x['course'].id}" in page
    assert f"/school/courses/{other['course'].id}" not in page


def test_course_page_lists_subjects_and_why_a_teacher_cannot_be_linked(client, auth, school_x, other):
    auth.login(school_x["coordinator"])
    response = client.get(f"/school/courses/{school_x['course'].id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Praktijk" in page
    assert "An Peeters" in page and "Els Wouters" in page
    assert "niet erkend voor dit opleidingstype" in page
    assert "Bram Declercq" not in page  # another school's teacher is not offered


@pytest.mark.parametrize("path", [
    "/school/courses/{course}", "/school/courses/{course}/subjects/{subject}/moments"])
def test_another_schools_objects_are_404(client, auth, school_x, other, path):
    auth.login(school_x["coordinator"])
    url = path.format(course=other["course"].id, subject=other["subject"].id)
    assert client.get(url).status_code == 404
    # her own course with the other school's subject
    mixed = f"/school/courses/{school_x['course'].id}/subjects/{other['subject'].id}/moments"
    assert client.get(mixed).status_code == 404


@pytest.mark.parametrize("who", ["teacher", "secretariat"])
def test_school_pages_refuse_teachers_and_the_secretariat(client, auth, make, school_x, who):
    user = school_x["recognised"] if who == "teacher" else make.secretariat()
    auth.login(user)
    for url in ("/school/", "/school/overview", f"/school/courses/{school_x['course'].id}"):
        assert client.get(url).status_code == 403, url


def test_anonymous_goes_to_login(client, school_x):
    response = client.get("/school/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---------------------------------------------------------------- exam moments


def test_plans_the_second_sitting_with_time_and_place(client, auth, school_x):
    auth.login(school_x["coordinator"])
    course, subject = school_x["course"], school_x["subject"]
    first, second = _future_day(1), _future_day(2)
    if second <= first:
        pytest.skip("too close to the end of the school year for two future days")
    response = auth.post(_moments_url(course, subject), {
        "first_date": first.isoformat(), "first_time": "09:30", "first_place": "Sporthal",
        "second_date": second.isoformat(), "second_time": "13:00", "second_place": "Zwembad"})
    assert response.status_code == 302
    db.session.expire_all()
    moments = {m.sitting: m for m in db.session.scalars(
        select(ExamMoment).where(ExamMoment.subject_id == subject.id))}
    assert moments[2].exam_date == second and moments[2].place == "Zwembad"
    assert moments[2].start_time.strftime("%H:%M") == "13:00"
    assert moments[1].trimester in (1, 2, 3)
    events = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.entity == "exam_moment", AuditEvent.actor_id == school_x["coordinator"].id))
    assert events == 2
    page = client.get(f"/school/courses/{course.id}").get_data(as_text=True)
    assert "Zwembad" in page and "Trimester" in page


@pytest.mark.parametrize(("day", "reason"), [
    (date.today() - timedelta(days=1), "Deze datum ligt in het verleden."),
    (date(START + 2, 1, 15), f"buiten het schooljaar {THIS_YEAR}"),
])
def test_a_moment_in_the_past_or_outside_the_school_year_is_refused(client, auth, school_x,
                                                                   day, reason):
    if school_year_of(day) == THIS_YEAR and day >= date.today():
        pytest.skip("not a past day")
    auth.login(school_x["coordinator"])
    before = database_digest()
    response = auth.post(_moments_url(school_x["course"], school_x["subject"]),
                         {"first_date": day.isoformat()})
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert database_digest() == before


def test_a_moment_already_planned_in_the_past_may_stay(client, auth, school_x):
    past = date.today() - timedelta(days=1)
    if school_year_of(past) != THIS_YEAR:
        pytest.skip("yesterday was in the previous school year")
    subject = school_x["subject"]
    db.session.add(ExamMoment(subject_id=subject.id, sitting=1, exam_date=past, trimester=1))
    db.session.commit()
    auth.login(school_x["coordinator"])
    response = auth.post(_moments_url(school_x["course"], subject),
                         {"first_date": past.isoformat(), "first_place": "Sporthal"})
    assert response.status_code == 302


def test_another_coordinator_cannot_plan_this_schools_moments(client, auth, school_x, other):
    auth.login(other["coordinator"])
    before = database_digest()
    response = auth.post(_moments_url(school_x["course"], school_x["subject"]),
                         {"first_date": _future_day().isoformat()})
    assert response.status_code == 404
    assert database_digest() == before


# ---------------------------------------------------------------- linking teachers


def _linked(course) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(CourseTeacher.teacher_id)
                                  .where(CourseTeacher.course_id == course.id)))


def test_links_a_recognised_teacher_of_the_school(client, auth, school_x):
    auth.login(school_x["coordinator"])
    course, teacher = school_x["course"], school_x["recognised"]
    response = auth.post(f"/school/courses/{course.id}/teachers", {"teacher_id": teacher.id},
                         htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert teacher.id in _linked(course)
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.entity == "course_teacher", AuditEvent.action == "link",
        AuditEvent.actor_id == school_x["coordinator"].id)) is not None


def test_unlinks_a_teacher(client, auth, make, school_x):
    course, teacher = school_x["course"], school_x["recognised"]
    make.link(course, teacher)
    db.session.commit()
    auth.login(school_x["coordinator"])
    response = auth.post(f"/school/courses/{course.id}/teachers/{teacher.id}/unlink")
    assert response.status_code == 302
    assert teacher.id not in _linked(course)


def test_an_unrecognised_teacher_is_refused_with_the_reason(client, auth, school_x):
    auth.login(school_x["coordinator"])
    course = school_x["course"]
    response = auth.post(f"/school/courses/{course.id}/teachers",
                         {"teacher_id": school_x["unrecognised"].id}, htmx=True)
    assert response.status_code == 422
    assert "niet erkend voor dit opleidingstype" in response.get_data(as_text=True)
    assert _linked(course) == set()


def test_a_track_2_only_recognition_does_not_fit_a_track_1_course(client, auth, make, school_x):
    teacher = make.teacher(full_name="Track Twee")
    make.recognise(teacher, school_x["ct"], basis=RecognitionBasis.AUTOMATIC_TRACK2)
    make.member(teacher, school_x["school"])
    db.session.commit()
    auth.login(school_x["coordinator"])
    response = auth.post(f"/school/courses/{school_x['course'].id}/teachers",
                         {"teacher_id": teacher.id}, htmx=True)
    assert response.status_code == 422
    assert teacher.id not in _linked(school_x["course"])


def test_another_schools_teacher_cannot_be_linked(client, auth, school_x, other):
    auth.login(school_x["coordinator"])
    response = auth.post(f"/school/courses/{school_x['course'].id}/teachers",
                         {"teacher_id": other["teacher"].id})
    assert response.status_code == 404
    assert _linked(school_x["course"]) == set()


def test_another_coordinator_cannot_link_or_unlink(client, auth, make, school_x, other):
    course = school_x["course"]
    make.link(course, school_x["recognised"])
    db.session.commit()
    auth.login(other["coordinator"])
    before = database_digest()
    assert auth.post(f"/school/courses/{course.id}/teachers",
                     {"teacher_id": school_x["recognised"].id}).status_code == 404
    assert auth.post(f"/school/courses/{course.id}/teachers/{school_x['recognised'].id}"
                     "/unlink").status_code == 404
    assert database_digest() == before


# ---------------------------------------------------------------- overview


def test_overview_shows_only_her_schools(client, auth, school_x, other):
    auth.login(school_x["coordinator"])
    response = client.get("/school/overview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sint-Jozefscollege" in page
    assert "Atheneum Brugge" not in page
    assert "/admin/" not in page.split("overview-lines", 1)[1]  # no secretariat actions
    fragment = client.get("/school/overview", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    # Asking for the other school by its id in the filter shows nothing of it.
    filtered = client.get(f"/school/overview?school={other['school'].id}").get_data(as_text=True)
    assert "Atheneum Brugge" not in filtered


# ---------------------------------------------------------------- what she may not do


REFUSED_WRITES = {
    # endpoint: (URL arguments, form body)
    "scoring.score_cell": ({"sitting": 1}, {"value": "5", "version": "0"}),
    "scoring.level_cell": ({"context": "class"}, {"level_id": "", "version": "0"}),
    "scoring.exemption": ({}, {"kind": "exemption", "reason": "x"}),
    "scoring.remove_exemption": ({}, {}),
    "scoring.submit": ({"sitting": 1}, {}),
    "scoring.reopen": ({"sitting": 1}, {"reason": "x"}),
    "admin.recognition_revoke": ({}, {}),
    "admin.course_type_edit": ({}, {"name": "x"}),
    "admin.school_edit": ({}, {"name": "x"}),
    "admin.course_teacher_link": ({}, {"teacher_id": "0"}),
}


@pytest.mark.parametrize("endpoint", sorted(REFUSED_WRITES))
def test_may_not_score_submit_reopen_or_change_recognitions(app, client, auth, make, school_x,
                                                            endpoint):
    from flask import url_for

    course, subject = school_x["course"], school_x["subject"]
    enrolment = make.enrolment(course)
    criterion = make.rubric(school_x["ct"], criteria=1, levels=2).criteria[0]
    recognition = make.recognise(make.teacher(), school_x["ct"])
    db.session.commit()
    ids = {"course_id": course.id, "enrolment_id": enrolment.id, "subject_id": subject.id,
           "criterion_id": criterion.id, "teacher_id": recognition.teacher_id,
           "recognition_id": recognition.id, "course_type_id": school_x["ct"].id,
           "school_id": school_x["school"].id}
    extra, data = REFUSED_WRITES[endpoint]
    rule = next(app.url_map.iter_rules(endpoint))
    with app.test_request_context():
        url = url_for(endpoint, **{k: v for k, v in ids.items() if k in rule.arguments}, **extra)
    auth.login(school_x["coordinator"])
    before = database_digest()
    response = auth.post(url, data)
    assert response.status_code in (403, 404), (url, response.status_code)
    assert database_digest() == before
    assert db.session.scalar(select(func.count(Score.id))) == 0
    assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_the_teacher_sees_the_planned_time_and_place_on_the_course_card(client, auth, make,
                                                                         school_x):
    from datetime import time

    day = _future_day(1)
    make.link(school_x["course"], school_x["recognised"])
    db.session.add(ExamMoment(subject_id=school_x["subject"].id, sitting=1, exam_date=day,
                              trimester=1, start_time=time(9, 30), place="Sporthal De Kuil"))
    db.session.commit()
    auth.login(school_x["recognised"])
    page = client.get("/").get_data(as_text=True)
    assert "09:30" in page and "Sporthal De Kuil" in page


def test_a_teacher_id_beyond_the_database_integer_is_refused_not_a_500(auth, make):
    """Found by the fuzz on PostgreSQL: an id no integer column holds is no teacher."""
    from tests.factories import coordinator

    ct = make.course_type()
    course = make.course(ct)
    auth.login(coordinator([course.school]))
    response = auth.post(f"/school/courses/{course.id}/teachers",
                         {"teacher_id": str(2**63)})
    assert response.status_code < 500
