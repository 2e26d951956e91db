"""Printing attests: `python bench/certificates.py` builds a round with 3,000 attests for 200
schools on a fresh SQLite database (or --db URL), prints them as the background job does (one
PDF per school) and reports the time and the peak memory. Not a test; never run in CI.

    .venv/bin/python bench/certificates.py                        # 3,000 attests, 200 schools
    .venv/bin/python bench/certificates.py --attests 300 --schools 20
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from teacherapp import create_app  # noqa: E402
from teacherapp.extensions import db  # noqa: E402
from teacherapp.models import (  # noqa: E402
    Attest,
    AttestJob,
    Course,
    CourseType,
    DeliberationRound,
    Enrolment,
    JobState,
    Pupil,
    RoundCourse,
    School,
    SchoolAttests,
)
from teacherapp.rounds.decisions import new_attest_number  # noqa: E402
from teacherapp.rounds.jobs import run_job  # noqa: E402


def build(attests: int, schools: int) -> int:
    """A confirmed round: one course per school, the attests spread evenly. Returns its id."""
    ct = CourseType(code="S2C", name="Start 2 Coach", hours=60, minimum_age=15,
                    refresher_group="S2C")
    db.session.add(ct)
    round_ = DeliberationRound(school_year="2026-2027", trimester=1)
    db.session.add(round_)
    db.session.flush()
    today = date(2026, 12, 18)
    for s in range(schools):
        school = School(name=f"Sint-Voorbeeldcollege {s:03d}", city="Gent",
                        institution_number=f"{s:06d}")
        db.session.add(school)
        db.session.flush()
        course = Course(course_type_id=ct.id, school_id=school.id, school_year="2026-2027",
                        track=1, start_date=date(2026, 9, 14), group_name="6 Sport")
        db.session.add(course)
        db.session.flush()
        rc = RoundCourse(round_id=round_.id, course_id=course.id, confirmed_on=today)
        db.session.add(rc)
        db.session.flush()
        count = attests // schools + (1 if s < attests % schools else 0)
        pupil_ids = db.session.execute(insert(Pupil).returning(Pupil.id), [
            {"first_name": f"Leerling{p}", "last_name": f"Achternaam{p:03d}",
             "birth_date": date(2010, 3, 4), "school_id": school.id,
             "vts_account_id": f"B-{s}-{p}"} for p in range(count)]).scalars().all()
        enrolment_ids = db.session.execute(insert(Enrolment).returning(Enrolment.id), [
            {"pupil_id": pid, "course_id": course.id,
             "paid_at": datetime(2026, 9, 20, tzinfo=UTC), "payment_method": "individual"}
            for pid in pupil_ids]).scalars().all()
        db.session.execute(insert(Attest), [
            {"number": new_attest_number(), "round_course_id": rc.id, "enrolment_id": eid,
             "deliberated_on": today} for eid in enrolment_ids])
    db.session.commit()
    return round_.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attests", type=int, default=3000)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    url = args.db or "sqlite:///" + tempfile.mkdtemp(prefix="bench-attests-") + "/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        round_id = build(args.attests, args.schools)
        job = AttestJob(round_id=round_id, state=JobState.QUEUED, base_url="https://vts.example/")
        db.session.add(job)
        db.session.commit()
        started = time.perf_counter()
        run_job(job.id)
        seconds = time.perf_counter() - started
        state = db.session.scalar(select(AttestJob.state).where(AttestJob.id == job.id))
        files, size = db.session.execute(select(func.count(), func.sum(func.length(
            SchoolAttests.pdf))).where(SchoolAttests.job_id == job.id)).one()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.attests} attests, {args.schools} schools: job {state}, {files} PDFs, "
          f"{(size or 0) / 1e6:.1f} MB in all; {seconds:.1f} s "
          f"({seconds / max(args.attests, 1) * 1000:.0f} ms an attest); "
          f"peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
