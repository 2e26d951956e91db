"""Exemptions per subject, by the teacher and by the secretariat."""

from __future__ import annotations

import pytest

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Exemption, Submission, SubmissionState


def _url(setup, enrolment=None):
    enrolment = enrolment or setup.pupils[0]
    return f"/courses/{setup.course.id}/pupils/{enrolment.id}/subjects/{setup.theory.id}/exemption"


def _exemption(setup):
    db.session.expire_all()
    return db.session.query(Exemption).filter_by(enrolment_id=setup.pupils[0].id,
                                                 subject_id=setup.theory.id).one_or_none()


@pytest.mark.parametrize("who", ["teacher", "secretariat"])
def test_teacher_and_secretariat_mark_a_subject_exempt_with_a_reason(setup, auth, client, who):
    auth.login(getattr(setup, who))
    assert client.get(_url(setup)).status_code == 200
    response = auth.post(_url(setup), {"kind": "repeater_kept", "reason": "Geslaagd in 2025"})
    assert response.status_code == 303
    exemption = _exemption(setup)
    assert exemption.kind.value == "repeater_kept" and exemption.reason == "Geslaagd in 2025"
    event = db.session.query(AuditEvent).filter_by(entity="exemption").one()
    assert event.course_id == setup.course.id and event.new_value.startswith("repeater_kept")


def test_an_exemption_needs_a_reason(setup, auth):
    auth.login(setup.teacher)
    response = auth.post(_url(setup), {"kind": "exemption", "reason": ""})
    assert response.status_code == 422
    assert "Geef een reden" in response.get_data(as_text=True)
    assert _exemption(setup) is None


def test_removing_an_exemption(setup, auth):
    auth.login(setup.teacher)
    auth.post(_url(setup), {"kind": "exemption", "reason": "Attest"})
    assert auth.post(_url(setup) + "/remove").status_code == 303
    assert _exemption(setup) is None
    assert [e.action for e in db.session.query(AuditEvent).filter_by(entity="exemption")] == [
        "create", "delete"]


def test_teacher_cannot_change_exemptions_after_submitting(setup, auth):
    db.session.add(Submission(course_id=setup.course.id, sitting=1,
                              state=SubmissionState.SUBMITTED))
    auth.login(setup.teacher)
    assert auth.post(_url(setup), {"kind": "exemption", "reason": "Attest"}).status_code == 403
    assert _exemption(setup) is None


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("other_teacher", 404)])
def test_outsiders_cannot_exempt(setup, auth, client, who, status):
    if who != "anonymous":
        auth.login(getattr(setup, who))
    assert auth.post(_url(setup), {"kind": "exemption", "reason": "x"}).status_code == status
    assert _exemption(setup) is None
