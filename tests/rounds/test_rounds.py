"""Deliberation rounds, tried as the secretariat would: open a trimester's round, read the
table of a course, override a pupil with a reason, confirm, reopen; who may not."""

from __future__ import annotations

from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import (
    Attest,
    AuditEvent,
    DecisionOverride,
    DeliberationRound,
    RoundCourse,
    Submission,
    SubmissionState,
)
from tests.deliberation.helpers import scored_course


def _open(auth, year="2026-2027", trimester="1"):
    return auth.post("/admin/rounds/", {"school_year": year, "trimester": trimester})


def _round_course(course) -> RoundCourse:
    db.session.expire_all()
    return db.session.scalar(select(RoundCourse).where(RoundCourse.course_id == course.id))


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_opening_a_round_gathers_the_trimesters_submitted_track_1_courses(client, auth, make):
    course, *_ = scored_course(make)
    unsubmitted = make.course(make.course_type(), make.school())
    make.subject(unsubmitted, exam_dates=(make_date(2026, 12, 1), make_date(2027, 1, 5)))
    auth.login(make.secretariat())
    response = _open(auth)
    assert response.status_code == 303
    rounds = db.session.scalars(select(DeliberationRound)).all()
    assert [(r.school_year, r.trimester) for r in rounds] == [("2026-2027", 1)]
    assert [rc.course_id for rc in db.session.scalars(select(RoundCourse))] == [course.id]
    assert _events("open")
    # the second trimester's round has none of it: the first sitting was in trimester 1
    assert _open(auth, trimester="2").status_code == 303
    assert db.session.scalar(select(RoundCourse).where(RoundCourse.round_id != rounds[0].id)) is None


def make_date(y, m, d):
    from datetime import date
    return date(y, m, d)


def test_the_same_trimester_cannot_be_opened_twice(client, auth, make):
    auth.login(make.secretariat())
    assert _open(auth).status_code == 303
    response = _open(auth)
    assert response.status_code == 422
    assert "heeft al een ronde" in response.get_data(as_text=True)


def test_a_bad_school_year_is_refused(client, auth, make):
    auth.login(make.secretariat())
    assert _open(auth, year="2026").status_code == 422
    assert db.session.scalar(select(DeliberationRound)) is None


def test_the_course_table_shows_results_and_proposed_decisions(client, auth, make):
    course, _subjects, pupils, _ = scored_course(make)
    auth.login(make.secretariat())
    _open(auth)
    rc = _round_course(course)
    html = client.get(f"/admin/rounds/{rc.round_id}/courses/{rc.id}").get_data(as_text=True)
    assert "Aerts, Zoë" in html and "Dubois, Lien" in html
    assert "geslaagd" in html and "nog niet volledig" in html
    assert "scores nog niet ingediend bij VTS" in html or "nog geen resultaat" in html
    cells = " ".join(html.split())  # Arne's absence in Dutch, not the stored code
    assert "<td>afwezig <span" in cells and "<td>absent <span" not in cells
    for pupil in pupils.values():  # a form per pupil, each label pointing at its own field
        assert f'for="reason-{pupil.id}"' in html and f'id="reason-{pupil.id}"' in html


