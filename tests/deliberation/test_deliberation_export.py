"""The export: XLSX opened with openpyxl, CSV read with the csv module; values and types."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from teacherapp.extensions import db
from tests.deliberation.helpers import scored_course, submit


@pytest.fixture
def world(make):
    course, subjects, pupils, teacher = scored_course(make)
    clerk = make.secretariat()
    return course, subjects, pupils, teacher, clerk


def _xlsx(client, **params):
    response = client.get("/admin/export/download", query_string={"file_format": "xlsx", **params})
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.get_data()))


def _csv(client, **params):
    response = client.get("/admin/export/download", query_string={"file_format": "csv", **params})
    assert response.status_code == 200
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    delimiter = "," if params.get("delimiter") == "comma" else ";"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


def _by_pupil_subject(rows, headers):
    index = {h: i for i, h in enumerate(headers)}
    return {(r[index["Voornaam"]], r[index["Vak"]]): {h: r[i] for h, i in index.items()}
            for r in rows}


def test_xlsx_has_typed_cells_a_frozen_header_and_exempt_apart_from_absent(client, auth, world):
    course, _subjects, _pupils, _teacher, clerk = world
    auth.login(clerk)
    workbook = _xlsx(client)
    assert workbook.sheetnames == ["Scores", "Per leerling"]
    sheet = workbook["Scores"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    assert headers[:3] == ["School", "Instellingsnummer", "Opleiding-id"]
    lines = _by_pupil_subject(rows[1:], headers)
    assert len(lines) == 8
    zoe = lines[("Zoë", "Theorie")]
    assert zoe["1ste zittijd score of code"] == 15.5
    assert isinstance(zoe["Maximum"], int | float) and zoe["Maximum"] == 20
    assert isinstance(zoe["Geboortedatum"], datetime) and zoe["Geboortedatum"].date() == date(2010, 3, 4)
    assert zoe["Opleiding-id"] == course.id and zoe["Spoor"] == 1
    assert zoe["Eindresultaat vak"] == "geslaagd"
    assert zoe["1ste zittijd ingediend door"] == "An Peeters"
    assert zoe["1ste zittijd ingediend op"] == datetime(2026, 12, 18, 16, 30)  # Brussels time
    assert zoe["Trimester 1ste zittijd"] == 1 and zoe["Trimester 2de zittijd"] == 2
    helene = lines[("Hélène", "Theorie")]
    assert helene["1ste zittijd score of code"] == "vrijgesteld"
    assert (helene["Vrijgesteld"], helene["Reden vrijstelling"]) == ("ja", "Attest topsport")
    assert helene["Eindresultaat vak"] == "vrijgesteld"
    arne = lines[("Arne", "Praktijk")]
    assert arne["1ste zittijd score of code"] == "afwezig"
    assert (arne["Vrijgesteld"], arne["Eindresultaat vak"]) == ("nee", "afwezig")
    # Only submitted scores: Lien's second-sitting 11 is not submitted, so not exported.
    lien = lines[("Lien", "Theorie")]
    assert lien["2de zittijd score of code"] is None
    assert lien["2de zittijd ingediend"] == "nee"
    assert lien["Eindresultaat vak"] == "niet geslaagd"
    numbers = [r[headers.index("1ste zittijd score of code")] for r in rows[1:]]
    assert sum(n for n in numbers if isinstance(n, int | float)) == 15.5 + 8 + 7.5 + 12 + 6 + 9


def test_per_pupil_sheet_gives_totals_and_certificate_eligibility(client, auth, world):
    _course, _subjects, _pupils, _teacher, clerk = world
    auth.login(clerk)
    rows = list(_xlsx(client)["Per leerling"].iter_rows(values_only=True))
    headers = list(rows[0])
    pupils = {r[headers.index("Voornaam")]: dict(zip(headers, r, strict=True)) for r in rows[1:]}
    assert pupils["Zoë"]["Totaalscore"] == 23.5
    assert pupils["Zoë"]["Totaal maximum (zonder vrijgestelde vakken)"] == 30
    assert pupils["Zoë"]["Komt in aanmerking voor het attest"] == "ja"
    assert pupils["Hélène"]["Totaalscore"] == 7.5 and pupils["Hélène"]["Eindresultaat"] == "geslaagd"
    assert pupils["Hélène"]["Totaal maximum (zonder vrijgestelde vakken)"] == 10
    assert pupils["Arne"]["Komt in aanmerking voor het attest"] == "nee"
    assert pupils["Lien"]["Eindresultaat"] == "niet geslaagd"


def test_all_scores_on_request_marks_the_unsubmitted_ones(client, auth, world):
    _course, _subjects, _pupils, _teacher, clerk = world
    auth.login(clerk)
    rows = _csv(client, include_unsubmitted="y")
    lines = _by_pupil_subject(rows[1:], rows[0])
    lien = lines[("Lien", "Theorie")]
    assert lien["2de zittijd score of code"] == "11"
    assert lien["2de zittijd ingediend"] == "nee"
    assert lien["Eindresultaat vak"] == "geslaagd"


def test_csv_is_semicolon_utf8_with_bom_and_decimal_comma(client, auth, world):
    _course, _subjects, _pupils, _teacher, clerk = world
    auth.login(clerk)
    rows = _csv(client)
    assert len(rows) == 9
    lines = _by_pupil_subject(rows[1:], rows[0])
    zoe = lines[("Zoë", "Theorie")]
    assert zoe["1ste zittijd score of code"] == "15,5"
    assert zoe["Geboortedatum"] == "04/03/2010"
    assert zoe["1ste zittijd ingediend op"] == "18/12/2026 16:30"
    assert lines[("Hélène", "Theorie")]["1ste zittijd score of code"] == "vrijgesteld"
    assert lines[("Arne", "Praktijk")]["1ste zittijd score of code"] == "afwezig"


def test_csv_with_comma_on_request_uses_decimal_point(client, auth, world):
    _course, _subjects, _pupils, _teacher, clerk = world
    auth.login(clerk)
    rows = _csv(client, delimiter="comma")
    lines = _by_pupil_subject(rows[1:], rows[0])
    assert lines[("Zoë", "Theorie")]["1ste zittijd score of code"] == "15.5"
    assert lines[("Hélène", "Praktijk")]["1ste zittijd score of code"] == "7.5"


def test_one_sheet_per_course(client, auth, make, world):
    course, _subjects, _pupils, teacher, clerk = world
    other, *_ = scored_course(make, teacher=teacher, ct=course.course_type, group_name="6 Sport")
    auth.login(clerk)
    workbook = _xlsx(client, layout="per_course")
    assert len(workbook.sheetnames) == 3 and workbook.sheetnames[-1] == "Per leerling"
    # Sheets come in the lines' order (by school name): which comes first depends on the
    # names the factories gave, so only the ids are checked.
    assert {name.rsplit(" ", 1)[1] for name in workbook.sheetnames[:2]} == {
        str(course.id), str(other.id)}
    for name in workbook.sheetnames[:2]:
        assert workbook[name].max_row == 9 and workbook[name].freeze_panes == "A2"


def test_filters_select_school_sitting_and_trimester(client, auth, make, world):
    course, _subjects, _pupils, teacher, clerk = world
    elsewhere, *_ = scored_course(make, school=make.school(name="Atheneum"), teacher=teacher,
                                  ct=course.course_type)
    auth.login(clerk)
    assert len(_csv(client)) == 17
    assert len(_csv(client, school=str(course.school_id))) == 9
    assert len(_csv(client, sitting="2")) == 1  # no second sitting submitted anywhere
    assert len(_csv(client, trimester="3")) == 1
    assert len(_csv(client, trimester="1", sitting="1")) == 17
    submit(elsewhere, 2, teacher)
    db.session.commit()
    assert len(_csv(client, sitting="2", trimester="2")) == 9


def test_export_page_counts_the_lines_as_page_and_as_fragment(client, auth, world):
    _course, _subjects, _pupils, _teacher, clerk = world
    auth.login(clerk)
    page = client.get("/admin/export")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "8 regels (leerling × vak) uit 1 opleiding." in html and "<html" in html
    fragment = client.get("/admin/export?include_unsubmitted=y&school_year=2026-2027",
                          headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "8 regels" in text
    assert "HX-Request" in fragment.headers["Vary"]


def test_export_reads_in_a_fixed_number_of_statements(client, auth, make, world, count_statements):
    course, _subjects, _pupils, teacher, clerk = world
    auth.login(clerk)
    with count_statements() as few:
        _csv(client)
    for n in range(3):
        scored_course(make, teacher=teacher, ct=course.course_type, group_name=f"Klas {n}")
    db.session.commit()
    with count_statements() as many:
        _csv(client)
    assert many.count == few.count


def test_empty_export_still_gives_a_workbook_with_headers(client, auth, make):
    auth.login(make.secretariat())
    workbook = _xlsx(client)
    assert workbook["Scores"].max_row == 1
    assert workbook["Per leerling"].max_row == 1


def test_lines_without_a_score_say_why_for_unpaid_and_passed_before(client, auth, world, make):
    course, _subjects, _pupils, _teacher, clerk = world
    make.enrolment(course, make.pupil(course.school, first_name="Nora"), paid=False)
    make.enrolment(course, make.pupil(course.school, first_name="Piet"), passed_before=True)
    db.session.commit()
    auth.login(clerk)
    rows = _csv(client)
    lines = _by_pupil_subject(rows[1:], rows[0])
    why = "Waarom geen score"
    assert lines[("Nora", "Theorie")][why] == "niet betaald: geen examenkans"
    assert lines[("Piet", "Praktijk")][why] == (
        "al eerder geslaagd voor dit opleidingstype: geen examenkans")
    assert lines[("Zoë", "Theorie")][why] == ""


def test_numbers_use_the_general_format_so_20_shows_as_20(client, auth, world):
    auth.login(world[-1])
    sheet = _xlsx(client)["Scores"]
    headers = [c.value for c in next(sheet.iter_rows(max_row=1))]
    first = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert first[headers.index("Maximum")].number_format == "General"
    assert first[headers.index("Maximum")].value == 20
