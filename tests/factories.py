"""Plain builders for test data. Each returns a flushed model; tests commit when needed."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from teacherapp.extensions import db
from teacherapp.models import (
    Course,
    CourseTeacher,
    CourseType,
    Criterion,
    Enrolment,
    ExamMoment,
    Level,
    PaymentMethod,
    Pupil,
    Recognition,
    RecognitionBasis,
    Role,
    Rubric,
    School,
    SchoolMembership,
    Subject,
    SubjectKind,
    User,
)
from teacherapp.passwords import hash_password

PASSWORD = "correct-horse-battery-staple"
_PASSWORD_HASH: str | None = None
_counter = itertools.count(1)


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def _n() -> int:
    return next(_counter)


def school(**kw) -> School:
    n = _n()
    obj = School(name=kw.pop("name", f"School {n}"), city=kw.pop("city", "Gent"),
                 institution_number=kw.pop("institution_number", f"{n:06d}"), **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def course_type(code: str | None = None, **kw) -> CourseType:
    code = code or f"T{_n()}"
    obj = CourseType(code=code, name=kw.pop("name", f"Course type {code}"),
                     hours=kw.pop("hours", 15), minimum_age=kw.pop("minimum_age", 15),
                     fee=kw.pop("fee", Decimal(15)), refresher_group=kw.pop("refresher_group", code),
                     **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def user(role: Role = Role.TEACHER, **kw) -> User:
    n = _n()
    obj = User(email=kw.pop("email", f"user{n}@example.com"),
               full_name=kw.pop("full_name", f"User {n}"), role=role,
               password_hash=_password_hash(), **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def teacher(recognised_for: list[CourseType] | None = None, **kw) -> User:
    obj = user(Role.TEACHER, **kw)
    for ct in recognised_for or []:
        recognise(obj, ct)
    return obj


def secretariat(**kw) -> User:
    return user(Role.SECRETARIAT, **kw)


def coordinator(schools: list[School] = (), **kw) -> User:
    """A school coordinator of these schools."""
    obj = user(Role.SCHOOL_COORDINATOR, **kw)
    for school_ in schools:
        member(obj, school_)
    return obj


def member(user_: User, school_: School) -> SchoolMembership:
    obj = SchoolMembership(user_id=user_.id, school_id=school_.id)
    db.session.add(obj)
    db.session.flush()
    return obj


def recognise(teacher_: User, ct: CourseType,
              basis: RecognitionBasis = RecognitionBasis.LO_QUALIFICATION) -> Recognition:
    obj = Recognition(teacher_id=teacher_.id, course_type_id=ct.id, basis=basis,
                      refresher_training_date=date(2026, 6, 1))
    db.session.add(obj)
    db.session.flush()
    return obj


def course(ct: CourseType | None = None, school_: School | None = None, *,
           teachers: list[User] = (), track: int = 1, start: date = date(2026, 9, 14),
           **kw) -> Course:
    obj = Course(course_type=ct or course_type(), school=school_ or school(),
                 school_year=kw.pop("school_year", "2026-2027"), track=track, start_date=start,
                 group_name=kw.pop("group_name", "5 Sport"), **kw)
    db.session.add(obj)
    db.session.flush()
    for t in teachers:
        link(obj, t)
    return obj


def link(course_: Course, teacher_: User) -> CourseTeacher:
    obj = CourseTeacher(course_id=course_.id, teacher_id=teacher_.id)
    db.session.add(obj)
    db.session.flush()
    return obj


def pupil(school_: School | None = None, **kw) -> Pupil:
    n = _n()
    obj = Pupil(first_name=kw.pop("first_name", f"Pupil{n}"), last_name=kw.pop("last_name", "Test"),
                birth_date=kw.pop("birth_date", date(2009, 5, 1)), school=school_ or school(),
                vts_account_id=kw.pop("vts_account_id", f"VTS-T{n}"), **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def enrolment(course_: Course, pupil_: Pupil | None = None, *, paid: bool = True,
              **kw) -> Enrolment:
    pupil_ = pupil_ or pupil(course_.school)
    obj = Enrolment(pupil=pupil_, course=course_, **kw)
    if paid:
        obj.paid_at = datetime(2026, 9, 25, tzinfo=UTC)
        obj.payment_method = PaymentMethod.INDIVIDUAL
    db.session.add(obj)
    db.session.flush()
    return obj


def subject(course_: Course, name: str | None = None, *, kind: SubjectKind = SubjectKind.THEORY,
            maximum: int | Decimal = 20, pass_mark: int | Decimal = 10, position: int | None = None,
            rubric: Rubric | None = None, exam_dates: tuple[date, date] | None = None) -> Subject:
    n = _n()
    obj = Subject(course=course_, name=name or f"Subject {n}", kind=kind,
                  maximum=Decimal(maximum), pass_mark=Decimal(pass_mark),
                  position=position if position is not None else n, rubric=rubric)
    db.session.add(obj)
    db.session.flush()
    if exam_dates:
        for sitting, day in enumerate(exam_dates, start=1):
            db.session.add(ExamMoment(subject_id=obj.id, sitting=sitting, exam_date=day,
                                      trimester=1 if day.month >= 9 else 2))
        db.session.flush()
    return obj


def rubric(ct: CourseType, criteria: int = 4, levels: int = 4) -> Rubric:
    obj = Rubric(course_type=ct, name=f"Rubric {_n()}")
    for position in range(1, criteria + 1):
        criterion = Criterion(name=f"Skill {position}", description="", position=position)
        for rank in range(1, levels + 1):
            criterion.levels.append(Level(rank=rank, label=f"Level {rank}",
                                          descriptor=f"Descriptor {position}.{rank}",
                                          points=Decimal(rank - 1)))
        obj.criteria.append(criterion)
    db.session.add(obj)
    db.session.flush()
    return obj
