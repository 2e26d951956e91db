"""The year overview: one row per course, how far scoring is, and what needs attention.

Built for a year of 1,000 courses: the filters, the sort and the page run in SQL (one query
for the page's courses, one for the totals per school), and only the page's 50 courses get
their scoring progress and warnings worked out. A fixed number of queries, whatever the
number of courses.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased, joinedload

from teacherapp.certificates import load_eligibility
from teacherapp.extensions import db
from teacherapp.models import (
    Course,
    CourseTeacher,
    CourseType,
    Enrolment,
    ExamMoment,
    School,
    Subject,
    Submission,
    SubmissionState,
    User,
)
from teacherapp.permissions import recognised_for_course_type
from teacherapp.progress import SittingProgress, load_sitting_progress
from teacherapp.rules import SchoolYearWarning, needs_justification, school_year_warnings

PAGE_SIZE = 50


class CourseWarning(enum.StrEnum):
    UNDER_TEN = "under_ten"  # track 1 under 10 pupils without a justification
    TRACK_2_BEFORE_SIXTH = "track_2_before_sixth"  # pupils below the 6th year on track 2
    SCHOOL_YEAR = "school_year"  # pupils outside the regulation's table of school years
    NO_TEACHER = "no_teacher"
    NO_SUBJECTS = "no_subjects"
    NO_EXAM_MOMENT = "no_exam_moment"


class SortKey(enum.StrEnum):
    SCHOOL = "school"
    COURSE = "course"
    COURSE_TYPE = "type"
    TRACK = "track"
    START = "start"
    PUPILS = "pupils"
    UNPAID = "unpaid"
    FIRST_SITTING = "sitting1"
    SECOND_SITTING = "sitting2"


@dataclass(frozen=True)
class OverviewFilters:
    school_year: str | None = None
    school_id: int | None = None
    course_type_id: int | None = None
    trimester: int | None = None
    track: int | None = None
    search: str = ""
    # A school coordinator's overview: only these schools' courses (None: every school).
    school_ids: tuple[int, ...] | None = None



@dataclass(frozen=True)
class OverviewOrder:
    sort: SortKey = SortKey.SCHOOL
    descending: bool = False
    page: int = 1


@dataclass
class CourseLine:
    course: Course
    pupils: int
    unpaid: int
    progress: dict[int, SittingProgress]
    warnings: list[tuple[CourseWarning, dict]] = field(default_factory=list)
    eligible: int = 0  # pupils eligible for the certificate (certificates.load_eligibility)


@dataclass
class SchoolTotal:
    school_id: int | None
    name: str
    courses: int = 0
    pupils: int = 0
    unpaid: int = 0
    submitted: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0})


@dataclass
class OverviewPage:
    lines: list[CourseLine]
    totals: list[SchoolTotal]  # per school, over every page
    overall: SchoolTotal
    page: int
    pages: int

    @property
    def courses(self) -> int:
        return self.overall.courses


def filter_choices(school_ids: tuple[int, ...] | None = None
                   ) -> tuple[list[str], list[School], list[CourseType]]:
    """The filters' choices; limited to these schools (and their courses' years) if given."""
    years_query = select(Course.school_year).distinct().order_by(Course.school_year.desc())
    schools_query = select(School).order_by(School.name)
    if school_ids is not None:
        years_query = years_query.where(Course.school_id.in_(school_ids))
        schools_query = schools_query.where(School.id.in_(school_ids))
    years = list(db.session.scalars(years_query))
    schools = list(db.session.scalars(schools_query))
    types = list(db.session.scalars(select(CourseType).order_by(CourseType.name)))
    return years, schools, types


def _submission_rank(state_column):
    """Sorts a sitting's state: not submitted, then reopened, then submitted."""
    return case((state_column == SubmissionState.SUBMITTED, 2),
                (state_column == SubmissionState.REOPENED, 1), else_=0)


