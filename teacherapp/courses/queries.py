"""Loading what the course pages show, in a fixed number of queries per page.

No query here runs once per pupil or per content item: every loader fetches whole sets
(grouped aggregates, IN lists, joins) and hands plain rows to `logic.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from types import SimpleNamespace

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import joinedload

from teacherapp.certificates import load_eligibility
from teacherapp.courses.logic import (
    ContentProgress,
    ItemSummary,
    PupilScoreCount,
    RosterRow,
    ViewCell,
    age_in_year,
    score_counts_per_pupil,
    scoring_obstacles,
    sort_by_next_exam,
    summarise_items,
)
from teacherapp.extensions import db
from teacherapp.models import (
    ContentItem,
    ContentView,
    Course,
    CourseTeacher,
    Criterion,
    Enrolment,
    ExamMoment,
    Exemption,
    GenericTestResult,
    Pupil,
    Score,
    SkillAssessment,
    Subject,
    Submission,
    SubmissionState,
    User,
)
from teacherapp.permissions import teacher_courses_query, visible_courses_query
from teacherapp.progress import (
    SittingProgress,
    load_course_scoring_data,
    load_sitting_progress,
    next_exam_moments,
)
from teacherapp.rules import (
    Eligibility,
    Mark,
    Result,
    SubjectRule,
    final_subject_result,
    school_year_warnings,
    sitting_result,
)

# ---------------------------------------------------------------- my courses


@dataclass
class CourseCard:
    course: Course
    pupils: int
    unpaid: int
    sittings: list[SittingProgress]
    next_exam: ExamMoment | None


def load_course_cards(user: User, today: date) -> list[CourseCard]:
    """The user's courses as cards, soonest exam moment first."""
    courses = db.session.scalars(
        visible_courses_query(user)
        .options(joinedload(Course.course_type), joinedload(Course.school))
    ).unique().all()
    ids = [c.id for c in courses]
    if not ids:
        return []
    counts = {
        row.course_id: (row.pupils, row.unpaid)
        for row in db.session.execute(
            select(Enrolment.course_id, func.count(Enrolment.id).label("pupils"),
                   func.sum(case((Enrolment.paid_at.is_(None), 1), else_=0)).label("unpaid"))
            .where(Enrolment.course_id.in_(ids)).group_by(Enrolment.course_id)
        )
    }
    progress = load_sitting_progress(ids)
    moments = next_exam_moments(ids, today)
    by_id = {c.id: c for c in courses}
    order = sort_by_next_exam(
        ids, {cid: m.exam_date for cid, m in moments.items()},
        {c.id: (c.start_date, c.course_type.name, c.group_name, c.id) for c in courses},
    )
    return [
        CourseCard(by_id[cid], int(counts.get(cid, (0, 0))[0]),
                   int(counts.get(cid, (0, 0))[1] or 0),
                   [progress[(cid, 1)], progress[(cid, 2)]], moments.get(cid))
        for cid in order
    ]


def count_unrecognised_links(teacher: User) -> int:
    """Courses linked to this teacher that stay hidden because the recognition is missing."""
    linked = db.session.scalar(
        select(func.count(CourseTeacher.id)).where(CourseTeacher.teacher_id == teacher.id)
    ) or 0
    visible = db.session.scalar(
        select(func.count()).select_from(teacher_courses_query(teacher).subquery())
    ) or 0
    return linked - visible


# ---------------------------------------------------------------- roster


def load_reopened_submissions(course_id: int) -> list[Submission]:
    """The course's sittings the secretariat reopened (with its reason), 1st sitting first."""
    return list(db.session.scalars(
        select(Submission).where(Submission.course_id == course_id,
                                 Submission.state == SubmissionState.REOPENED)
        .order_by(Submission.sitting)))


