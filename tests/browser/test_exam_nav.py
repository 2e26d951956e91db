"""Exam mode on a 360x740 phone: "Next pupil" sits in a bar at the bottom of the screen, in
reach at every scroll position, and the bar never hides a control the teacher scrolls or tabs
to (real Chromium, like tests/browser)."""

from __future__ import annotations

from tests.browser.conftest import PHONE, log_in
from tests.factories import PASSWORD
from tests.scoring.conftest import build_setup

NEXT = 'a[rel="next"]'
TARGETS = ".levels button, .score-cell input[name=value], .score-cell button, .exemption-link a"

# Scroll from top to bottom in steps; at each step "Next pupil" must be fully on screen and
# the element under its centre must be the link itself (nothing lies over it).
NEXT_IN_VIEW = """(next) => {
  const misses = [];
  const last = document.documentElement.scrollHeight - innerHeight;
  for (let y = 0; ; y = Math.min(y + 60, last)) {
    window.scrollTo({top: y, behavior: "instant"});
    const link = document.querySelector(next);
    const r = link.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    if (r.top < 0 || r.bottom > innerHeight || !link.contains(hit)) misses.push(y);
    if (y >= last) break;
  }
  return misses;
}"""

# Every control, scrolled to as the browser does for a tab or a tap (nearest edge), lies
# clear of the bar: the element under its centre is the control itself.
HIDDEN_BY_BAR = """(targets) => {
  const hidden = [];
  for (const el of document.querySelectorAll(targets)) {
    el.scrollIntoView({block: "nearest", behavior: "instant"});
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    if (!el.contains(hit)) hidden.push((el.textContent || el.name || "").trim());
  }
  return hidden;
}"""


def assert_bar_in_reach_and_covering_nothing(page) -> None:
    assert page.locator(TARGETS).count() >= 3 * 5 + 1  # 3 criteria x (4 levels + clear), score
    assert page.evaluate(NEXT_IN_VIEW, NEXT) == []
    assert page.evaluate(HIDDEN_BY_BAR, TARGETS) == []
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_next_pupil_is_in_reach_at_every_scroll_position(live_server, make, phone):
    setup = build_setup(make)
    url = f"{live_server}/courses/{setup.course.id}/exam?subject={setup.practical.id}"
    log_in(phone, live_server, setup.teacher.email, PASSWORD)
    phone.goto(url)
    section = phone.locator("#exam-pupil")
    assert_bar_in_reach_and_covering_nothing(phone)
    bar = phone.locator(".exam-bar")
    assert "1 van 3" in bar.inner_text()  # the unpaid pupil is skipped
    assert "1 leerling die geen score kan krijgen" in phone.locator(".exam-skipped").inner_text()

    for criterion in section.locator(".criterion").all():
        criterion.get_by_role("button", name="Level 3").click()
    for criterion in section.locator(".criterion").all():
        criterion.locator(".cell-status", has_text="Opgeslagen").wait_for()
    score = section.get_by_label("Praktijk")
    score.fill("12,5")
    score.press("Enter")
    section.locator(".score-cell .cell-status", has_text="Opgeslagen").wait_for()
    phone.locator(".exam-bar-state", has_text="Opgeslagen").wait_for()  # the bar repeats it

    next_link = section.get_by_role("link", name="Volgende leerling")
    box = next_link.bounding_box()
    assert box is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    assert box["height"] >= 52 and box["width"] >= 150, box

    # The htmx swap of #exam-pupil brings the next pupil with its own bar.
    next_link.click()
    phone.locator("#exam-pupil h2", has_text=setup.pupils[1].pupil.full_name).wait_for()
    phone.wait_for_function("() => window.scrollY === 0")  # scoring.js: to the top on settle
    assert phone.get_by_role("link", name="Vorige").is_visible()
    assert "2 van 3" in phone.locator(".exam-bar").inner_text()
    assert_bar_in_reach_and_covering_nothing(phone)
