"""What the offline queue relies on from the save endpoints (built in the scoring area):
exactly once per idempotency key, a reason for a refusal, a conflict for a stale version."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, IdempotentSave, Score, SkillAssessment, Submission
from teacherapp.models.enums import SubmissionState
from tests.offline.helpers import exam_course


def score_url(ec, enrolment, sitting: int = 1) -> str:
    return (f"/courses/{ec.course.id}/pupils/{enrolment.id}/subjects/{ec.subject.id}"
            f"/sittings/{sitting}")


def level_url(ec, enrolment, criterion) -> str:
    return f"/courses/{ec.course.id}/pupils/{enrolment.id}/criteria/{criterion.id}/exam"


def replay(auth, url: str, **fields):
    data = {"layout": "exam", **fields}
    return auth.post(url, data, htmx=True)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_score_replayed_with_the_same_key_is_stored_once(auth, make):
    ec = exam_course(make, pupils=1)
    auth.login(ec.teacher)
    url = score_url(ec, ec.enrolments[0])
    first = replay(auth, url, value="13,5", version="0", idempotency_key="k-score-1")
    second = replay(auth, url, value="13,5", version="0", idempotency_key="k-score-1")
    assert first.status_code == second.status_code == 200
    assert second.get_data(as_text=True) == first.get_data(as_text=True)
    assert second.headers.get("Idempotent-Replay") == "true"
    assert "<html" not in second.get_data(as_text=True)
    assert count(Score) == 1
    assert count(IdempotentSave) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "score")) == 1


def test_a_level_replayed_with_the_same_key_is_stored_once(auth, make):
    ec = exam_course(make, pupils=1, criteria=1)
    criterion = ec.rubric.criteria[0]
    level = criterion.levels[2]
    auth.login(ec.teacher)
    url = level_url(ec, ec.enrolments[0], criterion)
    for _ in range(2):
        response = replay(auth, url, choose=str(level.id), version="0", idempotency_key="k-lv-1",
                          subject=str(ec.subject.id), sitting="1")
        assert response.status_code == 200
    assert count(SkillAssessment) == 1
    assert db.session.scalar(select(SkillAssessment.level_id)) == level.id
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "skill_assessment")) == 1


def test_a_stale_base_version_is_a_conflict_that_overwrites_nothing(auth, make):
    ec = exam_course(make, pupils=1)
    auth.login(ec.teacher)
    url = score_url(ec, ec.enrolments[0])
    assert replay(auth, url, value="15", version="0", idempotency_key="laptop").status_code == 200
    response = replay(auth, url, value="12", version="0", idempotency_key="phone")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'name="version" value="1"' in html  # what "keep mine" is based on
    db.session.expire_all()
    assert db.session.scalar(select(Score.value)) == 15


@pytest.mark.parametrize("why", ["unpaid", "submitted"])
def test_a_save_for_an_unpaid_pupil_or_a_submitted_sitting_is_refused_with_a_reason(
        auth, make, why):
    ec = exam_course(make, pupils=1)
    enrolment = ec.enrolments[0]
    if why == "unpaid":
        enrolment.paid_at = None
        enrolment.payment_method = None
    else:
        db.session.add(Submission(course_id=ec.course.id, sitting=1,
                                  state=SubmissionState.SUBMITTED))
    auth.login(ec.teacher)
    response = replay(auth, score_url(ec, enrolment), value="12", version="0",
                      idempotency_key=f"refused-{why}")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert 'class="error"' in html  # the queue shows this text to the teacher
    assert count(Score) == 0
    assert count(IdempotentSave) == 0


def test_another_users_key_is_never_replayed_to_them(auth, client, make):
    ec = exam_course(make, pupils=1)
    colleague = make.teacher(recognised_for=[ec.course.course_type])
    make.link(ec.course, colleague)
    auth.login(ec.teacher)
    url = score_url(ec, ec.enrolments[0])
    assert replay(auth, url, value="15", version="0", idempotency_key="shared").status_code == 200
    auth.logout()
    auth.login(colleague)
    response = replay(auth, url, value="9", version="1", idempotency_key="shared")
    assert response.status_code == 409
    assert "15" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Score.value)) == 15


def test_a_repeat_after_another_device_changed_the_cell_gets_its_own_answer(auth, client, make):
    """The stored answer is found on the conflict path: versions only go up."""
    ec = exam_course(make, pupils=1)
    colleague = make.teacher(recognised_for=[ec.course.course_type])
    make.link(ec.course, colleague)
    auth.login(ec.teacher)
    url = score_url(ec, ec.enrolments[0])
    assert replay(auth, url, value="11", version="0", idempotency_key="first").status_code == 200
    first = replay(auth, url, value="12", version="1", idempotency_key="update-1")
    assert first.status_code == 200 and 'name="version" value="2"' in first.get_data(as_text=True)
    auth.logout()
    auth.login(colleague)
    assert replay(auth, url, value="14", version="2", idempotency_key="colleague").status_code == 200
    auth.logout()
    auth.login(ec.teacher)
    again = replay(auth, url, value="12", version="1", idempotency_key="update-1")
    assert again.status_code == 200
    assert again.headers.get("Idempotent-Replay") == "true"
    assert again.get_data(as_text=True) == first.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Score.value)) == 14  # the colleague's later score stays
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "score")) == 3


def test_a_repeat_after_the_sitting_was_submitted_still_gets_its_answer(auth, make):
    ec = exam_course(make, pupils=1)
    auth.login(ec.teacher)
    url = score_url(ec, ec.enrolments[0])
    first = replay(auth, url, value="13", version="0", idempotency_key="before-submit")
    assert first.status_code == 200
    db.session.add(Submission(course_id=ec.course.id, sitting=1, state=SubmissionState.SUBMITTED))
    db.session.commit()
    again = replay(auth, url, value="13", version="0", idempotency_key="before-submit")
    assert again.status_code == 200
    assert again.get_data(as_text=True) == first.get_data(as_text=True)
    refused = replay(auth, url, value="13", version="1", idempotency_key="after-submit")
    assert refused.status_code == 403


def test_a_key_that_cannot_be_stored_leaves_score_and_audit_untouched(auth, make):
    """The score, its audit row and its stored answer are one unit: all or nothing."""
    ec = exam_course(make, pupils=1)
    colleague = make.teacher(recognised_for=[ec.course.course_type])
    make.link(ec.course, colleague)
    auth.login(colleague)
    url = score_url(ec, ec.enrolments[0])
    assert replay(auth, url, value="15", version="0", idempotency_key="taken").status_code == 200
    auth.logout()
    auth.login(ec.teacher)
    response = replay(auth, url, value="9", version="1", idempotency_key="taken")
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.scalar(select(Score.value)) == 15
    assert db.session.scalar(select(Score.version)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "score")) == 1
    assert count(IdempotentSave) == 1
