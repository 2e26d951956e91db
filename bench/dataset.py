"""A large, realistic data set, inserted in bulk (COPY on PostgreSQL, executemany on SQLite).

200 schools, 1,000 courses of 20-30 pupils (25,000 pupils), 6 subjects per course with an
exam moment in both sittings, scores in the first sitting and in the second for whoever
failed, rubric levels for the practical subjects, content views, and most courses' first
sitting submitted (the secretariat's export). The first course has 30 pupils and belongs to
the benchmark teacher. Deterministic: the same rows every time.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

from teacherapp.extensions import db
from teacherapp.passwords import hash_password

VERSION = 1  # bump when the rows change, so an old data set is rebuilt
SCHOOLS = 200
COURSES = 1000
SUBJECTS_PER_COURSE = 6
CONTENT_PER_TYPE = 10
SUBMITTED_SHARE = 0.7
PASSWORD = "bench-wachtwoord-2026"
TEACHER_EMAIL = "bench.teacher1@school.test"
SECRETARIAT_EMAIL = "bench.secretariaat@vts.test"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

COURSE_TYPES = [  # code, name, hours, minimum age, fee, refresher group, internship
    ("S2C", "Start 2 Coach", 15, 15, 15, "S2C", False),
    ("MM", "Multimovebegeleider", 16, 16, 15, "MM-C4S", False),
    ("C4S", "Coach 4 Skills", 60, 16, 45, "MM-C4S", True),
    ("HR", "Hoger Redder", 64, 17, 45, "HR", False),
    ("INIT", "Initiator Basketbal", 40, 16, 45, "INIT", True),
]
SUBJECTS = [("Theorie", "theory"), ("Praktijk: technieken", "practical"),
            ("Praktijk: lesgeven", "practical"), ("Stage", "practical"),
            ("Permanente evaluatie", "permanent"), ("Eindproef", "theory")]
FIRST = ["Lotte", "Noah", "Emma", "Liam", "Louise", "Arthur", "Marie", "Jules", "Elena", "Vic"]
LAST = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smet"]


def course_size(index: int) -> int:
    return 30 if index == 0 else 20 + (index * 7) % 11  # 20..30, about 25 on average


def build_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the data set, per table, with explicit ids."""
    rng = random.Random(2026)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "school", "course_type", "user", "recognition", "course", "course_teacher", "pupil",
        "enrolment", "rubric", "criterion", "level", "subject", "exam_moment", "score",
        "exemption", "skill_assessment", "content_item", "content_view", "submission")}
    password_hash = hash_password(PASSWORD)
    for i in range(1, SCHOOLS + 1):
        rows["school"].append(dict(id=i, name=f"Sportschool {i}", city=f"Gemeente {i % 60}",
                                   institution_number=f"{100000 + i}", has_bk_curriculum=i % 5 == 0,
                                   created_at=NOW))
    level_ids: dict[int, list[int]] = {}
    criteria_of_type: dict[int, list[int]] = {}
    criterion_id = level_id = 0
    for t, (code, name, hours, age, fee, group, internship) in enumerate(COURSE_TYPES, start=1):
        rows["course_type"].append(dict(id=t, code=code, name=name, sport=None, hours=hours,
                                        minimum_age=age, fee=fee, refresher_group=group,
                                        has_internship=internship))
        rows["rubric"].append(dict(id=t, course_type_id=t, name=f"Praktijkrubric {code}",
                                   description=""))
        criteria_of_type[t] = []
        for position in range(1, 5):
            criterion_id += 1
            criteria_of_type[t].append(criterion_id)
            rows["criterion"].append(dict(id=criterion_id, rubric_id=t, position=position,
                                          name=f"Vaardigheid {position}", description=""))
            level_ids[criterion_id] = []
            for rank in range(1, 5):
                level_id += 1
                level_ids[criterion_id].append(level_id)
                rows["level"].append(dict(id=level_id, criterion_id=criterion_id, rank=rank,
                                          label=f"Niveau {rank}", descriptor="", points=rank))
        for position in range(1, CONTENT_PER_TYPE + 1):
            rows["content_item"].append(dict(
                id=(t - 1) * CONTENT_PER_TYPE + position, course_type_id=t,
                title=f"{code} module {position}", kind="elearning",
                external_id=f"vts-{code}-{position}", position=position))
    rows["user"].append(dict(id=1, email=SECRETARIAT_EMAIL, full_name="Bench Secretariaat",
                             password_hash=password_hash, role="secretariat", active=True,
                             session_version=1, created_at=NOW, last_login_at=None))
    pupil_id = subject_id = moment_id = score_id = exemption_id = assessment_id = view_id = 0
    for c in range(COURSES):
        course_id, teacher_id = c + 1, c + 2
        type_id = c % len(COURSE_TYPES) + 1
        school_id = c % SCHOOLS + 1
        rows["user"].append(dict(id=teacher_id, email=f"bench.teacher{course_id}@school.test",
                                 full_name=f"Leerkracht {course_id}", password_hash=password_hash,
                                 role="teacher", active=True, session_version=1, created_at=NOW,
                                 last_login_at=None))
        rows["recognition"].append(dict(id=course_id, teacher_id=teacher_id, course_type_id=type_id,
                                        basis="lo_qualification",
                                        refresher_training_date=date(2026, 6, 1), granted_at=NOW,
                                        granted_by_id=1, revoked_at=None))
        rows["course"].append(dict(id=course_id, course_type_id=type_id, school_id=school_id,
                                   school_year="2026-2027", track=1, start_date=date(2026, 9, 1),
                                   group_name=f"Groep {course_id}", enrolment_link=None,
                                   justification_under_ten=None, created_at=NOW))
        rows["course_teacher"].append(dict(id=course_id, course_id=course_id, teacher_id=teacher_id,
                                           linked_at=NOW, linked_by_id=1))
        submitted = c > 0 and rng.random() < SUBMITTED_SHARE
        if submitted:
            rows["submission"].append(dict(id=len(rows["submission"]) + 1, course_id=course_id,
                                           sitting=1, state="submitted", submitted_by_id=teacher_id,
                                           submitted_at=NOW, reopened_by_id=None, reopened_at=None,
                                           reopen_reason=None))
        subjects = []
        for position, (name, kind) in enumerate(SUBJECTS, start=1):
            subject_id += 1
            subjects.append((subject_id, kind))
            rows["subject"].append(dict(id=subject_id, course_id=course_id, name=name, kind=kind,
                                        maximum=20, pass_mark=10, position=position,
                                        rubric_id=type_id if kind == "practical" else None))
            for sitting, (month, trimester) in ((1, (12, 1)), (2, (3, 2))):
                moment_id += 1
                rows["exam_moment"].append(dict(
                    id=moment_id, subject_id=subject_id, sitting=sitting,
                    exam_date=date(2026 if month == 12 else 2027, month, 10 + position),
                    trimester=trimester))
        for _ in range(course_size(c)):
            pupil_id += 1
            rows["pupil"].append(dict(
                id=pupil_id, first_name=FIRST[pupil_id % 10], last_name=f"{LAST[(pupil_id // 10) % 10]} {pupil_id}",
                birth_date=date(2008 + pupil_id % 2, 1 + pupil_id % 12, 1 + pupil_id % 28),
                school_id=school_id, vts_account_id=f"vts-{pupil_id:06d}",
                email=f"leerling{pupil_id}@school.test", created_at=NOW))
            paid = c == 0 or rng.random() > 0.02
            rows["enrolment"].append(dict(
                id=pupil_id, pupil_id=pupil_id, course_id=course_id, enrolled_at=NOW,
                paid_at=NOW - timedelta(days=40) if paid else None,
                payment_method="individual" if paid else None, payment_code=None,
                passed_before=False, phasing_out=False))
            for item in rng.sample(range(1, CONTENT_PER_TYPE + 1), 6):
                view_id += 1
                completed = rng.random() < 0.6
                rows["content_view"].append(dict(
                    id=view_id, pupil_id=pupil_id,
                    content_item_id=(type_id - 1) * CONTENT_PER_TYPE + item,
                    first_viewed_at=NOW - timedelta(days=rng.randint(5, 60)),
                    last_viewed_at=NOW - timedelta(days=rng.randint(0, 4)),
                    progress=100 if completed else rng.randint(5, 95), completed=completed))
            if not paid:
                continue
            for criterion in criteria_of_type[type_id]:
                assessment_id += 1
                rows["skill_assessment"].append(dict(
                    id=assessment_id, enrolment_id=pupil_id, criterion_id=criterion,
                    level_id=rng.choice(level_ids[criterion]), context="exam", note="", version=1,
                    assessed_by_id=teacher_id, assessed_at=NOW))
            for s_id, _kind in subjects:
                if c > 0 and rng.random() < 0.01:
                    exemption_id += 1
                    rows["exemption"].append(dict(id=exemption_id, enrolment_id=pupil_id,
                                                  subject_id=s_id, kind="exemption",
                                                  reason="Attest vorige opleiding",
                                                  created_by_id=1, created_at=NOW))
                    continue
                if c == 0:
                    continue  # the benchmark course's first sitting is still being scored
                absent = rng.random() < 0.02
                value = None if absent else rng.randint(6, 20)
                score_id += 1
                rows["score"].append(dict(
                    id=score_id, enrolment_id=pupil_id, subject_id=s_id, sitting=1, value=value,
                    absence="absent" if absent else None, version=1, updated_by_id=teacher_id,
                    updated_at=NOW))
                if absent or value < 10:
                    score_id += 1
                    rows["score"].append(dict(
                        id=score_id, enrolment_id=pupil_id, subject_id=s_id, sitting=2,
                        value=rng.randint(8, 20), absence=None, version=1,
                        updated_by_id=teacher_id, updated_at=NOW))
    return rows


