"""Schools: create, edit, delete with validation and audit."""

from __future__ import annotations

from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import School
from tests.admin.conftest import audit_events


def _schools() -> list[School]:
    db.session.expire_all()
    return list(db.session.scalars(select(School).order_by(School.id)))


def test_it_creates_a_school(admin):
    response = admin.post("/admin/schools/new", {"name": "Sint-Jozefscollege", "city": "Hasselt",
                                                 "institution_number": "031179", "has_bk_curriculum": "y"})
    assert response.status_code == 302
    [school] = _schools()
    assert (school.name, school.city, school.institution_number, school.has_bk_curriculum) == (
        "Sint-Jozefscollege", "Hasselt", "031179", True)
    [event] = audit_events("school", "create")
    assert event.entity_id == str(school.id) and event.actor_id is not None


def test_the_list_shows_the_schools(admin, make):
    make.school(name="Koninklijk Atheneum Brugge")
    db.session.commit()
    assert "Koninklijk Atheneum Brugge" in admin.get("/admin/schools").get_data(as_text=True)


def test_it_refuses_an_empty_name_and_a_taken_institution_number(admin, make):
    make.school(institution_number="031179")
    db.session.commit()
    response = admin.post("/admin/schools/new", {"name": "", "institution_number": "031179"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Dit veld is verplicht." in html
    assert "Een andere school heeft dit instellingsnummer al." in html
    assert len(_schools()) == 1


def test_it_refuses_letters_in_the_institution_number(admin):
    response = admin.post("/admin/schools/new", {"name": "X", "institution_number": "A12"})
    assert response.status_code == 422
    assert _schools() == []


def test_it_edits_a_school_and_audits_each_changed_field(admin, make):
    school = make.school(name="Old", city="Gent")
    db.session.commit()
    response = admin.post(f"/admin/schools/{school.id}/edit",
                          {"name": "New", "city": "Gent", "institution_number": school.institution_number})
    assert response.status_code == 302
    assert _schools()[0].name == "New"
    [event] = audit_events("school", "update")
    assert (event.field, event.old_value, event.new_value) == ("name", "Old", "New")


def test_editing_keeps_its_own_institution_number(admin, make):
    school = make.school(institution_number="123456")
    db.session.commit()
    response = admin.post(f"/admin/schools/{school.id}/edit", {"name": "Same", "institution_number": "123456"})
    assert response.status_code == 302


def test_it_refuses_to_delete_a_school_with_courses(admin, make):
    school = make.school()
    make.course(school_=school)
    db.session.commit()
    response = admin.post(f"/admin/schools/{school.id}/delete")
    assert response.status_code == 302
    assert len(_schools()) == 1
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "kan niet verwijderd worden" in page and "opleidingen gebruiken ze" in page


def test_it_deletes_an_unused_school(admin, make):
    school = make.school()
    db.session.commit()
    assert admin.post(f"/admin/schools/{school.id}/delete").status_code == 302
    assert _schools() == []
    assert len(audit_events("school", "delete")) == 1
