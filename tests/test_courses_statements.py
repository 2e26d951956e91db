"""No course page runs more SQL statements for more pupils or content items."""

from __future__ import annotations

import pytest

from teacherapp.extensions import db
from tests import courses_helpers as h


def _grow(w: h.World, pupils: int, make) -> None:
    """Bring the course to `pupils` pupils, each with views, a score and an exemption mix."""
    theory, practice = w.subjects
    for i in range(len(w.enrolments), pupils):
        enrolment = make.enrolment(w.course, paid=i % 7 != 0)
        w.enrolments.append(enrolment)
        for item in w.items[: i % (len(w.items) + 1)]:
            h.view(enrolment.pupil, item, progress=100 if i % 2 else 50)
        if i % 3 == 0:
            h.score(enrolment, theory, 1, 12)
        if i % 5 == 0:
            h.exempt(enrolment, practice)
    db.session.commit()


@pytest.mark.parametrize("page", ["", "?unscored=y&q=a", "/content", "/pupils/{first}"])
def test_statement_count_does_not_grow_with_pupils(client, auth, make, count_statements, page):
    w = h.world(pupils=0, items=4)
    auth.login(w.teacher)
    counts = []
    for size in (10, 200):
        _grow(w, size, make)
        url = f"/courses/{w.course.id}" + page.format(first=w.enrolments[0].id)
        with count_statements() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_course_cards_statement_count_does_not_grow_with_pupils(client, auth, make,
                                                                count_statements):
    w = h.world(pupils=0, items=2)
    auth.login(w.teacher)
    counts = []
    for size in (10, 200):
        _grow(w, size, make)
        with count_statements() as counter:
            assert client.get("/courses/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_matrix_statement_count_does_not_grow_with_content_items(client, auth, make,
                                                                 count_statements):
    w = h.world(pupils=10, items=2)
    auth.login(w.teacher)
    counts = []
    for items in (2, 20):
        while len(w.items) < items:
            w.items.append(h.content_item(w.course_type))
            for enrolment in w.enrolments[::2]:
                h.view(enrolment.pupil, w.items[-1])
        db.session.commit()
        with count_statements() as counter:
            assert client.get(f"/courses/{w.course.id}/content").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
