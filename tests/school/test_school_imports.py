"""The school coordinator imports her school's pupils into her courses and records payments,
with the secretariat's code: nothing of another school, no personal data of another
school's pupil, hostile files refused, and the secretariat sees who recorded a payment."""

from __future__ import annotations

import io
import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Enrolment, PaymentMethod, Pupil
from tests.deliberation.helpers import signature
from tests.security.test_hostile_uploads import HOSTILE, _kept
from tests.security.world import database_digest


@pytest.fixture
def school_x(make):
    """Sint-Jozefscollege: its coordinator, two courses, one pupil enrolled and unpaid."""
    school = make.school(name="Sint-Jozefscollege")
    ct = make.course_type("S2C", name="Start 2 Coach", minimum_age=15)
    course = make.course(ct, school, start=date(2026, 9, 14), group_name="5 Sport")
    second = make.course(ct, school, start=date(2026, 9, 14), group_name="6 Sport")
    pupil = make.pupil(school, first_name="Lien", last_name="Dubois", vts_account_id="VTS-LIEN")
    enrolment = make.enrolment(course, pupil, paid=False)
    coordinator = make.coordinator([school], full_name="Karen Hendrickx",
                                   email="coordinator@sjc.test")
    db.session.commit()
    return {"school": school, "ct": ct, "course": course, "second": second,
            "enrolment": enrolment, "coordinator": coordinator}


@pytest.fixture
def other(make, school_x):
    """Atheneum Brugge: its coordinator, course, and a pupil enrolled there."""
    school = make.school(name="Atheneum Brugge")
    course = make.course(school_x["ct"], school, start=date(2026, 9, 14))
    pupil = make.pupil(school, first_name="Bram", last_name="Geheim", email="bram@brugge.test",
                       birth_date=date(2010, 7, 7), vts_account_id="VTS-BRUGGE-1")
    enrolment = make.enrolment(course, pupil)
    coordinator = make.coordinator([school], email="coordinator@kab.test")
    db.session.commit()
    return {"school": school, "course": course, "pupil": pupil, "enrolment": enrolment,
            "coordinator": coordinator}


def _upload(auth, course_id: int, data: bytes | str, filename: str = "leerlingen.csv"):
    if isinstance(data, str):
        data = data.encode()
    return auth.post(f"/school/courses/{course_id}/import-pupils",
                     data={"file": (io.BytesIO(data), filename)},
                     content_type="multipart/form-data")


def _preview(auth, client, course_id: int, data: str) -> tuple[str, str]:
    response = _upload(auth, course_id, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    url = response.headers["Location"]
    assert re.search(rf"^/school/courses/{course_id}/import-pupils/[A-Za-z0-9_-]+$", url), url
    return url, client.get(url).get_data(as_text=True)


def _confirm(auth, url: str, html: str):
    return auth.post(url, data={"signature": signature(html)})


# ---------------------------------------------------------------- importing


def test_she_imports_a_list_into_her_course(client, auth, school_x):
    course, coordinator = school_x["course"], school_x["coordinator"]
    auth.login(coordinator)
    url, html = _preview(auth, client, course.id,
                         "voornaam;naam;geboortedatum;betaald;betaalwijze;betaalcode\r\n"
                         "Lotte;Vermeulen;12/05/2010;ja;schoolcode;SJC-2026-X1\r\n"
                         "Wout;Maes;03/02/2010;nee;;\r\n")
    assert "Lotte Vermeulen" in html and "Wout Maes" in html
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 1  # nothing yet
    response = _confirm(auth, url, html)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/school/courses/{course.id}/payments"
    db.session.expire_all()
    lotte = db.session.scalars(select(Enrolment).join(Pupil)
                               .where(Pupil.first_name == "Lotte")).one()
    assert (lotte.course_id, lotte.pupil.school_id) == (course.id, school_x["school"].id)
    assert (lotte.payment_method, lotte.payment_code) == (PaymentMethod.SCHOOL_CODE, "SJC-2026-X1")
    assert lotte.payment_recorded_by_id == coordinator.id and lotte.payment_recorded_at
    wout = db.session.scalars(select(Enrolment).join(Pupil).where(Pupil.first_name == "Wout")).one()
    assert not wout.is_paid and wout.payment_recorded_by_id is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.course_id == course.id)).all()
    assert any(e.action == "import" for e in events)
    assert {e.actor_id for e in events} == {coordinator.id}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import klaar: 2 nieuwe leerlingen" in page


