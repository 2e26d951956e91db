"""Every teacher and secretariat page, on a 360x740 phone and a 1280x800 desktop: axe-core
finds no WCAG 2.2 A/AA violation, nothing scrolls sideways, the app bar is one row of at
most 56px, and every control outside running text is at least 44x44px.

One test per viewport walks all pages in one browser context (the demo data, seeded once),
so the whole check costs seconds, not a browser start per page. axe-core comes with the
axe-playwright-python package: nothing is downloaded at run time.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from teacherapp.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from teacherapp.extensions import db
from teacherapp.models import Course, Enrolment, Rubric, Subject
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Measured in the page: sideways scroll, the app bar's height, and every visible control
# smaller than 44x44 that is not a link inside a sentence (WCAG 2.5.8 exempts those, and
# a link in running text cannot be bigger than its line).
LAYOUT = """() => {
  const inText = (el) => {
    if (el.tagName !== "A") return false;
    const block = el.closest("p, li, dd, td, small, .hint");
    if (!block || block.matches(".links-line, .crumbs")) return false;
    return (block.innerText || "").trim().length > (el.innerText || "").trim().length + 3;
  };
  const small = [];
  for (const el of document.querySelectorAll(
      "a[href], button, input:not([type=hidden]), select, textarea, summary")) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (getComputedStyle(el).visibility === "hidden" || el.closest(".visually-hidden")) continue;
    if (el.classList.contains("skip-link") || inText(el)) continue;
    let w = r.width, h = r.height;
    if ((el.type === "checkbox" || el.type === "radio") && el.labels && el.labels[0]) {
      const l = el.labels[0].getBoundingClientRect();  // tapped through its label
      w = Math.max(w, l.width); h = Math.max(h, l.height);
    }
    if (w < 43.5 || h < 43.5) {
      small.push(`${el.tagName} "${(el.innerText || el.name || "").trim().slice(0, 30)}" ${Math.round(w)}x${Math.round(h)}`);
    }
  }
  const bar = document.querySelector(".topbar").getBoundingClientRect().height;
  return {overflow: document.documentElement.scrollWidth - innerWidth, bar, small};
}"""


def _ids() -> dict[str, int]:
    def course(group: str) -> int:
        return db.session.scalar(select(Course.id).where(Course.group_name == group))

    s2c, hr = course("5 Sport"), course("6 Sport")
    unpaid = db.session.scalar(select(Enrolment.id).where(Enrolment.course_id == s2c,
                                                          Enrolment.paid_at.is_(None)))
    first = db.session.scalar(select(Enrolment.id).where(Enrolment.course_id == s2c,
                                                         Enrolment.paid_at.is_not(None)))
    subject = db.session.scalar(select(Subject.id).where(Subject.course_id == s2c)
                                .order_by(Subject.position))
    return {"s2c": s2c, "hr": hr, "unpaid": unpaid, "first": first, "subject": subject,
            "rubric": db.session.scalar(select(Rubric.id))}


def _teacher_pages(i: dict[str, int]) -> list[str]:
    c = f"/courses/{i['s2c']}"
    cell = f"{c}/pupils/{i['first']}/subjects/{i['subject']}"
    return ["/", c, f"{c}?unpaid=y", f"{c}/pupils/{i['unpaid']}", f"{c}/pupils/{i['first']}",
            f"{c}/content", f"{c}/exam", f"{c}/exam?all=1", f"{c}/grid", f"{c}/grid?view=rubric",
            f"{c}/submission/1", f"/courses/{i['hr']}/submission/1", f"{cell}/exemption",
            f"{cell}/sittings/1/history", "/offline/"]


def _secretariat_pages(i: dict[str, int]) -> list[str]:
    c = i["s2c"]
    return ["/admin/overview", "/admin/overview?sort=pupils&dir=desc", "/courses/",
            f"/courses/{c}", f"/courses/{c}/grid", f"/courses/{c}/submission/1",
            "/admin/export", f"/admin/courses/{c}/payments", f"/admin/courses/{c}/import-pupils",
            "/admin/", "/admin/schools", "/admin/teachers", "/admin/course-types",
            "/admin/courses", f"/admin/courses/{c}", "/admin/rubrics",
            f"/admin/rubrics/{i['rubric']}", "/admin/content", "/admin/audit/",
            "/admin/content-views/import", "/admin/integrations/"]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_every_page_passes_axe_and_the_layout_rules(live_server, browser, viewport):
    seed_demo()
    ids = _ids()
    axe = Axe()
    size = VIEWPORTS[viewport]
    problems: list[str] = []
    for email, pages in ((DEMO_LOGINS[1].email, _teacher_pages(ids)),
                         (DEMO_LOGINS[0].email, _secretariat_pages(ids))):
        context = browser.new_context(viewport=size, locale="nl-BE",
                                      is_mobile=viewport == "phone", has_touch=viewport == "phone")
        page = context.new_page()
        log_in(page, live_server, email, DEMO_PASSWORD)
        for path in pages:
            response = page.goto(live_server + path)
            assert response is not None and response.ok, (path, response and response.status)
            page.wait_for_load_state("load")
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
            for violation in result.response["violations"]:
                targets = [n["target"] for n in violation["nodes"]][:3]
                problems.append(f"{path}: axe {violation['id']} {targets}")
            layout = page.evaluate(LAYOUT)
            if viewport == "phone" and layout["overflow"] > 0:
                problems.append(f"{path}: scrolls sideways by {layout['overflow']}px")
            if layout["bar"] > 56:
                problems.append(f"{path}: app bar {layout['bar']}px high")
            problems.extend(f"{path}: small target {s}" for s in layout["small"])
        context.close()
    assert not problems, "\n".join(problems)
