"""Importing a course's pupils: preview, confirm, refusals, messy files, size and type limits."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Enrolment, PaymentMethod, Pupil
from tests.deliberation.helpers import confirm, example, preview_url, score, upload


@pytest.fixture
def setting(make):
    ct = make.course_type("S2C", name="Start 2 Coach", minimum_age=15)
    school = make.school(name="Sint-Jozefscollege")
    course = make.course(ct, school, start=date(2026, 9, 14))
    clerk = make.secretariat()
    return ct, school, course, clerk


def _pupils():
    return {p.first_name: p for p in db.session.scalars(select(Pupil))}


def test_excel_semicolon_csv_with_bom_is_previewed_without_writing(client, auth, setting):
    _ct, _school, course, clerk = setting
    auth.login(clerk)
    url = preview_url(upload(auth, course.id, "leerlingen.csv",
                             example("leerlingen-excel-puntkomma.csv")))
    html = client.get(url).get_data(as_text=True)
    assert "Zoë" in html and "Hélène" in html and "Maëlle" in html
    assert "te jong voor dit opleidingstype (geweigerd)" in html  # Arne, born 2013
    assert "geboortedatum is geen datum als dd/mm/jjjj" in html  # Noah, 14/13/2010
    assert "Rij 6" in html and "Rij 7" in html
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 0


def test_confirm_writes_everything_in_one_go_with_audit_events(client, auth, setting):
    _ct, school, course, clerk = setting
    auth.login(clerk)
    url = preview_url(upload(auth, course.id, "leerlingen.csv",
                             example("leerlingen-excel-puntkomma.csv")))
    response = confirm(auth, client, url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/courses/{course.id}/payments")
    db.session.expire_all()
    pupils = _pupils()
    assert set(pupils) == {"Zoë", "Hélène", "Maëlle", "Chloë"}
    zoe = pupils["Zoë"]
    assert (zoe.last_name, zoe.birth_date, zoe.vts_account_id, zoe.school_id) == (
        "Van den Broeck", date(2010, 2, 3), "VTS-100231", school.id)
    enrolments = {e.pupil.first_name: e for e in db.session.scalars(select(Enrolment))}
    assert enrolments["Zoë"].payment_method == PaymentMethod.SCHOOL_CODE
    assert enrolments["Zoë"].payment_code == "SJC-2026-A"
    assert enrolments["Hélène"].payment_method == PaymentMethod.INDIVIDUAL
    assert enrolments["Hélène"].paid_at.date() == date(2026, 9, 11)  # midnight Brussels in UTC
    assert not enrolments["Maëlle"].is_paid
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.course_id == course.id)).all()
    assert sum(1 for e in events if (e.action, e.entity) == ("create", "pupil")) == 4
    assert sum(1 for e in events if (e.action, e.entity) == ("create", "enrolment")) == 4
    assert any(e.action == "import" for e in events)
    assert all(e.actor_id == clerk.id for e in events)


def test_the_same_file_twice_creates_no_duplicates(client, auth, setting):
    _ct, _school, course, clerk = setting
    auth.login(clerk)
    data = example("leerlingen-excel-puntkomma.csv")
    confirm(auth, client, preview_url(upload(auth, course.id, "l.csv", data)))
    url = preview_url(upload(auth, course.id, "l.csv", data))
    html = client.get(url).get_data(as_text=True)
    assert "Dit bestand verandert niets" in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 4
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 4


def test_windows_1252_file_updates_known_pupils_and_adds_new_ones(client, auth, setting):
    _ct, _school, course, clerk = setting
    auth.login(clerk)
    confirm(auth, client, preview_url(upload(auth, course.id, "a.csv",
                                             example("leerlingen-excel-puntkomma.csv"))))
    url = preview_url(upload(auth, course.id, "b.csv", example("leerlingen-windows-1252.csv")))
    html = client.get(url).get_data(as_text=True)
    assert "François" in html and "Lemaître" in html
    assert confirm(auth, client, url).status_code == 302
    db.session.expire_all()
    pupils = _pupils()
    assert pupils["François"].last_name == "Lemaître"
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 5
    # "ja" for a pupil already paid keeps the registered payment as it was.
    zoe = db.session.scalars(select(Enrolment).where(Enrolment.pupil_id == pupils["Zoë"].id)).one()
    assert zoe.payment_method == PaymentMethod.SCHOOL_CODE


def test_xlsx_with_english_headers_and_date_cells(client, auth, setting):
    _ct, _school, course, clerk = setting
    auth.login(clerk)
    url = preview_url(upload(auth, course.id, "leerlingen.xlsx", example("leerlingen.xlsx")))
    assert confirm(auth, client, url).status_code == 302
    db.session.expire_all()
    pupils = _pupils()
    assert pupils["Lotte"].birth_date == date(2010, 4, 12)
    assert pupils["Amélie"].vts_account_id == "100252"
    lotte = db.session.scalars(select(Enrolment).where(Enrolment.pupil_id == pupils["Lotte"].id)).one()
    assert (lotte.payment_method, lotte.payment_code) == (PaymentMethod.SCHOOL_CODE, "KAB-2026")


def test_matches_on_name_and_birth_date_within_the_school(client, auth, make, setting):
    _ct, school, course, clerk = setting
    known = make.pupil(school, first_name="Zoë", last_name="Van den Broeck",
                       birth_date=date(2010, 2, 3), vts_account_id=None)
    elsewhere = make.school()
    make.pupil(elsewhere, first_name="Hélène", last_name="D'Hondt", birth_date=date(2010, 11, 17),
               vts_account_id=None)
    auth.login(clerk)
    data = ("voornaam;naam;geboortedatum\r\nzoë;van den broeck;03/02/2010\r\n"
            "Hélène;D'Hondt;17/11/2010\r\n").encode()
    url = preview_url(upload(auth, course.id, "x.csv", data))
    assert confirm(auth, client, url).status_code == 302
    db.session.expire_all()
    # Zoë is the school's pupil already; Hélène of another school is a new pupil here.
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 3
    assert db.session.get(Enrolment, db.session.scalar(
        select(Enrolment.id).where(Enrolment.pupil_id == known.id))).course_id == course.id


def test_pupil_who_passed_this_course_type_before_is_refused(client, auth, make, setting):
    ct, school, course, clerk = setting
    earlier = make.course(ct, school, start=date(2025, 9, 15), school_year="2025-2026")
    subject = make.subject(earlier, "Theorie")
    pupil = make.pupil(school, first_name="Wout", vts_account_id="VTS-9")
    score(make.enrolment(earlier, pupil), subject, 1, 14)
    failed = make.pupil(school, first_name="Fien", vts_account_id="VTS-10")
    score(make.enrolment(earlier, failed), subject, 1, 4)
    auth.login(clerk)
    data = (b"VTS-account-id;eerder geslaagd;voornaam;naam;geboortedatum\r\nVTS-9;;;;\r\n"
            b"VTS-10;;;;\r\nVTS-11;ja;Stan;Smets;01/01/2010\r\n")
    html = client.get(preview_url(upload(auth, course.id, "x.csv", data))).get_data(as_text=True)
    assert html.count("heeft dit opleidingstype al behaald (geweigerd)") == 2  # Wout, Stan
    assert "Fien" in html and "Bekende leerling, nieuwe inschrijving" in html


@pytest.mark.parametrize("filename, data, message", [
    ("leeg.csv", b"", "Het bestand is leeg."),
    ("leeg.csv", b"\xef\xbb\xbf\r\n;;;\r\n", "Het bestand is leeg"),
    ("foto.png", b"\x89PNG\r\n\x1a\n", "Dit soort bestand kan niet ingelezen worden."),
    ("lijst.xlsx", b"not a zip at all", "Het bestand kon niet gelezen worden."),
    ("lijst.csv", b"klas;opmerking\r\n5A;x\r\n", "Geen kolommen met leerlingen gevonden."),
    ("lijst.csv", b"voornaam;naam;geboortedatum\r\n", "Het bestand heeft kolomnamen maar geen leerlingen."),
])
def test_bad_files_are_refused_with_a_clear_message(client, auth, setting, filename, data, message):
    _ct, _school, course, clerk = setting
    auth.login(clerk)
    response = upload(auth, course.id, filename, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 0


def test_no_file_chosen_is_refused(auth, setting):
    _ct, _school, course, clerk = setting
    auth.login(clerk)
    response = auth.post(f"/admin/courses/{course.id}/import-pupils", data={})
    assert response.status_code == 422
    assert "Kies een bestand om in te lezen." in response.get_data(as_text=True)


def test_file_over_the_import_limit_is_refused(app, auth, setting, monkeypatch):
    _ct, _school, course, clerk = setting
    monkeypatch.setitem(app.config, "DELIBERATION_IMPORT_MAX_BYTES", 1024 * 1024)
    auth.login(clerk)
    data = b"voornaam;naam;geboortedatum\r\n" + b"Jan;Janssens;01/01/2010\r\n" * 50_000
    response = upload(auth, course.id, "groot.csv", data)
    assert response.status_code == 422
    assert "groter dan 1 MB" in response.get_data(as_text=True)


def test_file_over_the_request_limit_gets_the_import_page(auth, setting):
    _ct, _school, course, clerk = setting
    auth.login(clerk)
    response = upload(auth, course.id, "enorm.csv", b"x" * (6 * 1024 * 1024))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "groter dan 2 MB" in html and "Leerlingen importeren" in html


def test_confirm_twice_writes_once(client, auth, setting):
    _ct, _school, course, clerk = setting
    auth.login(clerk)
    url = preview_url(upload(auth, course.id, "l.csv", example("leerlingen.xlsx")))
    html = client.get(url).get_data(as_text=True)
    from tests.deliberation.helpers import signature

    token = signature(html)
    assert auth.post(url, data={"signature": token}).status_code == 302
    again = auth.post(url, data={"signature": token})
    assert again.headers["Location"].endswith(f"/admin/courses/{course.id}/import-pupils")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 3


def test_preview_is_rechecked_when_the_data_changed_meanwhile(client, auth, make, setting):
    _ct, school, course, clerk = setting
    auth.login(clerk)
    url = preview_url(upload(auth, course.id, "l.csv", example("leerlingen.xlsx")))
    html = client.get(url).get_data(as_text=True)
    from tests.deliberation.helpers import signature

    token = signature(html)
    make.pupil(school, first_name="Lotte", last_name="Wouters", vts_account_id="VTS-100250",
               birth_date=date(2010, 4, 12))
    db.session.commit()
    response = auth.post(url, data={"signature": token})
    assert response.headers["Location"] == url or response.headers["Location"].endswith(url)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_another_clerk_cannot_confirm_my_upload(client, auth, make, setting):
    _ct, _school, course, clerk = setting
    other = make.secretariat()
    auth.login(clerk)
    url = preview_url(upload(auth, course.id, "l.csv", example("leerlingen.xlsx")))
    auth.logout()
    auth.login(other)
    assert client.get(url).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 0


def test_cancel_discards_the_upload(client, auth, setting):
    _ct, _school, course, clerk = setting
    auth.login(clerk)
    url = preview_url(upload(auth, course.id, "l.csv", example("leerlingen.xlsx")))
    assert auth.post(url + "/cancel").status_code == 302
    assert client.get(url).status_code == 302


def test_import_of_another_course_id_is_404(auth, setting):
    _ct, _school, _course, clerk = setting
    auth.login(clerk)
    assert upload(auth, 99999, "l.csv", example("leerlingen.xlsx")).status_code == 404


def test_extra_columns_and_xlsx_numbers_are_tolerated(client, auth, setting):
    _ct, _school, course, clerk = setting
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Klas", "Voornaam", "Naam", "Geboortedatum", "Nummer", "Opmerking"])
    sheet.append(["5A", "Tuur", "Cools", "12/12/2010", 7, "extra"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    auth.login(clerk)
    url = preview_url(upload(auth, course.id, "klas.xlsx", buffer.getvalue()))
    assert confirm(auth, client, url).status_code == 302
    db.session.expire_all()
    assert _pupils()["Tuur"].last_name == "Cools"
