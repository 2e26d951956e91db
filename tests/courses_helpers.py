"""Builders for the course pages' tests: content items, views, scores, a ready-made course."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from teacherapp.extensions import db
from teacherapp.models import (
    Absence,
    AssessmentContext,
    ContentItem,
    ContentKind,
    ContentView,
    Course,
    CourseType,
    Enrolment,
    Exemption,
    ExemptionKind,
    Pupil,
    Score,
    SkillAssessment,
    Subject,
    User,
)
from tests import factories

_n = itertools.count(1)


def content_item(ct: CourseType, title: str | None = None, *, position: int | None = None,
                 kind: ContentKind = ContentKind.ELEARNING) -> ContentItem:
    n = next(_n)
    obj = ContentItem(course_type_id=ct.id, title=title or f"Item {n}", kind=kind,
                      external_id=f"item-{n}-{ct.code}", position=n if position is None else position)
    db.session.add(obj)
    db.session.flush()
    return obj


def view(pupil: Pupil, item: ContentItem, *, progress: int = 100, completed: bool | None = None,
         first: datetime = datetime(2026, 10, 1, 16, tzinfo=UTC), days: int = 3) -> ContentView:
    obj = ContentView(pupil_id=pupil.id, content_item_id=item.id, first_viewed_at=first,
                      last_viewed_at=first + timedelta(days=days), progress=progress,
                      completed=progress == 100 if completed is None else completed)
    db.session.add(obj)
    db.session.flush()
    return obj


def score(enrolment: Enrolment, subject: Subject, sitting: int = 1, value=None,
          absence: Absence | None = None, by: User | None = None) -> Score:
    obj = Score(enrolment_id=enrolment.id, subject_id=subject.id, sitting=sitting,
                value=None if value is None else Decimal(str(value)), absence=absence,
                updated_by_id=by.id if by else None)
    db.session.add(obj)
    db.session.flush()
    return obj


def exempt(enrolment: Enrolment, subject: Subject, reason: str = "Attest LO",
           kind: ExemptionKind = ExemptionKind.EXEMPTION) -> Exemption:
    obj = Exemption(enrolment_id=enrolment.id, subject_id=subject.id, kind=kind, reason=reason)
    db.session.add(obj)
    db.session.flush()
    return obj


def assess(enrolment: Enrolment, criterion, level, *, by: User | None = None,
           context: AssessmentContext = AssessmentContext.CLASS, note: str = "") -> SkillAssessment:
    obj = SkillAssessment(enrolment_id=enrolment.id, criterion_id=criterion.id,
                          level_id=level.id if level else None, context=context, note=note,
                          assessed_by_id=by.id if by else None)
    db.session.add(obj)
    db.session.flush()
    return obj


@dataclass
class World:
    """A teacher's course, an outsider teacher, the secretariat, and a few pupils."""

    course_type: CourseType
    teacher: User
    other_teacher: User
    secretariat: User
    course: Course
    other_course: Course
    subjects: list[Subject] = field(default_factory=list)
    items: list[ContentItem] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)


def world(pupils: int = 3, items: int = 3) -> World:
    ct = factories.course_type("S2C", name="Start 2 Coach", minimum_age=15)
    teacher = factories.teacher(recognised_for=[ct], full_name="An Peeters")
    other = factories.teacher(recognised_for=[ct], full_name="Other Teacher")
    secretariat = factories.secretariat()
    course = factories.course(ct, teachers=[teacher], group_name="5 Sport")
    other_course = factories.course(ct, teachers=[other], group_name="Andere klas")
    w = World(ct, teacher, other, secretariat, course, other_course)
    w.subjects = [
        factories.subject(course, "Theorie", position=1,
                          exam_dates=(date(2026, 12, 1), date(2027, 2, 1))),
        factories.subject(course, "Praktijk", position=2),
    ]
    w.items = [content_item(ct, f"E-learning {i + 1}", position=i + 1) for i in range(items)]
    for i in range(pupils):
        pupil = factories.pupil(course.school, first_name=f"Leerling{i:03d}",
                                last_name=f"Achternaam{i:03d}", vts_account_id=f"VTS-{500000 + i}")
        w.enrolments.append(factories.enrolment(course, pupil))
    return w
