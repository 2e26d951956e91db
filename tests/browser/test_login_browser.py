from __future__ import annotations

import pytest

from teacherapp.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from tests.browser.conftest import assert_no_horizontal_scroll, log_in

pytestmark = pytest.mark.browser


def test_demo_teacher_logs_in_on_a_phone_and_sees_their_courses(live_server, phone):
    seed_demo()
    phone.goto(live_server + "/login")
    assert phone.locator("html").get_attribute("lang") == "nl"
    assert_no_horizontal_scroll(phone)
    log_in(phone, live_server, DEMO_LOGINS[1].email, DEMO_PASSWORD)
    assert phone.get_by_role("heading", name="Mijn opleidingen").is_visible()
    items = phone.locator(".course-item")
    assert items.count() == 2
    text = items.all_inner_texts()
    assert any("Start 2 Coach" in t for t in text)
    assert any("Hoger Redder" in t for t in text)
    assert not any("Coach 4 Skills" in t for t in text)
    assert_no_horizontal_scroll(phone)


def test_unrecognised_teacher_is_told_so_in_the_browser(live_server, phone):
    seed_demo()
    log_in(phone, live_server, DEMO_LOGINS[3].email, DEMO_PASSWORD)
    assert phone.get_by_role("alert").inner_text().startswith("Je bent nog niet erkend")
    assert phone.locator(".course-item").count() == 0


def test_wrong_password_shows_a_message(live_server, phone):
    phone.goto(live_server + "/login")
    phone.get_by_label("E-mailadres").fill("iemand@school.demo")
    phone.get_by_label("Wachtwoord").fill("fout-wachtwoord-123")
    phone.get_by_role("button", name="Aanmelden").click()
    assert phone.get_by_text("E-mailadres of wachtwoord is niet juist.").is_visible()