@cache
def _roster_statements() -> tuple[Select, Select]:
    """The roster's own reads (`:course_id`, `:course_type_id`), built once per process, as
    `progress._scoring_statements` (building them per request cost more than running them)."""
    course_id, course_type_id = bindparam("course_id"), bindparam("course_type_id")
    # Columns, not Enrolment and Pupil objects: the ORM's identity map and instance state for
    # 60 objects were a tenth of the roster's time, and nothing here changes them.
    content_items = (select(func.count(ContentItem.id))
                     .where(ContentItem.course_type_id == course_type_id))
    generic_test = (select(func.max(case((GenericTestResult.passed.is_(True), 1), else_=0)))
                    .where(GenericTestResult.enrolment_id == Enrolment.id))
    enrolments = (
        select(Enrolment.id, Enrolment.paid_at, Enrolment.passed_before, Enrolment.phasing_out,
               Pupil.id.label("pupil_id"), Pupil.first_name, Pupil.last_name,
               Pupil.vts_account_id, Pupil.birth_date, Enrolment.admitted_minimum_age,
               Enrolment.school_grade, Enrolment.school_semester,
               Enrolment.curriculum_completed_on, Enrolment.admission_requirement_met,
               generic_test.scalar_subquery().label("generic_test"),
               # On every row, so that the roster needs no round trip of its own for it.
               content_items.scalar_subquery().label("content_items"))
        .join(Pupil, Pupil.id == Enrolment.pupil_id)
        .where(Enrolment.course_id == course_id)
        .order_by(Pupil.last_name, Pupil.first_name, Enrolment.id)
    )
    views = (
        select(ContentView.pupil_id, func.count(ContentView.id).label("viewed"),
               func.sum(case((ContentView.completed.is_(True), 1), else_=0)).label("completed"))
        .join(ContentItem, ContentItem.id == ContentView.content_item_id)
        # Pupils through IN (their enrolments), not a join: the index on
        # content_view.pupil_id then drives the query, 30 pupils instead of every view
        # of the course type (profiled: half the roster's time on 150,000 views).
        .where(ContentView.pupil_id.in_(
                   select(Enrolment.pupil_id).where(Enrolment.course_id == course_id)),
               ContentItem.course_type_id == course_type_id)
        .group_by(ContentView.pupil_id)
    )
    return enrolments, views


def load_roster(course: Course) -> list[RosterRow]:
    """Every pupil of the course, sorted by name, with status, scores and content progress."""
    enrolments_query, views_query = _roster_statements()
    params = {"course_id": course.id, "course_type_id": course.course_type_id}
    enrolments = db.session.execute(enrolments_query, params).all()
    start_year = course.start_year
    # Every reason a pupil cannot be scored; none: the pupil can (as `rules.scoring_refusal`
    # decides), so the scoring data needs no enrolment query of its own.
    obstacles = {
        row.id: scoring_obstacles(is_paid=row.paid_at is not None, birth_date=row.birth_date,
                                  course_start_year=start_year,
                                  minimum_age=_minimum_age(course, row.admitted_minimum_age),
                                  passed_before=row.passed_before)
        for row in enrolments
    }
    scorable = sorted(enrolment_id for enrolment_id, found in obstacles.items() if not found)
    data = load_course_scoring_data([course.id], scorable={course.id: scorable})
    scorable = data.scorable[course.id]
    score_counts = score_counts_per_pupil(scorable, data.subjects[course.id], data.marks,
                                          data.exemptions,
                                          data.first_sitting_submitted(course.id))
    # Exempt subjects' names from what the scoring data already read (no query of its own),
    # in the subjects' order.
    order = {rule.subject_id: i for i, rule in enumerate(data.subjects[course.id])}
    exempt_subjects: dict[int, list[str]] = defaultdict(list)
    for enrolment_id, subject_id in sorted(
        (pair for pair in data.exemptions if pair[1] in order), key=lambda pair: order[pair[1]]
    ):
        exempt_subjects[enrolment_id].append(data.subject_names[subject_id])
    total = enrolments[0].content_items if enrolments else 0
    views = {
        pupil_id: (viewed, int(completed or 0))
        for pupil_id, viewed, completed in db.session.execute(views_query, params)
    }
    rows = []
    for row in enrolments:
        viewed, completed = views.get(row.pupil_id, (0, 0))
        is_paid = row.paid_at is not None
        rows.append(RosterRow(
            enrolment_id=row.id,
            first_name=row.first_name,
            last_name=row.last_name,
            vts_account_id=row.vts_account_id,
            birth_date=row.birth_date,
            age_in_start_year=age_in_year(row.birth_date, start_year),
            is_paid=is_paid,
            paid_at=row.paid_at,
            passed_before=row.passed_before,
            phasing_out=row.phasing_out,
            obstacles=obstacles[row.id],
            exemptions=exempt_subjects.get(row.id, []),
            content=ContentProgress(viewed, completed, total),
            scores=score_counts.get(row.id, PupilScoreCount({}, {})),
            **_regulation_facts(course, row),
        ))
    return rows


