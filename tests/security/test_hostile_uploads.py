"""Hostile uploads on both imports: each answers 422 with a Dutch message within a second,
keeps nothing, and no file is ever read while a database transaction is open."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest

from teacherapp.content import importing
from teacherapp.deliberation import import_views, pending
from teacherapp.extensions import db
from tests import hostile_files as hostile
from tests.deliberation.helpers import example

HOSTILE = {
    "400 MB string": (lambda: hostile.huge_shared_string(400), "lijst.xlsx",
                      "Uitgepakt is het Excelbestand groter dan 32 MB"),
    "packed 1000 times": (lambda: hostile.huge_shared_string(20), "lijst.xlsx",
                          "ingepakt op een manier die geen rekenbladprogramma maakt"),
    "dimension A1:XFD1048576": (hostile.huge_dimension, "lijst.xlsx", "te veel rijen"),
    "a row far down": (hostile.far_row, "lijst.xlsx", "te veel rijen"),
    "the last column": (hostile.wide_row, "lijst.xlsx", "te veel kolommen (hoogstens 200)"),
    "a long cell": (lambda: hostile.long_cell(20_000), "lijst.xlsx", "meer dan 10.000 tekens"),
    "CSV field over 131,072": (hostile.csv_with_long_field, "lijst.csv",
                               "meer dan 10.000 tekens"),
}


@pytest.fixture(scope="module")
def files() -> dict[str, tuple[bytes, str, str]]:
    return {name: (make(), filename, message)
            for name, (make, filename, message) in HOSTILE.items()}


@pytest.fixture
def course(make):
    ct = make.course_type("S2C", name="Start 2 Coach")
    return make.course(ct, make.school(), start=date(2026, 9, 14))


def _post(auth, url: str, data: bytes, filename: str):
    started = time.perf_counter()
    response = auth.post(url, data={"file": (io.BytesIO(data), filename)},
                         content_type="multipart/form-data")
    return response, time.perf_counter() - started


# Refused while reading, not after unpacking or parsing everything (which takes tens of
# seconds for these files); the margin is for a busy 2-core machine running two test workers.
QUICK_SECONDS = 5.0


def _kept(app) -> list[Path]:
    instance = Path(app.instance_path)
    return [p for folder in ("pending_imports", "content-imports")
            for p in (instance / folder).glob("*") if p.is_file()]


@pytest.mark.parametrize("name", HOSTILE)
def test_pupil_import_refuses_a_hostile_file_quickly(app, auth, make, course, files, name):
    data, filename, message = files[name]
    auth.login(make.secretariat())
    before = _kept(app)
    response, seconds = _post(auth, f"/admin/courses/{course.id}/import-pupils", data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert seconds < QUICK_SECONDS
    assert _kept(app) == before


@pytest.mark.parametrize("name", HOSTILE)
def test_view_import_refuses_a_hostile_file_quickly(app, auth, make, files, name):
    data, filename, message = files[name]
    auth.login(make.secretariat())
    before = _kept(app)
    response, seconds = _post(auth, "/admin/content-views/import", data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert seconds < QUICK_SECONDS
    assert _kept(app) == before


def _in_transaction() -> bool:
    """Whether the request's database connection is inside a transaction right now."""
    session = db.session()
    if not session.in_transaction():
        return False
    dbapi = session.connection().connection.dbapi_connection
    if hasattr(dbapi, "in_transaction"):  # sqlite3
        return dbapi.in_transaction
    from psycopg.pq import TransactionStatus

    return dbapi.info.transaction_status != TransactionStatus.IDLE


@pytest.fixture
def reads_watched(monkeypatch):
    """Record, for every file read, whether a transaction was open."""
    seen: list[bool] = []

    def watched(real):
        def read(*args, **kwargs):
            seen.append(_in_transaction())
            return real(*args, **kwargs)
        return read

    monkeypatch.setattr(import_views, "read_table", watched(import_views.read_table))
    monkeypatch.setattr(importing, "read_table", watched(importing.read_table))
    return seen


def test_pupil_upload_and_its_preview_are_read_outside_any_transaction(
        auth, client, make, course, reads_watched, monkeypatch):
    from flask import request

    from tests.deliberation.helpers import confirm

    real_load = pending.load
    loads: list[bool] = []

    def load(*args, **kwargs):
        if request.method == "POST":  # a page (GET) only reads: no write lock to hold
            loads.append(_in_transaction())
        return real_load(*args, **kwargs)

    monkeypatch.setattr(pending, "load", load)
    auth.login(make.secretariat())
    response, _ = _post(auth, f"/admin/courses/{course.id}/import-pupils",
                        example("leerlingen-excel-puntkomma.csv"), "leerlingen.csv")
    assert response.status_code == 302
    assert reads_watched == [False]
    assert confirm(auth, client, response.headers["Location"]).status_code == 302
    assert loads == [False]  # the confirmation's read, before its write transaction


def test_view_upload_and_its_confirmation_are_read_outside_any_transaction(
        auth, client, make, reads_watched):
    auth.login(make.secretariat())
    data = b"VTS account id;Content id;Bekeken op;Voortgang\r\nVTS-1;x;03/10/2026;50\r\n"
    response, _ = _post(auth, "/admin/content-views/import", data, "views.csv")
    assert response.status_code == 302
    key = response.headers["Location"].rsplit("/", 1)[1]
    assert auth.post(f"/admin/content-views/import/{key}/confirm").status_code == 302
    assert reads_watched == [False, False]


def test_the_pending_preview_is_kept_compressed_without_repeating_the_headers(app, auth, make,
                                                                             course):
    clerk = make.secretariat()
    auth.login(clerk)
    before = _kept(app)
    rows = "".join(f"Leerling{i};Aerts;03/04/2010\r\n" for i in range(2000))
    data = ("voornaam;naam;geboortedatum\r\n" + rows).encode()
    response, _ = _post(auth, f"/admin/courses/{course.id}/import-pupils", data, "l.csv")
    assert response.status_code == 302
    kept = [p for p in _kept(app) if p not in before]
    assert len(kept) == 1 and kept[0].name.endswith(".json.gz")
    assert kept[0].stat().st_size < len(data) / 4
    token = response.headers["Location"].rsplit("/", 1)[1]
    upload = pending.load(app.instance_path, clerk.id, token)
    assert len(upload.table.rows) == 2000
    assert upload.table.rows[-1].values == {"voornaam": "Leerling1999", "naam": "Aerts",
                                            "geboortedatum": "03/04/2010"}
    assert pending.load(app.instance_path, clerk.id + 1, token) is None


def test_a_preview_over_the_size_cap_is_refused_and_nothing_is_kept(app, auth, make, course,
                                                                   monkeypatch):
    monkeypatch.setattr(pending, "MAX_JSON_BYTES", 10_000)
    auth.login(make.secretariat())
    before = _kept(app)
    rows = "".join(f"Leerling{i};Aerts;03/04/2010\r\n" for i in range(1000))
    response, _ = _post(auth, f"/admin/courses/{course.id}/import-pupils",
                        ("voornaam;naam;geboortedatum\r\n" + rows).encode(), "l.csv")
    assert response.status_code == 422
    assert "De lijst is te groot om een voorbeeld van te tonen" in response.get_data(as_text=True)
    assert _kept(app) == before
