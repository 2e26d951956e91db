"""A deliberation round in a real browser, on a 360x740 phone and a 1280x800 desktop, axe on
every page: the secretariat opens a round, overrides one pupil with a reason, confirms the
course, prints the attests and downloads the school's PDF; the school's coordinator
downloads the same PDF; the public verification page says "geldig", after revoking
"ingetrokken"."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import Attest
from tests import factories
from tests.browser.conftest import assert_no_horizontal_scroll, menu_item
from tests.deliberation.helpers import scored_course

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = os.environ.get("ROUNDS_SCREENSHOTS")  # a folder: keep a screenshot of each page


class Checked:
    """A browser context of one user at the viewport; each page it checks gets axe-core and
    the sideways-scroll check, the problems collected for one assertion at the end."""

    def __init__(self, browser, viewport: str, base_url: str, problems: list[str]) -> None:
        phone = viewport == "phone"
        self.context = browser.new_context(viewport=VIEWPORTS[viewport], locale="nl-BE",
                                           is_mobile=phone, has_touch=phone)
        self.page = self.context.new_page()
        self.viewport, self.base_url, self.problems = viewport, base_url, problems
        self.axe = Axe()

    def log_in(self, email: str) -> None:
        self.page.goto(self.base_url + "/login")
        self.page.get_by_label("E-mailadres").fill(email)
        self.page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
        self.page.get_by_role("button", name="Aanmelden").click()
        self.page.wait_for_url(lambda url: "/login" not in url)

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        result = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        for violation in result.response["violations"]:
            targets = [n["target"] for n in violation["nodes"]][:3]
            self.problems.append(f"{name}: axe {violation['id']} {targets}")
        assert_no_horizontal_scroll(self.page)
        if SHOTS:
            self.page.screenshot(path=f"{SHOTS}/{self.viewport}-{name}.png", full_page=True)

    def download(self, link) -> bytes:
        with self.page.expect_download() as info:
            link.click()
        with open(info.value.path(), "rb") as file:
            return file.read()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_round_from_opening_to_the_schools_download(live_server, browser, viewport):
    school = factories.school(name="Sint-Jozefscollege")
    course, _subjects, pupils, _teacher = scored_course(factories, school=school)
    clerk = factories.secretariat(email="griffie@vts.test")
    coordinator = factories.coordinator([school], email="coordinator@sjc.test")
    db.session.commit()
    problems: list[str] = []

    clerk_ = Checked(browser, viewport, live_server, problems)
    clerk_.log_in(clerk.email)
    page = clerk_.page
    page.goto(live_server + "/admin/rounds/")
    clerk_.check("rounds")
    page.get_by_label("Schooljaar").fill("2026-2027")
    page.get_by_label("Trimester").select_option("1")
    page.get_by_role("button", name="Ronde openen").click()
    expect(page.get_by_text("Ronde geopend.")).to_be_visible()
    clerk_.check("round")
    page.get_by_role("link", name=course.title).click()
    expect(page.get_by_role("heading", name="Deliberatie")).to_be_visible()
    clerk_.check("course")

    # Arne was absent for practice: the secretariat lets him pass, with a reason.
    arne = page.locator("tr", has_text="Claes, Arne")
    arne.locator("summary", has_text="Wijzigen").click()
    arne.get_by_label("Beslissing").select_option("passed")
    arne.get_by_label("Reden").fill("Afwezig met doktersattest; praktijk ingehaald")
    arne.get_by_role("button", name="Beslissing wijzigen").click()
    expect(page.get_by_text("Beslissing gewijzigd.")).to_be_visible()
    expect(page.locator("tr", has_text="Claes, Arne")).to_contain_text("doktersattest")
    clerk_.check("course-override")

    page.get_by_role("button", name="Beslissingen van deze opleiding bevestigen").click()
    expect(page.get_by_text("3 attesten uitgereikt")).to_be_visible()
    clerk_.check("course-confirmed")

    page.get_by_role("link", name="Terug naar de ronde").click()
    page.get_by_role("button", name="Attesten afdrukken").click()  # inline in the tests
    expect(page.get_by_text("Klaar: 1 scholen")).to_be_visible()
    clerk_.check("round-printed")
    page.get_by_role("link", name="Downloaden per school").click()
    clerk_.check("job")
    secretariat_pdf = clerk_.download(page.get_by_role("link", name="Sint-Jozefscollege"))
    assert secretariat_pdf.startswith(b"%PDF")

    # The school's coordinator downloads her school's PDF: the same file.
    school_ = Checked(browser, viewport, live_server, problems)
    school_.log_in(coordinator.email)
    menu_item(school_.page, "link", "Attesten").click()
    expect(school_.page.get_by_role("heading", name="Attesten")).to_be_visible()
    school_.check("school-attests")
    coordinator_pdf = school_.download(
        school_.page.get_by_role("link", name="Sint-Jozefscollege (PDF)"))
    assert coordinator_pdf == secretariat_pdf

    # Anyone checks an attest on the public page: valid, until it is revoked.
    db.session.expire_all()
    attest = db.session.scalar(select(Attest).where(Attest.enrolment_id == pupils["Arne"].id))
    public = Checked(browser, viewport, live_server, problems)
    public.page.goto(f"{live_server}/attest/{attest.number}")
    expect(public.page.get_by_text("geldig", exact=True)).to_be_visible()
    public.check("verify-valid")

    page.goto(f"{live_server}/admin/rounds/{attest.round_course.round_id}/courses/"
              f"{attest.round_course_id}")
    arne = page.locator("tr", has_text="Claes, Arne")
    arne.locator("summary", has_text="Intrekken").click()
    arne.get_by_label("Reden").fill("Doktersattest bleek vals")
    arne.get_by_role("button", name="Attest intrekken").click()
    expect(page.get_by_text("Attest ingetrokken.")).to_be_visible()
    public.page.reload()
    expect(public.page.get_by_text("ingetrokken", exact=True)).to_be_visible()
    public.check("verify-revoked")

    for checked in (clerk_, school_, public):
        checked.context.close()
    assert not problems, "\n".join(problems)