def _copy(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY: the fastest way in, one round trip per table."""
    columns = list(rows[0])
    raw = conn.connection.driver_connection
    quoted = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def insert_all(conn: Connection, rows: dict[str, list[dict[str, Any]]]) -> None:
    postgres = conn.dialect.name == "postgresql"
    for table in db.metadata.sorted_tables:
        batch = rows.get(table.name)
        if not batch:
            continue
        if postgres:
            _copy(conn, table, batch)
        else:
            conn.execute(table.insert(), batch)
    if postgres:  # explicit ids: move the sequences past them
        for table in db.metadata.sorted_tables:
            if rows.get(table.name):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f"(SELECT max(id) FROM \"{table.name}\"))"))


def is_built(conn: Connection) -> bool:
    """The data set of this VERSION is there (a marker row in the audit table says so)."""
    from teacherapp.models import AuditEvent

    try:
        marker = conn.execute(select(AuditEvent.new_value).where(
            AuditEvent.action == "bench_dataset")).scalar()
    except Exception:  # noqa: BLE001 (no schema yet)
        conn.rollback()
        return False
    return marker == str(VERSION)


def mark_built(conn: Connection) -> None:
    from teacherapp.models import AuditEvent

    conn.execute(AuditEvent.__table__.insert().values(
        actor_id=None, at=NOW, action="bench_dataset", entity="bench", entity_id="dataset",
        field="", old_value=None, new_value=str(VERSION), course_id=None))


def counts(conn: Connection) -> dict[str, int]:
    from teacherapp.models import (
        ContentView,
        Course,
        Pupil,
        School,
        Score,
        SkillAssessment,
        Subject,
    )

    return {model.__tablename__: conn.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (School, Course, Pupil, Subject, Score, SkillAssessment, ContentView)}

