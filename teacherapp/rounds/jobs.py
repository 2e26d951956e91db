"""Printing a round's attests in the background: a row in `attest_job` that a worker takes,
then one PDF per school, the progress counted in the row as each school is done.

The worker is a plain thread started by the request (ATTEST_JOB_RUNNER = "thread", the
default), or the command `flask deliberation print-attests` run by cron or by hand
("cli"); tests run it in the request ("inline").
"""

from __future__ import annotations

import io
import threading
import zipfile

from flask import Flask, current_app
from sqlalchemy import select, update

from teacherapp import audit
from teacherapp.extensions import db
from teacherapp.models import (
    Attest,
    AttestJob,
    Course,
    Enrolment,
    JobState,
    RoundCourse,
    SchoolAttests,
)
from teacherapp.models.types import utcnow
from teacherapp.rounds.printing import load_pages, render_pdf


def create_job(round_id: int, base_url: str) -> AttestJob:
    """A queued job for the round, in the caller's transaction."""
    job = AttestJob(round_id=round_id, state=JobState.QUEUED, base_url=base_url)
    db.session.add(job)
    db.session.flush()
    audit.record("create", "attest_job", job.id, new=f"round {round_id}")
    return job


def start(job_id: int) -> None:
    """After the commit: run the job as configured."""
    runner = current_app.config["ATTEST_JOB_RUNNER"]
    if runner == "inline":
        run_job(job_id)
    elif runner == "thread":
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        threading.Thread(target=_run_in_app, args=(app, job_id), daemon=True).start()


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        run_job(job_id)


def _schools(round_id: int) -> list[int]:
    return list(db.session.scalars(
        select(Course.school_id).distinct()
        .join(Enrolment, Enrolment.course_id == Course.id)
        .join(Attest, Attest.enrolment_id == Enrolment.id)
        .join(RoundCourse, RoundCourse.id == Attest.round_course_id)
        .where(RoundCourse.round_id == round_id, Attest.revoked_at.is_(None))
        .order_by(Course.school_id)))


def run_job(job_id: int) -> bool:
    """Take the job if it is still queued and print it, committing after each school.
    Returns False when another worker had it already."""
    taken = db.session.execute(update(AttestJob).where(
        AttestJob.id == job_id, AttestJob.state == JobState.QUEUED).values(
        state=JobState.RUNNING)).rowcount
    db.session.commit()
    if not taken:
        return False
    job = db.session.get(AttestJob, job_id)
    assert job is not None
    try:
        schools = _schools(job.round_id)
        job.total = len(schools)
        db.session.commit()
        for school_id in schools:
            pages = load_pages(job.base_url, round_id=job.round_id, school_id=school_id)
            db.session.commit()  # no transaction stays open while WeasyPrint works
            db.session.add(SchoolAttests(job_id=job.id, school_id=school_id,
                                         attest_count=len(pages), pdf=render_pdf(pages)))
            job.done += 1
            db.session.commit()
        job.state = JobState.DONE
    except Exception as exc:  # the job's row says it failed; the log has the details
        db.session.rollback()
        current_app.logger.exception("attest job %s failed", job_id)
        job = db.session.get(AttestJob, job_id)
        assert job is not None
        job.state, job.error = JobState.FAILED, str(exc)[:1000]
    job.finished_at = utcnow()
    db.session.commit()
    return True


def run_queued() -> int:
    """Every queued job, oldest first (the command's work). Returns how many ran."""
    ran = 0
    for job_id in db.session.scalars(select(AttestJob.id).where(
            AttestJob.state == JobState.QUEUED).order_by(AttestJob.id)).all():
        ran += run_job(job_id)
    return ran


def zip_of(job: AttestJob) -> bytes:
    """Every school's PDF of the job in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for row in db.session.scalars(select(SchoolAttests).where(SchoolAttests.job_id == job.id)
                                      .order_by(SchoolAttests.school_id)):
            archive.writestr(pdf_name(row), row.pdf)
    return buffer.getvalue()


def pdf_name(row: SchoolAttests) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in row.school.name).strip("-")
    return f"attesten-{row.school_id}-{safe}.pdf"
