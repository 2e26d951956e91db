"""The export's exact values on a small data set that touches every kind of line.

The export is tuned for speed (precomputed cells, raw database values, a memo per distinct
value); these expectations pin every cell so that a faster path cannot change what the
secretariat receives: decimal comma or point, absences, exemptions (with and without
reason, repeaters), a submitted second sitting, final results, unpaid pupils, empty ids,
quoting, Brussels summer and winter time and the per-pupil sheet.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from teacherapp.extensions import db
from teacherapp.models import Absence, ExemptionKind, GenericTestResult
from tests.deliberation.helpers import exempt, score, submit


@pytest.fixture
def golden(make):
    """Two schools, three courses (one not submitted), five pupils in the main course."""
    ct = make.course_type("S2C", name="Start 2 Coach")
    first = make.teacher(recognised_for=[ct], full_name="An Peeters")
    second = make.teacher(recognised_for=[ct], full_name="Bart De Smet")
    school = make.school(name="Atheneum Brugge", institution_number=None)
    course = make.course(ct, school, teachers=[first, second], group_name="5 Sport")
    theory = make.subject(course, "Theorie", maximum=20, pass_mark=10, position=1,
                          exam_dates=(date(2026, 12, 10), date(2027, 6, 20)))
    practice = make.subject(course, "Praktijk", maximum=Decimal("12.5"),
                            pass_mark=Decimal("6.25"), position=2,
                            exam_dates=(date(2026, 12, 12), date(2027, 6, 22)))
    stage = make.subject(course, "Stage; \"extern\"", maximum=100, pass_mark=50, position=3)
    people = {}
    for first_name, last_name, kw in (
            ("Zoë", "Aerts", {"vts_account_id": "VTS-1"}),
            ("Hélène", "Bogaert", {"vts_account_id": "VTS-2"}),
            ("Arne", "Claes", {"vts_account_id": "VTS-3"}),
            ("Lien", "Dubois", {"vts_account_id": None}),
            ("Jan", "Peeters", {"vts_account_id": "VTS-5"})):
        pupil = make.pupil(school, first_name=first_name, last_name=last_name,
                           birth_date=date(2010, 3, 4) if first_name != "Jan" else date(2009, 12, 31),
                           **kw)
        people[first_name] = make.enrolment(course, pupil, paid=first_name != "Lien")
    score(people["Zoë"], theory, 1, "15.5")
    score(people["Zoë"], practice, 1, 8)
    score(people["Zoë"], stage, 1, 100)
    exempt(people["Hélène"], theory, 'Attest "topsport"; 2027')
    score(people["Hélène"], practice, 1, "7.25")
    score(people["Hélène"], stage, 1, 50)
    score(people["Arne"], theory, 1, 12)
    score(people["Arne"], practice, 1, absence=Absence.ABSENT)
    score(people["Arne"], practice, 2, "9.5")
    score(people["Arne"], stage, 1, absence=Absence.EXCUSED)
    score(people["Lien"], theory, 1, 6)
    score(people["Lien"], theory, 2, 11)
    score(people["Lien"], practice, 1, 0)
    score(people["Lien"], practice, 2, absence=Absence.ABSENT)
    exempt(people["Jan"], theory, "", kind=ExemptionKind.REPEATER_KEPT)
    exempt(people["Jan"], practice, "Vorig jaar 8/12", kind=ExemptionKind.REPEATER_KEPT)
    score(people["Jan"], stage, 1, "49.99")
    score(people["Jan"], stage, 2, 75)
    submit(course, 1, first)
    submit(course, 2, second, at=datetime(2027, 6, 30, 10, 5, tzinfo=UTC))
    for name in ("Zoë", "Hélène", "Arne", "Jan"):  # took the generic competence test
        db.session.add(GenericTestResult(enrolment_id=people[name].id, passed=True,
                                         source="import", taken_at=datetime(2027, 5, 3, tzinfo=UTC)))
    # Another school, no group name, track 2, only the first sitting submitted.
    other_school = make.school(name="Sint-Jozef", institution_number="123456")
    other = make.course(ct, other_school, teachers=[first], group_name="", track=2)
    swim = make.subject(other, "Zwemmen", maximum=10, pass_mark=5, position=1,
                        exam_dates=(date(2027, 3, 1), date(2027, 6, 1)))
    kim = make.enrolment(other, make.pupil(other_school, first_name="Kim", last_name="Maes",
                                           vts_account_id="VTS-9", birth_date=date(2011, 1, 2)))
    score(kim, swim, 1, "4.5")
    score(kim, swim, 2, 6)  # second sitting not submitted: left out unless asked
    submit(other, 1, first, at=datetime(2027, 3, 3, 23, 30, tzinfo=UTC))
    # Not submitted at all: only with include_unsubmitted.
    draft = make.course(ct, other_school, teachers=[first], group_name="6 Sport")
    run = make.subject(draft, "Lopen", maximum=20, pass_mark=10, position=1)
    tom = make.enrolment(draft, make.pupil(other_school, first_name="Tom", last_name="Wouters",
                                           vts_account_id="VTS-10", birth_date=date(2010, 7, 7)))
    score(tom, run, 1, "13.75")
    db.session.flush()
    db.session.commit()
    return course, other, draft, make.secretariat()


def _download(client, **params) -> bytes:
    response = client.get("/admin/export/download", query_string=params)
    assert response.status_code == 200
    return response.get_data()


# The export's lines after the header, course ids filled in by the test.
SEMICOLON_LINES = [
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Aerts;Zoë;VTS-1;04/03/2010;ja;Theorie;20;10;1;15,5;2;;geslaagd;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;ja;;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Aerts;Zoë;VTS-1;04/03/2010;ja;Praktijk;12,5;6,25;1;8;2;;geslaagd;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;ja;;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Aerts;Zoë;VTS-1;04/03/2010;ja;"Stage; ""extern""";100;50;;100;;;geslaagd;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;ja;;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Bogaert;Hélène;VTS-2;04/03/2010;ja;Theorie;20;10;1;vrijgesteld;2;;vrijgesteld;ja;"Attest ""topsport""; 2027";ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;ja;;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Bogaert;Hélène;VTS-2;04/03/2010;ja;Praktijk;12,5;6,25;1;7,25;2;;geslaagd;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;ja;;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Bogaert;Hélène;VTS-2;04/03/2010;ja;"Stage; ""extern""";100;50;;50;;;geslaagd;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;ja;;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Claes;Arne;VTS-3;04/03/2010;ja;Theorie;20;10;1;12;2;;geslaagd;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;nee;een vak niet geslaagd;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Claes;Arne;VTS-3;04/03/2010;ja;Praktijk;12,5;6,25;1;afwezig;2;9,5;geslaagd;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;nee;een vak niet geslaagd;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Claes;Arne;VTS-3;04/03/2010;ja;"Stage; ""extern""";100;50;;gewettigd afwezig;;;afwezig;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;nee;een vak niet geslaagd;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Dubois;Lien;;04/03/2010;nee;Theorie;20;10;1;6;2;11;geslaagd;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;nee;"inschrijvingsgeld niet betaald; een vak heeft nog geen resultaat; generieke competentietoets niet afgelegd";',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Dubois;Lien;;04/03/2010;nee;Praktijk;12,5;6,25;1;0;2;afwezig;afwezig;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;nee;"inschrijvingsgeld niet betaald; een vak heeft nog geen resultaat; generieke competentietoets niet afgelegd";',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Dubois;Lien;;04/03/2010;nee;"Stage; ""extern""";100;50;;;;;geen score;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;nee;"inschrijvingsgeld niet betaald; een vak heeft nog geen resultaat; generieke competentietoets niet afgelegd";niet betaald: geen examenkans',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Peeters;Jan;VTS-5;31/12/2009;ja;Theorie;20;10;1;vrijgesteld;2;;vrijgesteld;ja;bisser;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;ja;;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Peeters;Jan;VTS-5;31/12/2009;ja;Praktijk;12,5;6,25;1;vrijgesteld;2;;vrijgesteld;ja;bisser: Vorig jaar 8/12;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;ja;;',
    'Atheneum Brugge;;{c1};Start 2 Coach – 5 Sport;S2C;1;2026-2027;Peeters;Jan;VTS-5;31/12/2009;ja;"Stage; ""extern""";100;50;;49,99;;75;geslaagd;nee;;ja;An Peeters;18/12/2026 16:30;ja;Bart De Smet;30/06/2027 12:05;nee;ja;;',
    'Sint-Jozef;123456;{c2};Start 2 Coach;S2C;2;2026-2027;Maes;Kim;VTS-9;02/01/2011;ja;Zwemmen;10;5;2;4,5;2;;niet geslaagd;nee;;ja;An Peeters;04/03/2027 00:30;nee;;;nee;nee;BK-leerplan niet voltooid;',
]

