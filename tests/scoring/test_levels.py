"""Rubric levels: choose, clear, note, live total with the suggestion, conflicts, refusals."""

from __future__ import annotations

import pytest

from teacherapp.extensions import db
from teacherapp.models import AuditEvent
from tests.scoring.conftest import stored_level


def _choose(auth, setup, enrolment, level, version="0", **extra):
    data = {"choose": str(level.id) if level else "", "version": version, **extra}
    return auth.post(setup.level_url(enrolment), data, htmx=True)


def test_choosing_a_level_saves_it_and_shows_the_live_total_and_suggestion(setup, auth):
    auth.login(setup.teacher)
    level = setup.criterion.levels[2]  # 2 of 3 points
    response = _choose(auth, setup, setup.pupils[0], level, subject=setup.practical.id, sitting=1)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert len(response.data) < 2048
    assert 'aria-pressed="true"' in body and "Opgeslagen" in body
    assert 'id="rubric-total-' in body and 'hx-swap-oob="true"' in body
    assert "2 van 9 punten × 20 = 4,4 → 4,5" in body
    assessment = stored_level(setup.pupils[0], setup.criterion)
    assert assessment.level_id == level.id and assessment.assessed_by_id == setup.teacher.id


def test_clearing_a_level_and_adding_a_note(setup, auth):
    auth.login(setup.teacher)
    _choose(auth, setup, setup.pupils[0], setup.criterion.levels[1])
    response = auth.post(setup.level_url(setup.pupils[0]),
                         {"level_id": str(setup.criterion.levels[1].id), "note": "goede start",
                          "version": "1"}, htmx=True)
    assert response.status_code == 200
    assert stored_level(setup.pupils[0], setup.criterion).note == "goede start"
    _choose(auth, setup, setup.pupils[0], None, version="2")
    assert stored_level(setup.pupils[0], setup.criterion).level_id is None
    db.session.expire_all()
    assert db.session.query(AuditEvent).filter_by(entity="skill_assessment").count() == 3


def test_a_level_of_another_criterion_is_refused(setup, auth):
    auth.login(setup.teacher)
    foreign = setup.rubric.criteria[1].levels[0]
    response = _choose(auth, setup, setup.pupils[0], foreign)
    assert response.status_code == 422
    assert stored_level(setup.pupils[0], setup.criterion) is None


def test_a_stale_level_gets_a_conflict(setup, auth):
    auth.login(setup.teacher)
    _choose(auth, setup, setup.pupils[0], setup.criterion.levels[3])
    response = _choose(auth, setup, setup.pupils[0], setup.criterion.levels[0])
    assert response.status_code == 409
    assert "Level 4" in response.get_data(as_text=True)
    assert stored_level(setup.pupils[0], setup.criterion).level_id == setup.criterion.levels[3].id


def test_an_unpaid_pupil_gets_no_level(setup, auth):
    auth.login(setup.teacher)
    response = _choose(auth, setup, setup.unpaid, setup.criterion.levels[1])
    assert response.status_code == 403
    assert stored_level(setup.unpaid, setup.criterion) is None


def test_class_and_exam_are_separate_assessments(setup, auth):
    auth.login(setup.teacher)
    auth.post(setup.level_url(setup.pupils[0], context="class"),
              {"choose": str(setup.criterion.levels[0].id), "version": "0"}, htmx=True)
    _choose(auth, setup, setup.pupils[0], setup.criterion.levels[3])
    assert stored_level(setup.pupils[0], setup.criterion, "class").level_id == setup.criterion.levels[0].id
    assert stored_level(setup.pupils[0], setup.criterion, "exam").level_id == setup.criterion.levels[3].id


def test_an_unknown_context_is_not_found(setup, auth):
    auth.login(setup.teacher)
    response = auth.post(setup.level_url(setup.pupils[0], context="party"),
                         {"choose": str(setup.criterion.levels[0].id), "version": "0"}, htmx=True)
    assert response.status_code == 404


def test_level_idempotent_replay(setup, auth):
    auth.login(setup.teacher)
    data = {"choose": str(setup.criterion.levels[1].id), "version": "0", "idempotency_key": "lv-1"}
    first = auth.post(setup.level_url(setup.pupils[0]), data, htmx=True)
    second = auth.post(setup.level_url(setup.pupils[0]), data, htmx=True)
    assert first.get_data() == second.get_data()
    db.session.expire_all()
    assert db.session.query(AuditEvent).filter_by(entity="skill_assessment").count() == 1


def test_level_history_opens_from_the_cell(setup, auth, client):
    auth.login(setup.teacher)
    _choose(auth, setup, setup.pupils[0], setup.criterion.levels[1])
    url = setup.level_url(setup.pupils[0]) + "/history"
    body = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Level 2" in body and "<html" not in body


# An htmx save without a session gets 401 (the cell keeps what was typed), not the login page.
@pytest.mark.parametrize("who, status", [("anonymous", 401), ("other_teacher", 404),
                                         ("secretariat", 403)])
def test_only_the_courses_teacher_may_assess(setup, auth, who, status):
    if who != "anonymous":
        auth.login(getattr(setup, who))
    response = _choose(auth, setup, setup.pupils[0], setup.criterion.levels[1])
    assert response.status_code == status
    assert stored_level(setup.pupils[0], setup.criterion) is None
