"""The secretariat sets up a course in a real browser: create it, add a subject, link a teacher."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from teacherapp.extensions import db
from tests import factories
from tests.browser.conftest import assert_no_horizontal_scroll, menu_item

pytestmark = pytest.mark.browser


def _log_in_as_clerk(page, base_url: str) -> None:
    clerk = factories.secretariat(email="clerk@vts.test")
    db.session.commit()
    page.goto(base_url + "/login")
    page.get_by_label("E-mailadres").fill(clerk.email)
    page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(base_url + "/**")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_secretariat_creates_a_course_adds_a_subject_and_links_a_teacher(live_server, request, device):
    page = request.getfixturevalue(device)
    ct = factories.course_type("S2C", name="Start 2 Coach")
    factories.school(name="Sint-Jozefscollege")
    factories.teacher(recognised_for=[ct], full_name="An Peeters")
    factories.teacher(full_name="Els Wouters")
    _log_in_as_clerk(page, live_server)

    menu_item(page, "link", "Beheer").click()
    page.locator(".admin-tiles").get_by_role("link", name="Opleidingen").click()
    page.get_by_role("link", name="Nieuwe opleiding").click()
    page.get_by_label("Opleidingstype").select_option(label="S2C – Start 2 Coach")
    page.get_by_label("School", exact=True).select_option(label="Sint-Jozefscollege (Gent)")
    page.get_by_label("Schooljaar").fill("2026-2027")
    page.get_by_label("Startdatum").fill("2026-09-14")
    page.get_by_label("Groep").fill("6 Sportwetenschappen")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Opleiding aangemaakt.")).to_be_visible()
    assert_no_horizontal_scroll(page)

    # Els is not recognised for S2C: listed with the reason, without a link button.
    page.get_by_text("Leerkrachten die niet gekoppeld kunnen worden (1)").click()
    expect(page.get_by_text("niet erkend voor dit opleidingstype")).to_be_visible()
    page.get_by_role("button", name="An Peeters koppelen").click()
    expect(page.get_by_text("An Peeters gekoppeld.")).to_be_visible()  # swapped in by htmx
    expect(page.get_by_role("button", name="Ontkoppelen")).to_be_visible()

    page.get_by_role("link", name="Vak toevoegen").click()
    page.get_by_label("Naam").fill("Theorie")
    page.get_by_label("Maximum").fill("20")
    page.get_by_label("Cesuur").fill("21")
    page.get_by_label("1ste zittijd: examendatum").fill("2026-12-10")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De cesuur kan niet hoger zijn dan het maximum.")).to_be_visible()
    page.get_by_label("Cesuur").fill("10")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Vak Theorie toegevoegd.")).to_be_visible()
    row = page.locator("#subjects tbody tr").first
    assert "10/12/2026" in row.inner_text() and "trimester 1" in row.inner_text()
    assert "geen examenmoment" in row.inner_text()  # the 2nd sitting is not planned yet
    assert_no_horizontal_scroll(page)


def test_a_skill_and_a_level_are_added_inline(live_server, desktop):
    ct = factories.course_type("HR", name="Hoger Redder")
    rubric = factories.rubric(ct, criteria=0)
    _log_in_as_clerk(desktop, live_server)
    desktop.goto(f"{live_server}/admin/rubrics/{rubric.id}")
    desktop.get_by_label("Vaardigheid (criterium)").fill("Redden met materiaal")
    desktop.get_by_role("button", name="Vaardigheid toevoegen").click()
    criterion = desktop.locator(".criterion").first
    criterion.get_by_role("heading", name="1. Redden met materiaal").wait_for()
    # htmx swapped the panel and put the cursor in the new skill's level form.
    criterion.get_by_label("Niveau", exact=True).fill("Nog niet")
    criterion.get_by_label("Punten").fill("0")
    criterion.get_by_role("button", name="Niveau toevoegen").click()
    desktop.locator(".criterion .levels li").first.wait_for()
    assert "Nog niet" in desktop.locator(".criterion .levels").inner_text()
    assert desktop.url.endswith(f"/admin/rubrics/{rubric.id}")  # no full page load happened