# With commas, the decimal point; with include_unsubmitted, the unsubmitted marks too.
COMMA_ALL_LINES = [
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Aerts,Zoë,VTS-1,04/03/2010,ja,Theorie,20,10,1,15.5,2,,geslaagd,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,ja,,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Aerts,Zoë,VTS-1,04/03/2010,ja,Praktijk,12.5,6.25,1,8,2,,geslaagd,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,ja,,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Aerts,Zoë,VTS-1,04/03/2010,ja,"Stage; ""extern""",100,50,,100,,,geslaagd,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,ja,,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Bogaert,Hélène,VTS-2,04/03/2010,ja,Theorie,20,10,1,vrijgesteld,2,,vrijgesteld,ja,"Attest ""topsport""; 2027",ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,ja,,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Bogaert,Hélène,VTS-2,04/03/2010,ja,Praktijk,12.5,6.25,1,7.25,2,,geslaagd,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,ja,,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Bogaert,Hélène,VTS-2,04/03/2010,ja,"Stage; ""extern""",100,50,,50,,,geslaagd,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,ja,,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Claes,Arne,VTS-3,04/03/2010,ja,Theorie,20,10,1,12,2,,geslaagd,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,nee,een vak niet geslaagd,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Claes,Arne,VTS-3,04/03/2010,ja,Praktijk,12.5,6.25,1,afwezig,2,9.5,geslaagd,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,nee,een vak niet geslaagd,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Claes,Arne,VTS-3,04/03/2010,ja,"Stage; ""extern""",100,50,,gewettigd afwezig,,,afwezig,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,nee,een vak niet geslaagd,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Dubois,Lien,,04/03/2010,nee,Theorie,20,10,1,6,2,11,geslaagd,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,nee,inschrijvingsgeld niet betaald; een vak heeft nog geen resultaat; generieke competentietoets niet afgelegd,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Dubois,Lien,,04/03/2010,nee,Praktijk,12.5,6.25,1,0,2,afwezig,afwezig,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,nee,inschrijvingsgeld niet betaald; een vak heeft nog geen resultaat; generieke competentietoets niet afgelegd,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Dubois,Lien,,04/03/2010,nee,"Stage; ""extern""",100,50,,,,,geen score,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,nee,inschrijvingsgeld niet betaald; een vak heeft nog geen resultaat; generieke competentietoets niet afgelegd,niet betaald: geen examenkans',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Peeters,Jan,VTS-5,31/12/2009,ja,Theorie,20,10,1,vrijgesteld,2,,vrijgesteld,ja,bisser,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,ja,,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Peeters,Jan,VTS-5,31/12/2009,ja,Praktijk,12.5,6.25,1,vrijgesteld,2,,vrijgesteld,ja,bisser: Vorig jaar 8/12,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,ja,,',
    'Atheneum Brugge,,{c1},Start 2 Coach – 5 Sport,S2C,1,2026-2027,Peeters,Jan,VTS-5,31/12/2009,ja,"Stage; ""extern""",100,50,,49.99,,75,geslaagd,nee,,ja,An Peeters,18/12/2026 16:30,ja,Bart De Smet,30/06/2027 12:05,nee,ja,,',
    'Sint-Jozef,123456,{c2},Start 2 Coach,S2C,2,2026-2027,Maes,Kim,VTS-9,02/01/2011,ja,Zwemmen,10,5,2,4.5,2,6,geslaagd,nee,,ja,An Peeters,04/03/2027 00:30,nee,,,nee,nee,BK-leerplan niet voltooid,',
    'Sint-Jozef,123456,{c3},Start 2 Coach – 6 Sport,S2C,1,2026-2027,Wouters,Tom,VTS-10,07/07/2010,ja,Lopen,20,10,,13.75,,,geslaagd,nee,,nee,,,nee,,,nee,nee,scores nog niet ingediend bij VTS; generieke competentietoets niet afgelegd,',
]