def test_rows_for_a_course_not_hers_are_refused_and_nothing_of_them_is_written(
        client, auth, school_x, other):
    course, second = school_x["course"], school_x["second"]
    auth.login(school_x["coordinator"])
    url, html = _preview(auth, client, course.id,
                         "voornaam;naam;geboortedatum;opleiding-id\r\n"
                         f"Lotte;Vermeulen;12/05/2010;{course.id}\r\n"
                         f"Jana;Smets;04/04/2010;{other['course'].id}\r\n"
                         "Noor;Peeters;04/04/2010;987654\r\n"
                         f"Mats;Claes;04/04/2010;{second.id}\r\n"
                         "Ties;Janssens;04/04/2010;vijf\r\n")
    assert html.count("de opleiding-id is geen opleiding waarin je mag importeren") == 3
    assert "deze rij is voor een andere opleiding" in html  # her own other course
    assert f"opleiding-id {other['course'].id} in het bestand" in html
    assert "Atheneum Brugge" not in html
    assert _confirm(auth, url, html).status_code == 302
    db.session.expire_all()
    names = set(db.session.scalars(select(Pupil.first_name)))
    assert names == {"Lien", "Bram", "Lotte"}
    assert db.session.scalar(select(func.count()).select_from(Enrolment)
                             .where(Enrolment.course_id == other["course"].id)) == 1


def test_a_known_pupil_of_another_school_is_enrolled_but_not_changed_or_shown(
        client, auth, school_x, other):
    course = school_x["course"]
    auth.login(school_x["coordinator"])
    url, html = _preview(auth, client, course.id,
                         "voornaam;naam;geboortedatum;VTS-account-id;e-mail\r\n"
                         ";;;VTS-BRUGGE-1;\r\n")
    assert "gekende leerling van een andere school" in html
    for secret in ("Atheneum Brugge", "Geheim", "bram@brugge.test", "07/07/2010"):
        assert secret not in html, secret
    # Her file with other details for the same account: enrolled, details untouched.
    url, html = _preview(auth, client, course.id,
                         "voornaam;naam;geboortedatum;VTS-account-id;e-mail\r\n"
                         "Bart;Anders;01/01/2010;VTS-BRUGGE-1;bart@sjc.test\r\n")
    assert "Geheim" not in html and "Atheneum Brugge" not in html
    assert _confirm(auth, url, html).status_code == 302
    db.session.expire_all()
    pupil = db.session.get(Pupil, other["pupil"].id)
    assert (pupil.first_name, pupil.last_name, pupil.email, pupil.birth_date,
            pupil.school_id) == ("Bram", "Geheim", "bram@brugge.test", date(2010, 7, 7),
                                 other["school"].id)
    assert db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.pupil_id == pupil.id, Enrolment.course_id == course.id)) == 1


