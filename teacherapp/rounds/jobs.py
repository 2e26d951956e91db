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
from datetime import datetime, timedelta

from flask import Flask, Response, current_app
from sqlalchemy import func, select, update

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

# The error of a job declared interrupted (its worker stopped beating).
INTERRUPTED = "interrupted"


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


def _beat(job_id: int, **values) -> bool:
    """Record that the worker is alive (and `values`), if the job is still running: False
    when it was declared interrupted meanwhile, and so is this worker's no more."""
    return bool(db.session.execute(update(AttestJob).where(
        AttestJob.id == job_id, AttestJob.state == JobState.RUNNING).values(
        heartbeat_at=utcnow(), **values)).rowcount)


def run_job(job_id: int) -> bool:
    """Take the job if it is still queued and print it, committing after each school with a
    heartbeat. Returns False when another worker had it already."""
    taken = db.session.execute(update(AttestJob).where(
        AttestJob.id == job_id, AttestJob.state == JobState.QUEUED).values(
        state=JobState.RUNNING, heartbeat_at=utcnow())).rowcount
    db.session.commit()
    if not taken:
        return False
    job = db.session.get(AttestJob, job_id)
    assert job is not None
    round_id, base_url = job.round_id, job.base_url
    try:
        schools = _schools(round_id)
        alive = _beat(job_id, total=len(schools))
        db.session.commit()
        for school_id in schools:
            if not alive:
                break
            pages = load_pages(base_url, round_id=round_id, school_id=school_id)
            db.session.commit()  # no transaction stays open while WeasyPrint works
            db.session.add(SchoolAttests(job_id=job_id, school_id=school_id,
                                         attest_count=len(pages), pdf=render_pdf(pages)))
            alive = _beat(job_id, done=AttestJob.done + 1)
            if alive:
                db.session.commit()
            else:  # interrupted meanwhile: its files are the new job's to make
                db.session.rollback()
        if alive:
            _beat(job_id, state=JobState.DONE, finished_at=utcnow())
    except Exception as exc:  # the job's row says it failed; the log has the details
        db.session.rollback()
        current_app.logger.exception("attest job %s failed", job_id)
        _beat(job_id, state=JobState.FAILED, error=str(exc)[:1000], finished_at=utcnow())
    db.session.commit()
    return True


def stale_before() -> datetime:
    """A running job whose heartbeat is older than this was interrupted (its process
    restarted): ATTEST_JOB_STALE_SECONDS ago."""
    return utcnow() - timedelta(seconds=current_app.config["ATTEST_JOB_STALE_SECONDS"])


def is_interrupted(job: AttestJob) -> bool:
    beat = job.heartbeat_at or job.created_at
    return job.state == JobState.RUNNING and beat is not None and beat < stale_before()


def restart_interrupted(job: AttestJob, base_url: str) -> AttestJob | None:
    """Mark an interrupted job failed and queue a new one for its round, in the caller's
    transaction; None (and nothing changed) when the job is not interrupted at this moment.
    The check is the UPDATE's own WHERE: a worker that beats meanwhile keeps its job."""
    marked = db.session.execute(update(AttestJob).where(
        AttestJob.id == job.id, AttestJob.state == JobState.RUNNING,
        func.coalesce(AttestJob.heartbeat_at, AttestJob.created_at) < stale_before()).values(
        state=JobState.FAILED, error=INTERRUPTED, finished_at=utcnow())).rowcount
    if not marked:
        return None
    audit.record("interrupt", "attest_job", job.id, old=JobState.RUNNING, new=JobState.FAILED)
    return create_job(job.round_id, base_url)


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


def latest_done_jobs(round_ids: list[int]) -> dict[int, int]:
    """Each round's newest finished print job: the one whose PDFs are handed out."""
    return dict(db.session.execute(
        select(AttestJob.round_id, func.max(AttestJob.id))
        .where(AttestJob.round_id.in_(round_ids), AttestJob.state == JobState.DONE)
        .group_by(AttestJob.round_id)).all())


def school_attests(job_id: int, school_id: int) -> SchoolAttests | None:
    return db.session.scalar(select(SchoolAttests).where(
        SchoolAttests.job_id == job_id, SchoolAttests.school_id == school_id))


def pdf_response(row: SchoolAttests) -> Response:
    """One school's PDF of a job as a download (the secretariat's and the coordinator's)."""
    return Response(row.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{pdf_name(row)}"'})


def pdf_name(row: SchoolAttests) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in row.school.name).strip("-")
    return f"attesten-{row.school_id}-{safe}.pdf"
