"""Submitting a sitting: the check, the lock, the secretariat's reopen with a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from teacherapp.extensions import db
from teacherapp.models import (
    AuditEvent,
    Exemption,
    ExemptionKind,
    Score,
    Submission,
    SubmissionState,
)
from tests.scoring.conftest import stored_score


def _fill(setup, skip=None):
    for enrolment in setup.pupils:
        for subject in (setup.theory, setup.practical):
            if (enrolment, subject) != skip:
                db.session.add(Score(enrolment_id=enrolment.id, subject_id=subject.id, sitting=1,
                                     value=Decimal(14), version=1))
    db.session.commit()


def _submission(setup, sitting=1):
    db.session.expire_all()
    return db.session.query(Submission).filter_by(course_id=setup.course.id,
                                                  sitting=sitting).one_or_none()


def test_the_check_lists_exactly_what_is_missing(setup, auth, client):
    _fill(setup, skip=(setup.pupils[1], setup.practical))
    auth.login(setup.teacher)
    body = client.get(f"/courses/{setup.course.id}/submission/1").get_data(as_text=True)
    assert "5 van 6 scores ingevuld." in body
    assert f"{setup.pupils[1].pupil.sort_name} · Praktijk" in body
    assert body.count("<li><a href") == 1
    assert "disabled" in body  # the submit button waits


def test_submit_is_refused_while_incomplete(setup, auth):
    _fill(setup, skip=(setup.pupils[0], setup.theory))
    auth.login(setup.teacher)
    response = auth.post(f"/courses/{setup.course.id}/submission/1")
    assert response.status_code == 422
    assert "ontbreken nog 1 scores" in response.get_data(as_text=True)
    assert _submission(setup) is None


def test_an_exempt_cell_needs_no_score(setup, auth):
    _fill(setup, skip=(setup.pupils[0], setup.theory))
    db.session.add(Exemption(enrolment_id=setup.pupils[0].id, subject_id=setup.theory.id,
                             kind=ExemptionKind.EXEMPTION, reason="Attest"))
    auth.login(setup.teacher)
    response = auth.post(f"/courses/{setup.course.id}/submission/1")
    assert response.status_code == 303
    assert _submission(setup).state == SubmissionState.SUBMITTED


def test_submitting_locks_and_reopening_unlocks_with_a_reason_the_teacher_sees(setup, auth, client):
    _fill(setup)
    auth.login(setup.teacher)
    assert auth.post(f"/courses/{setup.course.id}/submission/1").status_code == 303
    submission = _submission(setup)
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.submitted_by_id == setup.teacher.id
    url = setup.score_url(setup.pupils[0], setup.theory)
    assert auth.post(url, {"value": "3", "version": "1"}, htmx=True).status_code == 403
    assert stored_score(setup.pupils[0], setup.theory).value == Decimal(14)
    assert auth.post(f"/courses/{setup.course.id}/submission/1").status_code == 403

    auth.logout()
    auth.login(setup.secretariat)
    empty = auth.post(f"/courses/{setup.course.id}/submission/1/reopen", {"reason": "  "})
    assert empty.status_code == 422
    assert _submission(setup).state == SubmissionState.SUBMITTED
    reopened = auth.post(f"/courses/{setup.course.id}/submission/1/reopen",
                         {"reason": "Score van Jan is fout"})
    assert reopened.status_code == 303
    assert _submission(setup).state == SubmissionState.REOPENED

    auth.logout()
    auth.login(setup.teacher)
    page = client.get(f"/courses/{setup.course.id}/submission/1").get_data(as_text=True)
    assert "Score van Jan is fout" in page
    assert auth.post(url, {"value": "3", "version": "1"}, htmx=True).status_code == 200
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(entity="submission")]
    assert actions == ["submit", "reopen"]


def test_track_two_can_be_scored_but_not_submitted(make, auth, client):
    from tests.scoring.conftest import build_setup

    setup = build_setup(make)
    setup.course.track = 2
    db.session.commit()
    _fill(setup)
    auth.login(setup.teacher)
    body = client.get(f"/courses/{setup.course.id}/submission/1").get_data(as_text=True)
    assert "niet ingediend bij VTS" in body
    assert "Indienen bij VTS</button>" not in body
    assert auth.post(f"/courses/{setup.course.id}/submission/1").status_code == 422
    assert _submission(setup) is None


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("other_teacher", 404),
                                         ("secretariat", 403)])
def test_who_may_not_submit(setup, auth, who, status):
    _fill(setup)
    if who != "anonymous":
        auth.login(getattr(setup, who))
    assert auth.post(f"/courses/{setup.course.id}/submission/1").status_code == status
    assert _submission(setup) is None


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("teacher", 403)])
def test_only_the_secretariat_reopens(setup, auth, who, status):
    db.session.add(Submission(course_id=setup.course.id, sitting=1,
                              state=SubmissionState.SUBMITTED))
    db.session.commit()
    if who != "anonymous":
        auth.login(getattr(setup, who))
    response = auth.post(f"/courses/{setup.course.id}/submission/1/reopen", {"reason": "x"})
    assert response.status_code == status
    assert _submission(setup).state == SubmissionState.SUBMITTED
