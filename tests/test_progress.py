from __future__ import annotations

from datetime import date
from decimal import Decimal

from teacherapp.extensions import db
from teacherapp.models import Absence, Exemption, ExemptionKind, Score, Submission, SubmissionState
from teacherapp.progress import load_sitting_progress, next_exam_moments, scorable_enrolment_ids


def _score(enrolment, subject, sitting, value=None, absence=None):
    db.session.add(Score(enrolment_id=enrolment.id, subject_id=subject.id, sitting=sitting,
                         value=None if value is None else Decimal(value), absence=absence))


def test_progress_counts_only_scorable_pupils_and_skips_exempt_cells(make):
    course = make.course()
    theory = make.subject(course, "Theorie")
    practice = make.subject(course, "Praktijk")
    a = make.enrolment(course)
    b = make.enrolment(course)
    make.enrolment(course, paid=False)  # unpaid: no exam, so no cell required
    db.session.add(Exemption(enrolment_id=b.id, subject_id=theory.id,
                             kind=ExemptionKind.EXEMPTION, reason="attest"))
    _score(a, theory, 1, 12)
    _score(a, practice, 1, absence=Absence.ABSENT)
    _score(b, practice, 1, 8)
    db.session.flush()
    progress = load_sitting_progress([course.id])
    first = progress[(course.id, 1)]
    assert (first.entered, first.required) == (3, 3)
    assert first.is_complete
    second = progress[(course.id, 2)]
    # a was absent for practice, b failed practice: both go to the second sitting.
    assert (second.entered, second.required) == (0, 2)
    assert {(m.enrolment_id, m.subject_id) for m in second.missing} == {(a.id, practice.id),
                                                                        (b.id, practice.id)}
    assert sorted(scorable_enrolment_ids(course.id)) == sorted([a.id, b.id])


def test_progress_reports_the_submission(make):
    course = make.course()
    make.subject(course)
    make.enrolment(course)
    db.session.add(Submission(course_id=course.id, sitting=1, state=SubmissionState.SUBMITTED))
    db.session.flush()
    progress = load_sitting_progress([course.id])
    assert progress[(course.id, 1)].is_submitted
    assert not progress[(course.id, 1)].is_complete
    assert not progress[(course.id, 2)].is_submitted


def test_progress_uses_a_fixed_number_of_queries(make, data_app):
    from sqlalchemy import event

    courses = [make.course() for _ in range(3)]
    for course in courses:
        make.subject(course)
    counts = []
    for n in (1, 3):
        counter: list[int] = []

        def listener(*args, _counter=counter, **kwargs):
            _counter.append(1)

        event.listen(db.engine, "before_cursor_execute", listener)
        load_sitting_progress([c.id for c in courses[:n]])
        event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(counter))
    assert counts[0] == counts[1]


def test_next_exam_moment_per_course(make):
    course = make.course()
    make.subject(course, exam_dates=(date(2026, 11, 10), date(2027, 1, 20)))
    make.subject(course, exam_dates=(date(2026, 12, 1), date(2027, 2, 1)))
    moments = next_exam_moments([course.id], date(2026, 11, 23))
    assert moments[course.id].exam_date == date(2026, 12, 1)
    assert next_exam_moments([course.id], date(2027, 3, 1)) == {}
