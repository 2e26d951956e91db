"""Exam mode and the grid: what they show, and a constant number of SQL statements."""

from __future__ import annotations

from decimal import Decimal

import pytest

from teacherapp.extensions import db
from teacherapp.models import Exemption, ExemptionKind, Score
from tests.scoring.conftest import build_setup


def test_exam_mode_shows_one_pupil_with_levels_score_and_next(setup, auth, client):
    auth.login(setup.teacher)
    body = client.get(f"/courses/{setup.course.id}/exam?subject={setup.practical.id}").get_data(as_text=True)
    assert "Examenmodus" in body
    assert body.count('class="criterion"') == 3
    assert "Wat de niveaus betekenen" in body  # descriptors one tap away
    assert "Volgende leerling" in body
    assert f'id="score-{setup.pupils[0].id}-{setup.practical.id}-1"' in body
    assert "Totaal rubric" in body


def test_next_pupil_is_a_fragment_for_htmx(setup, auth, client):
    auth.login(setup.teacher)
    url = (f"/courses/{setup.course.id}/exam?subject={setup.theory.id}"
           f"&pupil={setup.pupils[1].id}")
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_an_unpaid_pupil_shows_a_badge_and_no_inputs(setup, auth, client):
    auth.login(setup.teacher)
    url = f"/courses/{setup.course.id}/exam?subject={setup.practical.id}&pupil={setup.unpaid.id}"
    body = client.get(url).get_data(as_text=True)
    assert "niet betaald" in body
    assert "<fieldset class=\"levels\" disabled>" in body
    assert f'id="score-{setup.unpaid.id}-{setup.practical.id}-1-in"' not in body


def test_second_sitting_exam_mode_only_lists_pupils_who_failed(setup, auth, client):
    db.session.add_all([
        Score(enrolment_id=setup.pupils[0].id, subject_id=setup.theory.id, sitting=1,
              value=Decimal(15), version=1),
        Score(enrolment_id=setup.pupils[1].id, subject_id=setup.theory.id, sitting=1,
              value=Decimal(5), version=1),
    ])
    auth.login(setup.teacher)
    body = client.get(f"/courses/{setup.course.id}/exam?sitting=2&subject={setup.theory.id}").get_data(as_text=True)
    assert "Leerling 1 van 1" in body
    assert setup.pupils[1].pupil.full_name in body


def test_grid_shows_first_result_read_only_in_the_second_sitting(setup, auth, client):
    db.session.add(Score(enrolment_id=setup.pupils[0].id, subject_id=setup.theory.id, sitting=1,
                         value=Decimal(15), version=1))
    db.session.add(Exemption(enrolment_id=setup.pupils[1].id, subject_id=setup.theory.id,
                             kind=ExemptionKind.EXEMPTION, reason="Attest"))
    auth.login(setup.teacher)
    body = client.get(f"/courses/{setup.course.id}/grid?sitting=2").get_data(as_text=True)
    assert f'id="score-{setup.pupils[0].id}-{setup.theory.id}-2-in"' not in body
    assert "1ste zittijd: 15" in body
    assert f'id="score-{setup.pupils[1].id}-{setup.theory.id}-2-in"' not in body
    assert "vrijgesteld" in body


def test_rubric_grid_has_a_select_per_cell_and_totals(setup, auth, client):
    auth.login(setup.teacher)
    body = client.get(f"/courses/{setup.course.id}/grid?view=rubric").get_data(as_text=True)
    assert body.count('name="choose"') == 3 * 4  # 3 criteria x (3 paid + 1 unpaid)
    assert body.count('id="rubric-total-') == 4


def test_secretariat_sees_the_grid_read_only(setup, auth, client):
    auth.login(setup.secretariat)
    body = client.get(f"/courses/{setup.course.id}/grid").get_data(as_text=True)
    assert 'name="value"' not in body


@pytest.mark.parametrize("path", ["exam", "grid"])
@pytest.mark.parametrize("who, status", [("anonymous", 302), ("other_teacher", 404)])
def test_pages_are_only_for_the_courses_teacher(setup, auth, client, path, who, status):
    if who != "anonymous":
        auth.login(getattr(setup, who))
    assert client.get(f"/courses/{setup.course.id}/{path}").status_code == status


@pytest.mark.parametrize("path", ["exam?subject={practical}", "grid", "grid?view=rubric",
                                  "submission/1"])
def test_statement_count_does_not_grow_with_pupils(make, auth, client, count_statements, path):
    counts = []
    for size in (10, 30):
        s = build_setup(make, pupils=size)
        auth.login(s.teacher)
        url = f"/courses/{s.course.id}/" + path.format(practical=s.practical.id)
        with count_statements() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
        auth.logout()
    assert counts[0] == counts[1]


def test_a_save_uses_few_statements(setup, auth, app):
    from sqlalchemy import event

    auth.login(setup.teacher)
    url = setup.score_url(setup.pupils[0], setup.theory)
    token = auth.csrf_token()
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def hook(conn, cursor, statement, *args):
        # (SQLite's BEGIN IMMEDIATE comes with the PRAGMAs around its retries: the begin's own)
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE",
                                                      "PRAGMA")):
            seen.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", hook)
    try:
        response = auth.client.post(url, data={"value": "8", "version": "0"},
                                    headers={"HX-Request": "true", "X-CSRFToken": token})
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert response.status_code == 200
    # The login, the lock on the rows its checks are about (PostgreSQL only: on SQLite the
    # request already holds the write lock), the cell with its checks; then the score and its
    # audit event.
    selects = 3 if db.engine.dialect.name == "postgresql" else 2
    assert seen[:selects + 2] == ["SELECT"] * selects + ["INSERT", "INSERT"]
    assert len(seen) <= selects + 3
