"""Exam mode on a phone and the keyboard grid on a desktop, in a real Chromium."""

from __future__ import annotations

from decimal import Decimal

import pytest

from teacherapp.extensions import db
from teacherapp.models import Score, SkillAssessment
from tests.browser.conftest import assert_no_horizontal_scroll, log_in
from tests.factories import PASSWORD
from tests.scoring.conftest import build_setup

pytestmark = pytest.mark.browser


def _scores(setup, subject):
    db.session.expire_all()
    return {s.enrolment_id: s.value for s in db.session.query(Score).filter_by(subject_id=subject.id)}


def test_exam_mode_scores_three_pupils_on_a_phone(live_server, phone, make):
    setup = build_setup(make)
    log_in(phone, live_server, setup.teacher.email, PASSWORD)
    phone.goto(f"{live_server}/courses/{setup.course.id}/exam?subject={setup.practical.id}")
    assert_no_horizontal_scroll(phone)
    for index, enrolment in enumerate(setup.pupils):
        section = phone.locator("#exam-pupil")
        assert section.get_by_role("heading", level=2).inner_text() == enrolment.pupil.full_name
        # One tap per criterion, then the suggestion, overruled by a typed score.
        for criterion in section.locator(".criterion").all():
            criterion.get_by_role("button", name="Level 3").click()
        for criterion in section.locator(".criterion").all():
            criterion.locator(".cell-status", has_text="Opgeslagen").wait_for()
        section.get_by_text("6 van 9 punten × 20 = 13,3 → 13,5").wait_for()
        score = section.get_by_label("Praktijk")
        score.fill(f"1{index},5")
        score.press("Enter")
        section.locator(".score-cell .cell-status", has_text="Opgeslagen").wait_for()
        assert section.locator(".score-cell .cell-result").inner_text() in ("geslaagd", "niet geslaagd")
        assert_no_horizontal_scroll(phone)
        if index < len(setup.pupils) - 1:
            next_button = section.get_by_role("link", name="Volgende leerling")
            assert next_button.is_visible()  # no scrolling needed: the bar sticks to the bottom
            next_button.click()
            phone.locator("#exam-pupil h2", has_text=setup.pupils[index + 1].pupil.full_name).wait_for()
    assert _scores(setup, setup.practical) == {
        e.id: Decimal(f"1{i}.5") for i, e in enumerate(setup.pupils)}
    db.session.expire_all()
    assert db.session.query(SkillAssessment).count() == 9
    phone.reload()
    assert phone.get_by_label("Praktijk").input_value() == "12,5"


def test_accepting_the_suggestion_fills_and_saves_it(live_server, phone, make):
    setup = build_setup(make)
    log_in(phone, live_server, setup.teacher.email, PASSWORD)
    phone.goto(f"{live_server}/courses/{setup.course.id}/exam?subject={setup.practical.id}")
    phone.locator(".criterion").first.get_by_role("button", name="Level 4").click()
    accept = phone.get_by_role("button", name="Voorstel overnemen: 6,5")
    accept.click()
    phone.locator(".score-cell .cell-status", has_text="Opgeslagen").wait_for()
    assert phone.get_by_label("Praktijk").input_value() == "6,5"
    assert _scores(setup, setup.practical)[setup.pupils[0].id] == Decimal("6.5")


def test_two_browsers_editing_one_cell_see_a_conflict(live_server, phone, desktop, make):
    setup = build_setup(make)
    url = f"{live_server}/courses/{setup.course.id}/exam?subject={setup.theory.id}"
    for page in (phone, desktop):
        log_in(page, live_server, setup.teacher.email, PASSWORD)
        page.goto(url)
    desktop.get_by_label("Theorie").fill("8")
    desktop.get_by_label("Theorie").press("Enter")
    desktop.locator(".cell-status", has_text="Opgeslagen").wait_for()
    phone.get_by_label("Theorie").fill("15")
    phone.get_by_label("Theorie").press("Enter")
    phone.get_by_text("Intussen elders gewijzigd.").wait_for()
    assert _scores(setup, setup.theory)[setup.pupils[0].id] == Decimal(8)
    phone.get_by_role("button", name="Mijn waarde houden").click()
    phone.locator(".cell-status", has_text="Opgeslagen").wait_for()
    assert _scores(setup, setup.theory)[setup.pupils[0].id] == Decimal(15)


def test_keyboard_grid_on_a_desktop(live_server, desktop, make):
    setup = build_setup(make)
    log_in(desktop, live_server, setup.teacher.email, PASSWORD)
    desktop.goto(f"{live_server}/courses/{setup.course.id}/grid")
    first = desktop.locator(f"#score-{setup.pupils[0].id}-{setup.theory.id}-1-in")
    first.click()
    desktop.keyboard.type("12")
    desktop.keyboard.press("Enter")  # saves and moves down
    desktop.keyboard.type("7,5")
    desktop.keyboard.press("ArrowRight")  # caret at the end: next subject
    desktop.keyboard.type("a")
    desktop.keyboard.press("ArrowDown")
    desktop.locator(f"#score-{setup.pupils[1].id}-{setup.practical.id}-1 .cell-status",
                    has_text="Opgeslagen").wait_for()
    desktop.locator(f"#score-{setup.pupils[1].id}-{setup.theory.id}-1 .cell-status",
                    has_text="Opgeslagen").wait_for()
    desktop.locator(f"#score-{setup.pupils[0].id}-{setup.theory.id}-1 .cell-status",
                    has_text="Opgeslagen").wait_for()
    assert _scores(setup, setup.theory) == {setup.pupils[0].id: Decimal(12),
                                            setup.pupils[1].id: Decimal("7.5")}
    db.session.expire_all()
    absent = db.session.query(Score).filter_by(subject_id=setup.practical.id).one()
    assert absent.absence.value == "absent"

    # The rubric: number keys pick a level, arrows move on, the total follows.
    desktop.goto(f"{live_server}/courses/{setup.course.id}/grid?view=rubric")
    cell = desktop.locator(f"#level-{setup.pupils[0].id}-{setup.rubric.criteria[0].id}-exam-in")
    cell.focus()
    desktop.keyboard.press("4")
    desktop.keyboard.press("ArrowRight")
    desktop.keyboard.press("3")
    desktop.keyboard.press("ArrowDown")
    desktop.locator(f"#rubric-total-{setup.pupils[0].id}", has_text="5 / 9").wait_for()
    db.session.expire_all()
    assert db.session.query(SkillAssessment).count() == 2
