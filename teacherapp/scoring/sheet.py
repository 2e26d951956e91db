"""Everything a scoring page shows for one course, loaded in a fixed number of queries.

Exam mode and the grid both read a `Sheet`: pupils, subjects, scores, exemptions, the
submission state and (when asked) one rubric with its levels and the chosen levels. The
number of queries does not grow with the number of pupils, subjects or criteria.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import selectinload

from teacherapp.extensions import db
from teacherapp.models import (
    AssessmentContext,
    Course,
    Criterion,
    Enrolment,
    Exemption,
    Level,
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


@dataclass(frozen=True)
class RubricLevel:
    id: int
    rank: int
    label: str
    descriptor: str
    points: Decimal


@dataclass(frozen=True)
class RubricCriterion:
    id: int
    name: str
    levels: tuple[RubricLevel, ...]  # lowest rank first


@dataclass(frozen=True)
class LoadedRubric:
    """A rubric as the scoring pages read it: plain data, criteria and levels in order."""

    id: int
    course_type_id: int
    name: str
    criteria: tuple[RubricCriterion, ...]


@dataclass
class Sheet:
    course: Course
    sitting: int
    pupils: list[SheetPupil]
    subjects: list[Subject]
    scores: dict[tuple[int, int, int], StoredScore]
    exemptions: dict[tuple[int, int], Exemption]
    submissions: dict[int, Submission]
    rubric: LoadedRubric | None = None
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

    @property
    def first_sitting_submitted(self) -> bool:
        first = self.submissions.get(1)
        return first is not None and first.state == SubmissionState.SUBMITTED

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
            first_sitting_submitted=self.first_sitting_submitted,
        )
        return ScoreCellContext(
            self.course.id, self.course.track, pupil.enrolment_id, pupil.name, subject.id,
            subject.name, stored.id if stored else None, cell,
            exemption.kind.value if exemption else None,
        )

    def level(self, enrolment_id: int, criterion_id: int) -> StoredLevel | None:
        return self.levels.get((enrolment_id, criterion_id))

    def level_cell(self, pupil: SheetPupil, criterion: RubricCriterion) -> LevelCellContext:
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
            if not cell.exempt and may_take_second_sitting(cell.first_result,
                                                           cell.first_sitting_submitted):
                ids.append(pupil.enrolment_id)
        return ids


def totals_for(rubric: LoadedRubric, chosen_level_ids: dict[int, int | None],
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


@cache
def _rubric_statement() -> Select:
    """A rubric with its criteria and their levels in one read (`:rubric_id`): one row per
    level, ordered as shown (a criterion without levels gives one row of NULLs)."""
    return (
        select(Rubric.id, Rubric.course_type_id, Rubric.name,
               Criterion.id.label("criterion_id"), Criterion.name.label("criterion_name"),
               Level.id.label("level_id"), Level.rank, Level.label, Level.descriptor,
               Level.points)
        .outerjoin(Criterion, Criterion.rubric_id == Rubric.id)
        .outerjoin(Level, Level.criterion_id == Criterion.id)
        .where(Rubric.id == bindparam("rubric_id"))
        .order_by(Criterion.position, Criterion.id, Level.rank, Level.id)
    )


def load_rubric(rubric_id: int) -> LoadedRubric | None:
    """The rubric as plain data (read-only: the scoring pages never change a rubric). One
    query instead of the ORM's three (rubric, criteria, levels): on exam mode those three and
    their objects were an eighth of the page's time."""
    rows = db.session.execute(_rubric_statement(), {"rubric_id": rubric_id}).all()
    if not rows:
        return None
    criteria: list[RubricCriterion] = []
    levels: dict[int, list[RubricLevel]] = {}
    for row in rows:
        if row.criterion_id is None:
            continue
        if row.criterion_id not in levels:
            levels[row.criterion_id] = []
            criteria.append(RubricCriterion(row.criterion_id, row.criterion_name, ()))
        if row.level_id is not None:
            levels[row.criterion_id].append(RubricLevel(
                row.level_id, row.rank, row.label, row.descriptor, row.points))
    first = rows[0]
    return LoadedRubric(first.id, first.course_type_id, first.name, tuple(
        RubricCriterion(c.id, c.name, tuple(levels[c.id])) for c in criteria))


