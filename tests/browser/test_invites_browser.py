"""Invitations in a real browser, on a 360x740 phone and a 1280x800 desktop: the secretariat
invites a coordinator, who opens the link, sets a password and lands logged in on /school/;
she invites a teacher the same way. Every page on the way passes axe and the layout rules."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from teacherapp.extensions import db
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import LAYOUT, VIEWPORTS, WCAG_22_AA
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "mijn-eigen-wachtwoord-2026"


class Checker:
    def __init__(self, viewport: str) -> None:
        self.axe = Axe()
        self.viewport = viewport
        self.problems: list[str] = []

    def check(self, page, label: str) -> None:
        page.wait_for_load_state("load")
        result = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        for violation in result.response["violations"]:
            targets = [n["target"] for n in violation["nodes"]][:3]
            self.problems.append(f"{label}: axe {violation['id']} {targets}")
        layout = page.evaluate(LAYOUT)
        if self.viewport == "phone" and layout["overflow"] > 0:
            self.problems.append(f"{label}: scrolls sideways by {layout['overflow']}px")
        self.problems.extend(f"{label}: small target {s}" for s in layout["small"])


def _context(browser, viewport: str):
    return browser.new_context(viewport=VIEWPORTS[viewport], locale="nl-BE",
                               is_mobile=viewport == "phone", has_touch=viewport == "phone")


def _logged_in(browser, viewport: str, live_server: str, email: str):
    """A fresh browser of this size, logged in as this account: (context, page)."""
    context = _context(browser, viewport)
    page = context.new_page()
    log_in(page, live_server, email, PASSWORD)
    return context, page


def _invite(page, checker: Checker, label: str, email: str, name: str) -> str:
    """Fill the invitation form on this page, send it, and read the link shown once."""
    form = page.locator("form", has=page.get_by_role("button", name="Uitnodigen", exact=True))
    form.get_by_label("E-mailadres").fill(email)
    form.get_by_label("Volledige naam").fill(name)
    form.get_by_role("button", name="Uitnodigen", exact=True).click()
    page.wait_for_load_state("load")
    link = page.get_by_label("Uitnodigingslink").input_value()
    assert "/invite/" in link
    page.get_by_role("button", name="Kopieer").click()
    checker.check(page, f"{label} link shown once")
    return link


def _accept(browser, viewport: str, checker: Checker, link: str, label: str):
    """A fresh browser opens the link and chooses a password; returns the logged-in page."""
    context = _context(browser, viewport)
    page = context.new_page()
    page.goto(link)
    checker.check(page, f"{label} link page")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nieuw wachtwoord, nog een keer").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord instellen en aanmelden").click()
    page.wait_for_load_state("load")
    return context, page


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_invite_a_coordinator_who_invites_a_teacher(live_server, browser, make, viewport):
    school = make.school(name="Sint-Jozefscollege Hasselt")
    secretariat = make.secretariat(email="secretariaat@vts.example")
    db.session.commit()
    checker = Checker(viewport)

    context, page = _logged_in(browser, viewport, live_server, secretariat.email)
    page.goto(f"{live_server}/admin/schools/{school.id}/members")
    checker.check(page, "members")
    link = _invite(page, checker, "secretariat", "nieuwe.coordinator@school.example",
                   "Nora Coördinator")
    page.goto(f"{live_server}/admin/schools/{school.id}/members")
    assert link not in page.content()  # shown once
    context.close()

    context, page = _accept(browser, viewport, checker, link, "coordinator")
    assert page.url == f"{live_server}/school/"
    assert "Sint-Jozefscollege Hasselt" in page.locator("h1").inner_text()
    page.goto(f"{live_server}/school/staff")
    checker.check(page, "staff")
    teacher_link = _invite(page, checker, "coordinator", "nieuwe.leerkracht@school.example",
                           "Lars Leerkracht")
    context.close()

    context, page = _accept(browser, viewport, checker, teacher_link, "teacher")
    assert page.url == f"{live_server}/"
    assert "Lars Leerkracht" in page.content()
    context.close()
    assert not checker.problems, "\n".join(checker.problems)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_removing_a_teacher_asks_first_and_cancel_changes_nothing(live_server, browser, make,
                                                                   viewport):
    school = make.school(name="Sint-Jozefscollege Hasselt")
    coordinator = make.coordinator(schools=[school], email="coordinator@school.example")
    teacher = make.teacher(full_name="Vertrokken Leerkracht")
    make.member(teacher, school)
    db.session.commit()
    checker = Checker(viewport)
    context, page = _logged_in(browser, viewport, live_server, coordinator.email)
    page.goto(f"{live_server}/school/staff")
    page.get_by_role("link", name="Uit de school verwijderen: Vertrokken Leerkracht").click()
    page.wait_for_load_state("load")
    checker.check(page, "confirm removal")
    assert "Vertrokken Leerkracht uit Sint-Jozefscollege Hasselt verwijderen?" in page.content()
    page.get_by_role("link", name="Annuleren").click()
    page.wait_for_load_state("load")
    assert page.url == f"{live_server}/school/staff"
    assert "<span>Vertrokken Leerkracht" in page.content()  # still on the staff
    page.get_by_role("link", name="Uit de school verwijderen: Vertrokken Leerkracht").click()
    page.get_by_role("button", name="Uit de school verwijderen").click()
    page.wait_for_load_state("load")
    assert page.url == f"{live_server}/school/staff"
    assert "Vertrokken Leerkracht hoort niet meer bij Sint-Jozefscollege Hasselt." in page.content()
    checker.check(page, "staff after removal")
    context.close()
    assert not checker.problems, "\n".join(checker.problems)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_an_expired_invitation_is_sent_again_with_one_tap(live_server, browser, make, viewport):
    from datetime import timedelta

    from teacherapp.models import Invitation, Role
    from teacherapp.models.types import utcnow

    school = make.school(name="Sint-Jozefscollege Hasselt")
    coordinator = make.coordinator(schools=[school], email="coordinator@school.example")
    db.session.add(Invitation(
        token_hash="0" * 64, email="bert.oud@school.example", full_name="Bert Oud",
        role=Role.TEACHER, school_id=school.id, invited_by_id=coordinator.id,
        created_at=utcnow() - timedelta(days=10), expires_at=utcnow() - timedelta(days=3)))
    db.session.commit()
    checker = Checker(viewport)
    context, page = _logged_in(browser, viewport, live_server, coordinator.email)
    page.goto(f"{live_server}/school/staff")
    assert "Verlopen zonder gebruik" in page.content()
    checker.check(page, "staff with an expired invitation")
    page.get_by_role("button", name="Opnieuw uitnodigen: Bert Oud").click()
    page.wait_for_load_state("load")
    assert "/invite/" in page.get_by_label("Uitnodigingslink").input_value()
    checker.check(page, "new link shown once")
    page.goto(f"{live_server}/school/staff")
    assert "Verlopen zonder gebruik" not in page.content()
    assert page.get_by_role("button", name="Opnieuw versturen: Bert Oud").is_visible()
    context.close()
    assert not checker.problems, "\n".join(checker.problems)
