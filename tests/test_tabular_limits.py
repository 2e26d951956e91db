"""The reader's limits: a hostile file is refused from its zip directory or its first rows,
within a second, before anything large is built."""

from __future__ import annotations

import os
import time

import pytest

from teacherapp import tabular
from teacherapp.tabular import TabularError, TabularFileError, read_table
from tests import hostile_files as hostile


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return hostile.huge_shared_string(400)


def _refused(data: bytes, name: str = "lijst.xlsx") -> TabularError:
    started = time.perf_counter()
    with pytest.raises(TabularFileError) as refused:
        read_table(data, name)
    assert time.perf_counter() - started < 1.0
    return refused.value.code


def test_a_400_mb_string_in_400_kb_is_refused_before_unpacking(bomb):
    assert len(bomb) < 500_000
    assert _refused(bomb) == TabularError.UNPACKS_TOO_LARGE


def test_a_member_that_packs_a_hundredfold_is_refused():
    assert _refused(hostile.huge_shared_string(20)) == TabularError.PACKED_SUSPICIOUSLY


def test_the_members_together_may_not_unpack_too_large(monkeypatch):
    monkeypatch.setattr(tabular, "XLSX_MAX_MEMBER_BYTES", 2_000_000)
    monkeypatch.setattr(tabular, "XLSX_MAX_TOTAL_BYTES", 3_000_000)
    part = os.urandom(1_500_000)  # stored as is: no ratio to object to, only the total
    data = hostile.workbook(extra=[("xl/media/a.bin", part), ("xl/media/b.bin", part)])
    assert _refused(data) == TabularError.UNPACKS_TOO_LARGE


def test_too_many_members_are_refused():
    assert _refused(hostile.many_members(tabular.XLSX_MAX_MEMBERS + 1)) == \
        TabularError.UNPACKS_TOO_LARGE


@pytest.mark.parametrize(("ref", "code"), [
    ("A1:XFD1048576", TabularError.TOO_MANY_ROWS),
    ("A1:XFD2", TabularError.TOO_MANY_COLUMNS),
    ("A1:CV50000", TabularError.TOO_MANY_CELLS),
])
def test_a_declared_dimension_beyond_the_limits_is_refused(ref, code):
    assert _refused(hostile.huge_dimension(ref)) == code


def test_a_row_far_down_is_refused_without_padding_a_million_rows():
    assert _refused(hostile.far_row(1_048_576)) == TabularError.TOO_MANY_ROWS


def test_a_cell_in_the_last_column_is_refused():
    assert _refused(hostile.wide_row("XFD")) == TabularError.TOO_MANY_COLUMNS


def test_a_wrong_small_dimension_does_not_hide_rows():
    data = hostile.workbook(hostile.sheet_xml(dimension="A1:A1"))
    assert read_table(data, "lijst.xlsx").rows[0].get("naam") == "Aerts"


def test_a_long_cell_is_refused_in_xlsx_and_csv():
    assert _refused(hostile.long_cell(tabular.MAX_CELL_CHARS + 1)) == TabularError.CELL_TOO_LONG
    assert _refused(hostile.csv_with_long_field(tabular.MAX_CELL_CHARS + 1), "lijst.csv") == \
        TabularError.CELL_TOO_LONG


def test_a_csv_field_over_the_csv_modules_own_limit_is_refused():
    assert _refused(hostile.csv_with_long_field(131_073), "lijst.csv") == \
        TabularError.CELL_TOO_LONG


def test_too_much_text_in_total_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_TEXT_CHARS", 100)
    rows = "".join(f"Zoë{i};Aerts;03/04/2010\r\n" for i in range(20))
    assert _refused(("voornaam;naam;geboortedatum\r\n" + rows).encode(), "x.csv") == \
        TabularError.TOO_MUCH_TEXT


def test_a_nul_anywhere_in_a_csv_is_refused():
    data = b"voornaam;naam\r\n" + b"Zo;Aerts\r\n" * 1000 + b"A\x00;B\r\n"
    assert len(data) > 4096
    assert _refused(data, "x.csv") == TabularError.UNSUPPORTED


def test_a_broken_worksheet_is_unreadable_not_an_error():
    data = hostile.workbook("<worksheet><sheetData><row r='1'><c")
    assert _refused(data) == TabularError.UNREADABLE


def test_an_ordinary_workbook_still_reads():
    table = read_table(hostile.workbook(), "lijst.xlsx")
    assert table.rows[0].values == {"voornaam": "Zoë", "naam": "Aerts",
                                    "geboortedatum": "03/04/2010"}
