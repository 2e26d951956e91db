from __future__ import annotations

from teacherapp.demo import DEMO_LOGINS
from teacherapp.extensions import db
from teacherapp.models import (
    ContentView,
    Course,
    Enrolment,
    ExamMoment,
    Exemption,
    Pupil,
    Role,
    Rubric,
    School,
    User,
)
from teacherapp.permissions import teacher_courses_query


def test_seed_demo_creates_realistic_data_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data created." in result.output
    counts = {m.__name__: db.session.query(m).count()
              for m in (School, Course, Pupil, Enrolment, ExamMoment, Exemption, ContentView)}
    assert counts["School"] == 2
    assert 55 <= counts["Pupil"] <= 65
    assert counts["Exemption"] >= 2
    assert counts["ContentView"] > 100
    courses = db.session.query(Course).all()
    assert {c.track for c in courses} == {1, 2}
    assert len({c.course_type_id for c in courses}) >= 3
    assert db.session.query(Enrolment).filter(Enrolment.paid_at.is_(None)).count() >= 1
    assert db.session.query(Enrolment).filter_by(passed_before=True).count() >= 1
    too_young = [e for e in db.session.query(Enrolment)
                 if e.course.start_year - e.pupil.birth_date.year < e.course.course_type.minimum_age]
    assert len(too_young) >= 1
    for rubric in db.session.query(Rubric):
        assert 4 <= len(rubric.criteria) <= 6
        assert all(len(c.levels) == 4 and all(lv.descriptor for lv in c.levels)
                   for c in rubric.criteria)
    assert {(m.sitting) for m in db.session.query(ExamMoment)} == {1, 2}

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "already present" in again.output
    assert db.session.query(Pupil).count() == counts["Pupil"]


def test_demo_teachers_see_what_the_readme_says(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    users = {u.email: u for u in db.session.query(User)}
    an, bram, els = (users[login.email] for login in DEMO_LOGINS[1:4])
    an_courses = db.session.scalars(teacher_courses_query(an)).all()
    bram_courses = db.session.scalars(teacher_courses_query(bram)).all()
    assert {c.course_type.code for c in an_courses} == {"S2C", "HR"}
    assert {c.course_type.code for c in bram_courses} == {"C4S", "S2C"}
    assert not set(an_courses) & set(bram_courses)
    assert db.session.scalars(teacher_courses_query(els)).all() == []


def test_create_user(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "nieuw@school.test", "--name", "Nieuwe Leerkracht",
                                 "--role", "teacher", "--password", "een-lang-wachtwoord-99"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="nieuw@school.test").one()
    assert user.role == Role.TEACHER
    assert user.password_hash.startswith("$argon2id$")


def test_create_user_refuses_a_short_password_and_a_duplicate(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["create-user", "--email", "a@b.test", "--name", "A", "--role",
                                "teacher", "--password", "kort"])
    assert short.exit_code != 0
    assert "12 characters" in short.output
    ok = ["create-user", "--email", "a@b.test", "--name", "A", "--role", "teacher",
          "--password", "een-lang-wachtwoord-99"]
    assert runner.invoke(args=ok).exit_code == 0
    duplicate = runner.invoke(args=ok)
    assert duplicate.exit_code != 0
    assert "already exists" in duplicate.output
    assert db.session.query(User).count() == 1


def test_prune_saves_forgets_old_answers_only(app, make):
    from datetime import timedelta

    from teacherapp.models import IdempotentSave
    from teacherapp.models.types import utcnow

    teacher = make.teacher()
    db.session.add_all([
        IdempotentSave(key="old", user_id=teacher.id, status_code=200, response_body="a",
                       created_at=utcnow() - timedelta(days=31)),
        IdempotentSave(key="recent", user_id=teacher.id, status_code=200, response_body="b",
                       created_at=utcnow() - timedelta(days=29)),
    ])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["prune-saves"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 stored answers older than 30 days." in result.output
    db.session.expire_all()
    assert [k for (k,) in db.session.query(IdempotentSave.key)] == ["recent"]
    assert app.test_cli_runner().invoke(args=["prune-saves", "--days", "-1"]).exit_code != 0


def test_demo_coordinators_see_their_own_school(app):
    from teacherapp.permissions import school_courses_query

    app.test_cli_runner().invoke(args=["seed-demo"])
    users = {u.email: u for u in db.session.query(User)}
    for login, school in zip(DEMO_LOGINS[4:], ("Sint-Jozefscollege", "Koninklijk Atheneum"),
                             strict=True):
        coordinator = users[login.email]
        assert coordinator.role == Role.SCHOOL_COORDINATOR
        courses = db.session.scalars(school_courses_query(coordinator)).all()
        assert len(courses) == 2 and {c.school.name for c in courses} == {school}


def test_create_a_school_coordinator_of_a_school(app, make):
    school = make.school(institution_number="012345")
    db.session.commit()
    runner = app.test_cli_runner()
    args = ["create-user", "--email", "spoc@school.test", "--name", "Karen Hendrickx",
            "--role", "school_coordinator", "--password", "een-lang-wachtwoord-99"]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and "--school" in refused.output
    unknown = runner.invoke(args=[*args, "--school", "999999"])
    assert unknown.exit_code != 0 and "999999" in unknown.output
    result = runner.invoke(args=[*args, "--school", "012345"])
    assert result.exit_code == 0, result.output
    from teacherapp.permissions import coordinated_school_ids

    user = db.session.query(User).filter_by(email="spoc@school.test").one()
    assert user.role == Role.SCHOOL_COORDINATOR
    assert coordinated_school_ids(user) == [school.id]
