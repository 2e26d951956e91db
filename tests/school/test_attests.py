"""The coordinator receives her schools' attests: per round, her school's PDF of the
secretariat's newest finished print; never another school's."""

from __future__ import annotations

from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AttestJob, RoundCourse
from tests.deliberation.helpers import scored_course


def _confirmed_round(auth, make):
    """Two schools, each a confirmed course in the first trimester's round (two attests
    each); returns the round id, both schools and the coordinator of the first."""
    ours = make.school(name="Sint-Jozefscollege")
    theirs = make.school(name="Atheneum Brugge")
    ct = make.course_type("S2C", name="Start 2 Coach")
    ours_course, *_ = scored_course(make, school=ours, ct=ct)
    theirs_course, *_ = scored_course(make, school=theirs, ct=ct)
    coordinator = make.coordinator([ours], email="coordinator@sjc.demo")
    secretariat = make.secretariat()
    db.session.commit()
    auth.login(secretariat)
    auth.post("/admin/rounds/", {"school_year": "2026-2027", "trimester": "1"})
    db.session.expire_all()
    for course in (ours_course, theirs_course):
        rc = db.session.scalar(select(RoundCourse).where(RoundCourse.course_id == course.id))
        assert auth.post(f"/admin/rounds/{rc.round_id}/courses/{rc.id}/confirm").status_code == 303
    return rc.round_id, ours, theirs, coordinator


def _print(auth, round_id: int) -> AttestJob:
    assert auth.post(f"/admin/rounds/{round_id}/print").status_code == 303
    db.session.expire_all()
    return db.session.scalar(select(AttestJob).order_by(AttestJob.id.desc()))


def test_she_has_a_menu_link_and_no_attests_before_a_round(client, auth, make):
    school = make.school()
    auth.login(make.coordinator([school]))
    html = client.get("/school/").get_data(as_text=True)
    assert 'href="/school/attests"' in html
    html = client.get("/school/attests").get_data(as_text=True)
    assert "Nog geen attesten voor je school" in html


def test_before_printing_she_reads_that_they_are_not_printed_yet(client, auth, make):
    round_id, ours, theirs, coordinator = _confirmed_round(auth, make)
    auth.logout()
    auth.login(coordinator)
    html = client.get("/school/attests").get_data(as_text=True)
    assert "Sint-Jozefscollege" in html and "nog niet afgedrukt" in html
    assert "Atheneum Brugge" not in html
    response = client.get(f"/school/attests/{round_id}/schools/{ours.id}.pdf")
    assert response.status_code == 404
    assert "nog niet afgedrukt" in response.get_data(as_text=True)


def test_she_downloads_her_schools_pdf_the_same_file_as_the_secretariats(client, auth, make):
    round_id, ours, theirs, coordinator = _confirmed_round(auth, make)
    job = _print(auth, round_id)
    secretariats = client.get(f"/admin/rounds/{round_id}/jobs/{job.id}/schools/{ours.id}.pdf")
    auth.logout()
    auth.login(coordinator)
    html = client.get("/school/attests").get_data(as_text=True)
    assert f"/school/attests/{round_id}/schools/{ours.id}.pdf" in html
    assert "Atheneum Brugge" not in html
    response = client.get(f"/school/attests/{round_id}/schools/{ours.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.get_data() == secretariats.get_data()
    assert "attachment" in response.headers["Content-Disposition"]


def test_another_schools_pdf_is_a_404(client, auth, make):
    round_id, ours, theirs, coordinator = _confirmed_round(auth, make)
    _print(auth, round_id)
    auth.logout()
    auth.login(coordinator)
    response = client.get(f"/school/attests/{round_id}/schools/{theirs.id}.pdf")
    assert response.status_code == 404
    assert "%PDF" not in response.get_data(as_text=True)
    assert client.get(f"/school/attests/{round_id + 99}/schools/{ours.id}.pdf").status_code == 404


def test_teachers_and_the_secretariat_may_not_use_her_page(client, auth, make):
    round_id, ours, _theirs, _coordinator = _confirmed_round(auth, make)
    _print(auth, round_id)
    for url in ("/school/attests", f"/school/attests/{round_id}/schools/{ours.id}.pdf"):
        assert client.get(url).status_code == 403  # the secretariat
    auth.logout()
    auth.login(make.teacher())
    assert client.get("/school/attests").status_code == 403
