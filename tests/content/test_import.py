"""The secretariat's upload of a view export: preview, confirm, cancel, and every refusal."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, ContentView
from tests.content.conftest import brussels, views

IMPORT_URL = "/admin/content-views/import"

MESSY_CSV = (
    "\ufeffVTS account id;E-mail;Content id;Bekeken op;Voortgang;Voltooid;Opmerking\r\n"
    "VTS-1001;;s2c-el-01;03/10/2026 14:30;75%;nee;eerste keer\r\n"
    ";helene.dubois@leerling.be;s2c-el-01;04/10/2026;0,5;;\r\n"
    "VTS-1001;;s2c-txt-01;05/10/2026 09:00;;ja;\r\n"
    "VTS-9999;;s2c-el-01;03/10/2026;10;;onbekend\r\n"
    "VTS-1002;;bestaat-niet;03/10/2026;10;;\r\n"
    "VTS-1002;;s2c-txt-01;31/09/2026;10;;\r\n"
    "VTS-1001;;s2c-el-01;03/10/2026 14:30;75%;nee;eerste keer\r\n"
    ";;;;;;\r\n"
    "\r\n"
)


def upload(auth, content: bytes | str, filename: str = "views.csv", follow: bool = False):
    data = content.encode("cp1252") if isinstance(content, str) else content
    return auth.post(IMPORT_URL, {"file": (io.BytesIO(data), filename)},
                     content_type="multipart/form-data", follow_redirects=follow)


def preview_key(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/admin/content-views/import/([A-Za-z0-9_-]+)$", response.headers["Location"])
    assert match
    return match.group(1)


def test_the_upload_page_explains_the_columns(client, auth, world):
    auth.login(world.secretariat)
    response = client.get(IMPORT_URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bekeken leerinhoud importeren" in html
    assert 'enctype="multipart/form-data"' in html
    assert "bekeken op" in html


def test_a_messy_excel_csv_is_previewed_with_reasons_and_nothing_is_applied(client, auth, world):
    auth.login(world.secretariat)
    key = preview_key(upload(auth, MESSY_CSV.encode("utf-8")))
    html = client.get(f"{IMPORT_URL}/{key}").get_data(as_text=True)

    assert "Zoë Peeters" in html and "Hélène Dubois" in html
    assert "Onbekende leerling" in html
    assert "Onbekende leerinhoud" in html
    assert "Ongeldige datum" in html
    assert "Dubbel in het bestand" in html
    assert "<strong>Onbekende leerling</strong>: 1 rij" in html  # counts per reason
    assert "3 wijzigingen toepassen" in html
    assert re.search(r"<strong>3</strong>\s*nieuw bekeken", html)
    assert re.search(r"<strong>4</strong>\s*niet toegepast", html)
    assert views() == {}


def test_confirming_applies_every_row_in_one_go_with_one_audit_event(client, auth, world):
    auth.login(world.secretariat)
    key = preview_key(upload(auth, MESSY_CSV.encode("utf-8")))
    response = auth.post(f"{IMPORT_URL}/{key}/confirm")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(IMPORT_URL)

    assert views() == {
        ("VTS-1001", "s2c-el-01"): (brussels(2026, 10, 3, 14, 30), brussels(2026, 10, 3, 14, 30), 75, False),
        ("VTS-1002", "s2c-el-01"): (brussels(2026, 10, 4), brussels(2026, 10, 4), 50, False),
        ("VTS-1001", "s2c-txt-01"): (brussels(2026, 10, 5, 9), brussels(2026, 10, 5, 9), 100, True),
    }
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "content_view")).all()
    assert len(events) == 1
    assert events[0].actor_id == world.secretariat.id
    assert '"new": 3' in events[0].new_value and '"rejected": 4' in events[0].new_value

    page = client.get(IMPORT_URL).get_data(as_text=True)
    assert "Import klaar: 3 nieuw bekeken, 0 bijgewerkt, 0 ongewijzigd, 4 rijen niet toegepast." in page
    assert "3 nieuw, 0 bijgewerkt" in page  # recent imports


def test_the_upload_is_gone_after_confirming(client, auth, world):
    auth.login(world.secretariat)
    key = preview_key(upload(auth, MESSY_CSV.encode("utf-8")))
    auth.post(f"{IMPORT_URL}/{key}/confirm")
    assert client.get(f"{IMPORT_URL}/{key}").status_code == 404
    assert auth.post(f"{IMPORT_URL}/{key}/confirm").status_code == 404


def test_importing_the_same_file_again_changes_nothing(client, auth, world):
    auth.login(world.secretariat)
    auth.post(f"{IMPORT_URL}/{preview_key(upload(auth, MESSY_CSV.encode()))}/confirm")
    before = views()

    key = preview_key(upload(auth, MESSY_CSV.encode()))
    html = client.get(f"{IMPORT_URL}/{key}").get_data(as_text=True)
    assert "Dit bestand brengt niets nieuws" in html
    assert re.search(r"<strong>3</strong>\s*al gekend", html)
    auth.post(f"{IMPORT_URL}/{key}/confirm")
    assert views() == before
    assert db.session.scalar(select(func.count(ContentView.id))) == 3


def test_a_later_file_raises_progress_and_keeps_the_first_view(client, auth, world):
    auth.login(world.secretariat)
    auth.post(f"{IMPORT_URL}/{preview_key(upload(auth, MESSY_CSV.encode()))}/confirm")
    later = ("VTS account id;Content id;Bekeken op;Voortgang\n"
             "VTS-1001;s2c-el-01;01/10/2026 08:00;20\n"   # earlier, lower: first view moves earlier
             "VTS-1001;s2c-el-01;10/10/2026 18:00;90\n")
    key = preview_key(upload(auth, later))
    html = client.get(f"{IMPORT_URL}/{key}").get_data(as_text=True)
    assert re.search(r"<strong>2</strong>\s*bijgewerkt", html)
    auth.post(f"{IMPORT_URL}/{key}/confirm")
    assert views()[("VTS-1001", "s2c-el-01")] == (
        brussels(2026, 10, 1, 8), brussels(2026, 10, 10, 18), 90, False)


def test_windows_1252_names_and_comma_separators_are_read(client, auth, world):
    auth.login(world.secretariat)
    csv_text = "e-mail,leerinhoud id,datum,voltooid\r\nzoe.peeters@leerling.be,s2c-el-01,03/10/2026,ja\r\n"
    key = preview_key(upload(auth, csv_text.encode("cp1252"), "Export Zoë.csv"))
    html = client.get(f"{IMPORT_URL}/{key}").get_data(as_text=True)
    assert "Export Zoë.csv" in html
    assert "Zoë Peeters" in html
    assert "voltooid" in html


def test_an_xlsx_export_is_imported(client, auth, world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["VTS account id", "Content external id", "Viewed at", "Progress"])
    sheet.append(["VTS-1002", "s2c-txt-01", datetime(2026, 10, 6, 15, 0), 0.4])
    sheet.append([None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    auth.login(world.secretariat)
    key = preview_key(upload(auth, buffer.getvalue(), "export.xlsx"))
    auth.post(f"{IMPORT_URL}/{key}/confirm")
    assert views() == {("VTS-1002", "s2c-txt-01"): (
        brussels(2026, 10, 6, 15), brussels(2026, 10, 6, 15), 40, False)}


def test_cancelling_discards_the_upload_and_changes_nothing(client, auth, world):
    auth.login(world.secretariat)
    key = preview_key(upload(auth, MESSY_CSV.encode()))
    response = auth.post(f"{IMPORT_URL}/{key}/cancel", follow_redirects=True)
    assert "Import geannuleerd" in response.get_data(as_text=True)
    assert client.get(f"{IMPORT_URL}/{key}").status_code == 404
    assert views() == {}


@pytest.mark.parametrize("content,filename,message", [
    (b"", "views.csv", "Het bestand is leeg."),
    (b"\r\n;;\r\n", "views.csv", "Het bestand heeft geen kopregel"),
    (b"account id;content id;datum;voortgang\r\n\r\n", "views.csv", "Het bestand is leeg."),
    (b"%PDF-1.4 binary", "views.pdf", "Dit soort bestand kan niet gelezen worden."),
    (b"PK\x03\x04broken", "views.xlsx", "Het bestand kan niet geopend worden."),
    (b"naam;klas\nZo\xeb;5A\n", "views.csv", "Het bestand mist een kolom voor de leerling (VTS-accountnummer of e-mailadres), de leerinhoud"),
])
def test_bad_files_are_refused_with_a_clear_message(client, auth, world, content, filename, message):
    auth.login(world.secretariat)
    response = upload(auth, content, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert views() == {}


def test_no_file_at_all_asks_for_one(client, auth, world):
    auth.login(world.secretariat)
    response = auth.post(IMPORT_URL, {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Kies een bestand om op te laden." in response.get_data(as_text=True)


def test_a_file_over_the_limit_gets_a_friendly_page(app, client, auth, world):
    auth.login(world.secretariat)
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = upload(auth, b"a;b\n" + b"x" * limit)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Het bestand is groter dan 5 MB" in html
    assert 'enctype="multipart/form-data"' in html  # the user can pick another file right there


def test_another_users_upload_is_not_found(client, auth, world, make):
    colleague = make.secretariat()
    auth.login(world.secretariat)
    key = preview_key(upload(auth, MESSY_CSV.encode()))
    auth.logout()
    auth.login(colleague)
    assert client.get(f"{IMPORT_URL}/{key}").status_code == 404
    assert auth.post(f"{IMPORT_URL}/{key}/confirm").status_code == 404
    assert client.get(f"{IMPORT_URL}/../../etc").status_code == 404


def test_preview_queries_do_not_grow_with_the_rows(client, auth, world, make, count_statements):
    pupils = [make.pupil(vts_account_id=f"VTS-B{n}") for n in range(120)]
    auth.login(world.secretariat)

    def statements(count: int) -> int:
        rows = "".join(f"{p.vts_account_id};s2c-el-01;0{1 + n % 9}/10/2026;{n % 100}\n"
                       for n, p in enumerate(pupils[:count]))
        key = preview_key(upload(auth, "account id;content id;datum;voortgang\n" + rows))
        with count_statements() as counter:
            assert client.get(f"{IMPORT_URL}/{key}").status_code == 200
        return counter.count

    assert statements(10) == statements(120)


PROTECTED = [
    ("get", IMPORT_URL),
    ("post", IMPORT_URL),
    ("get", IMPORT_URL + "/abcdefghijklmnopqrstuvwxyz"),
    ("post", IMPORT_URL + "/abcdefghijklmnopqrstuvwxyz/confirm"),
    ("post", IMPORT_URL + "/abcdefghijklmnopqrstuvwxyz/cancel"),
    ("get", "/admin/integrations/"),
    ("post", "/admin/integrations/"),
    ("post", "/admin/integrations/1/revoke"),
]


@pytest.mark.parametrize("method,url", PROTECTED)
def test_anonymous_users_are_sent_to_log_in(client, auth, method, url):
    if method == "get":
        response = client.get(url)
    else:
        response = auth.post(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("method,url", PROTECTED)
def test_teachers_may_not_use_the_secretariat_screens(client, auth, world, method, url):
    auth.login(world.teacher)
    response = client.get(url) if method == "get" else auth.post(url)
    assert response.status_code == 403
    assert views() == {}
