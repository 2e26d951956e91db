"""Exports that cannot attack a spreadsheet: text that looks like a formula stays text."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from teacherapp.extensions import db
from teacherapp.spreadsheet_text import neutralise_formula
from tests.deliberation.helpers import exempt, scored_course

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3+cmd",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_start_gets_a_quote(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["Zoë", "", "O'Brien", "15,5", "a=b", " =x"])
def test_ordinary_text_is_unchanged(text):
    assert neutralise_formula(text) == text


@pytest.fixture
def hostile_world(make):
    course, subjects, pupils, teacher = scored_course(make)
    pupils["Zoë"].pupil.first_name = HOSTILE[0]
    pupils["Zoë"].pupil.last_name = HOSTILE[1]
    pupils["Arne"].pupil.first_name = HOSTILE[2]
    pupils["Arne"].pupil.vts_account_id = HOSTILE[3]
    exempt(pupils["Arne"], subjects["practice"], reason="=1+1")
    db.session.commit()
    return make.secretariat()


def _download(client, file_format: str) -> bytes:
    response = client.get("/admin/export/download", query_string={"file_format": file_format})
    assert response.status_code == 200
    return response.get_data()


def test_csv_neutralises_every_text_cell_and_keeps_numbers(client, auth, hostile_world):
    auth.login(hostile_world)
    rows = list(csv.reader(io.StringIO(_download(client, "csv").decode("utf-8-sig")),
                           delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[1] in cells
    assert "'" + HOSTILE[2] in cells and "'" + HOSTILE[3] in cells
    assert "'=1+1" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    headers = rows[0]
    zoe = next(r for r in rows if r[headers.index("Voornaam")] == "'" + HOSTILE[0])
    assert zoe[headers.index("1ste zittijd score of code")] == "15,5"  # a number, no quote


def test_xlsx_writes_formula_lookalikes_as_strings(client, auth, hostile_world):
    auth.login(hostile_world)
    data = _download(client, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = "".join(archive.read(n).decode() for n in archive.namelist()
                         if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets  # not a single formula in the workbook
    workbook = load_workbook(io.BytesIO(data))
    values = {cell.value: cell.data_type for sheet in workbook for row in sheet.iter_rows()
              for cell in row}
    for text in (HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3]):
        assert values[text] in ("s", "inlineStr")
    assert values[15.5] == "n"
