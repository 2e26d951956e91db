"""A teacher on a phone (and on a laptop) finds their pupils and who viewed which content."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from teacherapp.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from tests.browser.conftest import assert_no_horizontal_scroll, log_in, menu_item

pytestmark = pytest.mark.browser

AN = DEMO_LOGINS[1].email  # An Peeters: Start 2 Coach (24 pupils, one unpaid) and Hoger Redder

SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main a, main button, main summary, main label.chip, main input, main select'))
  .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden'))
  // A checkbox inside a label is tapped through its label, which is measured itself.
  .filter(el => !(el.type === 'checkbox' && el.closest('label')))
  .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
  .filter(([, h]) => h < 44)"""


def assert_big_tap_targets(page) -> None:
    small = page.evaluate(SMALL_TARGETS)
    assert not small, f"tap targets under 44px: {small}"


def open_s2c_course(page, base: str) -> None:
    log_in(page, base, AN, DEMO_PASSWORD)
    page.locator(".course-card", has_text="Start 2 Coach").click()
    page.wait_for_url(re.compile(r"/courses/\d+$"))


def test_teacher_opens_a_course_filters_unpaid_and_opens_the_pupil_on_a_phone(live_server, phone):
    seed_demo()
    open_s2c_course(phone, live_server)
    assert phone.get_by_role("heading", name="Start 2 Coach – 5 Sport").is_visible()
    assert phone.locator("#pupil-rows tbody tr").count() == 24
    assert_no_horizontal_scroll(phone)
    assert_big_tap_targets(phone)

    phone.get_by_text("Niet betaald", exact=True).click()
    phone.wait_for_url(re.compile(r"unpaid=y"))
    expect(phone.locator("#pupil-rows tbody tr")).to_have_count(1)
    assert "1 van 24 leerlingen" in phone.locator("#pupil-rows-count").inner_text()
    row = phone.locator("#pupil-rows tbody tr")
    assert "Niet betaald: geen examen mogelijk" in row.inner_text()
    assert_no_horizontal_scroll(phone)

    row.locator("a").first.click()
    phone.wait_for_url(re.compile(r"/pupils/\d+$"))
    assert "Niet betaald: geen examen mogelijk" in phone.locator(".status-line").inner_text()
    assert phone.get_by_role("heading", name="Scores per vak").is_visible()
    assert_no_horizontal_scroll(phone)
    assert_big_tap_targets(phone)

    # Back: the filtered roster comes back from its bookmarkable URL.
    phone.go_back()
    phone.wait_for_url(re.compile(r"unpaid=y"))
    assert phone.locator("#pupil-rows tbody tr").count() == 1
    assert phone.locator("#roster-unpaid").is_checked()


def test_live_search_keeps_the_url_in_sync(live_server, phone):
    seed_demo()
    open_s2c_course(phone, live_server)
    first_row = phone.locator("#pupil-rows tbody tr").first.locator("a span").first.inner_text()
    last_name = first_row.split(",")[0]
    phone.get_by_label("Zoek op naam of VTS-account").fill(last_name)
    phone.wait_for_url(re.compile(r"q=" + re.escape(last_name.replace(" ", "+"))))
    expect(phone.locator("#pupil-rows-count")).to_contain_text(" van 24")
    rows = phone.locator("#pupil-rows tbody tr")
    assert 1 <= rows.count() < 24
    assert all(last_name in text for text in rows.all_inner_texts())
    phone.get_by_label("Zoek op naam of VTS-account").fill("")
    expect(phone.locator("#pupil-rows tbody tr")).to_have_count(24)
    phone.wait_for_url(re.compile(r"q=(&|$)"))


def test_content_overview_on_a_phone_lists_items_and_who_has_not_viewed(live_server, phone):
    seed_demo()
    open_s2c_course(phone, live_server)
    phone.get_by_role("link", name="Bekeken leerinhoud").click()
    phone.wait_for_url(re.compile(r"/content$"))
    assert phone.locator("svg.completion-chart").is_visible()
    assert not phone.locator("table.matrix").is_visible()
    assert phone.locator(".pupil-progress-list li").count() == 24
    summaries = phone.locator(".item-summary")
    assert summaries.count() == 5
    item = summaries.first
    counts = item.locator(".item-counts").inner_text()
    viewed = int(re.search(r"(\d+) van 24 bekeken", counts).group(1))
    item.locator("summary").click()
    if viewed < 24:
        assert item.locator(".not-viewed li").count() == 24 - viewed
        assert item.locator(".not-viewed li").first.is_visible()
    assert_no_horizontal_scroll(phone)
    assert_big_tap_targets(phone)


def test_course_cards_on_a_phone_are_big_and_fit(live_server, phone):
    seed_demo()
    log_in(phone, live_server, AN, DEMO_PASSWORD)
    cards = phone.locator(".course-card")
    assert cards.count() == 2
    assert "24 leerlingen" in cards.first.inner_text() or "24 leerlingen" in cards.last.inner_text()
    assert_no_horizontal_scroll(phone)
    assert_big_tap_targets(phone)


def test_content_matrix_on_a_desktop(live_server, desktop):
    seed_demo()
    open_s2c_course(desktop, live_server)
    desktop.get_by_role("link", name="Bekeken leerinhoud").click()
    desktop.wait_for_url(re.compile(r"/content$"))
    matrix = desktop.locator("table.matrix")
    assert matrix.is_visible()
    assert matrix.locator("tbody tr").count() == 24
    assert matrix.locator("thead th").count() == 1 + 5 + 1
    assert not desktop.locator(".pupil-progress-list").is_visible()
    assert matrix.locator("progress").count() > 0
    assert_no_horizontal_scroll(desktop)


def test_pages_work_in_english_on_a_phone(live_server, phone):
    seed_demo()
    open_s2c_course(phone, live_server)
    menu_item(phone, "button", "English").click()
    phone.wait_for_load_state()
    assert phone.get_by_label("Search by name or VTS account").is_visible()
    assert phone.get_by_text("Not paid: no exam possible").first.is_visible()
    assert_no_horizontal_scroll(phone)
