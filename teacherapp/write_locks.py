"""Row locks that keep a write's checks true until the write commits.

A teacher's save is allowed by facts stored in other rows: the account is active, the teacher
is linked to the course and recognised for it, the sitting is not submitted, the pupil has
paid, the subject is not exempt. Reading those facts and then writing is a race unless
nothing can change them in between. So:

- a teacher's write first locks, FOR SHARE, the rows its checks are about (the teacher, the
  course, the enrolment), then reads its checks in a new statement (on PostgreSQL under
  READ COMMITTED a new statement sees everything committed before the lock was granted), then
  writes, all in one transaction;
- every write that changes one of those facts locks the same row FOR UPDATE first (or updates
  or deletes that row, which locks it too): it waits for the saves in progress, and the saves
  that come after it wait for it and then see its change.

Shared locks do not block each other, so teachers' saves still run side by side. On SQLite the
clauses are not rendered (and a save skips its lock statement): a write request holds SQLite's
one write lock from its first statement (teacherapp.database), which serialises the same
writes.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, select

from teacherapp.extensions import db
from teacherapp.models import Course, CourseTeacher, Enrolment, Role, User


def lock_teacher_course_enrolment(user: User, course_id: int, enrolment_id: int) -> bool:
    """FOR SHARE: the (still active, same session) teacher, her link, the course, the enrolment.

    False when one of them is gone, or the account was disabled or logged out meanwhile.

    SQLite has no row locks: a write request holds its one write lock from its first
    statement (teacherapp.database), so nothing can change these rows until the save commits,
    and the cell's own SELECT checks the same facts. The statement would only repeat them.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return True
    params = _teacher_params(user, course_id) | {"enrolment_id": enrolment_id}
    return db.session.execute(_save_lock(), params).first() is not None


def _teacher_params(user: User, course_id: int) -> dict[str, int]:
    return {"user_id": user.id, "session_version": user.session_version, "course_id": course_id}


@cache
def _linked_teacher() -> Select:
    """The teacher (still active, same session), her link to the course, and the course.

    Built once; parameters :user_id, :session_version, :course_id.
    """
    return (
        select(User.id, Course.id)
        .select_from(User)
        .join(CourseTeacher, CourseTeacher.teacher_id == User.id)
        .join(Course, Course.id == CourseTeacher.course_id)
        .where(User.id == bindparam("user_id"), User.active.is_(True),
               User.role == Role.TEACHER, User.session_version == bindparam("session_version"),
               Course.id == bindparam("course_id"))
        .with_for_update(read=True)
    )


@cache
def _save_lock() -> Select:
    """`_linked_teacher` and the enrolment (:enrolment_id), FOR SHARE."""
    return (
        _linked_teacher()
        .add_columns(Enrolment.id)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.id == bindparam("enrolment_id"))
    )


def lock_for_pupil_change(user: User, course_id: int, enrolment_id: int) -> bool:
    """Before changing an exemption: the teacher and course FOR SHARE (as a save), the
    enrolment FOR UPDATE (saves of this pupil wait, then see the change).

    The shared locks come first, in their own statement, so two such writes never hold a
    shared lock on the enrolment while each waits to upgrade it. The secretariat's own
    account is not part of the checks; only the course and enrolment are locked then.
    """
    if user.role == Role.TEACHER:
        teacher = db.session.execute(_linked_teacher(), _teacher_params(user, course_id)).first()
        if teacher is None:
            return False
    else:
        db.session.execute(select(Course.id).where(Course.id == course_id)
                           .with_for_update(read=True))
    lock_enrolment(enrolment_id)
    return True


def lock_course(course_id: int) -> None:
    """FOR UPDATE: before changing what a save of this course checks (submission, links)."""
    db.session.execute(select(Course.id).where(Course.id == course_id).with_for_update())


def lock_enrolment(enrolment_id: int) -> None:
    """FOR UPDATE: before changing what a save of this pupil checks (payment, exemptions)."""
    db.session.execute(select(Enrolment.id).where(Enrolment.id == enrolment_id).with_for_update())


def lock_user(user_id: int) -> None:
    """FOR UPDATE: before changing what a save by this teacher checks (recognitions)."""
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())
