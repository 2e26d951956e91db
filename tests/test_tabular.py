from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook

from teacherapp.tabular import (
    TabularError,
    TabularFileError,
    parse_be_date,
    parse_be_datetime,
    parse_yes_no,
    read_table,
)


def test_semicolon_csv_with_bom_from_excel():
    data = "\ufeffVoornaam;Naam;Geboortedatum\r\nZoë;Peeters;03/04/2010\r\n;;\r\n\r\n".encode()
    table = read_table(data, "leerlingen.csv")
    assert table.delimiter == ";"
    assert table.headers == ["voornaam", "naam", "geboortedatum"]
    assert len(table.rows) == 1
    assert table.rows[0].number == 2
    assert table.rows[0].get("Voornaam") == "Zoë"


def test_windows_1252_is_decoded():
    data = "voornaam;naam\nHélène;Dubois\n".encode("cp1252")
    table = read_table(data, "x.csv")
    assert table.encoding == "cp1252"
    assert table.rows[0].get("voornaam") == "Hélène"


def test_comma_csv_and_extra_columns_and_aliases():
    table = read_table(b"email,content_id,extra\nA@B.be,s2c-1,zz\n", "x.csv")
    assert table.delimiter == ","
    row = table.rows[0]
    assert row.get("vts account id", "email") == "A@B.be"
    assert row.get("content id") == "s2c-1"


def test_xlsx_dates_and_numbers_become_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Naam", "Geboortedatum", "Score"])
    sheet.append(["Zoë", datetime(2010, 4, 3), 7.5])
    sheet.append([None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "lijst.xlsx")
    assert table.format == "xlsx"
    assert table.rows[0].values == {"naam": "Zoë", "geboortedatum": "03/04/2010", "score": "7.5"}


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [(b"", "x.csv", TabularError.EMPTY), (b"\r\n\r\n", "x.csv", TabularError.EMPTY),
     (b"%PDF-1.4", "x.pdf", TabularError.UNSUPPORTED), (b"not a zip", "x.xlsx", TabularError.UNREADABLE),
     (b"PK\x03\x04broken", "x.xlsx", TabularError.UNREADABLE),
     (b"\x00\x01\x02", "x.csv", TabularError.UNSUPPORTED)],
)
def test_bad_files_are_refused_with_a_reason(data, name, code):
    with pytest.raises(TabularFileError) as info:
        read_table(data, name)
    assert info.value.code == code


def test_belgian_dates():
    assert parse_be_date("03/04/2010") == date(2010, 4, 3)
    assert parse_be_date("3-4-2010") == date(2010, 4, 3)
    assert parse_be_date("2010-04-03") == date(2010, 4, 3)
    for bad in ("31/02/2010", "2010/04/03", "03/04/10", "", "morgen"):
        with pytest.raises(ValueError):
            parse_be_date(bad)


def test_belgian_datetimes_are_brussels_time():
    assert parse_be_datetime("15/11/2026 14:30") == datetime(2026, 11, 15, 13, 30, tzinfo=UTC)
    assert parse_be_datetime("15/07/2026") == datetime(2026, 7, 14, 22, 0, tzinfo=UTC)
    assert parse_be_datetime("2026-11-15T14:30:00Z") == datetime(2026, 11, 15, 14, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_be_datetime("15/11/2026 25:99")


def test_yes_no():
    assert parse_yes_no("Ja") is True
    assert parse_yes_no("nee") is False
    assert parse_yes_no("") is None
    assert parse_yes_no("misschien") is None