def test_the_secretariat_still_sees_and_updates_a_known_pupil_of_another_school(
        client, auth, make, school_x, other):
    auth.login(make.secretariat())
    response = auth.post(f"/admin/courses/{school_x['course'].id}/import-pupils", data={
        "file": (io.BytesIO(b"voornaam;naam;geboortedatum;VTS-account-id\r\n"
                            b"Bram;Anders;07/07/2010;VTS-BRUGGE-1\r\n"), "l.csv")},
        content_type="multipart/form-data")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "gekende leerling van Atheneum Brugge" in html
    assert "Geheim" in html and "Anders" in html  # the change, old and new


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_upload_gets_a_dutch_422_and_changes_nothing(app, auth, school_x, name):
    make_file, filename, message = HOSTILE[name]
    auth.login(school_x["coordinator"])
    kept, baseline = _kept(app), database_digest()
    response = _upload(auth, school_x["course"].id, make_file(), filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _kept(app) == kept and database_digest() == baseline


def test_an_upload_over_the_request_limit_gets_her_import_page(auth, school_x):
    auth.login(school_x["coordinator"])
    baseline = database_digest()
    response = _upload(auth, school_x["course"].id, b"x" * (6 * 1024 * 1024), "enorm.csv")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "groter dan 2 MB" in html and "Mijn school" in html
    assert database_digest() == baseline


def test_cancel_discards_the_waiting_import(client, auth, school_x):
    auth.login(school_x["coordinator"])
    url, _html = _preview(auth, client, school_x["course"].id,
                          "voornaam;naam;geboortedatum\r\nLotte;Vermeulen;12/05/2010\r\n")
    response = auth.post(url + "/cancel")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/import-pupils")
    assert client.get(url).status_code == 302  # no longer waiting
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 1


# ---------------------------------------------------------------- payments


def _payment_url(enrolment) -> str:
    return f"/school/courses/{enrolment.course_id}/payments/{enrolment.id}"


def _pay(auth, enrolment, state="school_code", code="SJC-2026-B7", htmx=False):
    prefix = f"e{enrolment.id}-"
    return auth.post(_payment_url(enrolment), data={prefix + "state": state,
                                                     prefix + "code": code}, htmx=htmx)


def test_she_records_a_payment_with_a_school_code_and_the_secretariat_sees_who(
        client, auth, make, school_x):
    enrolment, coordinator = school_x["enrolment"], school_x["coordinator"]
    auth.login(coordinator)
    response = _pay(auth, enrolment)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Enrolment, enrolment.id)
    assert (saved.payment_method, saved.payment_code) == (PaymentMethod.SCHOOL_CODE, "SJC-2026-B7")
    assert saved.is_paid and saved.payment_recorded_by_id == coordinator.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.field == "payment")).one()
    assert (event.actor_id, event.new_value) == (coordinator.id, "school_code SJC-2026-B7")
    # The page shows the day in Brussels (from 23:00 UTC it is already tomorrow there).
    day = saved.payment_recorded_at.astimezone(ZoneInfo("Europe/Brussels")).strftime("%d/%m/%Y")
    auth.logout()
    auth.login(make.secretariat(full_name="Griet Secretariaat"))
    page = client.get(f"/admin/courses/{enrolment.course_id}/payments").get_data(as_text=True)
    assert f"geregistreerd door Karen Hendrickx (school) op {day}" in page
    # The secretariat corrects it: now the secretariat is the one who recorded it.
    assert auth.post(f"/admin/courses/{enrolment.course_id}/payments/{enrolment.id}", data={
        f"e{enrolment.id}-state": "individual", f"e{enrolment.id}-code": ""}).status_code == 302
    page = client.get(f"/admin/courses/{enrolment.course_id}/payments").get_data(as_text=True)
    assert f"geregistreerd door Griet Secretariaat (VTS) op {day}" in page


