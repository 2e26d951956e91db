"""Exam mode at the pool's edge: the bottom bar, skipped pupils, the confirmation before a
submission, track 2, reopened sittings and the history in the field's own number format."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Score, Submission, SubmissionState
from teacherapp.scoring.logic import exam_order
from teacherapp.scoring.messages import history_value


def _exam(client, setup, query: str = "", htmx: bool = False) -> str:
    url = f"/courses/{setup.course.id}/exam?subject={setup.theory.id}{query}"
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(url, headers=headers).get_data(as_text=True)


def test_exam_order_skips_who_cannot_be_scored_unless_asked():
    assert exam_order([1, 2, 3, 4], {2, 4}, show_all=False) == ([1, 3], 2)
    assert exam_order([1, 2, 3, 4], {2, 4}, show_all=True) == ([1, 2, 3, 4], 0)
    assert exam_order([], set(), show_all=False) == ([], 0)


def test_exam_mode_skips_the_unpaid_pupil_and_says_so(setup, auth, client):
    auth.login(setup.teacher)
    body = _exam(client, setup)
    assert "1 leerling die geen score kan krijgen" in body and "wordt overgeslagen" in body
    assert "all=1" in body and "Toon ook deze leerling" in body
    assert "1 van 3" in body  # three paid pupils, the unpaid one skipped
    assert f"pupil={setup.unpaid.id}" not in body


def test_showing_everyone_keeps_the_choice_on_every_link(setup, auth, client):
    auth.login(setup.teacher)
    body = _exam(client, setup, "&all=1")
    assert "1 van 4" in body and "Sla ze over" in body
    following = re.search(r'rel="next" href="([^"]+)"', body).group(1)
    assert "all=1" in following
    assert 'name="all" value="1"' in body  # the subject and sitting picker keeps it too


def test_a_link_to_a_pupil_who_cannot_be_scored_shows_that_pupil(setup, auth, client):
    auth.login(setup.teacher)
    body = _exam(client, setup, f"&pupil={setup.unpaid.id}")
    assert "niet betaald" in body and "van 4" in body


def test_the_bottom_bar_comes_with_the_next_pupil(setup, auth, client):
    auth.login(setup.teacher)
    fragment = _exam(client, setup, f"&pupil={setup.pupils[1].id}", htmx=True)
    assert "<html" not in fragment
    bar = fragment[fragment.index('class="exam-bar"'):]
    assert "2 van 3" in bar and 'rel="prev"' in bar and "Volgende leerling" in bar
    assert 'class="exam-bar-state" role="status"' in bar


def test_the_last_pupil_leads_to_the_check(setup, auth, client):
    auth.login(setup.teacher)
    body = _exam(client, setup, f"&pupil={setup.pupils[-1].id}")
    assert "Laatste leerling: controleren" in body and 'rel="next"' not in body


def _fill(setup):
    for enrolment in setup.pupils:
        for subject in (setup.theory, setup.practical):
            db.session.add(Score(enrolment_id=enrolment.id, subject_id=subject.id, sitting=1,
                                 value=Decimal(14), version=1))
    db.session.commit()


def test_submitting_asks_first_naming_course_sitting_and_count(setup, auth, client):
    _fill(setup)
    auth.login(setup.teacher)
    url = f"/courses/{setup.course.id}/submission/1"
    body = client.get(url).get_data(as_text=True)
    assert f'href="{url}?confirm=1"' in body and 'action="' + url + '"' not in body
    body = client.get(url + "?confirm=1").get_data(as_text=True)
    assert "Indienen bij VTS?" in body
    assert f"Je dient 6 scores van de 1ste zittijd van {setup.course.title} in bij VTS." in body
    assert "Ja, indienen bij VTS</button>" in body
    assert auth.post(url).status_code == 303
    db.session.expire_all()
    assert db.session.query(Submission).one().state == SubmissionState.SUBMITTED


def test_no_confirmation_while_scores_are_missing(setup, auth, client):
    auth.login(setup.teacher)
    body = client.get(f"/courses/{setup.course.id}/submission/1?confirm=1").get_data(as_text=True)
    assert "Indienen bij VTS?" not in body and "disabled" in body


def test_the_secretariat_gets_no_confirmation_step(setup, auth, client):
    _fill(setup)
    auth.login(setup.secretariat)
    body = client.get(f"/courses/{setup.course.id}/submission/1?confirm=1").get_data(as_text=True)
    assert "Indienen bij VTS" not in body


def test_track_two_is_labelled_and_has_no_submit_anywhere(setup, auth, client):
    setup.course.track = 2
    db.session.commit()
    _fill(setup)
    auth.login(setup.teacher)
    for url in ("/", f"/courses/{setup.course.id}", f"/courses/{setup.course.id}/submission/1"):
        body = client.get(url).get_data(as_text=True)
        assert "spoor 2: niet in te dienen bij VTS" in body, url
        assert "Indienen bij VTS" not in body and "zittijd indienen" not in body, url
    assert "1ste zittijd controleren" in client.get(f"/courses/{setup.course.id}").get_data(
        as_text=True)


def test_a_reopened_sitting_shows_on_the_card_and_the_roster(setup, auth, client):
    db.session.add(Submission(course_id=setup.course.id, sitting=1,
                              state=SubmissionState.REOPENED, reopen_reason="Theorie herzien",
                              reopened_at=datetime(2026, 12, 20, 9, 0, tzinfo=UTC)))
    db.session.commit()
    auth.login(setup.teacher)
    card = client.get("/").get_data(as_text=True)
    assert "heropend" in card and "Reden: Theorie herzien" in card
    roster = client.get(f"/courses/{setup.course.id}").get_data(as_text=True)
    assert "1ste zittijd heropend" in roster and "Reden: Theorie herzien" in roster


def test_the_history_uses_the_decimal_comma(setup, auth, client):
    score = Score(enrolment_id=setup.pupils[0].id, subject_id=setup.theory.id, sitting=1,
                  value=Decimal("13.5"), version=1)
    db.session.add(score)
    db.session.flush()
    db.session.add(AuditEvent(actor_id=setup.teacher.id, action="update", entity="score",
                              entity_id=score.id, field="value", old_value="12",
                              new_value="13.5", course_id=setup.course.id))
    db.session.commit()
    auth.login(setup.teacher)
    body = client.get(setup.score_url(setup.pupils[0], setup.theory) + "/history").get_data(
        as_text=True)
    assert "13,5" in body and "13.5" not in body


def test_history_values_read_as_the_field_shows_them(app):
    with app.test_request_context():
        assert history_value("13.5") == "13,5"
        assert history_value("20") == "20"
        assert history_value("absent") == "afwezig"
        assert history_value("Goed") == "Goed"
        assert history_value(None) == ""
