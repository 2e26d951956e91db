"""The secretariat in a real browser: import a pupil list, set a payment, download the export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from teacherapp.extensions import db
from tests import factories
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.deliberation.helpers import EXAMPLES, scored_course

pytestmark = pytest.mark.browser


def _log_in_as_clerk(page, base_url: str) -> None:
    clerk = factories.secretariat(email="griffie@vts.test")
    db.session.commit()
    page.goto(base_url + "/login")
    page.get_by_label("E-mailadres").fill(clerk.email)
    page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(base_url + "/**")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_secretariat_downloads_the_export_as_xlsx(live_server, request, device):
    page = request.getfixturevalue(device)
    scored_course(factories)
    _log_in_as_clerk(page, live_server)
    page.goto(live_server + "/admin/export")
    expect(page.locator("#export-count")).to_contain_text("8 regels")
    assert_no_horizontal_scroll(page)
    page.get_by_label("Ook scores die nog niet ingediend zijn").check()
    expect(page.locator("#export-count")).to_contain_text("Scores die nog niet ingediend zijn")
    with page.expect_download() as info:
        page.get_by_role("button", name="Downloaden").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    sheet = workbook["Scores"]
    headers = [c.value for c in sheet[1]]
    values = [r[headers.index("1ste zittijd score of code")]
              for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(v for v in values if isinstance(v, int | float)) == [6, 7.5, 8, 9, 12, 15.5]
    assert "vrijgesteld" in values and "afwezig" in values


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_secretariat_imports_a_pupil_list_and_sets_a_payment(live_server, request, device):
    page = request.getfixturevalue(device)
    course = factories.course(factories.course_type("S2C", name="Start 2 Coach"),
                              factories.school(name="Sint-Jozefscollege"))
    db.session.commit()
    _log_in_as_clerk(page, live_server)
    page.goto(live_server + "/admin/overview")
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="Leerlingen importeren").first.click()
    page.get_by_label("Leerlingenlijst (CSV of Excel .xlsx)").set_input_files(
        str(EXAMPLES / "leerlingen-excel-puntkomma.csv"))
    page.get_by_role("button", name="Controleer het bestand").click()
    expect(page.get_by_role("heading", name="Geweigerde rijen")).to_be_visible()
    expect(page.get_by_text("te jong voor dit opleidingstype (geweigerd)")).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Import bevestigen").click()
    expect(page.get_by_text("Import klaar: 4 nieuwe leerlingen")).to_be_visible()
    row = page.locator(".payment-row", has_text="Peeters, Maëlle")
    expect(row.locator(".badge")).to_have_text("Niet betaald")
    row.get_by_label("Betaling").select_option("school_code")
    row.get_by_label("Betaalcode").fill("SJC-2026-B")
    row.get_by_role("button", name="Opslaan").click()
    row = page.locator(".payment-row", has_text="Peeters, Maëlle")
    expect(row.get_by_role("status")).to_have_text("Opgeslagen")
    expect(row.locator(".badge")).to_contain_text("Betaald op")
    assert_no_horizontal_scroll(page)
    assert course.id
