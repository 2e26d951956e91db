"""Saving one score: parsing, results, refusals, versions, idempotency and audit."""

from __future__ import annotations

from decimal import Decimal

import brotli
import pytest

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, IdempotentSave, Score, Submission, SubmissionState
from tests.scoring.conftest import stored_score


def _audit_count(entity: str = "score") -> int:
    db.session.expire_all()
    return db.session.query(AuditEvent).filter_by(entity=entity).count()


def test_it_saves_a_comma_score_and_answers_with_a_small_fragment(setup, auth):
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory),
                         {"value": "7,5", "version": "0"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert len(response.data) < 2048
    assert 'value="7,5"' in body and "Opgeslagen" in body and "niet geslaagd" in body
    score = stored_score(setup.pupils[0], setup.theory)
    assert score.value == Decimal("7.5") and score.version == 1
    assert score.updated_by_id == setup.teacher.id


def test_a_browsers_save_gets_its_answer_compressed_and_small(setup, auth):
    """Every browser accepts brotli: the answer goes out compressed (quality 2, cheap to make)."""
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory),
                         {"value": "7,5", "version": "0"}, htmx=True,
                         headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    body = brotli.decompress(response.data).decode()
    assert 'value="7,5"' in body and "Opgeslagen" in body
    assert len(response.data) < len(body) // 2
    head = sum(len(f"{name}: {value}\r\n") for name, value in response.headers.items())
    assert head + len(response.data) < 2048
    assert stored_score(setup.pupils[0], setup.theory).version == 1


def test_it_accepts_a_dot_and_shows_a_pass(setup, auth):
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory),
                         {"value": "12.5", "version": "0"}, htmx=True)
    assert "geslaagd" in response.get_data(as_text=True)
    assert stored_score(setup.pupils[0], setup.theory).value == Decimal("12.5")


@pytest.mark.parametrize("mark, absence", [("absent", "absent"), ("excused", "excused")])
def test_absence_is_a_choice_not_a_number(setup, auth, mark, absence):
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory),
                         {"mark": mark, "version": "0"}, htmx=True)
    assert response.status_code == 200
    score = stored_score(setup.pupils[0], setup.theory)
    assert score.value is None and score.absence.value == absence


