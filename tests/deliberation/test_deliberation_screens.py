"""The year overview, payments by hand, and who may use the secretariat's screens."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Enrolment, PaymentMethod
from tests.deliberation.helpers import scored_course


@pytest.fixture
def world(make):
    course, subjects, pupils, teacher = scored_course(make)
    clerk = make.secretariat()
    return course, subjects, pupils, teacher, clerk


# ---------------------------------------------------------------- who may not


ROUTES = [
    ("get", "/admin/overview"),
    ("get", "/admin/export"),
    ("get", "/admin/export/download"),
    ("get", "/admin/courses/{course}/import-pupils"),
    ("post", "/admin/courses/{course}/import-pupils"),
    ("get", "/admin/courses/{course}/import-pupils/abcdefghijklmnopqrstuvwx"),
    ("post", "/admin/courses/{course}/import-pupils/abcdefghijklmnopqrstuvwx"),
    ("post", "/admin/courses/{course}/import-pupils/abcdefghijklmnopqrstuvwx/cancel"),
    ("get", "/admin/courses/{course}/payments"),
    ("post", "/admin/courses/{course}/payments/{enrolment}"),
]


def _call(client, auth, method, url, world):
    course, _s, pupils, *_ = world
    url = url.format(course=course.id, enrolment=pupils["Zoë"].id)
    if method == "get":
        return client.get(url)
    return auth.post(url, data={"state": "unpaid"})


@pytest.mark.parametrize("method, url", ROUTES)
def test_anonymous_users_are_sent_to_the_login_page(client, auth, world, method, url):
    db.session.commit()
    course, _s, pupils, *_ = world
    target = url.format(course=course.id, enrolment=pupils["Zoë"].id)
    response = client.get(target) if method == "get" else client.post(target)
    if method == "post":  # no CSRF token: refused before anything else
        assert response.status_code in (302, 400)
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("method, url", ROUTES)
def test_teachers_get_403_even_for_their_own_course(client, auth, world, method, url):
    _course, _s, _p, teacher, _clerk = world
    auth.login(teacher)
    assert _call(client, auth, method, url, world).status_code == 403
    db.session.expire_all()
    assert db.session.get(Enrolment, world[2]["Zoë"].id).is_paid


# ---------------------------------------------------------------- overview


def test_overview_shows_progress_per_sitting_and_warnings(client, auth, make, world):
    course, _subjects, _pupils, _teacher, clerk = world
    lonely = make.course(course.course_type, course.school, group_name="Zonder leerkracht")
    make.subject(lonely, "Theorie")  # no exam moment in either sitting
    auth.login(clerk)
    response = client.get("/admin/overview")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "7 / 7" in html  # first sitting: 8 cells, one exempt
    assert "ingediend 18/12/2026 17:30" in html or "ingediend 18/12/2026 16:30" in html
    assert "1 / 2" in html  # second sitting: Arne (absent) and Lien (failed); Lien has one
    assert "Spoor 1 met minder dan 10 leerlingen (4): verantwoording nodig" in html
    assert html.count("Geen erkende leerkracht gekoppeld") == 1
    assert "Theorie: geen examenmoment voor de 1ste zittijd" in html
    assert f"/courses/{course.id}/submission/1" in html  # the way to reopen


def test_overview_filters_as_fragment(client, auth, make, world):
    course, _subjects, _pupils, _teacher, clerk = world
    make.course(course.course_type, make.school(name="Atheneum Brugge"), group_name="Andere klas")
    auth.login(clerk)
    response = client.get(f"/admin/overview?school={course.school_id}",
                          headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="overview-lines"' in html
    assert "5 Sport" in html and "Andere klas" not in html
    assert "HX-Request" in response.headers["Vary"]
    html = client.get("/admin/overview?trimester=3").get_data(as_text=True)
    assert "0 opleidingen" in html and "Geen opleidingen voor deze filters." in html


def test_overview_uses_a_fixed_number_of_statements(client, auth, make, world, count_statements):
    course, _subjects, _pupils, teacher, clerk = world
    auth.login(clerk)
    with count_statements() as few:
        client.get("/admin/overview")
    for n in range(3):
        scored_course(make, teacher=teacher, ct=course.course_type, group_name=f"Klas {n}")
    db.session.commit()
    with count_statements() as many:
        client.get("/admin/overview")
    assert many.count == few.count


def test_overview_defaults_to_the_newest_school_year(client, auth, make, world):
    course, _subjects, _pupils, _teacher, clerk = world
    make.course(course.course_type, course.school, school_year="2025-2026",
                start=date(2025, 9, 1), group_name="Vorig jaar")
    auth.login(clerk)
    html = client.get("/admin/overview").get_data(as_text=True)
    assert "5 Sport" in html and "Vorig jaar" not in html
    assert "Vorig jaar" in client.get("/admin/overview?school_year=").get_data(as_text=True)


# ---------------------------------------------------------------- payments by hand


def test_payments_page_lists_pupils_with_their_state(client, auth, make, world):
    course, _subjects, _pupils, _teacher, clerk = world
    make.enrolment(course, make.pupil(course.school, first_name="Wout", last_name="Zeger"),
                   paid=False)
    auth.login(clerk)
    html = client.get(f"/admin/courses/{course.id}/payments").get_data(as_text=True)
    assert "4 van 5 leerlingen betaald" in html
    assert "Zeger, Wout" in html and "Niet betaald" in html


def test_set_payment_with_school_code_by_htmx_returns_the_row(client, auth, make, world):
    course, _subjects, _pupils, _teacher, clerk = world
    enrolment = make.enrolment(course, paid=False)
    auth.login(clerk)
    response = auth.post(f"/admin/courses/{course.id}/payments/{enrolment.id}",
                         data={f"e{enrolment.id}-state": "school_code",
                               f"e{enrolment.id}-code": " SJC-2026 "}, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Opgeslagen" in html and "Betaald op" in html
    db.session.expire_all()
    saved = db.session.get(Enrolment, enrolment.id)
    assert (saved.payment_method, saved.payment_code) == (PaymentMethod.SCHOOL_CODE, "SJC-2026")
    assert saved.is_paid
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "enrolment",
                                                        AuditEvent.field == "payment")).one()
    assert (event.old_value, event.new_value, event.actor_id) == ("unpaid", "school_code SJC-2026",
                                                                   clerk.id)


def test_school_code_without_code_is_refused_and_changes_nothing(client, auth, make, world):
    course, _subjects, _pupils, _teacher, clerk = world
    enrolment = make.enrolment(course, paid=False)
    auth.login(clerk)
    response = auth.post(f"/admin/courses/{course.id}/payments/{enrolment.id}",
                         data={f"e{enrolment.id}-state": "school_code"}, htmx=True)
    assert response.status_code == 422
    assert "Vul de betaalcode van de school in." in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Enrolment, enrolment.id).is_paid


def test_set_unpaid_without_javascript_redirects_back(client, auth, world):
    course, _subjects, pupils, _teacher, clerk = world
    enrolment = pupils["Arne"]
    auth.login(clerk)
    response = auth.post(f"/admin/courses/{course.id}/payments/{enrolment.id}",
                         data={f"e{enrolment.id}-state": "unpaid"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/courses/{course.id}/payments")
    db.session.expire_all()
    assert not db.session.get(Enrolment, enrolment.id).is_paid
    assert "Betaling van Arne Claes opgeslagen." in client.get(
        response.headers["Location"]).get_data(as_text=True)


def test_payment_of_an_enrolment_of_another_course_is_404(client, auth, make, world):
    course, _subjects, _pupils, _teacher, clerk = world
    stranger = make.enrolment(make.course())
    auth.login(clerk)
    response = auth.post(f"/admin/courses/{course.id}/payments/{stranger.id}",
                         data={f"e{stranger.id}-state": "unpaid"})
    assert response.status_code == 404


def test_each_payment_row_names_its_pupil_in_every_control(client, auth, world):
    course, _subjects, pupils, _teacher, clerk = world
    auth.login(clerk)
    html = client.get(f"/admin/courses/{course.id}/payments").get_data(as_text=True)
    zoe = pupils["Zoë"]
    assert f'<label for="state-{zoe.id}">Betaling<span class="visually-hidden">: Aerts, Zoë</span>' in html
    assert f'id="code-{zoe.id}"' in html
    assert 'Opslaan<span class="visually-hidden">: Aerts, Zoë</span>' in html
    assert 'id="state"' not in html  # no id repeated on every row