HEADER = ("School;Instellingsnummer;Opleiding-id;Opleiding;Opleidingstype;Spoor;Schooljaar;"
          "Naam;Voornaam;VTS-account-id;Geboortedatum;Betaald;Vak;Maximum;Cesuur;"
          "Trimester 1ste zittijd;1ste zittijd score of code;Trimester 2de zittijd;"
          "2de zittijd score of code;Eindresultaat vak;Vrijgesteld;Reden vrijstelling;"
          "1ste zittijd ingediend;1ste zittijd ingediend door;1ste zittijd ingediend op;"
          "2de zittijd ingediend;2de zittijd ingediend door;2de zittijd ingediend op;"
          "Uitdovend;Komt in aanmerking voor het attest;Waarom niet;Waarom geen score")

PER_PUPIL = [
    ("Atheneum Brugge", None, "c1", "Start 2 Coach – 5 Sport", "S2C", 1, "2026-2027", "Aerts",
     "Zoë", "VTS-1", datetime(2010, 3, 4), "ja", 3, 3, 123.5, 132.5, "geslaagd", "nee", "ja", None),
    ("Atheneum Brugge", None, "c1", "Start 2 Coach – 5 Sport", "S2C", 1, "2026-2027", "Bogaert",
     "Hélène", "VTS-2", datetime(2010, 3, 4), "ja", 3, 3, 57.25, 112.5, "geslaagd", "nee", "ja",
     None),
    ("Atheneum Brugge", None, "c1", "Start 2 Coach – 5 Sport", "S2C", 1, "2026-2027", "Claes",
     "Arne", "VTS-3", datetime(2010, 3, 4), "ja", 3, 2, 21.5, 132.5, "niet geslaagd", "nee", "nee",
     "een vak niet geslaagd"),
    ("Atheneum Brugge", None, "c1", "Start 2 Coach – 5 Sport", "S2C", 1, "2026-2027", "Dubois",
     "Lien", None, datetime(2010, 3, 4), "nee", 3, 1, 11, 132.5, "onvolledig", "nee", "nee",
     "inschrijvingsgeld niet betaald; een vak heeft nog geen resultaat; "
     "generieke competentietoets niet afgelegd"),
    ("Atheneum Brugge", None, "c1", "Start 2 Coach – 5 Sport", "S2C", 1, "2026-2027", "Peeters",
     "Jan", "VTS-5", datetime(2009, 12, 31), "ja", 3, 3, 75, 100, "geslaagd", "nee", "ja", None),
    ("Sint-Jozef", "123456", "c2", "Start 2 Coach", "S2C", 2, "2026-2027", "Maes", "Kim",
     "VTS-9", datetime(2011, 1, 2), "ja", 1, 0, 4.5, 10, "niet geslaagd", "nee", "nee",
     "BK-leerplan niet voltooid"),
]