def test_confirming_issues_attests_to_those_who_passed_and_freezes_the_course(
        client, auth, make):
    course, _subjects, pupils, _ = scored_course(make)
    auth.login(make.secretariat())
    _open(auth)
    rc = _round_course(course)
    response = auth.post(f"/admin/rounds/{rc.round_id}/courses/{rc.id}/confirm")
    assert response.status_code == 303
    attests = db.session.scalars(select(Attest)).all()
    assert {a.enrolment_id for a in attests} == {pupils["Zoë"].id, pupils["Hélène"].id}
    numbers = [a.number for a in attests]
    assert len(set(numbers)) == 2 and all(len(n) == 19 for n in numbers)
    assert _round_course(course).confirmed_on is not None
    assert len(_events("issue")) == 2 and _events("confirm")
    # a frozen course's sitting cannot be reopened
    response = auth.post(f"/courses/{course.id}/submission/1/reopen", {"reason": "typo"})
    assert response.status_code == 409
    assert "deliberatie van deze opleiding is bevestigd" in response.get_data(as_text=True)
    # and its page says why, with the way to the round, instead of a form that would refuse
    html = client.get(f"/courses/{course.id}/submission/1").get_data(as_text=True)
    assert "Deze zittijd kan niet heropend worden" in html
    assert f"/admin/rounds/{rc.round_id}/courses/{rc.id}" in html
    assert f'action="/courses/{course.id}/submission/1/reopen"' not in html
    db.session.expire_all()
    assert db.session.scalar(select(Submission.state).where(
        Submission.course_id == course.id)) == SubmissionState.SUBMITTED
    # until the course is reopened in the round, with a reason
    url = f"/admin/rounds/{rc.round_id}/courses/{rc.id}/reopen"
    assert auth.post(url, {"reason": ""}).status_code == 422
    assert auth.post(url, {"reason": "Score van Lien verbeterd"}).status_code == 303
    assert _round_course(course).reopen_reason == "Score van Lien verbeterd"
    assert _events("reopen")
    html = client.get(f"/courses/{course.id}/submission/1").get_data(as_text=True)
    assert f'action="/courses/{course.id}/submission/1/reopen"' in html
    response = auth.post(f"/courses/{course.id}/submission/1/reopen", {"reason": "typo"})
    assert response.status_code == 303


def test_an_override_needs_a_reason_and_decides_the_attest(client, auth, make):
    course, _subjects, pupils, _ = scored_course(make)
    auth.login(make.secretariat())
    _open(auth)
    rc = _round_course(course)
    url = f"/admin/rounds/{rc.round_id}/courses/{rc.id}/pupils/{pupils['Arne'].id}/override"
    response = auth.post(url, {"decision": "passed", "reason": ""})
    assert response.status_code == 422
    assert f'id="reason-{pupils["Arne"].id}-error">Geef een reden.' in response.get_data(as_text=True)
    assert db.session.scalar(select(DecisionOverride)) is None
    response = auth.post(url, {"decision": "passed", "reason": "Afwezig met attest; herkansing ok"})
    assert response.status_code == 303
    assert _events("override")[0].new_value.startswith("passed: Afwezig")
    auth.post(f"/admin/rounds/{rc.round_id}/courses/{rc.id}/confirm")
    assert pupils["Arne"].id in set(db.session.scalars(select(Attest.enrolment_id)))
    # a confirmed course's decisions are not changed
    response = auth.post(url, {"decision": "failed", "reason": "toch niet"})
    assert response.status_code == 409


def test_reconfirming_revokes_the_attest_of_a_pupil_who_no_longer_passes(client, auth, make):
    course, _subjects, pupils, _ = scored_course(make)
    auth.login(make.secretariat())
    _open(auth)
    rc = _round_course(course)
    base = f"/admin/rounds/{rc.round_id}/courses/{rc.id}"
    auth.post(f"{base}/confirm")
    auth.post(f"{base}/reopen", {"reason": "nazicht"})
    auth.post(f"{base}/pupils/{pupils['Zoë'].id}/override",
              {"decision": "failed", "reason": "fraude vastgesteld"})
    auth.post(f"{base}/confirm")
    db.session.expire_all()
    zoe = db.session.scalar(select(Attest).where(Attest.enrolment_id == pupils["Zoë"].id))
    assert zoe.revoked_at is not None
    assert db.session.scalar(select(Attest).where(
        Attest.enrolment_id == pupils["Hélène"].id)).revoked_at is None
    assert len(db.session.scalars(select(Attest)).all()) == 2  # no second attest for Hélène


