"""Exam mode on a 360x740 phone: "Next pupil" never lies over a tap target, and after
scoring it is on screen without scrolling (real Chromium, like tests/browser)."""

from __future__ import annotations

from tests.browser.conftest import PHONE, log_in
from tests.factories import PASSWORD
from tests.scoring.conftest import build_setup

NEXT = 'a[rel="next"]'
TARGETS = ".levels button, .score-cell input[name=value]"

# Scroll the page from top to bottom; at every step compare the on-screen boxes of the
# "Next pupil" link and of every level button and the score field (a sticky or fixed bar
# would cover some of them at some scroll position, an element in the flow never does).
OVERLAPS = """([next, targets]) => {
  const hits = [];
  const last = document.documentElement.scrollHeight - innerHeight;
  for (let y = 0; ; y = Math.min(y + 60, last)) {
    window.scrollTo({top: y, behavior: "instant"});
    const n = document.querySelector(next).getBoundingClientRect();
    for (const el of document.querySelectorAll(targets)) {
      const t = el.getBoundingClientRect();
      if (n.left < t.right && t.left < n.right && n.top < t.bottom && t.top < n.bottom) {
        hits.push(`${y}px: ${(el.textContent || el.name).trim()}`);
      }
    }
    if (y >= last) break;
  }
  return hits;
}"""


def assert_next_covers_nothing(page) -> None:
    assert page.locator(TARGETS).count() >= 3 * 5 + 1  # 3 criteria x (4 levels + clear), score
    assert page.evaluate(OVERLAPS, [NEXT, TARGETS]) == []


def test_next_pupil_covers_no_tap_target_and_shows_after_scoring(live_server, make, phone):
    setup = build_setup(make)
    url = f"{live_server}/courses/{setup.course.id}/exam?subject={setup.practical.id}"
    email, next_name = setup.teacher.email, setup.pupils[1].pupil.full_name
    _score_one_pupil_and_go_on(phone, live_server, url, email, next_name)


def _score_one_pupil_and_go_on(phone, base_url: str, url: str, email: str, next_name: str) -> None:
    log_in(phone, base_url, email, PASSWORD)
    phone.goto(url)
    section = phone.locator("#exam-pupil")
    assert_next_covers_nothing(phone)

    for criterion in section.locator(".criterion").all():
        criterion.get_by_role("button", name="Level 3").click()
    for criterion in section.locator(".criterion").all():
        criterion.locator(".cell-status", has_text="Opgeslagen").wait_for()
    score = section.get_by_label("Praktijk")
    score.fill("12,5")
    score.press("Enter")
    section.locator(".score-cell .cell-status", has_text="Opgeslagen").wait_for()

    # A phone keeps the field being typed in mid-screen; from there "Next pupil" is fully on
    # screen, big, and nothing lies over it: one thumb tap, no scrolling.
    score.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    next_link = section.get_by_role("link", name="Volgende leerling")
    box = next_link.bounding_box()
    assert box is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    assert box["height"] >= 52 and box["width"] >= 150, box
    assert next_link.evaluate("""a => { const r = a.getBoundingClientRect();
        return a.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }""")
    score_box = score.bounding_box()
    assert score_box["y"] + score_box["height"] <= box["y"]  # under the score, not over it
    assert_next_covers_nothing(phone)

    # The htmx swap of #exam-pupil still brings the next pupil, laid out the same way.
    score.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    next_link.click()
    phone.locator("#exam-pupil h2", has_text=next_name).wait_for()
    phone.wait_for_function("() => window.scrollY === 0")  # scoring.js: to the top on settle
    assert phone.get_by_role("link", name="Vorige").is_visible()
    assert_next_covers_nothing(phone)
