"""Who may see and touch what. Every view loads its objects through these helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import BindParameter, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import joinedload

from teacherapp.extensions import db
from teacherapp.models import (
    Course,
    CourseTeacher,
    Enrolment,
    Invitation,
    Recognition,
    RecognitionBasis,
    Role,
    School,
    SchoolMembership,
    Subject,
    User,
)

F = TypeVar("F", bound=Callable[..., Any])


def role_required(role: Role) -> Callable[[F], F]:
    """Anonymous users go to the login page; the wrong role gets 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


teacher_required = role_required(Role.TEACHER)
secretariat_required = role_required(Role.SECRETARIAT)
coordinator_required = role_required(Role.SCHOOL_COORDINATOR)


# ---------------------------------------------------------------- a school coordinator's scope


def coordinated_school_ids(user: User | None = None) -> list[int]:
    """The schools this coordinator works for ([] for anyone else)."""
    user = user or current_user
    if user.role != Role.SCHOOL_COORDINATOR:
        return []
    return list(db.session.scalars(select(SchoolMembership.school_id)
                                   .where(SchoolMembership.user_id == user.id)
                                   .order_by(SchoolMembership.school_id)))


def get_coordinated_school_or_404(school_id: int | None, user: User | None = None, *,
                                  lock: bool = False) -> School:
    """One of the coordinator's schools; 404 for any other. `lock`: her membership FOR SHARE,
    so a write she makes for the school holds only while she still belongs to it."""
    user = user or current_user
    # The id comes from a form: one beyond the database's integer is no school of hers either.
    if user.role != Role.SCHOOL_COORDINATOR or school_id is None or not 0 < school_id < 2**31:
        abort(404)
    statement = (select(School).join(SchoolMembership, SchoolMembership.school_id == School.id)
                 .where(School.id == school_id, SchoolMembership.user_id == user.id))
    if lock:
        statement = statement.with_for_update(read=True)
    school = db.session.scalars(statement).first()
    if school is None:
        abort(404)
    return school


def get_school_invitation_or_404(invitation_id: int, user: User | None = None, *,
                                 lock: bool = False) -> Invitation:
    """A teacher's invitation to one of the coordinator's schools; 404 for any other."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.role != Role.TEACHER:
        abort(404)
    get_coordinated_school_or_404(invitation.school_id, user, lock=lock)
    return invitation


def school_courses_query(user: User | None = None) -> Select[tuple[Course]]:
    """The courses of the coordinator's schools: the only way to list them."""
    return select(Course).where(Course.school_id.in_(coordinated_school_ids(user)))


def get_school_course_or_404(course_id: int, user: User | None = None) -> Course:
    """A course of one of the coordinator's schools; 404 for any other, so nothing leaks."""
    course = db.session.scalars(
        school_courses_query(user).where(Course.id == course_id)
        .options(joinedload(Course.course_type), joinedload(Course.school))).first()
    if course is None:
        abort(404)
    return course


def get_school_subject_or_404(course_id: int, subject_id: int, user: User | None = None) -> Subject:
    course = get_school_course_or_404(course_id, user)
    subject = db.session.get(Subject, subject_id)
    if subject is None or subject.course_id != course.id:
        abort(404)
    return subject


def get_school_enrolment_or_404(course_id: int, enrolment_id: int,
                                user: User | None = None) -> Enrolment:
    """An enrolment in a course of one of the coordinator's schools; 404 for any other."""
    course = get_school_course_or_404(course_id, user)
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.course_id != course.id:
        abort(404)
    return enrolment


def school_teachers_query(school_id: int) -> Select[tuple[User]]:
    """The teachers of a school: on its staff, or linked to one of its courses."""
    staff = select(SchoolMembership.user_id).where(SchoolMembership.school_id == school_id)
    linked = (select(CourseTeacher.teacher_id).join(Course, Course.id == CourseTeacher.course_id)
              .where(Course.school_id == school_id))
    return (select(User).where(User.role == Role.TEACHER,
                               or_(User.id.in_(staff), User.id.in_(linked)))
            .order_by(User.full_name))


def get_school_teacher_or_404(school_id: int, teacher_id: int) -> User:
    """A teacher of this school (as school_teachers_query decides); 404 for anyone else."""
    teacher = db.session.scalars(school_teachers_query(school_id).where(User.id == teacher_id)).first()
    if teacher is None:
        abort(404)
    return teacher


def recognised_for_course_type():
    """SQL condition: the linked teacher holds a valid recognition for the course's type, on
    a basis that covers the course's track (the automatic BK recognition: track 2 only; as
    `rules.basis_covers_track`)."""
    return exists().where(
        Recognition.teacher_id == CourseTeacher.teacher_id,
        Recognition.course_type_id == Course.course_type_id,
        Recognition.revoked_at.is_(None),
        or_(Recognition.basis != RecognitionBasis.AUTOMATIC_TRACK2, Course.track == 2),
    )


def teacher_courses_query(teacher: User | BindParameter[int]) -> Select[tuple[Course]]:
    """The only way to list a teacher's courses: linked to them and recognised for the type.

    `teacher`: the user, or a bound parameter for the teacher's id (a statement built once).
    """
    teacher_id = teacher if isinstance(teacher, BindParameter) else teacher.id
    return (
        select(Course)
        .join(CourseTeacher, and_(CourseTeacher.course_id == Course.id,
                                  CourseTeacher.teacher_id == teacher_id))
        .where(recognised_for_course_type())
    )


def visible_courses_query(user: User) -> Select[tuple[Course]]:
    if user.role == Role.SECRETARIAT:
        return select(Course)
    return teacher_courses_query(user)


@cache
def _course_statement(for_teacher: bool) -> Select[tuple[Course]]:
    """One course (`:course_id`) as a teacher (`:teacher_id`) or the secretariat may see it,
    built once per process. Every course page shows the title (the course type) and most the
    school: loaded in the same query rather than by two lazy loads afterwards."""
    query = teacher_courses_query(bindparam("teacher_id")) if for_teacher else select(Course)
    return (query.where(Course.id == bindparam("course_id"))
            .options(joinedload(Course.course_type), joinedload(Course.school)))


def get_course_or_404(course_id: int, user: User | None = None) -> Course:
    """The course, if this user may see it; 404 otherwise, so nothing leaks about it."""
    user = user or current_user
    for_teacher = user.role != Role.SECRETARIAT  # as visible_courses_query decides
    course = db.session.scalars(_course_statement(for_teacher), {
        "course_id": course_id, "teacher_id": user.id}).first()
    if course is None:
        abort(404)
    return course


def get_enrolment_or_404(course_id: int, enrolment_id: int, user: User | None = None) -> Enrolment:
    course = get_course_or_404(course_id, user)
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.course_id != course.id:
        abort(404)
    return enrolment


def is_recognised_for(teacher: User, course_type_id: int) -> bool:
    return db.session.scalar(
        select(
            exists().where(
                Recognition.teacher_id == teacher.id,
                Recognition.course_type_id == course_type_id,
                Recognition.revoked_at.is_(None),
            )
        )
    ) or False


def has_any_recognition(teacher: User) -> bool:
    return db.session.scalar(
        select(exists().where(Recognition.teacher_id == teacher.id, Recognition.revoked_at.is_(None)))
    ) or False