def _minimum_age(course: Course, admitted_minimum_age: int | None) -> int:
    """The age rule the enrolment was admitted under (the type's today for an older one)."""
    return admitted_minimum_age if admitted_minimum_age is not None \
        else course.course_type.minimum_age


def _regulation_facts(course: Course, row) -> dict:  # noqa: ANN001 (an enrolment row)
    """What the regulation adds to a roster row: school year, generic test, BK curriculum,
    sport-technical admission requirements."""
    return {
        "track": course.track,
        "minimum_age": _minimum_age(course, row.admitted_minimum_age),
        "school_grade": row.school_grade, "school_semester": row.school_semester,
        "school_year_warnings": school_year_warnings(course.course_type.code, course.track,
                                                     row.school_grade, row.school_semester),
        "generic_test": None if row.generic_test is None else bool(row.generic_test),
        "curriculum_completed_on": row.curriculum_completed_on,
        "admission_requirement": course.course_type.admission_requirement,
        "admission_requirement_met": row.admission_requirement_met,
    }


# ---------------------------------------------------------------- one pupil


@dataclass
class SubjectLine:
    subject: Subject
    marks: dict[int, Score | None]  # sitting -> score
    results: dict[int, Result]  # sitting -> result
    final: Result
    exemption: Exemption | None


@dataclass
class ContentLine:
    item: ContentItem
    view: ContentView | None


@dataclass
class PupilDetail:
    enrolment: Enrolment
    pupil: Pupil
    row: RosterRow
    subjects: list[SubjectLine]
    assessments: list[SkillAssessment]
    content: list[ContentLine] = field(default_factory=list)
    eligibility: Eligibility | None = None  # the whole enrolment's (certificates.py)
    generic_tests: list[GenericTestResult] = field(default_factory=list)


def _mark(score: Score | None) -> Mark | None:
    return None if score is None else Mark(score.value, score.absence)


def load_pupil_detail(course: Course, enrolment: Enrolment) -> PupilDetail:
    """Everything about one pupil in this course: status, scores, exemptions, rubrics, content."""
    pupil = enrolment.pupil
    subjects = db.session.scalars(
        select(Subject).where(Subject.course_id == course.id)
        .order_by(Subject.position, Subject.id)
    ).all()
    scores = {(s.subject_id, s.sitting): s for s in db.session.scalars(
        select(Score).where(Score.enrolment_id == enrolment.id))}
    exemptions = {e.subject_id: e for e in db.session.scalars(
        select(Exemption).where(Exemption.enrolment_id == enrolment.id))}
    lines = []
    for subject in subjects:
        exempt = subject.id in exemptions
        first, second = scores.get((subject.id, 1)), scores.get((subject.id, 2))
        lines.append(SubjectLine(
            subject=subject,
            marks={1: first, 2: second},
            results={1: sitting_result(_mark(first), subject.pass_mark, exempt),
                     2: sitting_result(_mark(second), subject.pass_mark, exempt)},
            final=final_subject_result(_mark(first), _mark(second), subject.pass_mark, exempt),
            exemption=exemptions.get(subject.id),
        ))
    assessments = db.session.scalars(
        select(SkillAssessment)
        .join(Criterion, Criterion.id == SkillAssessment.criterion_id)
        .where(SkillAssessment.enrolment_id == enrolment.id)
        .options(joinedload(SkillAssessment.criterion).joinedload(Criterion.rubric),
                 joinedload(SkillAssessment.level), joinedload(SkillAssessment.assessed_by))
        .order_by(Criterion.rubric_id, Criterion.position, SkillAssessment.context)
    ).all()
    items = db.session.scalars(
        select(ContentItem).where(ContentItem.course_type_id == course.course_type_id)
        .order_by(ContentItem.position, ContentItem.id)
    ).all()
    views = {v.content_item_id: v for v in db.session.scalars(
        select(ContentView).where(ContentView.pupil_id == pupil.id,
                                  ContentView.content_item_id.in_([i.id for i in items])))}
    content = [ContentLine(item, views.get(item.id)) for item in items]
    score_counts = score_counts_per_pupil(
        [enrolment.id],
        [_rule(s) for s in subjects],
        {(enrolment.id, sid, sitting): _mark(s) for (sid, sitting), s in scores.items()},
        [(enrolment.id, sid) for sid in exemptions],
        db.session.scalar(select(Submission.id).where(
            Submission.course_id == course.id, Submission.sitting == 1,
            Submission.state == SubmissionState.SUBMITTED)) is not None,
    )
    obstacles = scoring_obstacles(
        is_paid=enrolment.is_paid, birth_date=pupil.birth_date,
        course_start_year=course.start_year,
        minimum_age=_minimum_age(course, enrolment.admitted_minimum_age),
        passed_before=enrolment.passed_before)
    tests = db.session.scalars(
        select(GenericTestResult).where(GenericTestResult.enrolment_id == enrolment.id)
        .order_by(GenericTestResult.taken_at)).all()
    facts = SimpleNamespace(
        admitted_minimum_age=enrolment.admitted_minimum_age,
        school_grade=enrolment.school_grade, school_semester=enrolment.school_semester,
        curriculum_completed_on=enrolment.curriculum_completed_on,
        admission_requirement_met=enrolment.admission_requirement_met,
        generic_test=max((t.passed for t in tests), default=None))
    row = RosterRow(
        enrolment_id=enrolment.id, first_name=pupil.first_name, last_name=pupil.last_name,
        vts_account_id=pupil.vts_account_id, birth_date=pupil.birth_date,
        age_in_start_year=age_in_year(pupil.birth_date, course.start_year),
        is_paid=enrolment.is_paid, paid_at=enrolment.paid_at,
        passed_before=enrolment.passed_before, phasing_out=enrolment.phasing_out,
        obstacles=obstacles,
        exemptions=[line.subject.name for line in lines if line.exemption],
        content=ContentProgress(sum(1 for c in content if c.view),
                                sum(1 for c in content if c.view and c.view.completed),
                                len(items)),
        scores=score_counts[enrolment.id] if not obstacles else PupilScoreCount({}, {}),
        **_regulation_facts(course, facts),
    )
    return PupilDetail(enrolment, pupil, row, lines, list(assessments), content,
                       eligibility=load_eligibility([enrolment.id])[enrolment.id],
                       generic_tests=list(tests))


