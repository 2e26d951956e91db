"""Hostile uploads, built in the test itself: workbooks that unpack into gigabytes, declare
a million rows, hold one enormous string; CSV files with a field over the csv module's limit.

A workbook here is the smallest XLSX Excel and openpyxl accept: content types, relations,
one workbook, one worksheet and optionally shared strings. A member can be written in
chunks, so a 400 MB string never sits in the test's memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPES = (
    f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>'
)
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>voornaam</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>naam</t></is></c>'
              '<c r="C1" t="inlineStr"><is><t>geboortedatum</t></is></c></row>')
PUPIL_ROW = ('<row r="2"><c r="A2" t="inlineStr"><is><t>Zoë</t></is></c>'
             '<c r="B2" t="inlineStr"><is><t>Aerts</t></is></c>'
             '<c r="C2" t="inlineStr"><is><t>03/04/2010</t></is></c></row>')

Writer = Callable[[io.BufferedIOBase], None]


def sheet_xml(rows: str = HEADER_ROW + PUPIL_ROW, dimension: str | None = "A1:C2") -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{declared}'
            f"<sheetData>{rows}</sheetData></worksheet>")


def workbook(sheet: str | Writer | None = None, shared_strings: str | Writer | None = None,
             extra: Iterable[tuple[str, bytes]] = ()) -> bytes:
    """An XLSX; each part given as text, or as a function that writes it in chunks."""
    strings = shared_strings if shared_strings is not None else (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="0" uniqueCount="0"/>')
    parts = [("[Content_Types].xml", _TYPES), ("_rels/.rels", _ROOT_RELS),
             ("xl/workbook.xml", _WORKBOOK), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
             ("xl/worksheets/sheet1.xml", sheet if sheet is not None else sheet_xml()),
             ("xl/sharedStrings.xml", strings), *extra]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, part in parts:
            if callable(part):
                with archive.open(name, "w", force_zip64=True) as fh:
                    part(fh)
            elif isinstance(part, bytes):  # extra parts: stored as they are
                archive.writestr(name, part, compress_type=zipfile.ZIP_STORED)
            else:
                archive.writestr(name, part)
    return out.getvalue()


def huge_shared_string(megabytes: int = 400) -> bytes:
    """A workbook of a few hundred KB whose one shared string unpacks to `megabytes` MB."""
    def write(fh: io.BufferedIOBase) -> None:
        fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="1" '
                 'uniqueCount="1"><si><t>'.encode())
        chunk = b"A" * (1024 * 1024)
        for _ in range(megabytes):
            fh.write(chunk)
        fh.write(b"</t></si></sst>")

    rows = HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return workbook(sheet_xml(rows, "A1:C2"), write)


def huge_dimension(ref: str = "A1:XFD1048576") -> bytes:
    """A tiny workbook declaring that it spans every cell Excel has."""
    return workbook(sheet_xml(dimension=ref))


def long_cell(characters: int) -> bytes:
    """A workbook with one inline string of `characters` characters (packs small)."""
    rows = HEADER_ROW + (f'<row r="2"><c r="A2" t="inlineStr"><is><t>{"B" * characters}'
                         '</t></is></c></row>')
    return workbook(sheet_xml(rows, "A1:C2"))


def far_row(number: int = 1_048_576) -> bytes:
    """A workbook with no dimension and one cell in a row far down: a million rows to pad."""
    rows = HEADER_ROW + f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>x</t></is></c></row>'
    return workbook(sheet_xml(rows, None))


def wide_row(column: str = "XFD") -> bytes:
    """A workbook with no dimension and a cell in the last column Excel has."""
    rows = HEADER_ROW + f'<row r="2"><c r="{column}2" t="inlineStr"><is><t>x</t></is></c></row>'
    return workbook(sheet_xml(rows, None))


def many_members(count: int = 5000) -> bytes:
    return workbook(extra=[(f"xl/media/pad{i}.bin", b"") for i in range(count)])


def csv_with_long_field(characters: int = 131_073) -> bytes:
    return ("voornaam;naam;geboortedatum\r\nZoë;" + "x" * characters + ";03/04/2010\r\n").encode()