@pytest.mark.parametrize("typed, message", [
    ("21", "Het maximum is 20."), ("-1", "kan niet negatief"), ("zeven", "Typ een score"),
    ("7,555", "twee decimalen"),
])
def test_bad_input_keeps_what_was_typed_says_why_and_changes_nothing(setup, auth, typed, message):
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory),
                         {"value": typed, "version": "0"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body and f'value="{typed}"' in body
    assert stored_score(setup.pupils[0], setup.theory) is None
    assert _audit_count() == 0


def test_every_change_writes_one_audit_event_with_old_and_new(setup, auth):
    auth.login(setup.teacher)
    url = setup.score_url(setup.pupils[0], setup.theory)
    auth.post(url, {"value": "8", "version": "0"}, htmx=True)
    auth.post(url, {"value": "9", "version": "1"}, htmx=True)
    auth.post(url, {"value": "9", "version": "2"}, htmx=True)  # unchanged: no event
    db.session.expire_all()
    events = db.session.query(AuditEvent).filter_by(entity="score").order_by(AuditEvent.id).all()
    assert [(e.old_value, e.new_value) for e in events] == [(None, "8"), ("8", "9")]
    assert all(e.course_id == setup.course.id and e.actor_id == setup.teacher.id for e in events)


def test_a_stale_version_gets_409_with_both_values_and_changes_nothing(setup, auth):
    auth.login(setup.teacher)
    url = setup.score_url(setup.pupils[0], setup.theory)
    auth.post(url, {"value": "8", "version": "0"}, htmx=True)  # another device
    response = auth.post(url, {"value": "15", "version": "0"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Nu opgeslagen:" in body and "<strong>8</strong>" in body and "<strong>15</strong>" in body
    assert "Mijn waarde houden" in body and "Waarde van de server houden" in body
    assert 'name="version" value="1"' in body  # keeping mine re-saves on the current version
    assert stored_score(setup.pupils[0], setup.theory).value == Decimal(8)
    again = auth.post(url, {"value": "15", "version": "1"}, htmx=True)
    assert again.status_code == 200
    assert stored_score(setup.pupils[0], setup.theory).value == Decimal(15)


def test_a_stale_insert_racing_on_the_unique_constraint_is_a_conflict(setup, auth, make):
    auth.login(setup.teacher)
    db.session.add(Score(enrolment_id=setup.pupils[0].id, subject_id=setup.theory.id, sitting=1,
                         value=Decimal(4), version=1))
    db.session.commit()
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory),
                         {"value": "6", "version": "0"}, htmx=True)
    assert response.status_code == 409
    assert stored_score(setup.pupils[0], setup.theory).value == Decimal(4)


def test_saving_the_stored_value_again_is_never_a_conflict(setup, auth):
    auth.login(setup.teacher)
    url = setup.score_url(setup.pupils[0], setup.theory)
    auth.post(url, {"value": "8", "version": "0"}, htmx=True)
    response = auth.post(url, {"value": "8,0", "version": "0"}, htmx=True)
    assert response.status_code == 200
    assert stored_score(setup.pupils[0], setup.theory).version == 1


def test_emptying_the_field_clears_the_score(setup, auth):
    auth.login(setup.teacher)
    url = setup.score_url(setup.pupils[0], setup.theory)
    auth.post(url, {"value": "8", "version": "0"}, htmx=True)
    response = auth.post(url, {"value": " ", "version": "1"}, htmx=True)
    assert response.status_code == 200
    score = stored_score(setup.pupils[0], setup.theory)
    assert score.value is None and score.absence is None and score.version == 2


def test_an_unpaid_pupil_is_refused_with_the_reason(setup, auth):
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.unpaid, setup.theory),
                         {"value": "12", "version": "0"}, htmx=True)
    assert response.status_code == 403
    assert "Niet betaald" in response.get_data(as_text=True)
    assert stored_score(setup.unpaid, setup.theory) is None


def test_a_locked_submission_refuses_with_403_and_changes_nothing(setup, auth):
    url = setup.score_url(setup.pupils[0], setup.theory)
    db.session.add(Score(enrolment_id=setup.pupils[0].id, subject_id=setup.theory.id, sitting=1,
                         value=Decimal(11), version=1))
    db.session.add(Submission(course_id=setup.course.id, sitting=1,
                              state=SubmissionState.SUBMITTED))
    auth.login(setup.teacher)
    response = auth.post(url, {"value": "3", "version": "1"}, htmx=True)
    assert response.status_code == 403
    assert "vergrendeld" in response.get_data(as_text=True)
    assert stored_score(setup.pupils[0], setup.theory).value == Decimal(11)


def test_a_second_sitting_score_for_a_passed_subject_is_refused(setup, auth):
    db.session.add(Score(enrolment_id=setup.pupils[0].id, subject_id=setup.theory.id, sitting=1,
                         value=Decimal(14), version=1))
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory, 2),
                         {"value": "3", "version": "0"}, htmx=True)
    assert response.status_code == 422
    assert "Niet in de 2de zittijd" in response.get_data(as_text=True)
    assert stored_score(setup.pupils[0], setup.theory, 2) is None


def test_a_second_sitting_score_for_a_failed_subject_is_accepted(setup, auth):
    db.session.add(Score(enrolment_id=setup.pupils[0].id, subject_id=setup.theory.id, sitting=1,
                         value=Decimal(6), version=1))
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory, 2),
                         {"value": "13", "version": "0"}, htmx=True)
    assert response.status_code == 200
    assert stored_score(setup.pupils[0], setup.theory, 2).value == Decimal(13)


