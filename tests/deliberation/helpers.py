"""Builders for the deliberation tests: uploads, scored and submitted courses."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from teacherapp.extensions import db
from teacherapp.models import (
    Absence,
    Exemption,
    ExemptionKind,
    GenericTestResult,
    Score,
    Submission,
    SubmissionState,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def upload(auth, course_id: int, filename: str, data: bytes, **kw):
    return auth.post(f"/admin/courses/{course_id}/import-pupils",
                     data={"file": (io.BytesIO(data), filename)},
                     content_type="multipart/form-data", **kw)


def preview_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert re.search(r"/import-pupils/[A-Za-z0-9_-]+$", location), location
    return location


def signature(html: str) -> str:
    match = re.search(r'name="signature" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="signature" name="signature" type="hidden" value="([^"]+)"', html)
    assert match, "the preview has no confirm form"
    return match.group(1)


def confirm(auth, client, url: str):
    html = client.get(url).get_data(as_text=True)
    return auth.post(url, data={"signature": signature(html)})


def score(enrolment, subject, sitting, value=None, absence: Absence | None = None):
    db.session.add(Score(enrolment_id=enrolment.id, subject_id=subject.id, sitting=sitting,
                         value=None if value is None else Decimal(str(value)), absence=absence))


def exempt(enrolment, subject, reason="attest", kind=ExemptionKind.EXEMPTION):
    db.session.add(Exemption(enrolment_id=enrolment.id, subject_id=subject.id, kind=kind,
                             reason=reason))


def submit(course, sitting, teacher, at=datetime(2026, 12, 18, 15, 30, tzinfo=UTC)):
    db.session.add(Submission(course_id=course.id, sitting=sitting,
                              state=SubmissionState.SUBMITTED, submitted_by_id=teacher.id,
                              submitted_at=at))


def scored_course(make, school=None, teacher=None, ct=None, group_name="5 Sport"):
    """A track-1 course with two subjects, four pupils and a submitted first sitting:
    Zoë passes both, Hélène is exempt for theory and passes practice, Arne is absent for
    practice, Lien fails theory and passes it in the (not submitted) second sitting."""
    ct = ct or make.course_type("S2C", name="Start 2 Coach")
    teacher = teacher or make.teacher(recognised_for=[ct], full_name="An Peeters")
    course = make.course(ct, school, teachers=[teacher], group_name=group_name)
    theory = make.subject(course, "Theorie", maximum=20, pass_mark=10, position=1,
                          exam_dates=(date(2026, 12, 10), date(2027, 1, 20)))
    practice = make.subject(course, "Praktijk", maximum=10, pass_mark=5, position=2,
                            exam_dates=(date(2026, 12, 12), date(2027, 1, 22)))
    pupils = {}
    for first, last in (("Zoë", "Aerts"), ("Hélène", "Bogaert"), ("Arne", "Claes"),
                        ("Lien", "Dubois")):
        pupil = make.pupil(course.school, first_name=first, last_name=last,
                           birth_date=date(2010, 3, 4))
        pupils[first] = make.enrolment(course, pupil)
    score(pupils["Zoë"], theory, 1, "15.5")
    score(pupils["Zoë"], practice, 1, 8)
    exempt(pupils["Hélène"], theory, "Attest topsport")
    score(pupils["Hélène"], practice, 1, "7.5")
    score(pupils["Arne"], theory, 1, 12)
    score(pupils["Arne"], practice, 1, absence=Absence.ABSENT)
    score(pupils["Lien"], theory, 1, 6)
    score(pupils["Lien"], practice, 1, 9)
    score(pupils["Lien"], theory, 2, 11)
    submit(course, 1, teacher)
    for enrolment in pupils.values():  # every pupil took the generic competence test
        db.session.add(GenericTestResult(enrolment_id=enrolment.id, passed=True, source="import",
                                         taken_at=datetime(2026, 12, 1, 9, tzinfo=UTC)))
    db.session.flush()
    return course, {"theory": theory, "practice": practice}, pupils, teacher
