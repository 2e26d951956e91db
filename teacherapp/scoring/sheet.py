"""Everything a scoring page shows for one course, loaded in a fixed number of queries.

Exam mode and the grid both read a `Sheet`: pupils, subjects, scores, exemptions, the
submission state and (when asked) one rubric with its levels and the chosen levels. The
number of queries does not grow with the number of pupils, subjects or criteria.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from teacherapp.extensions import db
from teacherapp.models import (
    AssessmentContext,
    Course,
    Criterion,
    Enrolment,
    Exemption,
    Pupil,
    Rubric,
    Score,
    SkillAssessment,
    Subject,
    Submission,
    SubmissionState,
)
from teacherapp.rules import may_take_second_sitting
from teacherapp.scoring.cells import LevelCellContext, LevelChoice, ScoreCellContext
from teacherapp.scoring.logic import PupilFacts, RubricTotal, ScoreCell, mark_of, rubric_total


@dataclass
class SheetPupil:
    enrolment_id: int
    name: str
    sort_name: str
    facts: PupilFacts

    @property
    def refusal(self):
        return self.facts.refusal()


@dataclass
class StoredScore:
    id: int
    value: Decimal | None
    absence: str | None
    version: int


@dataclass
class StoredLevel:
    id: int
    level_id: int | None
    note: str
    version: int


@dataclass
class Sheet:
    course: Course
    sitting: int
    pupils: list[SheetPupil]
    subjects: list[Subject]
    scores: dict[tuple[int, int, int], StoredScore]
    exemptions: dict[tuple[int, int], Exemption]
    submissions: dict[int, Submission]
    rubric: Rubric | None = None
    context: AssessmentContext = AssessmentContext.EXAM
    levels: dict[tuple[int, int], StoredLevel] = field(default_factory=dict)

    def pupil(self, enrolment_id: int) -> SheetPupil | None:
        return next((p for p in self.pupils if p.enrolment_id == enrolment_id), None)

    def subject(self, subject_id: int | None) -> Subject | None:
        return next((s for s in self.subjects if s.id == subject_id), None)

    @property
    def submission(self) -> Submission | None:
        return self.submissions.get(self.sitting)

    @property
    def locked(self) -> bool:
        submission = self.submission
        return submission is not None and submission.state == SubmissionState.SUBMITTED

    def score_cell(self, pupil: SheetPupil, subject: Subject,
                   sitting: int | None = None) -> ScoreCellContext:
        sitting = sitting or self.sitting
        stored = self.scores.get((pupil.enrolment_id, subject.id, sitting))
        first = self.scores.get((pupil.enrolment_id, subject.id, 1))
        exemption = self.exemptions.get((pupil.enrolment_id, subject.id))
        submission = self.submissions.get(sitting)
        cell = ScoreCell(
            sitting=sitting, maximum=subject.maximum, pass_mark=subject.pass_mark,
            mark=mark_of(stored.value, stored.absence) if stored else None,
            version=stored.version if stored else 0, pupil=pupil.facts,
            exempt=exemption is not None,
            locked=submission is not None and submission.state == SubmissionState.SUBMITTED,
            first_mark=mark_of(first.value, first.absence) if first and sitting == 2 else None,
        )
        return ScoreCellContext(
            self.course.id, self.course.track, pupil.enrolment_id, pupil.name, subject.id,
            subject.name, stored.id if stored else None, cell,
            exemption.kind.value if exemption else None,
        )

    def level(self, enrolment_id: int, criterion_id: int) -> StoredLevel | None:
        return self.levels.get((enrolment_id, criterion_id))

    def level_cell(self, pupil: SheetPupil, criterion: Criterion) -> LevelCellContext:
        stored = self.levels.get((pupil.enrolment_id, criterion.id))
        assert self.rubric is not None
        return LevelCellContext(
            course_id=self.course.id, enrolment_id=pupil.enrolment_id, pupil_name=pupil.name,
            criterion_id=criterion.id, criterion_name=criterion.name, rubric_id=self.rubric.id,
            context=self.context, pupil=pupil.facts,
            assessment_id=stored.id if stored else None,
            level_id=stored.level_id if stored else None, note=stored.note if stored else "",
            version=stored.version if stored else 0,
            levels=[LevelChoice(lv.id, lv.rank, lv.label, lv.points) for lv in criterion.levels],
        )

    def rubric_total(self, enrolment_id: int, subject: Subject | None = None) -> RubricTotal:
        assert self.rubric is not None
        return totals_for(self.rubric, {
            c.id: self.levels[(enrolment_id, c.id)].level_id
            for c in self.rubric.criteria if (enrolment_id, c.id) in self.levels
        }, subject.maximum if subject is not None else None)

    def second_sitting_ids(self, subject: Subject) -> list[int]:
        """Pupils who take this subject in the second sitting: not passed, not exempt."""
        ids = []
        for pupil in self.pupils:
            cell = self.score_cell(pupil, subject, 2).cell
            if not cell.exempt and may_take_second_sitting(cell.first_result):
                ids.append(pupil.enrolment_id)
        return ids


def totals_for(rubric: Rubric, chosen_level_ids: dict[int, int | None],
               subject_maximum: Decimal | None) -> RubricTotal:
    """The rubric total of chosen level ids (criterion id -> level id) from a loaded rubric."""
    maxima: dict[int, Decimal] = {}
    chosen: dict[int, Decimal] = {}
    for criterion in rubric.criteria:
        if not criterion.levels:
            continue
        maxima[criterion.id] = max(level.points for level in criterion.levels)
        for level in criterion.levels:
            if level.id == chosen_level_ids.get(criterion.id):
                chosen[criterion.id] = level.points
    return rubric_total(chosen, maxima, subject_maximum)


def load_rubric(rubric_id: int) -> Rubric | None:
    return db.session.scalars(
        select(Rubric).where(Rubric.id == rubric_id)
        .options(selectinload(Rubric.criteria).selectinload(Criterion.levels))
    ).first()


def load_sheet(
    course: Course, sitting: int, *, rubric_id: int | None = None,
    context: AssessmentContext = AssessmentContext.EXAM,
) -> Sheet:
    """The course's pupils, subjects, scores, exemptions and submissions (and a rubric)."""
    minimum_age = course.course_type.minimum_age
    pupils = [
        SheetPupil(row.id, f"{row.first_name} {row.last_name}",
                   f"{row.last_name}, {row.first_name}",
                   PupilFacts(row.paid_at is not None, row.birth_date, course.start_year,
                              minimum_age, row.passed_before))
        for row in db.session.execute(
            select(Enrolment.id, Enrolment.paid_at, Enrolment.passed_before,
                   Pupil.first_name, Pupil.last_name, Pupil.birth_date)
            .join(Pupil, Pupil.id == Enrolment.pupil_id)
            .where(Enrolment.course_id == course.id)
            .order_by(Pupil.last_name, Pupil.first_name, Enrolment.id)
        )
    ]
    subjects = list(db.session.scalars(
        select(Subject).where(Subject.course_id == course.id)
        .order_by(Subject.position, Subject.id)
    ))
    scores = {
        (r.enrolment_id, r.subject_id, r.sitting): StoredScore(
            r.id, r.value, r.absence.value if r.absence else None, r.version)
        for r in db.session.execute(
            select(Score.id, Score.enrolment_id, Score.subject_id, Score.sitting, Score.value,
                   Score.absence, Score.version)
            .join(Enrolment, Enrolment.id == Score.enrolment_id)
            .where(Enrolment.course_id == course.id)
        )
    }
    exemptions = {
        (e.enrolment_id, e.subject_id): e for e in db.session.scalars(
            select(Exemption).join(Enrolment, Enrolment.id == Exemption.enrolment_id)
            .where(Enrolment.course_id == course.id)
        )
    }
    submissions = {
        s.sitting: s for s in db.session.scalars(
            select(Submission).where(Submission.course_id == course.id)
            .options(selectinload(Submission.reopened_by))
        )
    }
    sheet = Sheet(course, sitting, pupils, subjects, scores, exemptions, submissions,
                  context=context)
    if rubric_id is not None:
        attach_rubric(sheet, rubric_id)
    return sheet