def _ids(golden) -> dict[str, int]:
    course, other, draft, _clerk = golden
    return {"c1": course.id, "c2": other.id, "c3": draft.id}


def _expected(lines: list[str], golden) -> list[str]:
    return [line.format(**_ids(golden)) for line in lines]


def test_csv_semicolon_gives_exactly_the_expected_bytes(client, auth, golden):
    auth.login(golden[-1])
    raw = _download(client, file_format="csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    assert lines[0] == HEADER
    assert lines[1:] == _expected(SEMICOLON_LINES, golden)


def test_csv_comma_with_unsubmitted_gives_exactly_the_expected_bytes(client, auth, golden):
    auth.login(golden[-1])
    raw = _download(client, file_format="csv", delimiter="comma", include_unsubmitted="y")
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").split("\r\n")
    assert lines[0] == HEADER.replace(";", ",") and lines[-1] == ""
    assert lines[1:-1] == _expected(COMMA_ALL_LINES, golden)


def _as_csv_text(value, column: int) -> str:
    """A workbook cell as the comma CSV writes it (column 10, the birth date, is a date)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y" if column == 10 else "%d/%m/%Y %H:%M")
    if isinstance(value, float):
        return f"{Decimal(repr(value)).normalize():f}"
    return str(value)


def test_xlsx_cells_are_typed_and_match_the_csv(client, auth, golden):
    auth.login(golden[-1])
    workbook = load_workbook(io.BytesIO(_download(client, file_format="xlsx")))
    assert workbook.sheetnames == ["Scores", "Per leerling"]
    sheet = workbook["Scores"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:AF17"
    rows = list(sheet.iter_rows(values_only=True))
    assert ";".join(rows[0]) == HEADER
    expected = list(csv.reader([line for line in _expected(COMMA_ALL_LINES, golden)[:-1]]))
    expected[-1][18] = ""  # that CSV had Kim's unsubmitted second sitting, and its result
    expected[-1][19] = "niet geslaagd"
    assert [[_as_csv_text(v, c) for c, v in enumerate(row)] for row in rows[1:]] == expected
    zoe = rows[1]
    assert isinstance(zoe[2], int) and isinstance(zoe[5], int) and isinstance(zoe[15], int)
    assert isinstance(zoe[16], float) and zoe[16] == 15.5
    assert isinstance(zoe[10], datetime) and isinstance(zoe[24], datetime)
    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert cells[13].number_format == "General" and cells[16].number_format == "General"
    assert cells[10].number_format == "dd/mm/yyyy"
    assert cells[24].number_format == "dd/mm/yyyy hh:mm"
    ids = _ids(golden)
    pupils = list(workbook["Per leerling"].iter_rows(values_only=True))
    assert len(pupils[0]) == 20
    assert pupils[1:] == [tuple(ids[v] if v in ids else v for v in row) for row in PER_PUPIL]


def test_xlsx_per_course_sheets_hold_the_same_lines(client, auth, golden):
    auth.login(golden[-1])
    ids = _ids(golden)
    long = load_workbook(io.BytesIO(_download(client, file_format="xlsx")))["Scores"]
    workbook = load_workbook(io.BytesIO(_download(client, file_format="xlsx",
                                                  layout="per_course")))
    assert workbook.sheetnames == [f"S2C Atheneum Brugge {ids['c1']}",
                                   f"S2C Sint-Jozef {ids['c2']}", "Per leerling"]
    lines = list(long.iter_rows(values_only=True))
    first, second = (list(workbook[name].iter_rows(values_only=True))
                     for name in workbook.sheetnames[:2])
    assert first == lines[:16] and second == [lines[0], lines[16]]
    assert workbook[workbook.sheetnames[0]].auto_filter.ref == "A1:AF16"


def test_filters_keep_the_same_lines(client, auth, golden):
    auth.login(golden[-1])
    lines = _expected(SEMICOLON_LINES, golden)
    # Second sitting in trimester 2: the theory and practice lines of the first course only.
    raw = _download(client, file_format="csv", sitting="2", trimester="2")
    assert raw[3:].decode("utf-8").split("\r\n")[1:-1] == [
        line for line in lines[:15] if ";Stage" not in line and '"Stage' not in line]
    raw = _download(client, file_format="csv", school=str(golden[1].school_id))
    assert raw[3:].decode("utf-8").split("\r\n")[1:-1] == lines[15:]