def _rule(subject: Subject) -> SubjectRule:
    return SubjectRule(subject.id, subject.pass_mark)


# ---------------------------------------------------------------- content overview


@dataclass
class ContentOverview:
    items: list[ContentItem]
    pupils: list[tuple[Enrolment, Pupil]]
    cells: dict[tuple[int, int], ViewCell]  # (pupil id, item id)
    summaries: list[ItemSummary]
    progress: dict[int, ContentProgress]  # enrolment id -> progress

    @property
    def pupil_names(self) -> dict[int, str]:
        return {e.id: p.full_name for e, p in self.pupils}

    @property
    def fully_viewed(self) -> int:
        return sum(1 for p in self.progress.values() if p.total and p.viewed_all)


def load_content_overview(course: Course) -> ContentOverview:
    """Who viewed which content item of the course's type: three queries, whatever the size."""
    items = db.session.scalars(
        select(ContentItem).where(ContentItem.course_type_id == course.course_type_id)
        .order_by(ContentItem.position, ContentItem.id)
    ).all()
    pupils = [tuple(row) for row in db.session.execute(
        select(Enrolment, Pupil).join(Pupil, Pupil.id == Enrolment.pupil_id)
        .where(Enrolment.course_id == course.id)
        .order_by(Pupil.last_name, Pupil.first_name, Enrolment.id)
    ).all()]
    cells: dict[tuple[int, int], ViewCell] = {}
    for view in db.session.scalars(
        select(ContentView)
        .join(ContentItem, ContentItem.id == ContentView.content_item_id)
        .join(Enrolment, Enrolment.pupil_id == ContentView.pupil_id)
        .where(Enrolment.course_id == course.id,
               ContentItem.course_type_id == course.course_type_id)
    ):
        cells[(view.pupil_id, view.content_item_id)] = ViewCell(
            view.progress, view.completed, view.first_viewed_at, view.last_viewed_at)
    summaries = summarise_items(
        [(i.id, i.title, i.kind.value) for i in items],
        [(e.id, p.id) for e, p in pupils], cells)
    progress = {}
    for enrolment, pupil in pupils:
        mine = [cells[(pupil.id, i.id)] for i in items if (pupil.id, i.id) in cells]
        progress[enrolment.id] = ContentProgress(len(mine), sum(c.completed for c in mine),
                                                 len(items))
    return ContentOverview(list(items), pupils, cells, summaries, progress)

