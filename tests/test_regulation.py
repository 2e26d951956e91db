"""The regulation, tried as its users would: tracks and recognition, the late payer, the
certificate's eligibility in every export, the under-10 justification, the age rule per
enrolment, the school year, the generic test, the BK curriculum, admission requirements."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from teacherapp.certificates import load_eligibility, record_generic_test_result
from teacherapp.extensions import db
from teacherapp.models import (
    AuditEvent,
    Course,
    Enrolment,
    GenericTestResult,
    RecognitionBasis,
    Submission,
    SubmissionState,
)
from teacherapp.progress import load_sitting_progress
from teacherapp.rules import NotEligible
from tests.deliberation.helpers import scored_course, upload

# ---------------------------------------------------------------- recognition and tracks


def _automatic_teacher(make, ct):
    teacher = make.teacher(full_name="Bram BK")
    make.recognise(teacher, ct, RecognitionBasis.AUTOMATIC_TRACK2)
    return teacher


def test_an_automatically_recognised_teacher_cannot_be_linked_to_a_track_1_course(
        client, auth, make):
    ct = make.course_type("S2C")
    teacher = _automatic_teacher(make, ct)
    track_1 = make.course(ct, make.school(has_bk_curriculum=True), track=1)
    track_2 = make.course(ct, make.school(has_bk_curriculum=True), track=2)
    auth.login(make.secretariat())
    refused = auth.post(f"/admin/courses/{track_1.id}/teachers", {"teacher_id": teacher.id},
                        htmx=True)
    assert refused.status_code == 422
    assert "enkel voor spoor 1" not in refused.get_data(as_text=True)
    assert "automatisch erkend, enkel voor spoor 2" in refused.get_data(as_text=True)
    linked = auth.post(f"/admin/courses/{track_2.id}/teachers", {"teacher_id": teacher.id},
                       htmx=True)
    assert linked.status_code == 200
    links = db.session.scalars(select(Course.id).join(Course.teacher_links)).all()
    assert links == [track_2.id]


def test_an_automatic_recognition_does_not_open_a_track_1_course(client, auth, make):
    """Linked by hand (or before the course moved to track 1): still no access."""
    ct = make.course_type("MM")
    teacher = _automatic_teacher(make, ct)
    track_1 = make.course(ct, teachers=[teacher], track=1)
    track_2 = make.course(ct, teachers=[teacher], track=2)
    auth.login(teacher)
    assert client.get(f"/courses/{track_1.id}").status_code == 404
    assert client.get(f"/courses/{track_2.id}").status_code == 200
    page = client.get("/courses/").get_data(as_text=True)
    assert f"/courses/{track_2.id}" in page and f"/courses/{track_1.id}\"" not in page


@pytest.mark.parametrize("code", ["HR", "C4S", "INI-VB"])
def test_only_start_2_coach_and_multimove_can_be_put_on_track_2(client, auth, make, code):
    ct = make.course_type(code)
    school = make.school(has_bk_curriculum=True)
    auth.login(make.secretariat())
    response = auth.post("/admin/courses/new", {
        "course_type_id": ct.id, "school_id": school.id, "school_year": "2026-2027",
        "track": "2", "start_date": "2026-09-14", "group_name": "6 Sport"})
    assert response.status_code == 422
    assert "Spoor 2 bestaat enkel voor Start 2 Coach en Multimove" in response.get_data(
        as_text=True)
    assert db.session.scalar(select(Course.id)) is None


# ---------------------------------------------------------------- the late payer


def test_a_late_payer_gets_the_second_sitting_for_every_subject(client, auth, make):
    ct = make.course_type("S2C")
    teacher = make.teacher(recognised_for=[ct])
    course = make.course(ct, teachers=[teacher])
    theory = make.subject(course, "Theorie", maximum=20, pass_mark=10, position=1)
    late = make.enrolment(course, paid=False)
    db.session.add(Submission(course_id=course.id, sitting=1, state=SubmissionState.SUBMITTED,
                              submitted_by_id=teacher.id, submitted_at=datetime.now(UTC)))
    db.session.commit()
    assert load_sitting_progress([course.id])[(course.id, 2)].required == 0  # not paid yet
    late.paid_at, late.payment_method = datetime.now(UTC), "individual"
    db.session.commit()
    progress = load_sitting_progress([course.id])[(course.id, 2)]
    assert progress.required == 1 and not progress.is_complete
    auth.login(teacher)
    response = auth.post(
        f"/courses/{course.id}/pupils/{late.id}/subjects/{theory.id}/sittings/2",
        {"value": "12", "version": "0"}, htmx=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert load_sitting_progress([course.id])[(course.id, 2)].is_complete


# ---------------------------------------------------------------- certificates


def _per_pupil(client, **params) -> dict[str, dict]:
    data = client.get("/admin/export/download", query_string={"file_format": "xlsx", **params})
    rows = list(load_workbook(io.BytesIO(data.get_data()))["Per leerling"].iter_rows(
        values_only=True))
    return {row[rows[0].index("Voornaam")]: dict(zip(rows[0], row, strict=True))
            for row in rows[1:]}


def test_the_exports_eligibility_is_the_same_with_and_without_a_trimester_filter(
        client, auth, make):
    course, subjects, pupils, teacher = scored_course(make)
    # Zoë's practice is in trimester 2 and failed: with a trimester-1 filter only her passed
    # theory is exported, but she is not eligible.
    db.session.execute(
        Submission.__table__.update().where(Submission.course_id == course.id)
        .values(submitted_at=datetime(2026, 12, 18, tzinfo=UTC)))
    subjects["practice"].exam_moments[0].trimester = 2
    zoe_practice = next(s for s in pupils["Zoë"].scores if s.subject_id == subjects["practice"].id)
    zoe_practice.value = Decimal(2)
    db.session.commit()
    auth.login(make.secretariat())
    everything = _per_pupil(client)
    trimester_1 = _per_pupil(client, trimester="1")
    key, why = "Komt in aanmerking voor het attest", "Waarom niet"
    assert everything["Zoë"][key] == trimester_1["Zoë"][key] == "nee"
    assert trimester_1["Zoë"][why] == everything["Zoë"][why]
    for name in trimester_1:
        assert trimester_1[name][key] == everything[name][key]


def test_the_pupil_page_says_who_gets_a_certificate_and_why_not(client, auth, make):
    course, _subjects, pupils, teacher = scored_course(make)
    db.session.execute(GenericTestResult.__table__.delete().where(
        GenericTestResult.enrolment_id == pupils["Zoë"].id))
    db.session.commit()
    auth.login(teacher)
    html = client.get(f"/courses/{course.id}/pupils/{pupils['Zoë'].id}").get_data(as_text=True)
    assert "(Nog) niet in aanmerking" in html
    assert "generieke competentietoets niet afgelegd" in html
    assert "Geregistreerd door het secretariaat" not in html  # the teacher gets no forms
    html = client.get(f"/courses/{course.id}/pupils/{pupils['Hélène'].id}").get_data(
        as_text=True)
    assert "Komt in aanmerking voor het attest" in html


def test_the_overview_counts_eligible_pupils_over_whole_enrolments(client, auth, make):
    scored_course(make)
    auth.login(make.secretariat())
    html = client.get("/admin/overview").get_data(as_text=True)
    assert "2 in aanmerking voor het attest" in html  # Zoë and Hélène


# ---------------------------------------------------------------- the generic test


def test_the_secretariat_records_a_generic_test_result(client, auth, make):
    course, _subjects, pupils, _teacher = scored_course(make)
    zoe = pupils["Zoë"]
    db.session.execute(GenericTestResult.__table__.delete())
    db.session.commit()
    assert load_eligibility([zoe.id])[zoe.id].reasons == (NotEligible.NO_GENERIC_TEST,)
    auth.login(make.secretariat())
    response = auth.post(f"/admin/enrolments/{zoe.id}/generic-test",
                         {"taken_on": "2026-12-04", "passed": "yes", "score": "14,5"})
    assert response.status_code == 302
    row = db.session.scalar(select(GenericTestResult))
    assert row.passed and row.score == Decimal("14.5") and row.source == "form"
    assert load_eligibility([zoe.id])[zoe.id].eligible
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.entity == "generic_test_result")) is not None
    bad = auth.post(f"/admin/enrolments/{zoe.id}/generic-test", {"taken_on": "gisteren"})
    assert bad.status_code == 422
    assert db.session.scalar(select(GenericTestResult.id).where(
        GenericTestResult.id != row.id)) is None


def test_recording_the_same_result_twice_keeps_one(data_app, make):
    course = make.course(make.course_type("S2C"))
    enrolment = make.enrolment(course)
    at = datetime(2027, 3, 2, 10, tzinfo=UTC)
    with data_app.test_request_context():
        record_generic_test_result(enrolment, False, None, "xapi", at)
        record_generic_test_result(enrolment, True, Decimal(70), "xapi", at)
        db.session.commit()
    rows = db.session.scalars(select(GenericTestResult)).all()
    assert len(rows) == 1 and rows[0].passed and rows[0].score == Decimal(70)
    with pytest.raises(ValueError):
        record_generic_test_result(enrolment, True, None, "email", at)


@pytest.mark.parametrize("url", ["/admin/enrolments/{id}/generic-test",
                                 "/admin/enrolments/{id}/facts"])
def test_a_teacher_may_not_record_the_regulations_facts(client, auth, make, url):
    ct = make.course_type("S2C")
    teacher = make.teacher(recognised_for=[ct])
    enrolment = make.enrolment(make.course(ct, teachers=[teacher]))
    auth.login(teacher)
    response = auth.post(url.format(id=enrolment.id), {"taken_on": "2026-12-04",
                                                      "passed": "yes", "school_grade": "5"})
    assert response.status_code == 403
    assert db.session.scalar(select(GenericTestResult.id)) is None
    assert db.session.get(Enrolment, enrolment.id).school_grade is None


def test_an_unknown_enrolment_is_not_found(client, auth, make):
    auth.login(make.secretariat())
    assert auth.post("/admin/enrolments/999999/facts", {}).status_code == 404


# ---------------------------------------------------------------- school year, BK, TVW


def test_the_school_year_is_recorded_and_warned_about_in_the_roster(client, auth, make):
    ct = make.course_type("S2C", name="Start 2 Coach")
    teacher = make.teacher()
    make.recognise(teacher, ct, RecognitionBasis.AUTOMATIC_TRACK2)
    course = make.course(ct, make.school(has_bk_curriculum=True), teachers=[teacher], track=2)
    enrolment = make.enrolment(course)
    auth.login(make.secretariat())
    response = auth.post(f"/admin/enrolments/{enrolment.id}/facts",
                         {"school_grade": "5", "school_semester": "2",
                          "curriculum_completed_on": "2027-06-30"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Enrolment, enrolment.id)
    assert (saved.school_grade, saved.school_semester) == (5, 2)
    assert saved.curriculum_completed_on == date(2027, 6, 30)
    assert load_eligibility([saved.id])[saved.id].eligible  # track 2: the BK curriculum
    roster = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "5de jaar, 2de semester" in roster
    assert "Spoor 2 onder het 6de jaar" in roster
    overview = client.get("/admin/overview").get_data(as_text=True)
    assert "Spoor 2 met 1 leerlingen onder het 6de jaar" in overview
    bad = auth.post(f"/admin/enrolments/{enrolment.id}/facts", {"school_grade": "9"})
    assert bad.status_code == 422
    assert db.session.get(Enrolment, enrolment.id).school_grade == 5


def test_the_school_year_is_imported_with_the_pupils(client, auth, make):
    course = make.course(make.course_type("HR", minimum_age=15))
    clerk = make.secretariat()
    auth.login(clerk)
    csv = (b"voornaam;naam;geboortedatum;leerjaar;semester\n"
           b"Lotte;Peeters;04/03/2009;5de;2\nNoah;Maes;05/06/2009;6;\n")
    response = upload(auth, course.id, "lijst.csv", csv)
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    from tests.deliberation.helpers import confirm

    assert confirm(auth, client, response.headers["Location"]).status_code == 302, preview
    grades = sorted(db.session.execute(
        select(Enrolment.school_grade, Enrolment.school_semester)).all())
    assert grades == [(5, 2), (6, None)]
    roster = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Leerjaar vroeger dan de tabel van het reglement" in roster  # HR from the 6th


def test_admission_requirements_are_shown_before_scoring_and_decide_eligibility(
        client, auth, make):
    ct = make.course_type("INI-VB", admission_requirement="Zwemtest 50 m")
    teacher = make.teacher(recognised_for=[ct])
    enrolment = make.enrolment(make.course(ct, teachers=[teacher]))
    auth.login(teacher)
    roster = client.get(f"/courses/{enrolment.course_id}").get_data(as_text=True)
    assert "Sporttechnische toelatingsvoorwaarden: niet geregistreerd" in roster
    assert NotEligible.ADMISSION_REQUIREMENT in load_eligibility([enrolment.id])[enrolment.id].reasons
    auth.logout()
    auth.login(make.secretariat())
    auth.post(f"/admin/enrolments/{enrolment.id}/facts", {"admission_requirement_met": "yes"})
    assert NotEligible.ADMISSION_REQUIREMENT not in load_eligibility(
        [enrolment.id])[enrolment.id].reasons


def test_a_course_type_carries_its_admission_requirements(client, auth, make):
    ct = make.course_type("INI-VB")
    auth.login(make.secretariat())
    response = auth.post(f"/admin/course-types/{ct.id}/edit", {
        "code": "INI-VB", "name": "Initiator volleybal", "hours": "40", "minimum_age": "16",
        "fee": "45", "refresher_group": "INI-VB", "admission_requirement": "Opslag en receptie"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(ct), ct.id).admission_requirement == "Opslag en receptie"


# ---------------------------------------------------------------- the age rule per enrolment


def test_a_new_minimum_age_reaches_only_pupils_admitted_afterwards(client, auth, make):
    ct = make.course_type("HR", minimum_age=16)
    teacher = make.teacher(recognised_for=[ct])
    course = make.course(ct, teachers=[teacher], start=date(2026, 9, 14))
    admitted = make.enrolment(course, make.pupil(course.school, birth_date=date(2010, 2, 1)))
    assert admitted.admitted_minimum_age == 16
    auth.login(make.secretariat())
    page = client.get(f"/admin/course-types/{ct.id}/edit").get_data(as_text=True)
    assert "wie al ingeschreven is, houdt de minimumleeftijd" in page
    auth.post(f"/admin/course-types/{ct.id}/edit", {
        "code": "HR", "name": "Hoger Redder", "hours": "64", "minimum_age": "17", "fee": "45",
        "refresher_group": "HR"})
    later = make.enrolment(course, make.pupil(course.school, birth_date=date(2010, 3, 1)))
    db.session.commit()
    assert later.admitted_minimum_age == 17
    auth.logout()
    auth.login(teacher)
    roster = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert roster.count("Te jong voor deze opleiding") == 1
    assert load_eligibility([admitted.id])[admitted.id].reasons.count(NotEligible.TOO_YOUNG) == 0
    assert NotEligible.TOO_YOUNG in load_eligibility([later.id])[later.id].reasons


# ---------------------------------------------------------------- the under-10 justification


def test_the_under_10_justification_can_be_written_and_clears_the_warning(client, auth, make):
    ct = make.course_type("S2C")
    course = make.course(ct, teachers=[make.teacher(recognised_for=[ct])])
    for _ in range(4):
        make.enrolment(course)
    auth.login(make.secretariat())
    warning = "Spoor 1 met minder dan 10 leerlingen (4): verantwoording nodig"
    assert warning in client.get("/admin/overview").get_data(as_text=True)
    assert client.get(f"/admin/courses/{course.id}/justification").status_code == 200
    too_long = auth.post(f"/admin/courses/{course.id}/justification",
                         {"justification_under_ten": "x" * 1001})
    assert too_long.status_code == 422
    response = auth.post(f"/admin/courses/{course.id}/justification",
                         {"justification_under_ten": "Kleine school, één klas sport."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, course.id).justification_under_ten == \
        "Kleine school, één klas sport."
    assert warning not in client.get("/admin/overview").get_data(as_text=True)
    assert "Kleine school, één klas sport." in client.get(
        f"/admin/courses/{course.id}").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.field == "justification_under_ten")) is not None


def test_a_teacher_may_not_write_the_justification(client, auth, make):
    ct = make.course_type("S2C")
    teacher = make.teacher(recognised_for=[ct])
    course = make.course(ct, teachers=[teacher])
    auth.login(teacher)
    response = auth.post(f"/admin/courses/{course.id}/justification",
                         {"justification_under_ten": "mag niet"})
    assert response.status_code == 403
    assert db.session.get(Course, course.id).justification_under_ten is None


# ---------------------------------------------------------------- the demo


def test_the_demo_follows_the_regulation(data_app):
    from teacherapp.demo import seed_demo
    from teacherapp.models import Recognition
    from teacherapp.rules import basis_allowed_for, school_year_warnings, track_2_allowed

    with data_app.test_request_context():
        seed_demo()
        for course in db.session.scalars(select(Course)):
            if course.track == 2:
                assert track_2_allowed(course.course_type.code)
            for enrolment in course.enrolments:
                assert not school_year_warnings(course.course_type.code, course.track,
                                                enrolment.school_grade,
                                                enrolment.school_semester), course.group_name
        for recognition in db.session.scalars(select(Recognition)):
            assert basis_allowed_for(recognition.basis, recognition.course_type.code)
