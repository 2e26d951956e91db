"""Exemptions per subject, by the teacher and by the secretariat."""

from __future__ import annotations

import pytest

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, Exemption, Submission, SubmissionState
from teacherapp.scoring.exemptions import seen_fingerprint


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
    response = auth.post(_url(setup), {"kind": "repeater_kept", "reason": "Geslaagd in 2025", "seen": "none"})
    assert response.status_code == 303
    exemption = _exemption(setup)
    assert exemption.kind.value == "repeater_kept" and exemption.reason == "Geslaagd in 2025"
    event = db.session.query(AuditEvent).filter_by(entity="exemption").one()
    assert event.course_id == setup.course.id and event.new_value.startswith("repeater_kept")


def test_an_exemption_needs_a_reason(setup, auth):
    auth.login(setup.teacher)
    response = auth.post(_url(setup), {"kind": "exemption", "reason": "", "seen": "none"})
    assert response.status_code == 422
    assert "Geef een reden" in response.get_data(as_text=True)
    assert _exemption(setup) is None


def test_removing_an_exemption(setup, auth):
    auth.login(setup.teacher)
    auth.post(_url(setup), {"kind": "exemption", "reason": "Attest", "seen": "none"})
    seen = seen_fingerprint(_exemption(setup))
    assert auth.post(_url(setup) + "/remove", {"seen": seen}).status_code == 303
    assert _exemption(setup) is None
    assert [e.action for e in db.session.query(AuditEvent).filter_by(entity="exemption")] == [
        "create", "delete"]


def test_teacher_cannot_change_exemptions_after_submitting(setup, auth):
    db.session.add(Submission(course_id=setup.course.id, sitting=1,
                              state=SubmissionState.SUBMITTED))
    auth.login(setup.teacher)
    assert auth.post(_url(setup), {"kind": "exemption", "reason": "Attest", "seen": "none"}).status_code == 403
    assert _exemption(setup) is None


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("other_teacher", 404)])
def test_outsiders_cannot_exempt(setup, auth, client, who, status):
    if who != "anonymous":
        auth.login(getattr(setup, who))
    assert auth.post(_url(setup), {"kind": "exemption", "reason": "x", "seen": "none"}).status_code == status
    assert _exemption(setup) is None


def test_an_exemption_changed_elsewhere_is_shown_not_overwritten(setup, auth):
    """Two devices opened the form on an empty cell; the second to save gets 409."""
    auth.login(setup.teacher)
    assert auth.post(_url(setup), {"kind": "exemption", "reason": "Attest A",
                                   "seen": "none"}).status_code == 303
    stale = auth.post(_url(setup), {"kind": "repeater_kept", "reason": "B", "seen": "none"})
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "elders gewijzigd" in body and "Attest A" in body
    exemption = _exemption(setup)
    assert exemption.kind.value == "exemption" and exemption.reason == "Attest A"
    assert db.session.query(AuditEvent).filter_by(entity="exemption").count() == 1


def test_removing_an_exemption_changed_elsewhere_is_refused(setup, auth):
    auth.login(setup.teacher)
    auth.post(_url(setup), {"kind": "exemption", "reason": "Attest", "seen": "none"})
    seen_before = seen_fingerprint(_exemption(setup))
    auth.post(_url(setup), {"kind": "exemption", "reason": "Ander attest", "seen": seen_before})
    assert auth.post(_url(setup) + "/remove", {"seen": seen_before}).status_code == 409
    assert _exemption(setup).reason == "Ander attest"


@pytest.mark.parametrize("seen", [None, "", "bogus"])
def test_an_exemption_post_without_what_was_seen_changes_nothing(setup, auth, seen):
    auth.login(setup.teacher)
    data = {"kind": "exemption", "reason": "Attest"}
    if seen is not None:
        data["seen"] = seen
    assert auth.post(_url(setup), data).status_code == 409
    assert _exemption(setup) is None
