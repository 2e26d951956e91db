"""The year overview: per course and sitting how far scoring is, and what needs attention.

A fixed number of queries whatever the number of courses: the courses, pupil counts, linked
recognised teachers, subjects' exam moments, and progress.py's own fixed set.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

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
    User,
)
from teacherapp.permissions import recognised_for_course_type
from teacherapp.progress import SittingProgress, load_sitting_progress
from teacherapp.rules import SchoolYearWarning, needs_justification, school_year_warnings


class CourseWarning(enum.StrEnum):
    UNDER_TEN = "under_ten"  # track 1 under 10 pupils without a justification
    TRACK_2_BEFORE_SIXTH = "track_2_before_sixth"  # pupils below the 6th year on track 2
    SCHOOL_YEAR = "school_year"  # pupils outside the regulation's table of school years
    NO_TEACHER = "no_teacher"
    NO_SUBJECTS = "no_subjects"
    NO_EXAM_MOMENT = "no_exam_moment"


@dataclass(frozen=True)
class OverviewFilters:
    school_year: str | None = None
    school_id: int | None = None
    course_type_id: int | None = None
    trimester: int | None = None
    # A school coordinator's overview: only these schools' courses (None: every school).
    school_ids: tuple[int, ...] | None = None


@dataclass
class CourseLine:
    course: Course
    pupils: int
    progress: dict[int, SittingProgress]
    warnings: list[tuple[CourseWarning, dict]] = field(default_factory=list)
    eligible: int = 0  # pupils eligible for the certificate (certificates.load_eligibility)


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


def load_overview(filters: OverviewFilters) -> list[CourseLine]:
    stmt = (select(Course).options(joinedload(Course.course_type), joinedload(Course.school))
            .join(School, School.id == Course.school_id)
            .order_by(School.name, Course.start_date, Course.id))
    if filters.school_year:
        stmt = stmt.where(Course.school_year == filters.school_year)
    if filters.school_id:
        stmt = stmt.where(Course.school_id == filters.school_id)
    if filters.school_ids is not None:
        stmt = stmt.where(Course.school_id.in_(filters.school_ids))
    if filters.course_type_id:
        stmt = stmt.where(Course.course_type_id == filters.course_type_id)
    if filters.trimester:
        stmt = stmt.where(exists().where(ExamMoment.subject_id == Subject.id,
                                         Subject.course_id == Course.id,
                                         ExamMoment.trimester == filters.trimester))
    courses = list(db.session.scalars(stmt).unique())
    ids = [c.id for c in courses]
    if not ids:
        return []
    pupils = dict(db.session.execute(
        select(Enrolment.course_id, func.count()).where(Enrolment.course_id.in_(ids))
        .group_by(Enrolment.course_id)).all())
    with_teacher = set(db.session.scalars(
        select(CourseTeacher.course_id).distinct()
        .join(Course, Course.id == CourseTeacher.course_id)
        .join(User, User.id == CourseTeacher.teacher_id)
        .where(CourseTeacher.course_id.in_(ids), User.active.is_(True),
               recognised_for_course_type())))
    moments: dict[int, list[tuple[str, set[int]]]] = defaultdict(list)
    subject_sittings: dict[int, set[int]] = defaultdict(set)
    subject_rows = db.session.execute(
        select(Subject.id, Subject.course_id, Subject.name, ExamMoment.sitting)
        .outerjoin(ExamMoment, ExamMoment.subject_id == Subject.id)
        .where(Subject.course_id.in_(ids)).order_by(Subject.position, Subject.id)).all()
    names: dict[int, tuple[int, str]] = {}
    for subject_id, course_id, name, sitting in subject_rows:
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
    by_id = {course.id: course for course in courses}
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
    for course in courses:
        line = CourseLine(course, pupils.get(course.id, 0),
                          {s: progress[(course.id, s)] for s in (1, 2)},
                          eligible=eligible[course.id])
        if needs_justification(course.track, line.pupils) and not course.justification_under_ten:
            line.warnings.append((CourseWarning.UNDER_TEN, {"count": line.pupils}))
        counts = year_warnings[course.id]
        if counts.get(SchoolYearWarning.TRACK_2_BEFORE_SIXTH):
            line.warnings.append((CourseWarning.TRACK_2_BEFORE_SIXTH,
                                  {"count": counts[SchoolYearWarning.TRACK_2_BEFORE_SIXTH]}))
        outside = (counts.get(SchoolYearWarning.BEFORE_TABLE, 0)
                   + counts.get(SchoolYearWarning.AFTER_TABLE, 0))
        if outside:
            line.warnings.append((CourseWarning.SCHOOL_YEAR, {"count": outside}))
        if course.id not in with_teacher:
            line.warnings.append((CourseWarning.NO_TEACHER, {}))
        if not moments[course.id]:
            line.warnings.append((CourseWarning.NO_SUBJECTS, {}))
        for name, sittings in moments[course.id]:
            for sitting in (1, 2):
                if sitting not in sittings:
                    line.warnings.append((CourseWarning.NO_EXAM_MOMENT,
                                          {"subject": name, "sitting": sitting}))
        lines.append(line)
    return lines
