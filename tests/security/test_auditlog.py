"""The secretariat browses and filters the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from teacherapp.auditlog.logic import PAGE_SIZE, parse_filters
from teacherapp.extensions import db
from teacherapp.models import AuditEvent

URL = "/admin/audit/"


def _event(actor, action="update", entity="score", at=None, course=None, old="7", new="8"):
    event = AuditEvent(actor_id=actor.id if actor else None, action=action, entity=entity,
                       entity_id="1", field="value", old_value=old, new_value=new,
                       course_id=course.id if course else None,
                       at=at or datetime(2027, 1, 15, 10, 0, tzinfo=UTC))
    db.session.add(event)
    return event


@pytest.fixture
def secretariat(make):
    return make.secretariat(full_name="Sofie Secretariaat")


def test_secretariat_sees_events_newest_first_with_belgian_times(client, auth, make, secretariat):
    teacher = make.teacher(full_name="An Peeters")
    _event(teacher, at=datetime(2027, 1, 15, 9, 30, tzinfo=UTC), old="6,5", new="7")
    _event(teacher, action="create", entity="exemption", at=datetime(2027, 1, 16, 8, 0, tzinfo=UTC))
    auth.login(secretariat)
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html and "Auditlog" in html
    assert html.index("exemption") < html.index("6,5")  # newest first
    assert "15/01/2027 10:30" in html  # 09:30 UTC is 10:30 in Brussels in winter
    assert "An Peeters" in html


def test_filters_by_actor_action_entity_course_and_dates(client, auth, make, secretariat):
    ct = make.course_type()
    course = make.course(ct)
    an, bram = make.teacher(full_name="An Peeters"), make.teacher(full_name="Bram Declercq")
    _event(an, course=course, new="AN-IN-COURSE")
    _event(bram, new="BRAM-ELSEWHERE")
    _event(an, action="delete", entity="exemption", new="AN-DELETE")
    _event(an, at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC), new="AN-NEW-YEAR")  # 1 Jan in Belgium
    auth.login(secretariat)

    def shown(**args):
        html = client.get(URL, query_string=args).get_data(as_text=True)
        return {m for m in ("AN-IN-COURSE", "BRAM-ELSEWHERE", "AN-DELETE", "AN-NEW-YEAR")
                if m in html}

    assert shown(actor="peeters") == {"AN-IN-COURSE", "AN-DELETE", "AN-NEW-YEAR"}
    assert shown(actor="BRAM") == {"BRAM-ELSEWHERE"}
    assert shown(action="delete") == {"AN-DELETE"}
    assert shown(entity="exemption") == {"AN-DELETE"}
    assert shown(course=str(course.id)) == {"AN-IN-COURSE"}
    assert shown(**{"from": "2027-01-01", "to": "01/01/2027"}) == {"AN-NEW-YEAR"}
    assert shown(**{"from": "2027-01-02"}) == {"AN-IN-COURSE", "BRAM-ELSEWHERE", "AN-DELETE"}


def test_actor_filter_treats_wildcards_as_text(client, auth, make, secretariat):
    _event(make.teacher(full_name="Plain Name"), new="PLAIN")
    auth.login(secretariat)
    assert "PLAIN" not in client.get(URL, query_string={"actor": "%"}).get_data(as_text=True)


def test_htmx_filter_returns_only_the_results_fragment(client, auth, make, secretariat):
    _event(make.teacher(), new="FRAGMENT-ROW")
    auth.login(secretariat)
    response = client.get(URL, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'id="audit-results"' in html and "FRAGMENT-ROW" in html
    assert "HX-Request" in response.headers["Vary"]


def test_pages_of_fifty_with_links_that_keep_the_filters(client, auth, make, secretariat):
    teacher = make.teacher()
    for i in range(PAGE_SIZE + 3):
        _event(teacher, action="update", at=datetime(2027, 1, 1, 8, i % 60, tzinfo=UTC),
               new=f"row-{i:03d}")
    auth.login(secretariat)
    first = client.get(URL, query_string={"action": "update"}).get_data(as_text=True)
    assert first.count("row-") == PAGE_SIZE
    assert 'href="/admin/audit/?action=update&amp;page=2"' in first
    second = client.get(URL, query_string={"action": "update", "page": "2"}).get_data(as_text=True)
    assert second.count("row-") == 3
    assert 'rel="next"' not in second and 'rel="prev"' in second


@pytest.mark.parametrize(("args", "message"), [
    ({"from": "31-31-2027"}, "Gebruik een datum zoals 31/01/2027."),
    ({"from": "2027-02-01", "to": "2027-01-01"}, "De einddatum ligt voor de begindatum."),
    ({"course": "abc"}, "Kies een opleiding uit de lijst."),
])
def test_bad_filters_get_a_message_not_an_error_page(client, auth, make, secretariat, args, message):
    auth.login(secretariat)
    response = client.get(URL, query_string=args)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_page_query_count_does_not_grow_with_events(client, auth, make, secretariat,
                                                   count_statements):
    teachers = [make.teacher() for _ in range(5)]
    ct = make.course_type()
    courses = [make.course(ct) for _ in range(3)]
    for i in range(40):
        _event(teachers[i % 5], course=courses[i % 3])
    auth.login(secretariat)
    client.get(URL)
    with count_statements() as counter:
        assert client.get(URL).status_code == 200
    assert counter.count <= 8


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("teacher", 403)])
def test_only_the_secretariat_may_read_the_audit_log(client, auth, make, who, status):
    if who == "teacher":
        auth.login(make.teacher())
    assert client.get(URL).status_code == status


def test_parse_filters_ignores_a_silly_page_number():
    assert parse_filters({"page": "-3"}).page == 1
    assert parse_filters({"page": "99999999999"}).page == 1
    assert parse_filters({"from": "2027-01-05"}).date_from == date(2027, 1, 5)


def test_parse_filters_refuses_digits_that_are_not_ascii():
    filters = parse_filters({"course": "²", "page": "١"})
    assert filters.errors == {"course": "bad_course"} and filters.page == 1


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "31/12/1999"])
def test_parse_filters_refuses_dates_out_of_range(raw):
    assert parse_filters({"from": raw, "to": raw}).errors == {"from": "bad_date", "to": "bad_date"}
