"""The secretariat feeds the content views in a real browser: import a file, manage tokens."""

from __future__ import annotations

import pytest

from teacherapp.extensions import db
from tests.browser.conftest import assert_no_horizontal_scroll, log_in, menu_item
from tests.content.conftest import world as world  # noqa: F401  (the fixture)
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

CSV = (
    "\ufeffVTS account id;Content id;Bekeken op;Voortgang;Voltooid\r\n"
    "VTS-1001;s2c-el-01;03/10/2026 14:30;75%;nee\r\n"
    "VTS-1002;s2c-txt-01;04/10/2026;;ja\r\n"
    "VTS-9999;s2c-el-01;03/10/2026;10;\r\n"
    "VTS-1002;s2c-el-01;31/09/2026;10;\r\n"
).encode("utf-8")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_secretariat_uploads_previews_and_confirms_a_view_file(live_server, world, device, request):
    page = request.getfixturevalue(device)
    db.session.commit()
    log_in(page, live_server, world.secretariat.email, PASSWORD)
    page.goto(live_server + "/admin/content-views/import")
    assert page.get_by_role("heading", name="Bekeken leerinhoud importeren").is_visible()
    assert_no_horizontal_scroll(page)

    page.get_by_label("Exportbestand (CSV of XLSX)").set_input_files(
        files=[{"name": "export.csv", "mimeType": "text/csv", "buffer": CSV}])
    page.get_by_role("button", name="Controleer het bestand").click()

    page.wait_for_url("**/admin/content-views/import/*")
    assert page.get_by_role("heading", name="Import controleren").is_visible()
    rejected = page.locator("section[aria-labelledby=rejected-title]")
    assert "Onbekende leerling" in rejected.inner_text()
    assert "Ongeldige datum" in rejected.inner_text()
    assert "Zoë Peeters" in page.locator("section[aria-labelledby=applied-title]").inner_text()
    assert_no_horizontal_scroll(page)
    button = page.get_by_role("button", name="2 wijzigingen toepassen")
    assert button.bounding_box()["height"] >= 44

    button.click()
    page.wait_for_url(live_server + "/admin/content-views/import")
    assert page.get_by_text("Import klaar: 2 nieuw bekeken").is_visible()
    assert page.get_by_role("heading", name="Recente imports").is_visible()
    assert_no_horizontal_scroll(page)


def test_a_wrong_file_is_refused_in_the_browser(live_server, world, phone):
    db.session.commit()
    log_in(phone, live_server, world.secretariat.email, PASSWORD)
    phone.goto(live_server + "/admin/content-views/import")
    phone.get_by_label("Exportbestand (CSV of XLSX)").set_input_files(
        files=[{"name": "foto.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00"}])
    phone.get_by_role("button", name="Controleer het bestand").click()
    assert phone.get_by_role("alert").inner_text().startswith("Dit soort bestand kan niet gelezen worden")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_secretariat_creates_and_revokes_a_token(live_server, world, device, request):
    page = request.getfixturevalue(device)
    db.session.commit()
    log_in(page, live_server, world.secretariat.email, PASSWORD)
    menu_item(page, "link", "Koppelingen").click()
    assert page.get_by_role("heading", name="Koppelingen", exact=True).is_visible()

    page.get_by_label("Naam van de koppeling").fill("VTS Connect productie")
    page.get_by_role("button", name="Token aanmaken").click()
    secret = page.get_by_label("Token", exact=True)
    secret.wait_for()
    assert secret.input_value().startswith("vtsc_")
    assert_no_horizontal_scroll(page)

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Intrekken").click()
    page.get_by_text("is ingetrokken").first.wait_for()
    assert page.get_by_text("Ingetrokken op").is_visible()
    assert page.get_by_label("Token", exact=True).count() == 0
    # A reload never shows the secret again.
    page.reload()
    assert page.get_by_label("Token", exact=True).count() == 0
