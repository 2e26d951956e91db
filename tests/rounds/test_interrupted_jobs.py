"""A print job interrupted by a restart: its heartbeat stops, the round's page says
"Onderbroken" and offers to print again (POST, CSRF, audited); a live job is left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AttestJob, AuditEvent, JobState, RoundCourse, SchoolAttests
from teacherapp.models.types import utcnow
from tests.deliberation.helpers import scored_course


@pytest.fixture
def confirmed(auth, make):
    course, _subjects, _pupils, teacher = scored_course(make)
    auth.login(make.secretariat())
    auth.post("/admin/rounds/", {"school_year": "2026-2027", "trimester": "1"})
    db.session.expire_all()
    rc = db.session.scalar(select(RoundCourse).where(RoundCourse.course_id == course.id))
    assert auth.post(f"/admin/rounds/{rc.round_id}/courses/{rc.id}/confirm").status_code == 303
    return rc


def _running(rc, beat_seconds_ago: int) -> AttestJob:
    job = AttestJob(round_id=rc.round_id, state=JobState.RUNNING, base_url="http://localhost/",
                    done=0, total=1, heartbeat_at=utcnow() - timedelta(seconds=beat_seconds_ago))
    db.session.add(job)
    db.session.commit()
    return job


def test_printing_beats_the_heart_of_its_job(auth, confirmed):
    before = utcnow()
    auth.post(f"/admin/rounds/{confirmed.round_id}/print")
    db.session.expire_all()
    job = db.session.scalar(select(AttestJob))
    assert job.state == JobState.DONE and job.heartbeat_at >= before


def test_a_job_without_a_heartbeat_for_long_shows_onderbroken(client, auth, confirmed):
    _running(confirmed, beat_seconds_ago=601)
    html = client.get(f"/admin/rounds/{confirmed.round_id}").get_data(as_text=True)
    assert "Onderbroken" in html and "Opnieuw afdrukken" in html
    assert 'hx-trigger="every 2s"' not in html  # nothing left to poll


def test_a_job_that_beats_is_still_printing(client, auth, confirmed):
    job = _running(confirmed, beat_seconds_ago=30)
    html = client.get(f"/admin/rounds/{confirmed.round_id}").get_data(as_text=True)
    assert "Onderbroken" not in html and 'hx-trigger="every 2s"' in html
    response = auth.post(f"/admin/rounds/{confirmed.round_id}/jobs/{job.id}/restart")
    assert response.status_code == 409
    assert "niet onderbroken" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AttestJob, job.id).state == JobState.RUNNING
    assert db.session.scalar(select(AttestJob).where(AttestJob.id != job.id)) is None


def test_the_stale_time_comes_from_the_config(app, client, auth, confirmed):
    _running(confirmed, beat_seconds_ago=120)
    app.config["ATTEST_JOB_STALE_SECONDS"] = 60
    try:
        html = client.get(f"/admin/rounds/{confirmed.round_id}").get_data(as_text=True)
    finally:
        app.config["ATTEST_JOB_STALE_SECONDS"] = 600
    assert "Onderbroken" in html


def test_printing_again_ends_the_interrupted_job_and_prints_a_new_one(client, auth, confirmed):
    job = _running(confirmed, beat_seconds_ago=3600)
    response = auth.post(f"/admin/rounds/{confirmed.round_id}/jobs/{job.id}/restart")
    assert response.status_code == 303
    db.session.expire_all()
    old = db.session.get(AttestJob, job.id)
    assert (old.state, old.error) == (JobState.FAILED, "interrupted")
    new = db.session.scalar(select(AttestJob).where(AttestJob.id != job.id))
    assert new.state == JobState.DONE and new.done == 1
    assert db.session.scalar(select(SchoolAttests.job_id)) == new.id
    events = {(e.action, e.entity_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "attest_job"))}
    assert {("interrupt", str(job.id)), ("create", str(new.id))} <= events
    html = client.get(f"/admin/rounds/{confirmed.round_id}").get_data(as_text=True)
    assert "Onderbroken" not in html and "Klaar: 1 scholen" in html


def test_printing_again_needs_csrf_and_the_secretariat(client, auth, make, confirmed):
    job = _running(confirmed, beat_seconds_ago=3600)
    url = f"/admin/rounds/{confirmed.round_id}/jobs/{job.id}/restart"
    assert client.post(url).status_code == 400  # no CSRF token
    auth.logout()
    auth.login(make.teacher())
    assert auth.post(url).status_code == 403
    db.session.expire_all()
    assert db.session.get(AttestJob, job.id).state == JobState.RUNNING


def test_a_worker_interrupted_meanwhile_stops_without_touching_the_new_job(
        data_app, auth, confirmed):
    from teacherapp.rounds import jobs

    job = _running(confirmed, beat_seconds_ago=3600)
    with data_app.test_request_context():
        assert jobs.restart_interrupted(job, "http://localhost/") is not None
        db.session.commit()
        # the old worker wakes up: its heartbeat finds the job no longer running
        assert jobs._beat(job.id, done=AttestJob.done + 1) is False
        db.session.rollback()
    db.session.expire_all()
    assert db.session.get(AttestJob, job.id).state == JobState.FAILED