@cache
def _sheet_statements() -> tuple[Select, ...]:
    """The sheet's reads of one course (`:course_id`), built once per process (built per
    request, their construction cost more Python than SQLite spent running them)."""
    course_id = bindparam("course_id")
    pupils = (
        select(Enrolment.id, Enrolment.paid_at, Enrolment.passed_before,
               Pupil.first_name, Pupil.last_name, Pupil.birth_date,
               Enrolment.admitted_minimum_age)
        .join(Pupil, Pupil.id == Enrolment.pupil_id)
        .where(Enrolment.course_id == course_id)
        .order_by(Pupil.last_name, Pupil.first_name, Enrolment.id)
    )
    subjects = (select(Subject).where(Subject.course_id == course_id)
                .order_by(Subject.position, Subject.id))
    scores = (
        select(Score.id, Score.enrolment_id, Score.subject_id, Score.sitting, Score.value,
               Score.absence, Score.version)
        .join(Enrolment, Enrolment.id == Score.enrolment_id)
        .where(Enrolment.course_id == course_id)
    )
    exemptions = (select(Exemption).join(Enrolment, Enrolment.id == Exemption.enrolment_id)
                  .where(Enrolment.course_id == course_id))
    submissions = (select(Submission).where(Submission.course_id == course_id)
                   .options(selectinload(Submission.reopened_by)))
    return pupils, subjects, scores, exemptions, submissions


@cache
def _levels_statement(some_pupils: bool) -> Select:
    """The levels chosen on a rubric in a course (`:rubric_id`, `:course_id`, `:context`),
    for every pupil or for some (`:enrolment_ids`)."""
    query = (
        select(SkillAssessment.id, SkillAssessment.enrolment_id, SkillAssessment.criterion_id,
               SkillAssessment.level_id, SkillAssessment.note, SkillAssessment.version)
        .join(Criterion, Criterion.id == SkillAssessment.criterion_id)
        .join(Enrolment, Enrolment.id == SkillAssessment.enrolment_id)
        .where(Criterion.rubric_id == bindparam("rubric_id"),
               Enrolment.course_id == bindparam("course_id"),
               SkillAssessment.context == bindparam("context"))
    )
    if some_pupils:
        query = query.where(SkillAssessment.enrolment_id.in_(
            bindparam("enrolment_ids", expanding=True)))
    return query


def load_sheet(
    course: Course, sitting: int, *, rubric_id: int | None = None,
    context: AssessmentContext = AssessmentContext.EXAM,
) -> Sheet:
    """The course's pupils, subjects, scores, exemptions and submissions (and a rubric)."""
    pupils_query, subjects_query, scores_query, exemptions_query, submissions_query = (
        _sheet_statements())
    params = {"course_id": course.id}
    minimum_age = course.course_type.minimum_age
    start_year = course.start_year
    pupils = [
        SheetPupil(enrolment_id, f"{first_name} {last_name}", f"{last_name}, {first_name}",
                   PupilFacts(paid_at is not None, birth_date, start_year,
                              minimum_age if admitted_age is None else admitted_age,
                              passed_before))
        for enrolment_id, paid_at, passed_before, first_name, last_name, birth_date, admitted_age
        in db.session.execute(pupils_query, params)
    ]
    subjects = list(db.session.scalars(subjects_query, params))
    scores = {
        (enrolment_id, subject_id, score_sitting): StoredScore(
            score_id, value, absence.value if absence else None, version)
        for score_id, enrolment_id, subject_id, score_sitting, value, absence, version
        in db.session.execute(scores_query, params)
    }
    exemptions = {(e.enrolment_id, e.subject_id): e
                  for e in db.session.scalars(exemptions_query, params)}
    submissions = {s.sitting: s for s in db.session.scalars(submissions_query, params)}
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
    params = {"rubric_id": rubric_id, "course_id": sheet.course.id, "context": sheet.context}
    if enrolment_ids is not None:
        params["enrolment_ids"] = list(enrolment_ids)
    sheet.levels = {
        (enrolment_id, criterion_id): StoredLevel(level_row_id, level_id, note, version)
        for level_row_id, enrolment_id, criterion_id, level_id, note, version
        in db.session.execute(_levels_statement(enrolment_ids is not None), params)
    }


def rubrics_of_course(course: Course) -> list[Rubric]:
    return list(db.session.scalars(
        select(Rubric).where(Rubric.course_type_id == course.course_type_id).order_by(Rubric.id)
    ))
