"""Subjects of a course with an exam moment per sitting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import Score, Subject
from tests.admin.conftest import audit_events


@pytest.fixture
def course(make):
    course = make.course(make.course_type())
    db.session.commit()
    return course


def _subjects(course_id: int) -> list[Subject]:
    db.session.expire_all()
    return list(db.session.scalars(select(Subject).where(Subject.course_id == course_id)))


def _data(**kw) -> dict:
    return {"name": "Theorie", "kind": "theory", "maximum": "20", "pass_mark": "10", "position": "",
            "rubric_id": "", "first_date": "2026-12-10", "first_trimester": "",
            "second_date": "2027-01-20", "second_trimester": "", **kw}


def test_it_adds_a_subject_with_exam_moments_and_trimesters_from_the_dates(admin, course):
    response = admin.post(f"/admin/courses/{course.id}/subjects/new", _data(pass_mark="9,5"))
    assert response.status_code == 302
    [subject] = _subjects(course.id)
    assert subject.pass_mark == Decimal("9.5")
    assert [(m.sitting, m.exam_date, m.trimester) for m in subject.exam_moments] == [
        (1, date(2026, 12, 10), 1), (2, date(2027, 1, 20), 2)]
    assert audit_events("subject", "create")[0].course_id == course.id
    assert len(audit_events("exam_moment", "create")) == 2


def test_a_chosen_trimester_wins_over_the_date(admin, course):
    admin.post(f"/admin/courses/{course.id}/subjects/new", _data(second_trimester="3"))
    assert _subjects(course.id)[0].exam_moments[1].trimester == 3


@pytest.mark.parametrize(("change", "message"), [
    ({"pass_mark": "21"}, "De cesuur kan niet hoger zijn dan het maximum."),
    ({"maximum": "0"}, "Het maximum moet groter zijn dan 0."),
    ({"maximum": "twintig"}, "Typ een getal, bijvoorbeeld 7,5."),
    ({"pass_mark": "9,555"}, "Gebruik hoogstens twee decimalen."),
    ({"first_date": "", "first_trimester": "1"}, "Vul ook de examendatum in."),
    ({"second_date": "2026-11-01"}, "De 2de zittijd valt na de 1ste zittijd."),
    ({"name": ""}, "Dit veld is verplicht."),
])
def test_it_refuses_bad_input_and_saves_nothing(admin, course, change, message):
    response = admin.post(f"/admin/courses/{course.id}/subjects/new", _data(**change))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _subjects(course.id) == []


def test_subject_names_are_unique_per_course(admin, make, course):
    make.subject(course, "Theorie")
    db.session.commit()
    response = admin.post(f"/admin/courses/{course.id}/subjects/new", _data(name="THEORIE"))
    assert response.status_code == 422
    assert len(_subjects(course.id)) == 1


def test_only_rubrics_of_the_course_type_are_offered(admin, make, course):
    own = make.rubric(course.course_type)
    foreign = make.rubric(make.course_type())
    db.session.commit()
    html = admin.get(f"/admin/courses/{course.id}/subjects/new").get_data(as_text=True)
    assert own.name in html and foreign.name not in html
    response = admin.post(f"/admin/courses/{course.id}/subjects/new", _data(rubric_id=str(foreign.id)))
    assert response.status_code == 422
    assert _subjects(course.id) == []


def test_editing_moves_and_clears_exam_moments(admin, make, course):
    subject = make.subject(course, "Theorie", exam_dates=(date(2026, 12, 10), date(2027, 1, 20)))
    db.session.commit()
    response = admin.post(f"/admin/subjects/{subject.id}/edit",
                          _data(first_date="2026-12-17", second_date=""))
    assert response.status_code == 302
    [moment] = _subjects(course.id)[0].exam_moments
    assert (moment.sitting, moment.exam_date) == (1, date(2026, 12, 17))
    assert audit_events("exam_moment", "delete") and audit_events("exam_moment", "update")


def test_the_maximum_cannot_drop_below_an_entered_score(admin, make, course):
    subject = make.subject(course, "Theorie", maximum=20)
    enrolment = make.enrolment(course)
    db.session.add(Score(enrolment_id=enrolment.id, subject_id=subject.id, sitting=1, value=Decimal("16")))
    db.session.commit()
    response = admin.post(f"/admin/subjects/{subject.id}/edit", _data(maximum="15"))
    assert response.status_code == 422
    assert "Er is al een score van 16 ingevuld" in response.get_data(as_text=True)
    assert _subjects(course.id)[0].maximum == 20


def test_a_subject_with_scores_is_not_deleted(admin, make, course):
    subject = make.subject(course, "Theorie")
    enrolment = make.enrolment(course)
    db.session.add(Score(enrolment_id=enrolment.id, subject_id=subject.id, sitting=1, value=Decimal("12")))
    db.session.commit()
    admin.post(f"/admin/subjects/{subject.id}/delete")
    assert len(_subjects(course.id)) == 1


def test_an_unused_subject_is_deleted(admin, make, course):
    subject = make.subject(course, "Theorie", exam_dates=(date(2026, 12, 10), date(2027, 1, 20)))
    db.session.commit()
    assert admin.post(f"/admin/subjects/{subject.id}/delete").status_code == 302
    assert _subjects(course.id) == []
    assert len(audit_events("subject", "delete")) == 1