def test_an_idempotent_replay_gets_the_same_answer_and_changes_nothing(setup, auth):
    auth.login(setup.teacher)
    url = setup.score_url(setup.pupils[0], setup.theory)
    data = {"value": "9", "version": "0", "idempotency_key": "k-123"}
    first = auth.post(url, data, htmx=True)
    second = auth.post(url, data, htmx=True)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    db.session.expire_all()
    assert db.session.query(Score).count() == 1
    assert db.session.query(IdempotentSave).filter_by(key="k-123").count() == 1
    assert _audit_count() == 1


def test_a_suggestion_is_saved_only_when_accepted(setup, auth):
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.practical),
                         {"suggested": "9.5", "value": "", "version": "0"}, htmx=True)
    assert response.status_code == 200
    assert stored_score(setup.pupils[0], setup.practical).value == Decimal("9.5")


def test_a_plain_form_post_redirects_back(setup, auth):
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory),
                         {"value": "10", "version": "0",
                          "next": f"/courses/{setup.course.id}/grid"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/courses/{setup.course.id}/grid")


def test_a_plain_form_post_with_an_error_shows_the_cell_on_a_page(setup, auth):
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], setup.theory),
                         {"value": "99", "version": "0"})
    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True)


def test_the_cell_is_a_fragment_for_htmx_and_a_page_otherwise(setup, auth, client):
    auth.login(setup.teacher)
    url = setup.score_url(setup.pupils[0], setup.theory)
    assert "<html" not in client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" in client.get(url).get_data(as_text=True)


def test_the_history_of_a_cell_lists_the_changes(setup, auth, client):
    auth.login(setup.teacher)
    url = setup.score_url(setup.pupils[0], setup.theory)
    auth.post(url, {"value": "8", "version": "0"}, htmx=True)
    auth.post(url, {"mark": "absent", "version": "1"}, htmx=True)
    fragment = client.get(url + "/history", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert "afwezig" in fragment and "8" in fragment and setup.teacher.full_name in fragment
    assert "<html" in client.get(url + "/history").get_data(as_text=True)


# An htmx save without a session gets 401 (the cell keeps what was typed), not the login page.
@pytest.mark.parametrize("who, status", [("anonymous", 401), ("other_teacher", 404),
                                         ("secretariat", 403)])
def test_only_the_courses_teacher_may_score(setup, auth, client, who, status):
    if who != "anonymous":
        auth.login(getattr(setup, who))
    url = setup.score_url(setup.pupils[0], setup.theory)
    response = auth.post(url, {"value": "8", "version": "0"}, htmx=True)
    assert response.status_code == status
    assert stored_score(setup.pupils[0], setup.theory) is None
    assert client.get(url).status_code == (302 if who == "anonymous" else status)


def test_a_subject_of_another_course_is_not_found(setup, auth, make):
    other_course = make.course(setup.course.course_type, teachers=[setup.teacher])
    foreign = make.subject(other_course, "Vreemd")
    auth.login(setup.teacher)
    response = auth.post(setup.score_url(setup.pupils[0], foreign),
                         {"value": "8", "version": "0"}, htmx=True)
    assert response.status_code == 404


def test_a_second_sitting_without_a_first_mark_opens_only_once_the_first_is_submitted(
        setup, auth):
    """A late payer: no first-sitting mark. Sitting 2 opens for her only after sitting 1 was
    submitted (rules.may_take_second_sitting), checked inside the save."""
    auth.login(setup.teacher)
    url = setup.score_url(setup.pupils[0], setup.theory, sitting=2)
    early = auth.post(url, {"value": "12", "version": "0", "layout": "grid"}, htmx=True)
    assert early.status_code == 422
    db.session.add(Submission(course_id=setup.course.id, sitting=1,
                              state=SubmissionState.SUBMITTED))
    db.session.commit()
    late = auth.post(url, {"value": "12", "version": "0", "layout": "grid"}, htmx=True)
    assert late.status_code == 200