def _course_rows(filters: OverviewFilters):
    """Columns per matching course (pupils, unpaid, both sittings' state), and the sort
    expressions over them; one statement the page and the totals both select from."""
    counts = (select(Enrolment.course_id, func.count(Enrolment.id).label("pupils"),
                     func.sum(case((Enrolment.paid_at.is_(None), 1), else_=0)).label("unpaid"))
              .group_by(Enrolment.course_id).subquery())
    first, second = aliased(Submission), aliased(Submission)
    pupils = func.coalesce(counts.c.pupils, 0)
    unpaid = func.coalesce(counts.c.unpaid, 0)
    stmt = (
        select(Course.id, School.id.label("school_id"), School.name.label("school_name"),
               pupils.label("pupils"), unpaid.label("unpaid"),
               first.state.label("first_state"), second.state.label("second_state"))
        .join(School, School.id == Course.school_id)
        .join(CourseType, CourseType.id == Course.course_type_id)
        .outerjoin(counts, counts.c.course_id == Course.id)
        .outerjoin(first, and_(first.course_id == Course.id, first.sitting == 1))
        .outerjoin(second, and_(second.course_id == Course.id, second.sitting == 2))
    )
    if filters.school_year:
        stmt = stmt.where(Course.school_year == filters.school_year)
    if filters.school_id:
        stmt = stmt.where(Course.school_id == filters.school_id)
    if filters.school_ids is not None:
        stmt = stmt.where(Course.school_id.in_(filters.school_ids))
    if filters.course_type_id:
        stmt = stmt.where(Course.course_type_id == filters.course_type_id)
    if filters.track:
        stmt = stmt.where(Course.track == filters.track)
    if filters.trimester:
        stmt = stmt.where(exists().where(ExamMoment.subject_id == Subject.id,
                                         Subject.course_id == Course.id,
                                         ExamMoment.trimester == filters.trimester))
    if filters.search:
        stmt = stmt.where(School.name.icontains(filters.search, autoescape=True)
                          | CourseType.name.icontains(filters.search, autoescape=True)
                          | Course.group_name.icontains(filters.search, autoescape=True))
    sorts = {
        SortKey.SCHOOL: (School.name, Course.start_date),
        SortKey.COURSE: (CourseType.name, Course.group_name),
        SortKey.COURSE_TYPE: (CourseType.name, School.name),
        SortKey.TRACK: (Course.track, School.name),
        SortKey.START: (Course.start_date, School.name),
        SortKey.PUPILS: (pupils, School.name),
        SortKey.UNPAID: (unpaid, School.name),
        SortKey.FIRST_SITTING: (_submission_rank(first.state), School.name),
        SortKey.SECOND_SITTING: (_submission_rank(second.state), School.name),
    }
    return stmt, sorts


def load_overview(filters: OverviewFilters, order: OverviewOrder = OverviewOrder(),
                  page_size: int = PAGE_SIZE) -> OverviewPage:
    rows, sorts = _course_rows(filters)
    listed = rows.subquery()
    totals = []
    for school_id, name, courses, pupils, unpaid, first, second in db.session.execute(
        select(listed.c.school_id, listed.c.school_name, func.count(),
               func.sum(listed.c.pupils), func.sum(listed.c.unpaid),
               func.sum(case((listed.c.first_state == SubmissionState.SUBMITTED, 1), else_=0)),
               func.sum(case((listed.c.second_state == SubmissionState.SUBMITTED, 1), else_=0)))
        .group_by(listed.c.school_id, listed.c.school_name).order_by(listed.c.school_name)
    ):
        totals.append(SchoolTotal(school_id, name, int(courses), int(pupils or 0),
                                  int(unpaid or 0), {1: int(first or 0), 2: int(second or 0)}))
    overall = SchoolTotal(None, "", sum(t.courses for t in totals),
                          sum(t.pupils for t in totals), sum(t.unpaid for t in totals),
                          {s: sum(t.submitted[s] for t in totals) for s in (1, 2)})
    pages = max(1, math.ceil(overall.courses / page_size))
    page = min(max(order.page, 1), pages)
    keys = [k.desc() if order.descending else k.asc() for k in sorts[order.sort]]
    page_rows = db.session.execute(
        rows.order_by(*keys, Course.id).limit(page_size).offset((page - 1) * page_size)).all()
    lines = _lines([row.id for row in page_rows],
                   {row.id: (int(row.pupils), int(row.unpaid)) for row in page_rows})
    return OverviewPage(lines, totals, overall, page, pages)