def test_the_payment_row_answers_htmx_as_a_fragment(auth, school_x):
    auth.login(school_x["coordinator"])
    response = _pay(auth, school_x["enrolment"], htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Opgeslagen" in html and "geregistreerd door Karen Hendrickx (school)" in html


def test_a_school_code_without_a_code_is_refused_in_dutch_and_changes_nothing(auth, school_x):
    auth.login(school_x["coordinator"])
    baseline = database_digest()
    response = _pay(auth, school_x["enrolment"], code="", htmx=True)
    assert response.status_code == 422
    assert "Vul de betaalcode van de school in." in response.get_data(as_text=True)
    assert database_digest() == baseline
    # Without JavaScript the same refusal comes back as a message on the payments page.
    response = _pay(auth, school_x["enrolment"], code="")
    assert response.status_code == 302 and database_digest() == baseline
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vul de betaalcode van de school in." in page


def test_the_payment_write_locks_the_enrolment_first(auth, school_x, monkeypatch):
    from teacherapp.deliberation import payments

    locked: list[int] = []
    real = payments.lock_enrolment
    monkeypatch.setattr(payments, "lock_enrolment", lambda i: (locked.append(i), real(i)))
    auth.login(school_x["coordinator"])
    assert _pay(auth, school_x["enrolment"]).status_code == 302
    assert locked == [school_x["enrolment"].id]


def test_the_payments_page_lists_her_pupils(client, auth, school_x):
    auth.login(school_x["coordinator"])
    response = client.get(f"/school/courses/{school_x['course'].id}/payments")
    assert response.status_code == 200
    assert "Dubois, Lien" in response.get_data(as_text=True)


# ---------------------------------------------------------------- who may not


def _urls(school_x_or_other: dict) -> tuple[list[str], list[str]]:
    course, enrolment = school_x_or_other["course"], school_x_or_other["enrolment"]
    base = f"/school/courses/{course.id}"
    token = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"
    pages = [f"{base}/import-pupils", f"{base}/import-pupils/{token}", f"{base}/payments"]
    posts = [f"{base}/import-pupils", f"{base}/import-pupils/{token}",
             f"{base}/import-pupils/{token}/cancel", f"{base}/payments/{enrolment.id}"]
    return pages, posts


def test_another_schools_coordinator_gets_404_on_everything(client, auth, school_x, other):
    auth.login(other["coordinator"])
    pages, posts = _urls(school_x)
    baseline = database_digest()
    for url in pages:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert auth.post(url, data={"signature": "x"}).status_code == 404, url
    # Her own course with the other school's enrolment.
    assert _pay(auth, school_x["enrolment"]).status_code == 404
    mixed = f"/school/courses/{other['course'].id}/payments/{school_x['enrolment'].id}"
    assert auth.post(mixed, data={}).status_code == 404
    assert database_digest() == baseline


@pytest.mark.parametrize("who", ["teacher", "secretariat"])
def test_teachers_and_the_secretariat_are_refused(client, auth, make, school_x, who):
    user = make.teacher(recognised_for=[school_x["ct"]]) if who == "teacher" else make.secretariat()
    auth.login(user)
    pages, posts = _urls(school_x)
    baseline = database_digest()
    for url in pages:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert auth.post(url).status_code == 403, url
    assert database_digest() == baseline


def test_anonymous_goes_to_login(client, school_x):
    pages, _posts = _urls(school_x)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_she_still_cannot_change_scores_exemptions_or_submissions(app, client):
    """Her import and payment rights give her nothing of the teachers' or VTS's work."""
    from tests.security.matrix import RULES, build_url, url_args
    from tests.security.world import build_world, log_in_as

    world = build_world()
    log_in_as(client, world.a.coordinator)
    baseline = database_digest()
    endpoints = {"scoring.score_cell", "scoring.level_cell", "scoring.exemption",
                 "scoring.remove_exemption", "scoring.submit", "scoring.reopen",
                 "admin.recognition_add", "admin.course_type_edit", "admin.school_edit"}
    page = client.get("/school/").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    rules = [r for r in RULES if r.endpoint in endpoints and "POST" in r.methods]
    assert {r.endpoint for r in rules} == endpoints
    for rule in rules:
        url = build_url(app, rule, url_args(rule, world))
        response = client.post(url, data={"csrf_token": token, "value": "3", "reason": "x",
                                          "kind": "exemption"})
        assert response.status_code in (403, 404), (rule.endpoint, response.status_code)
    assert database_digest() == baseline


def test_her_overview_links_her_import_and_payment_pages(client, auth, school_x, other):
    auth.login(school_x["coordinator"])
    page = client.get("/school/overview").get_data(as_text=True)
    course = school_x["course"]
    assert f'href="/school/courses/{course.id}/payments"' in page
    assert f'href="/school/courses/{course.id}/import-pupils"' in page
    assert "/admin/courses/" not in page
    assert f"/school/courses/{other['course'].id}/" not in page


def test_the_secretariats_pupil_page_says_who_recorded_the_payment(client, auth, make, school_x):
    enrolment = school_x["enrolment"]
    auth.login(school_x["coordinator"])
    assert _pay(auth, enrolment).status_code == 302
    auth.logout()
    auth.login(make.secretariat())
    page = client.get(f"/courses/{enrolment.course_id}/pupils/{enrolment.id}").get_data(as_text=True)
    assert "geregistreerd door Karen Hendrickx (school)" in page
