"""The year overview as one table: sorting, filters in the URL, pages, totals per school."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from teacherapp.deliberation.overview import (
    CourseWarning,
    OverviewFilters,
    OverviewOrder,
    SortKey,
    course_warnings,
    load_overview,
)
from teacherapp.extensions import db
from teacherapp.models import Submission, SubmissionState


@pytest.fixture
def year(make):
    """Two schools: Atheneum with two courses (12 and 3 pupils, one unpaid), Lyceum with one
    track-2 course (5 pupils) whose first sitting is submitted."""
    ct = make.course_type("S2C", name="Start 2 Coach")
    athenaeum, lyceum = make.school(name="Atheneum Aalst"), make.school(name="Lyceum Zele")
    big = make.course(ct, athenaeum, group_name="Groot")
    small = make.course(ct, athenaeum, group_name="Klein")
    other = make.course(ct, lyceum, group_name="Spoor twee", track=2)
    for course, pupils in ((big, 12), (small, 3), (other, 5)):
        for i in range(pupils):
            make.enrolment(course, paid=not (course is small and i == 0))
    db.session.add(Submission(course_id=other.id, sitting=1, state=SubmissionState.SUBMITTED,
                              submitted_at=datetime(2026, 12, 18, 15, 30, tzinfo=UTC)))
    clerk = make.secretariat()
    db.session.commit()
    return big, small, other, clerk


def _course_order(html: str) -> list[str]:
    return re.findall(r'class="overview-course"><a href="/courses/\d+">Start 2 Coach – ([^<]+)</a>', html)


def test_rows_sort_by_any_column_both_ways(client, auth, year):
    auth.login(year[3])
    html = client.get("/admin/overview").get_data(as_text=True)
    assert _course_order(html) == ["Groot", "Klein", "Spoor twee"]  # school, then start
    html = client.get("/admin/overview?sort=pupils").get_data(as_text=True)
    assert _course_order(html) == ["Klein", "Spoor twee", "Groot"]
    assert 'aria-sort="ascending"' in html
    html = client.get("/admin/overview?sort=pupils&dir=desc").get_data(as_text=True)
    assert _course_order(html) == ["Groot", "Spoor twee", "Klein"]
    assert 'aria-sort="descending"' in html
    html = client.get("/admin/overview?sort=sitting1&dir=desc").get_data(as_text=True)
    assert _course_order(html)[0] == "Spoor twee"


def test_an_unknown_sort_falls_back_to_the_school(client, auth, year):
    auth.login(year[3])
    html = client.get("/admin/overview?sort=drop+table&page=abc").get_data(as_text=True)
    assert _course_order(html) == ["Groot", "Klein", "Spoor twee"]


def test_filters_stay_in_the_url_and_in_the_sort_links(client, auth, year):
    auth.login(year[3])
    html = client.get("/admin/overview?track=1&q=klein").get_data(as_text=True)
    assert _course_order(html) == ["Klein"]
    assert "/admin/overview?track=1&amp;q=klein&amp;sort=pupils" in html
    html = client.get("/admin/overview?q=zele").get_data(as_text=True)
    assert _course_order(html) == ["Spoor twee"]
    html = client.get("/admin/overview?q=100%25").get_data(as_text=True)
    assert _course_order(html) == [] and "Geen opleidingen voor deze filters." in html


def test_sorting_and_paging_answer_htmx_with_the_table_only(client, auth, year):
    auth.login(year[3])
    response = client.get("/admin/overview?sort=unpaid&dir=desc",
                          headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="overview-lines"' in html
    assert _course_order(html)[0] == "Klein"
    assert "HX-Request" in response.headers["Vary"]


def test_totals_per_school_count_every_page(client, auth, year):
    auth.login(year[3])
    html = client.get("/admin/overview").get_data(as_text=True)
    totals = html[html.index("Totalen per school"):]
    rows = re.findall(r"<tr><th scope=\"row\">(?:<a[^>]*>)?([^<]+)(?:</a>)?</th>((?:<td[^>]*>\d+</td>)+)</tr>",
                      totals)
    figures = {name: re.findall(r">(\d+)<", cells) for name, cells in rows}
    assert figures["Atheneum Aalst"] == ["2", "15", "1", "0", "0"]
    assert figures["Lyceum Zele"] == ["1", "5", "0", "1", "0"]
    assert figures["Totaal"] == ["3", "20", "1", "1", "0"]


def test_pages_of_fifty_with_totals_over_all_pages(app, make):
    ct = make.course_type()
    school = make.school(name="Grote school")
    for i in range(7):
        make.course(ct, school, group_name=f"Klas {i}")
    db.session.commit()
    first = load_overview(OverviewFilters(), OverviewOrder(), page_size=3)
    last = load_overview(OverviewFilters(), OverviewOrder(page=99), page_size=3)
    assert (first.pages, len(first.lines), first.courses) == (3, 3, 7)
    assert (last.page, len(last.lines)) == (3, 1)
    assert first.totals[0].courses == 7
    names = [line.course.group_name for line in first.lines + load_overview(
        OverviewFilters(), OverviewOrder(page=2), page_size=3).lines + last.lines]
    assert sorted(names) == [f"Klas {i}" for i in range(7)]


def test_track_two_says_it_is_not_submitted_to_vts(client, auth, year):
    auth.login(year[3])
    html = client.get("/admin/overview?track=2").get_data(as_text=True)
    assert "spoor 2: niet in te dienen bij VTS" in html
    assert "niet ingediend" not in html


def test_a_reopened_sitting_shows_with_its_reason(client, auth, year):
    big = year[0]
    db.session.add(Submission(course_id=big.id, sitting=1, state=SubmissionState.REOPENED,
                              reopen_reason="Score van Jan fout overgenomen",
                              reopened_at=datetime(2026, 12, 20, tzinfo=UTC)))
    db.session.commit()
    auth.login(year[3])
    html = client.get("/admin/overview").get_data(as_text=True)
    assert "heropend" in html and "Score van Jan fout overgenomen" in html


def test_every_action_link_names_its_course(client, auth, year):
    auth.login(year[3])
    html = client.get("/admin/overview").get_data(as_text=True)
    names = re.findall(r'>Leerlingen importeren<span class="visually-hidden">([^<]+)</span>', html)
    assert len(names) == 3 and len(set(names)) == 3


def test_the_overview_reads_a_fixed_number_of_statements(client, auth, year, make,
                                                         count_statements):
    auth.login(year[3])
    with count_statements() as few:
        client.get("/admin/overview")
    ct = year[0].course_type
    for i in range(6):
        course = make.course(ct, make.school(), group_name=f"Extra {i}")
        make.subject(course, "Theorie")
        make.enrolment(course)
    db.session.commit()
    with count_statements() as many:
        client.get("/admin/overview")
    assert many.count == few.count


def test_course_warnings_name_what_is_missing():
    warnings = course_warnings(1, 4, False, False, [("Theorie", {1})])
    assert warnings == [
        (CourseWarning.UNDER_TEN, {"count": 4, "justified": False}),
        (CourseWarning.NO_TEACHER, {}),
        (CourseWarning.NO_EXAM_MOMENT, {"subject": "Theorie", "sitting": 2}),
    ]
    assert course_warnings(2, 4, False, True, []) == [(CourseWarning.NO_SUBJECTS, {})]


def test_sort_keys_are_the_url_words():
    assert SortKey("sitting1") is SortKey.FIRST_SITTING