def attach_rubric(sheet: Sheet, rubric_id: int, enrolment_ids: Iterable[int] | None = None) -> None:
    """Load a rubric of the course's type and the levels chosen (for some pupils, or all)."""
    rubric = load_rubric(rubric_id)
    if rubric is None or rubric.course_type_id != sheet.course.course_type_id:
        return
    sheet.rubric = rubric
    query = (
        select(SkillAssessment.id, SkillAssessment.enrolment_id, SkillAssessment.criterion_id,
               SkillAssessment.level_id, SkillAssessment.note, SkillAssessment.version)
        .join(Criterion, Criterion.id == SkillAssessment.criterion_id)
        .join(Enrolment, Enrolment.id == SkillAssessment.enrolment_id)
        .where(Criterion.rubric_id == rubric_id, Enrolment.course_id == sheet.course.id,
               SkillAssessment.context == sheet.context)
    )
    if enrolment_ids is not None:
        query = query.where(SkillAssessment.enrolment_id.in_(list(enrolment_ids)))
    sheet.levels = {
        (r.enrolment_id, r.criterion_id): StoredLevel(r.id, r.level_id, r.note, r.version)
        for r in db.session.execute(query)
    }


def rubrics_of_course(course: Course) -> list[Rubric]:
    return list(db.session.scalars(
        select(Rubric).where(Rubric.course_type_id == course.course_type_id).order_by(Rubric.id)
    ))
