"""A course ready to score: a teacher, an outsider, the secretariat, pupils and subjects."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from teacherapp.extensions import db
from teacherapp.models import (
    Course,
    Criterion,
    Enrolment,
    Rubric,
    Score,
    SkillAssessment,
    Subject,
    SubjectKind,
    User,
)


@dataclass
class ScoringSetup:
    teacher: User
    other_teacher: User
    secretariat: User
    course: Course
    theory: Subject
    practical: Subject
    rubric: Rubric
    pupils: list[Enrolment]  # paid, admitted
    unpaid: Enrolment

    @property
    def criterion(self) -> Criterion:
        return self.rubric.criteria[0]

    def score_url(self, enrolment: Enrolment, subject: Subject, sitting: int = 1) -> str:
        return (f"/courses/{self.course.id}/pupils/{enrolment.id}/subjects/{subject.id}"
                f"/sittings/{sitting}")

    def level_url(self, enrolment: Enrolment, criterion: Criterion | None = None,
                  context: str = "exam") -> str:
        criterion = criterion or self.criterion
        return f"/courses/{self.course.id}/pupils/{enrolment.id}/criteria/{criterion.id}/{context}"


def build_setup(make, pupils: int = 3) -> ScoringSetup:
    ct = make.course_type()
    teacher = make.teacher(recognised_for=[ct])
    other = make.teacher(recognised_for=[ct])
    make.course(ct, teachers=[other])  # the outsider has a course of their own
    secretariat = make.secretariat()
    course = make.course(ct, teachers=[teacher])
    rubric = make.rubric(ct, criteria=3, levels=4)  # points 0..3 per criterion: max 9
    theory = make.subject(course, "Theorie", maximum=20, pass_mark=10, position=1)
    practical = make.subject(course, "Praktijk", kind=SubjectKind.PRACTICAL, maximum=20,
                             pass_mark=12, position=2, rubric=rubric)
    enrolments = [make.enrolment(course, make.pupil(course.school, last_name=f"Naam{i}"))
                  for i in range(pupils)]
    unpaid = make.enrolment(course, make.pupil(course.school, last_name="Onbetaald"), paid=False)
    db.session.commit()
    return ScoringSetup(teacher, other, secretariat, course, theory, practical, rubric,
                        enrolments, unpaid)


@pytest.fixture
def setup(make) -> ScoringSetup:
    return build_setup(make)


def stored_score(enrolment: Enrolment, subject: Subject, sitting: int = 1) -> Score | None:
    db.session.expire_all()
    return db.session.query(Score).filter_by(enrolment_id=enrolment.id, subject_id=subject.id,
                                             sitting=sitting).one_or_none()


def stored_level(enrolment: Enrolment, criterion: Criterion,
                 context: str = "exam") -> SkillAssessment | None:
    db.session.expire_all()
    return db.session.query(SkillAssessment).filter_by(
        enrolment_id=enrolment.id, criterion_id=criterion.id, context=context).one_or_none()