def _lines(ids: list[int], counts: dict[int, tuple[int, int]]) -> list[CourseLine]:
    """The page's courses in the given order, with progress per sitting and warnings."""
    if not ids:
        return []
    courses = {c.id: c for c in db.session.scalars(
        select(Course).where(Course.id.in_(ids))
        .options(joinedload(Course.course_type), joinedload(Course.school)))}
    with_teacher = set(db.session.scalars(
        select(CourseTeacher.course_id).distinct()
        .join(Course, Course.id == CourseTeacher.course_id)
        .join(User, User.id == CourseTeacher.teacher_id)
        .where(CourseTeacher.course_id.in_(ids), User.active.is_(True),
               recognised_for_course_type())))
    moments: dict[int, list[tuple[str, set[int]]]] = defaultdict(list)
    subject_sittings: dict[int, set[int]] = defaultdict(set)
    names: dict[int, tuple[int, str]] = {}
    for subject_id, course_id, name, sitting in db.session.execute(
        select(Subject.id, Subject.course_id, Subject.name, ExamMoment.sitting)
        .outerjoin(ExamMoment, ExamMoment.subject_id == Subject.id)
        .where(Subject.course_id.in_(ids)).order_by(Subject.position, Subject.id)
    ):
        names[subject_id] = (course_id, name)
        if sitting is not None:
            subject_sittings[subject_id].add(sitting)
    for subject_id, (course_id, name) in names.items():
        moments[course_id].append((name, subject_sittings[subject_id]))
    progress = load_sitting_progress(ids)
    # Over every enrolment of these courses, whatever the filters (never a filtered view).
    enrolment_ids = select(Enrolment.id).where(Enrolment.course_id.in_(ids))
    eligible: dict[int, int] = defaultdict(int)
    eligibility = load_eligibility(enrolment_ids)
    year_warnings: dict[int, dict[SchoolYearWarning, int]] = defaultdict(lambda: defaultdict(int))
    by_id = courses
    for enrolment_id, course_id, grade, semester in db.session.execute(
            select(Enrolment.id, Enrolment.course_id, Enrolment.school_grade,
                   Enrolment.school_semester).where(Enrolment.course_id.in_(ids))):
        course = by_id[course_id]
        if eligibility[enrolment_id].eligible:
            eligible[course_id] += 1
        for warning in school_year_warnings(course.course_type.code, course.track, grade,
                                            semester):
            year_warnings[course_id][warning] += 1
    lines = []
    for course_id in ids:
        course = courses[course_id]
        pupils, unpaid = counts[course_id]
        line = CourseLine(course, pupils, unpaid,
                          {s: progress[(course_id, s)] for s in (1, 2)},
                          eligible=eligible[course_id])
        line.warnings = course_warnings(course.track, pupils,
                                        bool(course.justification_under_ten),
                                        course_id in with_teacher, moments[course_id])
        found = year_warnings[course_id]
        if found.get(SchoolYearWarning.TRACK_2_BEFORE_SIXTH):
            line.warnings.append((CourseWarning.TRACK_2_BEFORE_SIXTH,
                                  {"count": found[SchoolYearWarning.TRACK_2_BEFORE_SIXTH]}))
        outside = (found.get(SchoolYearWarning.BEFORE_TABLE, 0)
                   + found.get(SchoolYearWarning.AFTER_TABLE, 0))
        if outside:
            line.warnings.append((CourseWarning.SCHOOL_YEAR, {"count": outside}))
        lines.append(line)
    return lines


def course_warnings(track: int, pupils: int, justified: bool, has_teacher: bool,
                    subjects: list[tuple[str, set[int]]]) -> list[tuple[CourseWarning, dict]]:
    """What the secretariat should look at: too few pupils, no teacher, no subjects, and
    every subject without an exam moment in a sitting."""
    warnings: list[tuple[CourseWarning, dict]] = []
    if needs_justification(track, pupils):
        warnings.append((CourseWarning.UNDER_TEN, {"count": pupils, "justified": justified}))
    if not has_teacher:
        warnings.append((CourseWarning.NO_TEACHER, {}))
    if not subjects:
        warnings.append((CourseWarning.NO_SUBJECTS, {}))
    for name, sittings in subjects:
        for sitting in (1, 2):
            if sitting not in sittings:
                warnings.append((CourseWarning.NO_EXAM_MOMENT,
                                 {"subject": name, "sitting": sitting}))
    return warnings
