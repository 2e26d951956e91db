"""Every admin page renders for the secretariat, with data, in a bounded number of queries."""

from __future__ import annotations

from datetime import date

import pytest

from teacherapp.extensions import db
from teacherapp.models import ContentItem, ContentKind
from tests.admin.conftest import ClerkClient


@pytest.fixture
def world(make):
    ct = make.course_type("S2C", name="Start 2 Coach")
    school = make.school(name="Sint-Jozefscollege", has_bk_curriculum=True)
    teacher = make.teacher(recognised_for=[ct], full_name="An Peeters")
    make.teacher(full_name="Els Wouters")
    rubric = make.rubric(ct)
    course = make.course(ct, school, teachers=[teacher])
    make.subject(course, "Theorie", exam_dates=(date(2026, 12, 10), date(2027, 1, 20)))
    make.subject(course, "Praktijk", rubric=rubric)
    make.course(ct, school, group_name="6 Sport")
    db.session.add(ContentItem(course_type=ct, title="E-learning 1", kind=ContentKind.ELEARNING,
                               external_id="vts-1"))
    db.session.commit()
    return {"ct": ct, "school": school, "teacher": teacher, "rubric": rubric, "course": course}


def _pages(world) -> list[str]:
    course = world["course"]
    criterion = world["rubric"].criteria[0]
    return [
        "/admin/", "/admin/schools", "/admin/schools/new", f"/admin/schools/{world['school'].id}/edit",
        "/admin/teachers", "/admin/teachers/new", f"/admin/teachers/{world['teacher'].id}",
        f"/admin/teachers/{world['teacher'].id}/edit", f"/admin/teachers/{world['teacher'].id}/password",
        "/admin/course-types", "/admin/course-types/new", f"/admin/course-types/{world['ct'].id}/edit",
        "/admin/courses", "/admin/courses/new", f"/admin/courses/{course.id}",
        f"/admin/courses/{course.id}/edit", f"/admin/courses/{course.id}/subjects/new",
        f"/admin/subjects/{course.subjects[0].id}/edit",
        "/admin/rubrics", "/admin/rubrics/new", f"/admin/rubrics/{world['rubric'].id}",
        f"/admin/rubrics/{world['rubric'].id}/edit", f"/admin/criteria/{criterion.id}/edit",
        f"/admin/levels/{criterion.levels[0].id}/edit",
        "/admin/content", "/admin/content/new",
    ]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_page_renders(auth, clerk, world, lang):
    auth.client.post("/language", data={"lang": lang, "csrf_token": ClerkClient(auth.client).token()})
    for url in _pages(world):
        response = auth.client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "<html" in html and 'style="' not in html and "<script>" not in html, url


def test_unknown_ids_are_404(auth, clerk):
    for url in ("/admin/schools/999/edit", "/admin/teachers/999", "/admin/courses/999",
                "/admin/subjects/999/edit", "/admin/rubrics/999", "/admin/levels/999/edit",
                "/admin/content/999/edit", "/admin/course-types/999/edit"):
        assert auth.client.get(url).status_code == 404, url


def test_a_secretariat_account_is_not_a_teacher_page(auth, clerk):
    assert auth.client.get(f"/admin/teachers/{clerk.id}").status_code == 404


def test_lists_do_not_query_per_row(auth, clerk, make, count_statements):
    ct = make.course_type()
    for _ in range(3):
        school = make.school()
        teacher = make.teacher(recognised_for=[ct])
        course = make.course(ct, school, teachers=[teacher])
        make.subject(course)
        make.rubric(ct, criteria=2)
    db.session.commit()
    urls = ["/admin/schools", "/admin/teachers", "/admin/courses", "/admin/rubrics",
            f"/admin/courses/{course.id}", "/admin/course-types"]
    small = {}
    for url in urls:
        with count_statements() as counter:
            assert auth.client.get(url).status_code == 200
        small[url] = counter.count
    for _ in range(6):
        school = make.school()
        teacher = make.teacher(recognised_for=[ct])
        other = make.course(ct, school, teachers=[teacher])
        make.subject(other)
        make.subject(course)
        make.rubric(ct, criteria=3)
    db.session.commit()
    for url in urls:
        with count_statements() as counter:
            auth.client.get(url)
        assert counter.count == small[url], url
