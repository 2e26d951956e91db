"""Courses, linking teachers (only recognised ones) and copying subjects."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import Course, CourseTeacher, ExamMoment, Subject
from tests.admin.conftest import audit_events


def _courses() -> list[Course]:
    db.session.expire_all()
    return list(db.session.scalars(select(Course).order_by(Course.id)))


def _links(course_id: int) -> list[CourseTeacher]:
    db.session.expire_all()
    return list(db.session.scalars(select(CourseTeacher).where(CourseTeacher.course_id == course_id)))


@pytest.fixture
def basics(make):
    ct = make.course_type("S2C", name="Start 2 Coach")
    school = make.school(name="Sint-Jozefscollege")
    bk_school = make.school(name="BK-school", has_bk_curriculum=True)
    db.session.commit()
    return ct, school, bk_school


def _course_data(ct, school, **kw) -> dict:
    return {"course_type_id": ct.id, "school_id": school.id, "school_year": "2026-2027", "track": "1",
            "start_date": "2026-09-14", "group_name": "6 Sportwetenschappen", **kw}


def test_it_creates_a_course_and_audits_it(admin, basics):
    ct, school, _ = basics
    response = admin.post("/admin/courses/new", _course_data(ct, school))
    assert response.status_code == 302
    [course] = _courses()
    assert (course.school_year, course.track, course.start_date, course.group_name) == (
        "2026-2027", 1, date(2026, 9, 14), "6 Sportwetenschappen")
    assert response.headers["Location"].endswith(f"/admin/courses/{course.id}")
    [event] = audit_events("course", "create")
    assert event.course_id == course.id


@pytest.mark.parametrize(("change", "message"), [
    ({"school_year": "2026/27"}, "Schrijf het schooljaar als 2026-2027."),
    ({"start_date": "2025-09-01"}, "De startdatum moet in schooljaar 2026-2027 vallen"),
    ({"track": "2"}, "Spoor 2 is alleen voor scholen met het BK-leerplan"),
    ({"start_date": "14/09/2026x"}, "start_date"),
    ({"course_type_id": ""}, "Dit veld is verplicht."),
])
def test_it_refuses_bad_input_and_creates_nothing(admin, basics, change, message):
    ct, school, _ = basics
    response = admin.post("/admin/courses/new", _course_data(ct, school, **change))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _courses() == []


def test_track_2_is_fine_at_a_bk_school(admin, basics):
    ct, _, bk_school = basics
    assert admin.post("/admin/courses/new", _course_data(ct, bk_school, track="2")).status_code == 302


def test_the_course_list_filters(admin, make, basics):
    ct, school, bk_school = basics
    make.course(ct, school, group_name="Groep Hasselt")
    make.course(ct, bk_school, group_name="Groep Brugge")
    db.session.commit()
    html = admin.get(f"/admin/courses?school_id={school.id}").get_data(as_text=True)
    assert "Groep Hasselt" in html and "Groep Brugge" not in html


def test_the_course_type_cannot_change_once_a_teacher_is_linked(admin, make, basics):
    ct, school, _ = basics
    teacher = make.teacher(recognised_for=[ct])
    course = make.course(ct, school, teachers=[teacher])
    other = make.course_type()
    db.session.commit()
    response = admin.post(f"/admin/courses/{course.id}/edit", _course_data(other, school))
    assert response.status_code == 422
    assert _courses()[0].course_type_id == ct.id


def test_editing_a_course_audits_the_changes(admin, make, basics):
    ct, school, _ = basics
    course = make.course(ct, school)
    db.session.commit()
    admin.post(f"/admin/courses/{course.id}/edit", _course_data(ct, school, group_name="5 Sport B"))
    [event] = audit_events("course", "update")
    assert (event.field, event.new_value, event.course_id) == ("group_name", "5 Sport B", course.id)


# ---------------------------------------------------------------- linking teachers


@pytest.fixture
def linking(make, basics):
    ct, school, _ = basics
    other_ct = make.course_type("HR")
    recognised = make.teacher(recognised_for=[ct], full_name="An Peeters")
    stranger = make.teacher(recognised_for=[other_ct], full_name="Els Wouters")
    disabled = make.teacher(recognised_for=[ct], full_name="Dirk Disabled", active=False)
    course = make.course(ct, school)
    db.session.commit()
    return course, recognised, stranger, disabled


def test_the_course_page_lists_who_cannot_be_linked_and_why(admin, linking):
    course, _, _, _ = linking
    html = admin.get(f"/admin/courses/{course.id}").get_data(as_text=True)
    assert "Els Wouters" in html and "niet erkend voor dit opleidingstype" in html
    assert "Dirk Disabled" in html and "account uitgeschakeld" in html
    assert "An Peeters koppelen" in html  # the link button's accessible name


def test_it_links_a_recognised_teacher(admin, linking, clerk):
    course, recognised, _, _ = linking
    response = admin.post(f"/admin/courses/{course.id}/teachers", {"teacher_id": recognised.id})
    assert response.status_code == 302
    [link] = _links(course.id)
    assert (link.teacher_id, link.linked_by_id) == (recognised.id, clerk.id)
    [event] = audit_events("course_teacher", "link")
    assert event.course_id == course.id


def test_linking_with_htmx_returns_the_teacher_panel(admin, linking):
    course, recognised, _, _ = linking
    response = admin.post(f"/admin/courses/{course.id}/teachers", {"teacher_id": recognised.id}, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="teachers"' in html and "An Peeters gekoppeld." in html


@pytest.mark.parametrize("who", ["stranger", "disabled"])
def test_it_refuses_to_link_a_teacher_who_may_not_be_linked(admin, linking, who):
    course, _, stranger, disabled = linking
    teacher = {"stranger": stranger, "disabled": disabled}[who]
    response = admin.post(f"/admin/courses/{course.id}/teachers", {"teacher_id": teacher.id}, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html and "kan niet gekoppeld worden" in html
    assert _links(course.id) == []
    assert audit_events("course_teacher") == []


def test_a_refused_link_without_js_explains_on_the_course_page(admin, linking):
    course, _, stranger, _ = linking
    response = admin.post(f"/admin/courses/{course.id}/teachers", {"teacher_id": stranger.id})
    assert response.status_code == 302
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Els Wouters kan niet gekoppeld worden: niet erkend voor dit opleidingstype." in html


def test_a_teacher_is_not_linked_twice(admin, make, linking):
    course, recognised, _, _ = linking
    make.link(course, recognised)
    db.session.commit()
    response = admin.post(f"/admin/courses/{course.id}/teachers", {"teacher_id": recognised.id}, htmx=True)
    assert response.status_code == 422
    assert len(_links(course.id)) == 1


def test_it_unlinks_a_teacher(admin, make, linking):
    course, recognised, _, _ = linking
    make.link(course, recognised)
    db.session.commit()
    response = admin.post(f"/admin/courses/{course.id}/teachers/{recognised.id}/unlink", htmx=True)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert _links(course.id) == []
    assert len(audit_events("course_teacher", "unlink")) == 1


def test_unlinking_someone_not_linked_is_404(admin, linking):
    course, recognised, _, _ = linking
    assert admin.post(f"/admin/courses/{course.id}/teachers/{recognised.id}/unlink").status_code == 404


# ---------------------------------------------------------------- copying subjects


def test_it_copies_subjects_and_rubric_links_without_exam_moments(admin, make, basics):
    ct, school, _ = basics
    rubric = make.rubric(ct)
    source = make.course(ct, school, group_name="Last year", school_year="2025-2026", start=date(2025, 9, 15))
    make.subject(source, "Theorie", exam_dates=(date(2025, 12, 10), date(2026, 1, 20)))
    make.subject(source, "Praktijk", kind="practical", maximum=30, pass_mark=15, rubric=rubric)
    target = make.course(ct, school)
    make.subject(target, "theorie")
    db.session.commit()
    response = admin.post(f"/admin/courses/{target.id}/subjects/copy", {"source_id": source.id})
    assert response.status_code == 302
    db.session.expire_all()
    subjects = {s.name: s for s in db.session.scalars(select(Subject).where(Subject.course_id == target.id))}
    assert set(subjects) == {"theorie", "Praktijk"}
    assert subjects["Praktijk"].rubric_id == rubric.id and subjects["Praktijk"].maximum == 30
    assert db.session.scalars(select(ExamMoment).where(ExamMoment.subject_id == subjects["Praktijk"].id)).all() == []
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 vak gekopieerd" in html and "Overgeslagen omdat deze opleiding ze al heeft: Theorie." in html


def test_it_refuses_to_copy_from_a_course_of_another_type(admin, make, basics):
    ct, school, _ = basics
    source = make.course(make.course_type(), school)
    make.subject(source, "Theorie")
    target = make.course(ct, school)
    db.session.commit()
    admin.post(f"/admin/courses/{target.id}/subjects/copy", {"source_id": source.id})
    db.session.expire_all()
    assert db.session.scalars(select(Subject).where(Subject.course_id == target.id)).all() == []
