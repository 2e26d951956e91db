"""One intent, one save: every control of a cell, online and offline, fresh and stale.

Two phones logged in as the same teacher on the same cell. Phone A stands for the other
device: when the case is "stale", a value is stored after phone B's page was loaded. For each
control (Enter, leaving the field, the Save button, an absence button; a level tap) x
{online, offline then replay} x {base fresh, base stale} the test checks (a) the value in the
database, (b) how many saves reached the server, (c) that a stale save shows both values and
stores nothing until the teacher chooses, (d) the audit events.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Score, SkillAssessment
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_offline_browser import exam_url, expect_waiting
from tests.factories import PASSWORD
from tests.offline.helpers import StoppableServer, exam_course

pytestmark = pytest.mark.browser

SCORE_CONTROLS = ["enter", "leave_field", "save_button", "absent_button"]


@pytest.fixture
def server(app) -> Iterator[StoppableServer]:
    server = StoppableServer(app)
    server.start()
    yield server
    server.stop()


class Phone:
    """A phone-sized browser context that counts the saves that reached the server."""

    def __init__(self, browser, server, ec, pupil) -> None:
        self.context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                           locale="nl-BE")
        self.page = self.context.new_page()
        self.posts: list[str] = []
        self.page.on("requestfinished", self._count)
        log_in(self.page, server.url, ec.teacher.email, PASSWORD)
        self.page.goto(exam_url(server.url, ec, pupil))

    def _count(self, request) -> None:
        if request.method == "POST" and re.search(r"/(sittings|criteria)/", request.url):
            self.posts.append(request.post_data or "")

    def close(self) -> None:
        self.context.close()


def _score_row() -> Score | None:
    db.session.expire_all()
    return db.session.scalars(select(Score)).first()


def _audit(entity: str) -> list[str]:
    db.session.expire_all()
    return [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id))]


def _store_from_other_device(ec, pupil, value: Decimal) -> None:
    db.session.add(Score(enrolment_id=pupil.id, subject_id=ec.subject.id, sitting=1,
                         value=value, version=1, updated_by_id=ec.teacher.id,
                         updated_at=datetime.now(UTC)))
    db.session.commit()


def _use(page, cell, control: str) -> None:
    field = cell.locator("input[name=value]")
    if control == "absent_button":
        cell.get_by_role("button", name="Afwezig", exact=True).click()
        return
    field.fill("13")
    if control == "enter":
        field.press("Enter")
    elif control == "leave_field":
        page.locator("h1").first.click()
    elif control == "save_button":
        cell.get_by_role("button", name="Opslaan").click()


@pytest.mark.parametrize("base", ["fresh", "stale"])
@pytest.mark.parametrize("network", ["online", "offline"])
@pytest.mark.parametrize("control", SCORE_CONTROLS)
def test_a_score_control_sends_one_save_and_never_overwrites_silently(
        server, browser, make, control, network, base):
    ec = exam_course(make, pupils=1, criteria=1)
    pupil = ec.enrolments[0]
    db.session.commit()
    phone = Phone(browser, server, ec, pupil)
    page = phone.page
    cell_id = f"#score-{pupil.id}-{ec.subject.id}-1"
    if base == "stale":
        _store_from_other_device(ec, pupil, Decimal(9))
    if network == "offline":
        phone.context.set_offline(True)
    _use(page, page.locator(cell_id), control)
    if network == "offline":
        expect_waiting(page, 1)  # one intent, counted once
        page.wait_for_timeout(300)
        expect_waiting(page, 1)
        phone.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
    cell = page.locator(cell_id)
    typed = "13" if control != "absent_button" else "afwezig"
    if base == "fresh":
        cell.locator(".cell-status", has_text="Opgeslagen").wait_for(timeout=20000)
        row = _score_row()
        if control == "absent_button":
            assert row.absence is not None and row.value is None
        else:
            assert row.value == Decimal(13)
        assert row.version == 1
        assert _audit("score") == ["create"]
    else:
        alert = cell.get_by_role("alert")
        alert.wait_for(timeout=20000)
        text = alert.inner_text().lower()
        assert "9" in text and typed in text  # both values shown
        row = _score_row()
        assert row.value == Decimal(9) and row.version == 1  # nothing stored
        assert _audit("score") == []
        # The teacher chooses her own value, explicitly.
        alert.get_by_role("button", name="Mijn waarde houden").click()
        cell.locator(".cell-status", has_text="Opgeslagen").wait_for(timeout=20000)
        row = _score_row()
        assert row.version == 2
        assert (row.absence is not None) if control == "absent_button" else row.value == 13
        assert _audit("score") == ["keep_mine"]
    sent = len(phone.posts) - (1 if base == "stale" else 0)  # minus the "keep my value"
    assert sent == 1, phone.posts
    phone.close()


@pytest.mark.parametrize("base", ["fresh", "stale"])
@pytest.mark.parametrize("network", ["online", "offline"])
def test_a_level_tap_sends_one_save_and_never_overwrites_silently(
        server, browser, make, network, base):
    ec = exam_course(make, pupils=1, criteria=1)
    pupil = ec.enrolments[0]
    criterion = ec.rubric.criteria[0]
    db.session.commit()
    phone = Phone(browser, server, ec, pupil)
    page = phone.page
    cell_id = f"#level-{pupil.id}-{criterion.id}-exam"
    levels = sorted(criterion.levels, key=lambda level: level.rank)
    if base == "stale":
        db.session.add(SkillAssessment(enrolment_id=pupil.id, criterion_id=criterion.id,
                                       context="exam", level_id=levels[0].id, note="",
                                       version=1, assessed_by_id=ec.teacher.id,
                                       assessed_at=datetime.now(UTC)))
        db.session.commit()
    if network == "offline":
        phone.context.set_offline(True)
    page.locator(cell_id).get_by_role("button", name=re.compile(r"^Level 3\b")).click()
    if network == "offline":
        expect_waiting(page, 1)
        phone.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
    cell = page.locator(cell_id)

    def stored_level():
        db.session.expire_all()
        return db.session.scalars(select(SkillAssessment)).first()

    if base == "fresh":
        cell.locator(".cell-status", has_text="Opgeslagen").wait_for(timeout=20000)
        assert stored_level().level_id == levels[2].id
        assert _audit("skill_assessment") == ["create"]
    else:
        alert = cell.get_by_role("alert")
        alert.wait_for(timeout=20000)
        assert levels[0].label in alert.inner_text() and levels[2].label in alert.inner_text()
        assert stored_level().level_id == levels[0].id
        assert _audit("skill_assessment") == []
        alert.get_by_role("button", name="Mijn waarde houden").click()
        cell.locator(".cell-status", has_text="Opgeslagen").wait_for(timeout=20000)
        assert stored_level().level_id == levels[2].id
        assert _audit("skill_assessment") == ["keep_mine"]
    assert len(phone.posts) - (1 if base == "stale" else 0) == 1, phone.posts
    phone.close()


def test_two_quick_level_taps_arrive_in_order_without_a_conflict(server, browser, make):
    ec = exam_course(make, pupils=1, criteria=1)
    pupil = ec.enrolments[0]
    criterion = ec.rubric.criteria[0]
    db.session.commit()
    phone = Phone(browser, server, ec, pupil)
    cell = phone.page.locator(f"#level-{pupil.id}-{criterion.id}-exam")
    cell.get_by_role("button", name=re.compile(r"^Level 2\b")).click()
    cell.get_by_role("button", name=re.compile(r"^Level 4\b")).click()
    phone.page.wait_for_function(
        "id => { const c = document.querySelector(id); return c && c.textContent.includes('Opgeslagen')"
        " && c.querySelector('[aria-pressed=true]') && c.querySelector('[aria-pressed=true]')"
        ".textContent.startsWith('Level 4') && !c.classList.contains('state-pending'); }",
        arg=f"#level-{pupil.id}-{criterion.id}-exam", timeout=20000)
    db.session.expire_all()
    levels = sorted(criterion.levels, key=lambda level: level.rank)
    row = db.session.scalars(select(SkillAssessment)).first()
    assert row.level_id == levels[3].id
    assert _audit("skill_assessment") in (["create", "update"], ["create"])
    phone.close()


def test_the_offline_page_shows_one_entry_per_cell_with_the_typed_value(server, browser, make):
    """Typed offline, then the network returns on a cell another device changed meanwhile."""
    ec = exam_course(make, pupils=1, criteria=1)
    pupil = ec.enrolments[0]
    db.session.commit()
    phone = Phone(browser, server, ec, pupil)
    page = phone.page
    cell = page.locator(f"#score-{pupil.id}-{ec.subject.id}-1")
    _store_from_other_device(ec, pupil, Decimal(9))
    phone.context.set_offline(True)
    field = cell.locator("input[name=value]")
    field.fill("12")
    cell.get_by_role("button", name="Opslaan").click()
    field.fill("13")  # the latest typed value wins, still based on the version seen first
    cell.get_by_role("button", name="Opslaan").click()
    expect_waiting(page, 1)
    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    cell.get_by_role("alert").wait_for(timeout=20000)
    page.goto(server.url + "/offline/")
    items = page.locator(".offline-item")
    items.first.wait_for()
    assert items.count() == 1
    text = items.first.inner_text()
    assert "Jouw waarde: 13" in text and "Opslaan" not in text
    assert page.get_by_role("button", name="Mijn waarde houden").count() == 1
    assert page.get_by_role("button", name="Waarde van de server houden").count() == 1
    summary = page.locator("#offline-queue-summary").inner_text()
    assert "(0)" not in summary and "(1)" in summary
    assert _score_row().value == Decimal(9)
    page.get_by_role("button", name="Waarde van de server houden").click()
    page.wait_for_function("() => !document.querySelector('.offline-item')")
    assert _score_row().value == Decimal(9) and _audit("score") == []
    phone.close()
