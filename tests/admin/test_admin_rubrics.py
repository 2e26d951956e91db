"""Rubrics: criteria and ordered levels, added inline with htmx or with plain forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AssessmentContext, Criterion, Level, Rubric, SkillAssessment
from tests.admin.conftest import audit_events


@pytest.fixture
def rubric(make):
    rubric = make.rubric(make.course_type(), criteria=2, levels=2)
    db.session.commit()
    return rubric


def _criteria(rubric_id: int) -> list[Criterion]:
    db.session.expire_all()
    return list(db.session.scalars(select(Criterion).where(Criterion.rubric_id == rubric_id)
                                   .order_by(Criterion.position)))


def test_it_creates_a_rubric(admin, make):
    ct = make.course_type()
    db.session.commit()
    response = admin.post("/admin/rubrics/new", {"course_type_id": ct.id, "name": "Lesgeven"})
    assert response.status_code == 302
    assert db.session.scalar(select(Rubric.name)) == "Lesgeven"
    assert audit_events("rubric", "create")


def test_adding_a_skill_with_htmx_returns_the_panel(admin, rubric):
    response = admin.post(f"/admin/rubrics/{rubric.id}/criteria", {"name": "Veiligheid"}, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="criteria"' in html and "Veiligheid" in html
    assert [c.name for c in _criteria(rubric.id)][-1] == "Veiligheid"
    assert _criteria(rubric.id)[-1].position == 3


def test_adding_a_skill_without_js_redirects_to_the_rubric(admin, rubric):
    response = admin.post(f"/admin/rubrics/{rubric.id}/criteria", {"name": "Veiligheid"})
    assert response.status_code == 302
    assert f"/admin/rubrics/{rubric.id}" in response.headers["Location"]


def test_an_empty_skill_is_refused_in_the_panel(admin, rubric):
    response = admin.post(f"/admin/rubrics/{rubric.id}/criteria", {"name": ""}, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Dit veld is verplicht." in html
    assert len(_criteria(rubric.id)) == 2


def test_adding_a_level_takes_the_next_rank_and_comma_points(admin, rubric):
    criterion = _criteria(rubric.id)[0]
    prefix = f"level{criterion.id}-"
    response = admin.post(f"/admin/criteria/{criterion.id}/levels",
                          {prefix + "label": "Uitstekend", prefix + "points": "3,5",
                           prefix + "descriptor": "Toont het zelfstandig", prefix + "rank": ""}, htmx=True)
    assert response.status_code == 200
    levels = _criteria(rubric.id)[0].levels
    assert (levels[-1].rank, levels[-1].label, levels[-1].points) == (3, "Uitstekend", Decimal("3.5"))
    assert audit_events("level", "create")


def test_a_taken_rank_is_refused(admin, rubric):
    criterion = _criteria(rubric.id)[0]
    prefix = f"level{criterion.id}-"
    response = admin.post(f"/admin/criteria/{criterion.id}/levels",
                          {prefix + "label": "Dubbel", prefix + "points": "1", prefix + "rank": "2"}, htmx=True)
    assert response.status_code == 422
    assert "Deze vaardigheid heeft al een niveau met rang 2." in response.get_data(as_text=True)
    assert len(_criteria(rubric.id)[0].levels) == 2


def test_moving_a_skill_down_swaps_the_order(admin, rubric):
    first, second = _criteria(rubric.id)
    response = admin.post(f"/admin/criteria/{first.id}/move", {"direction": "down"}, htmx=True)
    assert response.status_code == 200
    assert [c.id for c in _criteria(rubric.id)] == [second.id, first.id]


def test_editing_a_level(admin, rubric):
    level = _criteria(rubric.id)[0].levels[0]
    response = admin.post(f"/admin/levels/{level.id}/edit",
                          {"label": "Nog niet", "points": "0", "descriptor": "", "rank": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Level, level.id).label == "Nog niet"


def test_a_level_used_in_an_assessment_is_not_deleted(admin, make, rubric):
    criterion = _criteria(rubric.id)[0]
    level = criterion.levels[0]
    course = make.course(rubric.course_type)
    enrolment = make.enrolment(course)
    db.session.add(SkillAssessment(enrolment_id=enrolment.id, criterion_id=criterion.id, level_id=level.id,
                                   context=AssessmentContext.CLASS))
    db.session.commit()
    admin.post(f"/admin/levels/{level.id}/delete")
    admin.post(f"/admin/criteria/{criterion.id}/delete")
    admin.post(f"/admin/rubrics/{rubric.id}/delete")
    assert len(_criteria(rubric.id)) == 2 and len(_criteria(rubric.id)[0].levels) == 2


def test_a_rubric_used_by_a_subject_is_not_deleted(admin, make, rubric):
    make.subject(make.course(rubric.course_type), rubric=rubric)
    db.session.commit()
    response = admin.post(f"/admin/rubrics/{rubric.id}/delete")
    assert "vakken gebruiken ze" in admin.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Rubric, rubric.id) is not None


def test_an_unused_rubric_is_deleted_with_its_skills(admin, rubric):
    assert admin.post(f"/admin/rubrics/{rubric.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(Criterion)).all() == []
