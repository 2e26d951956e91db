"""Track-2 and phasing-out pupils in a round: gathered from the school's "curriculum
completed" record (no scores submitted to VTS), each attest of its own kind, worded by the
one template; the exemption attest only for graduating by 2027-2028."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import Attest, AttestKind, RoundCourse
from tests.deliberation.helpers import scored_course


def _open(auth, year="2026-2027", trimester="3"):
    response = auth.post("/admin/rounds/", {"school_year": year, "trimester": trimester})
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()


def _round_course(course) -> RoundCourse:
    return db.session.scalar(select(RoundCourse).where(RoundCourse.course_id == course.id))


def _confirm(auth, rc: RoundCourse) -> None:
    assert auth.post(f"/admin/rounds/{rc.round_id}/courses/{rc.id}/confirm").status_code == 303
    db.session.expire_all()


def _track_2_course(make, completed_on=date(2027, 6, 25)):
    """A BK school's track-2 Start 2 Coach: Mila completed the curriculum, Jonas not yet.
    Nobody has a score; nothing is submitted to VTS."""
    ct = make.course_type("S2C", name="Start 2 Coach")
    school = make.school(name="Sportschool Brugge", has_bk_curriculum=True)
    course = make.course(ct, school, track=2, group_name="6 Sport")
    make.subject(course, "Praktijk", exam_dates=(date(2027, 5, 10), date(2027, 6, 10)))
    mila = make.enrolment(course, make.pupil(school, first_name="Mila", last_name="Janssens"),
                          curriculum_completed_on=completed_on)
    jonas = make.enrolment(course, make.pupil(school, first_name="Jonas", last_name="Maes"))
    db.session.commit()
    return course, mila, jonas


def test_a_round_gathers_a_track_2_course_from_the_curriculum_record(client, auth, make):
    course, mila, jonas = _track_2_course(make)
    auth.login(make.secretariat())
    _open(auth, trimester="2")  # completed in June: not the second trimester's
    assert _round_course(course) is None
    _open(auth, trimester="3")
    rc = _round_course(course)
    assert rc is not None
    html = client.get(f"/admin/rounds/{rc.round_id}/courses/{rc.id}").get_data(as_text=True)
    assert "BK-leerplan niet voltooid" in html  # Jonas
    _confirm(auth, rc)
    attests = db.session.scalars(select(Attest)).all()
    assert [(a.enrolment_id, a.kind) for a in attests] == [(mila.id, AttestKind.CURRICULUM)]


def test_a_phasing_out_pupil_gets_the_exemption_attest_worded_as_such(client, auth, make):
    course, _subjects, pupils, _teacher = scored_course(make)
    zoe = pupils["Zoë"]
    zoe.phasing_out = True
    zoe.curriculum_completed_on = date(2027, 6, 28)
    from teacherapp.models import GenericTestResult
    db.session.execute(GenericTestResult.__table__.delete().where(
        GenericTestResult.enrolment_id == zoe.id))  # no generic test: she stays phasing out
    db.session.commit()
    auth.login(make.secretariat())
    _open(auth, trimester="1")
    rc = _round_course(course)
    _confirm(auth, rc)
    kinds = {a.enrolment_id: a.kind for a in db.session.scalars(select(Attest))}
    assert kinds[zoe.id] == AttestKind.EXEMPTION
    assert kinds[pupils["Hélène"].id] == AttestKind.REGULAR
    number = db.session.scalar(select(Attest.number).where(Attest.enrolment_id == zoe.id))
    attest_id = db.session.scalar(select(Attest.id).where(Attest.enrolment_id == zoe.id))
    pdf = client.get(f"/admin/rounds/attests/{attest_id}.pdf").get_data()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Vrijstellingsattest" in text and "vrijgesteld" in text
    regular = db.session.scalar(select(Attest.id).where(Attest.enrolment_id == pupils["Hélène"].id))
    text = PdfReader(io.BytesIO(client.get(f"/admin/rounds/attests/{regular}.pdf").get_data())
                     ).pages[0].extract_text()
    assert "Vrijstellingsattest" not in text and "geslaagd is voor de opleiding" in text
    auth.logout()
    assert "Vrijstellingsattest" in client.get(f"/attest/{number}").get_data(as_text=True)


def test_graduating_after_2027_2028_brings_no_exemption_attest(client, auth, make):
    ct = make.course_type("S2C", name="Start 2 Coach")
    school = make.school()
    course = make.course(ct, school, school_year="2028-2029", start=date(2028, 9, 11))
    late = make.enrolment(course, phasing_out=True, curriculum_completed_on=date(2028, 10, 5))
    db.session.commit()
    auth.login(make.secretariat())
    _open(auth, year="2028-2029", trimester="1")
    rc = _round_course(course)
    html = client.get(f"/admin/rounds/{rc.round_id}/courses/{rc.id}").get_data(as_text=True)
    assert "afgestudeerd nadat het uitdovend stelsel stopte (2027-2028)" in html
    assert "niet geslaagd" in html
    _confirm(auth, rc)
    assert db.session.scalar(select(Attest).where(Attest.enrolment_id == late.id)) is None
