"""The import preview says why, with the facts: age and year, unpaid enrolments, another
school's pupil, passed before."""

from __future__ import annotations

from datetime import date

from teacherapp.extensions import db
from tests.deliberation.helpers import preview_url, score, upload


def _setting(make):
    ct = make.course_type("S2C", name="Start 2 Coach", minimum_age=15)
    school = make.school(name="Sint-Jozefscollege")
    course = make.course(ct, school, start=date(2026, 9, 14))
    return ct, school, course, make.secretariat()


def test_a_too_young_pupil_is_refused_with_birth_date_age_and_minimum(client, auth, make):
    _ct, _school, course, clerk = _setting(make)
    auth.login(clerk)
    data = b"voornaam;naam;geboortedatum;betaald\r\nArne;Claes;14/03/2013;ja\r\n"
    html = client.get(preview_url(upload(auth, course.id, "x.csv", data))).get_data(as_text=True)
    assert "te jong voor dit opleidingstype (geweigerd): geboren 14/03/2013, wordt 13 in 2026; " \
           "minimum 15 jaar" in html


def test_rows_that_enrol_unpaid_pupils_say_so(client, auth, make):
    _ct, _school, course, clerk = _setting(make)
    auth.login(clerk)
    data = (b"voornaam;naam;geboortedatum;betaald\r\nZoe;Aerts;01/01/2010;nee\r\n"
            b"Jan;Peeters;01/01/2010;ja\r\n")
    html = client.get(preview_url(upload(auth, course.id, "x.csv", data))).get_data(as_text=True)
    assert "1 rij schrijft een leerling in van wie het inschrijvingsgeld niet als betaald" in html
    assert html.count("niet betaald: geen examen tot betaald") == 1


def test_a_known_pupil_of_another_school_is_flagged_before_confirming(client, auth, make):
    _ct, _school, course, clerk = _setting(make)
    elsewhere = make.school(name="Atheneum Zele")
    make.pupil(elsewhere, first_name="Lien", last_name="Maes", vts_account_id="VTS-77")
    db.session.commit()
    auth.login(clerk)
    data = b"VTS-account-id;voornaam;naam;geboortedatum;betaald\r\nVTS-77;Lien;Maes;;ja\r\n"
    html = client.get(preview_url(upload(auth, course.id, "x.csv", data))).get_data(as_text=True)
    assert "gekende leerling van Atheneum Zele" in html
    assert "1 rij is een leerling die al gekend is bij een andere school" in html


def test_passed_before_says_where_it_is_known_from(client, auth, make):
    ct, school, course, clerk = _setting(make)
    earlier = make.course(ct, school, start=date(2025, 9, 15), school_year="2025-2026")
    subject = make.subject(earlier, "Theorie")
    score(make.enrolment(earlier, make.pupil(school, first_name="Wout", vts_account_id="VTS-9")),
          subject, 1, 14)
    auth.login(clerk)
    data = b"VTS-account-id;eerder geslaagd;voornaam;naam;geboortedatum\r\nVTS-9;;;;\r\n"
    html = client.get(preview_url(upload(auth, course.id, "x.csv", data))).get_data(as_text=True)
    assert "gekend uit een eerdere opleiding Start 2 Coach" in html
