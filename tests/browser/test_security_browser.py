"""In a real Chromium: htmx works under the strict CSP, and the audit log on phone and desktop."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from teacherapp.extensions import db
from teacherapp.models import AuditEvent
from tests.browser.conftest import assert_no_horizontal_scroll, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _seed(make):
    secretariat = make.secretariat(full_name="Sofie Secretariaat")
    an = make.teacher(full_name="An Peeters")
    bram = make.teacher(full_name="Bram Declercq")
    for i in range(3):
        db.session.add(AuditEvent(actor_id=an.id, action="update", entity="score",
                                  entity_id=str(i), field="sitting_1", old_value="6,5",
                                  new_value=f"ZWEMMEN-{i}", at=datetime(2027, 1, 15, 9, i, tzinfo=UTC)))
    db.session.add(AuditEvent(actor_id=bram.id, action="create", entity="exemption",
                              entity_id="9", old_value=None,
                              new_value='<img src=x onerror="document.title=\'hacked\'">'))
    db.session.commit()
    return secretariat


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_secretariat_filters_the_audit_log_with_htmx_under_the_csp(live_server, make, request,
                                                                   device):
    page = request.getfixturevalue(device)
    problems = _watch_csp(page)
    secretariat = _seed(make)
    log_in(page, live_server, secretariat.email, PASSWORD)
    page.goto(live_server + "/admin/audit/")
    assert page.get_by_role("heading", name="Auditlog").is_visible()
    assert page.locator("#audit-results").get_by_text("ZWEMMEN-0").count() == 1
    assert page.title() != "hacked"  # the hostile value is text, not an image with a handler

    # Typing a name filters through htmx: the results swap in place, the URL follows.
    page.get_by_label("Wie (naam of e-mailadres)").fill("bram")
    page.wait_for_url("**actor=bram**")
    results = page.locator("#audit-results")
    results.get_by_text("exemption 9").wait_for()
    assert results.get_by_text("ZWEMMEN-0").count() == 0
    assert page.locator("html").count() == 1 and page.locator("header.topbar").count() == 1

    page.get_by_label("Actie").select_option("update")
    page.wait_for_url("**action=update**")
    assert page.locator("#audit-results").get_by_text("Geen auditgebeurtenissen").is_visible()

    if device == "phone":
        assert_no_horizontal_scroll(page)
        box = page.get_by_role("button", name="Filteren").bounding_box()
        assert box["height"] >= 44
    assert problems == []


def test_audit_log_works_without_javascript(live_server, make, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        secretariat = _seed(make)
        log_in(page, live_server, secretariat.email, PASSWORD)
        page.goto(live_server + "/admin/audit/")
        page.get_by_label("Wie (naam of e-mailadres)").fill("an peeters")
        page.get_by_role("button", name="Filteren").click()
        page.wait_for_url("**actor=an+peeters**")
        assert page.get_by_text("ZWEMMEN-2").is_visible()
        assert page.get_by_text("exemption 9").count() == 0
    finally:
        context.close()
