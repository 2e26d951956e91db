"""The coordinator of Sint-Jozefscollege in a real browser, on a phone and a desktop: imports a
small pupil list into her course, confirms it, records a payment with the school's code.
Every page passes axe (WCAG 2.2 A/AA) and the layout rules of test_accessibility."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from teacherapp.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from teacherapp.extensions import db
from teacherapp.models import Course, Enrolment, PaymentMethod, Pupil, School
from tests.browser.conftest import assert_no_horizontal_scroll, log_in
from tests.browser.test_accessibility import LAYOUT, VIEWPORTS, WCAG_22_AA

pytestmark = pytest.mark.browser

CSV = ("voornaam;naam;geboortedatum;betaald;betaalwijze;betaalcode\r\n"
       "Lotte;Vermeulen;12/05/2010;ja;schoolcode;SJC-2026-X1\r\n"
       "Wout;Maes;03/02/2010;nee;;\r\n")


def _checked(page, axe: Axe, viewport: str, problems: list[str]) -> None:
    """axe and the layout rules on the page as it is now."""
    page.wait_for_load_state("load")
    path = page.url
    for violation in axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}}
                             ).response["violations"]:
        problems.append(f"{path}: axe {violation['id']} {[n['target'] for n in violation['nodes']][:3]}")
    layout = page.evaluate(LAYOUT)
    if viewport == "phone":
        assert_no_horizontal_scroll(page)
    problems.extend(f"{path}: small target {s}" for s in layout["small"])


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_coordinator_imports_a_list_and_records_a_school_code(live_server, browser, viewport,
                                                                   tmp_path):
    seed_demo()
    course_id = db.session.scalar(
        select(Course.id).join(School).where(School.name.like("Sint-Jozefscollege%"),
                                             Course.group_name == "5 Sport"))
    db.session.commit()
    listing = tmp_path / "leerlingen-5-sport.csv"
    listing.write_text(CSV, encoding="utf-8")
    coordinator = next(d for d in DEMO_LOGINS if d.email.endswith("sintjozefscollege.demo"))
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="nl-BE",
                                  is_mobile=viewport == "phone", has_touch=viewport == "phone")
    page = context.new_page()
    axe, problems = Axe(), []
    log_in(page, live_server, coordinator.email, DEMO_PASSWORD)
    page.goto(f"{live_server}/school/courses/{course_id}")
    page.get_by_role("link", name="Leerlingen importeren").click()
    expect(page.get_by_role("heading", name="Leerlingen importeren uit een rekenblad")).to_be_visible()
    _checked(page, axe, viewport, problems)
    page.get_by_label("Leerlingenlijst (CSV of Excel .xlsx)").set_input_files(str(listing))
    page.get_by_role("button", name="Controleer het bestand").click()
    expect(page.get_by_text("Lotte Vermeulen")).to_be_visible()
    _checked(page, axe, viewport, problems)
    page.get_by_role("button", name="Import bevestigen").click()
    expect(page.get_by_text("Import klaar: 2 nieuwe leerlingen")).to_be_visible()
    _checked(page, axe, viewport, problems)
    row = page.locator(".payment-row", has_text="Maes, Wout")
    expect(row.locator(".badge")).to_have_text("Niet betaald")
    row.get_by_label("Betaling").select_option("school_code")
    row.get_by_label("Betaalcode").fill("SJC-2026-Z9")
    row.get_by_role("button", name="Opslaan").click()
    row = page.locator(".payment-row", has_text="Maes, Wout")
    expect(row.get_by_role("status")).to_have_text("Opgeslagen")
    expect(row.locator(".recorded-by")).to_contain_text("geregistreerd door Karen Hendrickx (school)")
    _checked(page, axe, viewport, problems)
    context.close()
    assert not problems, "\n".join(problems)
    db.session.expire_all()
    wout = db.session.scalars(select(Enrolment).join(Pupil).where(Pupil.first_name == "Wout", Pupil.last_name == "Maes",
                                                                  Enrolment.course_id == course_id)).one()
    assert (wout.payment_method, wout.payment_code) == (PaymentMethod.SCHOOL_CODE, "SJC-2026-Z9")