def test_a_teacher_may_not_use_the_rounds(client, auth, make):
    course, _subjects, pupils, teacher = scored_course(make)
    secretariat = make.secretariat()
    auth.login(secretariat)
    _open(auth)
    rc = _round_course(course)
    auth.logout()
    auth.login(teacher)
    base = f"/admin/rounds/{rc.round_id}"
    for url in ("/admin/rounds/", base, f"{base}/courses/{rc.id}"):
        assert client.get(url).status_code == 403
    for url in ("/admin/rounds/", f"{base}/gather", f"{base}/courses/{rc.id}/confirm",
                f"{base}/courses/{rc.id}/reopen", f"{base}/print",
                f"{base}/courses/{rc.id}/pupils/{pupils['Zoë'].id}/override"):
        assert auth.post(url, {"reason": "x", "decision": "passed",
                               "school_year": "2027-2028", "trimester": "1"}).status_code == 403
    assert _round_course(course).confirmed_on is None
    assert db.session.scalar(select(DecisionOverride)) is None


def test_anonymous_users_go_to_the_login_page(client, make):
    assert client.get("/admin/rounds/").status_code == 302


def test_a_pupil_of_another_course_or_round_is_not_found(client, auth, make):
    course, *_ = scored_course(make)
    other, _s, other_pupils, _t = scored_course(make, ct=make.course_type("MM"),
                                                group_name="6 Sport")
    auth.login(make.secretariat())
    _open(auth)
    rc = _round_course(course)
    url = (f"/admin/rounds/{rc.round_id}/courses/{rc.id}/pupils/"
           f"{other_pupils['Zoë'].id}/override")
    assert auth.post(url, {"decision": "passed", "reason": "x"}).status_code == 404
    assert client.get(f"/admin/rounds/{rc.round_id + 1}/courses/{rc.id}").status_code == 404


def test_a_post_without_csrf_changes_nothing(client, auth, make):
    course, *_ = scored_course(make)
    auth.login(make.secretariat())
    _open(auth)
    rc = _round_course(course)
    response = client.post(f"/admin/rounds/{rc.round_id}/courses/{rc.id}/confirm")
    assert response.status_code == 400
    assert _round_course(course).confirmed_on is None


def test_a_pupil_passing_again_after_a_revoked_attest_gets_a_new_number(client, auth, make):
    course, _subjects, pupils, _ = scored_course(make)
    auth.login(make.secretariat())
    _open(auth)
    rc = _round_course(course)
    base = f"/admin/rounds/{rc.round_id}/courses/{rc.id}"
    auth.post(f"{base}/confirm")
    first = db.session.scalar(select(Attest).where(Attest.enrolment_id == pupils["Zoë"].id))
    auth.post(f"/admin/rounds/attests/{first.id}/revoke", {"reason": "verkeerde naam"})
    auth.post(f"{base}/reopen", {"reason": "naam verbeterd"})
    assert auth.post(f"{base}/confirm").status_code == 303
    db.session.expire_all()
    zoe = db.session.scalars(select(Attest).where(Attest.enrolment_id == pupils["Zoë"].id)
                             .order_by(Attest.id)).all()
    assert len(zoe) == 2 and zoe[0].revoked_at is not None and zoe[1].revoked_at is None
    assert zoe[0].number != zoe[1].number
    html = client.get(base).get_data(as_text=True)
    assert zoe[1].number in html and zoe[0].number not in html


def test_the_round_page_reads_in_a_fixed_number_of_queries(client, auth, make,
                                                            count_statements):
    for n in range(3):
        scored_course(make, ct=make.course_type(f"K{n}"))
    auth.login(make.secretariat())
    _open(auth)
    round_id = db.session.scalar(select(DeliberationRound.id))
    with count_statements() as three:
        html = client.get(f"/admin/rounds/{round_id}").get_data(as_text=True)
    assert html.count("te bevestigen") == 3
    scored_course(make, ct=make.course_type("K9"))
    db.session.commit()
    auth.post(f"/admin/rounds/{round_id}/gather")
    with count_statements() as four:
        html = client.get(f"/admin/rounds/{round_id}").get_data(as_text=True)
    assert html.count("te bevestigen") == 4
    assert four.count == three.count
