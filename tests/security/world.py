"""A small world of two schools, each with its own teacher, course and everything in it.

Side A belongs to teacher A; side B to teacher B at another school. Each school has its
own school coordinator. The route matrix
calls every route with side A's ids as teacher B (must be refused) and, for routes with
several ids, as teacher A with one id swapped for side B's (must be refused too).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import text

from teacherapp.content.tokens import hash_token
from teacherapp.extensions import db
from teacherapp.models import (
    AssessmentContext,
    Attest,
    AttestJob,
    ContentItem,
    ContentKind,
    ContentView,
    Course,
    CourseType,
    Criterion,
    DeliberationRound,
    Enrolment,
    Exemption,
    ExemptionKind,
    IntegrationToken,
    Invitation,
    JobState,
    Level,
    Pupil,
    Recognition,
    Role,
    RoundCourse,
    Rubric,
    School,
    SchoolAttests,
    Score,
    SkillAssessment,
    Subject,
    SubjectKind,
    Submission,
    SubmissionState,
    User,
)
from tests import factories

MACHINE_TOKEN = "vtsc_route-matrix-machine-token-0123456789"


@dataclass
class Side:
    school: School
    course_type: CourseType
    teacher: User
    recognition: Recognition
    course: Course
    pupil: Pupil
    enrolment: Enrolment
    subject: Subject
    subject_exempt: Subject
    rubric: Rubric
    criterion: Criterion
    level: Level
    score: Score
    assessment: SkillAssessment
    exemption: Exemption
    submission: Submission
    content_item: ContentItem
    coordinator: User  # the school coordinator of this side's school
    round_course: RoundCourse
    attest: Attest
    job: AttestJob
    invitation: Invitation  # an open invitation of a teacher to this side's school


@dataclass
class World:
    a: Side
    b: Side
    secretariat: User
    integration: IntegrationToken


def _side(label: str, text_value: str) -> Side:
    ct = factories.course_type(name=f"Type {label} {text_value}")
    school = factories.school(name=f"School {label} {text_value}", city=text_value[:100])
    teacher = factories.teacher(full_name=f"Teacher {label} {text_value}")
    recognition = factories.recognise(teacher, ct)
    course = factories.course(ct, school, teachers=[teacher], group_name=text_value[:80],
                              justification_under_ten=text_value)
    rubric = factories.rubric(ct, criteria=2, levels=3)
    rubric.name = text_value[:200]
    rubric.description = text_value
    criterion = rubric.criteria[0]
    criterion.name = text_value[:200]
    level = criterion.levels[1]
    level.descriptor = text_value
    pupil = factories.pupil(school, first_name=text_value[:100], last_name=f"Pupil {label}")
    enrolment = factories.enrolment(course, pupil)
    subject = factories.subject(course, f"Practical {label} {text_value}"[:120],
                                kind=SubjectKind.PRACTICAL, rubric=rubric,
                                exam_dates=(date(2027, 1, 20), date(2027, 6, 20)))
    subject_exempt = factories.subject(course, f"Theory {label}", kind=SubjectKind.THEORY,
                                       exam_dates=(date(2027, 1, 21), date(2027, 6, 21)))
    score = Score(enrolment_id=enrolment.id, subject_id=subject.id, sitting=1,
                  value=Decimal("12.5"), version=1, updated_by_id=teacher.id)
    assessment = SkillAssessment(enrolment_id=enrolment.id, criterion_id=criterion.id,
                                 level_id=level.id, context=AssessmentContext.CLASS,
                                 note=text_value[:500], assessed_by_id=teacher.id)
    exemption = Exemption(enrolment_id=enrolment.id, subject_id=subject_exempt.id,
                          kind=ExemptionKind.EXEMPTION, reason=text_value[:500],
                          created_by_id=teacher.id)
    # Submitted once, then reopened by VTS: the teacher may change scores again.
    submission = Submission(course_id=course.id, sitting=2, state=SubmissionState.REOPENED,
                            submitted_by_id=teacher.id,
                            submitted_at=datetime(2027, 6, 25, tzinfo=UTC),
                            reopened_at=datetime(2027, 6, 26, tzinfo=UTC),
                            reopen_reason=text_value[:1000])
    item = ContentItem(course_type_id=ct.id, title=f"E-learning {label} {text_value}"[:200],
                       kind=ContentKind.ELEARNING, external_id=f"ext-{label}-{factories._n()}")
    db.session.add_all([score, assessment, exemption, submission, item])
    db.session.flush()
    now = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    db.session.add(ContentView(pupil_id=pupil.id, content_item_id=item.id, first_viewed_at=now,
                               last_viewed_at=now, progress=40, completed=False))
    db.session.flush()
    coordinator = factories.coordinator([school], full_name=f"Coordinator {label} {text_value}"[:200])
    factories.member(teacher, school)  # the teacher is on the school's staff too
    # A deliberation round of its own (side A trimester 1, B 2), the course not confirmed yet,
    # an attest issued earlier and a finished print job.
    round_ = DeliberationRound(school_year="2026-2027", trimester=1 if label == "A" else 2)
    db.session.add(round_)
    db.session.flush()
    round_course = RoundCourse(round_id=round_.id, course_id=course.id)
    db.session.add(round_course)
    db.session.flush()
    attest = Attest(number=f"ROUTE-MATRIX-{label}", round_course_id=round_course.id,
                    enrolment_id=enrolment.id, deliberated_on=date(2026, 12, 18))
    job = AttestJob(round_id=round_.id, state=JobState.DONE, base_url="http://localhost/",
                    done=1, total=1)
    db.session.add_all([attest, job])
    db.session.flush()
    db.session.add(SchoolAttests(job_id=job.id, school_id=school.id, attest_count=1,
                                 pdf=b"%PDF-1.7 route matrix"))
    db.session.flush()
    invited_at = datetime.now(UTC)
    invitation = Invitation(token_hash=hash_token(f"route-matrix-invitation-{label}"),
                            email=f"invited.{label.lower()}@{text_value[:40]}.example".replace(" ", ""),
                            full_name=f"Invited {label} {text_value}"[:200], role=Role.TEACHER,
                            school_id=school.id, invited_by_id=coordinator.id,
                            created_at=invited_at, expires_at=invited_at + timedelta(days=7))
    db.session.add(invitation)
    db.session.flush()
    return Side(school, ct, teacher, recognition, course, pupil, enrolment, subject,
                subject_exempt, rubric, criterion, level, score, assessment, exemption,
                submission, item, coordinator, round_course, attest, job, invitation)


def build_world(text_a: str = "Alfa", text_b: str = "Bravo") -> World:
    a = _side("A", text_a)
    b = _side("B", text_b)
    secretariat = factories.secretariat(full_name="Secretariaat VTS")
    integration = IntegrationToken(name="VTS Connect", token_hash=hash_token(MACHINE_TOKEN),
                                   token_prefix=MACHINE_TOKEN[:12], created_by_id=secretariat.id)
    db.session.add(integration)
    db.session.commit()
    return World(a, b, secretariat, integration)


def log_in_as(client: FlaskClient, user: User | None) -> None:
    """Put the user in the client's session as a real login would (without the slow hash)."""
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            now = int(time.time())
            session.update({"_user_id": f"{user.id}:{user.session_version}", "_fresh": True,
                            "login_at": now, "seen_at": now, "remembered": False})


def database_digest() -> str:
    """A fingerprint of every row of every table, read on a fresh connection."""
    if db.engine.dialect.name == "postgresql":
        return "".join(table_digests().values())
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            pk = ", ".join(f'"{c.name}"' for c in table.primary_key.columns) or "1"
            digest.update(table.name.encode())
            for row in conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {pk}')):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.execute(text(f'SELECT COUNT(*) FROM "{t.name}"')).scalar_one()
                for t in db.metadata.sorted_tables}


def empty_database() -> None:
    """Delete every row (for hypothesis examples, which share one test's database)."""
    db.session.rollback()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


def table_digests() -> dict[str, str]:
    """A fingerprint per table, to tell which tables a request changed."""
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        # One round trip: the server hashes each table's rows itself.
        parts = [f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                 f'FROM "{t.name}" t) AS "{t.name}"' for t in tables]
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT " + ", ".join(parts))).one()
        return dict(zip([t.name for t in tables], row, strict=True))
    result = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            pk = ", ".join(f'"{c.name}"' for c in table.primary_key.columns) or "1"
            digest = hashlib.sha256()
            for row in conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {pk}')):
                digest.update(repr(tuple(row)).encode())
            result[table.name] = digest.hexdigest()
    return result
