"""Attests: the PDF per pupil and per school, the public verification page, revoking."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import Attest, AttestJob, AuditEvent, JobState, RoundCourse, SchoolAttests
from tests.deliberation.helpers import scored_course


def _confirmed(auth, make, **kw):
    """A confirmed course of a first-trimester round: Zoë and Hélène hold attests."""
    course, _subjects, pupils, teacher = scored_course(make, **kw)
    secretariat = make.secretariat()
    auth.login(secretariat)
    auth.post("/admin/rounds/", {"school_year": "2026-2027", "trimester": "1"})
    db.session.expire_all()
    rc = db.session.scalar(select(RoundCourse).where(RoundCourse.course_id == course.id))
    assert auth.post(f"/admin/rounds/{rc.round_id}/courses/{rc.id}/confirm").status_code == 303
    return rc, pupils, teacher


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _attest(enrolment) -> Attest:
    db.session.expire_all()
    return db.session.scalar(select(Attest).where(Attest.enrolment_id == enrolment.id))


def test_an_attest_pdf_holds_the_name_the_number_and_the_verification_link(
        client, auth, make):
    _rc, pupils, _ = _confirmed(auth, make)
    attest = _attest(pupils["Zoë"])
    response = client.get(f"/admin/rounds/attests/{attest.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = reader.pages[0].extract_text()
    assert "Zoë Aerts" in text and attest.number in text
    assert "Start 2 Coach" in text and "2026-2027" in text and "04/03/2010" in text.replace("-", "/") \
        or "4/03/2010" in text or "04.03.2010" in text or "2010" in text
    assert f"http://localhost/attest/{attest.number}" in text.replace("\n", "")


def test_the_qr_code_encodes_the_verification_url(client, auth, make, data_app):
    import segno

    from teacherapp.rounds.printing import load_pages
    _rc, pupils, _ = _confirmed(auth, make)
    attest = _attest(pupils["Zoë"])
    with data_app.test_request_context():
        [page] = load_pages("https://vts.example/", attest_ids=[attest.id])
    url = f"https://vts.example/attest/{attest.number}"
    assert page.url == url
    assert page.qr == segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    assert client.get(url.removeprefix("https://vts.example")).status_code == 200


def test_the_verification_page_says_valid_and_shows_only_what_the_paper_shows(
        client, auth, make):
    _rc, pupils, _ = _confirmed(auth, make)
    attest = _attest(pupils["Zoë"])
    auth.logout()
    response = client.get(f"/attest/{attest.number}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "geldig" in html and "Zoë" in html and "Start 2 Coach" in html
    assert "ingetrokken" not in html and "2010" not in html  # no birth date on the public page
    assert client.get("/attest/0000-0000-0000-0000").status_code == 404
    assert client.get(f"/attest/{attest.number.lower()}").status_code == 200


def test_a_revoked_attest_says_ingetrokken(client, auth, make):
    _rc, pupils, _ = _confirmed(auth, make)
    attest = _attest(pupils["Zoë"])
    assert auth.post(f"/admin/rounds/attests/{attest.id}/revoke", {"reason": ""}).status_code == 422
    assert _attest(pupils["Zoë"]).revoked_at is None
    response = auth.post(f"/admin/rounds/attests/{attest.id}/revoke", {"reason": "Fraude"})
    assert response.status_code == 303
    assert _attest(pupils["Zoë"]).revoke_reason == "Fraude"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "revoke")).new_value \
        == "Fraude"
    html = client.get(f"/attest/{attest.number}").get_data(as_text=True)
    assert "ingetrokken" in html and "geldig" not in html


def test_the_verification_page_is_rate_limited(database_url, client, auth, make):
    from teacherapp.extensions import limiter
    from tests.security.helpers import make_app

    _rc, pupils, _ = _confirmed(auth, make)
    number = _attest(pupils["Zoë"]).number
    limited = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                       ATTEST_VERIFY_LIMIT="3 per minute").test_client()
    limiter.reset()
    statuses = [limited.get(f"/attest/{number}").status_code for _ in range(5)]
    limiter.reset()
    assert statuses == [200, 200, 200, 429, 429]


def test_printing_makes_one_pdf_per_school_with_a_cover_list(client, auth, make):
    rc, pupils, _ = _confirmed(auth, make)
    response = auth.post(f"/admin/rounds/{rc.round_id}/print")
    assert response.status_code == 303
    job = db.session.scalar(select(AttestJob))
    assert (job.state, job.done, job.total) == (JobState.DONE, 1, 1)
    row = db.session.scalar(select(SchoolAttests))
    pdf = client.get(f"/admin/rounds/{rc.round_id}/jobs/{job.id}/schools/{row.school_id}.pdf")
    assert pdf.status_code == 200
    pages = PdfReader(io.BytesIO(pdf.get_data())).pages
    assert len(pages) == 3  # the cover list, then Zoë Aerts and Hélène Bogaert in pupil order
    cover = pages[0].extract_text()
    for name in ("Zoë", "Hélène"):
        assert _attest(pupils[name]).number in cover
    assert "Hélène Bogaert" in pages[2].extract_text() and "Zoë Aerts" in pages[1].extract_text()
    archive = zipfile.ZipFile(io.BytesIO(
        client.get(f"/admin/rounds/{rc.round_id}/jobs/{job.id}.zip").get_data()))
    assert len(archive.namelist()) == 1 and archive.read(archive.namelist()[0]) == pdf.get_data()


def test_the_job_page_is_a_fragment_for_htmx_and_polls_while_running(client, auth, make):
    rc, _pupils, _ = _confirmed(auth, make)
    job = AttestJob(round_id=rc.round_id, state=JobState.RUNNING, base_url="http://x/",
                    done=1, total=4)
    db.session.add(job)
    db.session.commit()
    url = f"/admin/rounds/{rc.round_id}/jobs/{job.id}"
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'hx-trigger="every 2s"' in fragment
    assert "1 van 4 scholen afgedrukt" in fragment
    page = client.get(url)
    assert "<html" in page.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]


def test_the_cli_prints_queued_jobs(app, data_app, auth, make):
    rc, _pupils, _ = _confirmed(auth, make)
    app.config["ATTEST_JOB_RUNNER"] = "cli"
    try:
        auth.post(f"/admin/rounds/{rc.round_id}/print")
    finally:
        app.config["ATTEST_JOB_RUNNER"] = "inline"
    db.session.expire_all()
    assert db.session.scalar(select(AttestJob.state)) == JobState.QUEUED
    result = data_app.test_cli_runner().invoke(args=["deliberation", "print-attests"])
    assert "1 jobs printed" in result.output, result.output
    db.session.expire_all()
    assert db.session.scalar(select(AttestJob.state)) == JobState.DONE


@pytest.mark.parametrize("path", ["/admin/rounds/attests/{a}.pdf",
                                  "/admin/rounds/{r}/jobs/{j}", "/admin/rounds/{r}/jobs/{j}.zip"])
def test_a_teacher_may_not_download_attests(client, auth, make, path):
    rc, pupils, teacher = _confirmed(auth, make)
    job = AttestJob(round_id=rc.round_id, state=JobState.DONE, base_url="http://x/")
    db.session.add(job)
    db.session.commit()
    auth.logout()
    auth.login(teacher)
    url = path.format(a=_attest(pupils["Zoë"]).id, r=rc.round_id, j=job.id)
    assert client.get(url).status_code == 403


def test_a_teacher_may_not_revoke(client, auth, make):
    _rc, pupils, teacher = _confirmed(auth, make)
    attest = _attest(pupils["Zoë"])
    auth.logout()
    auth.login(teacher)
    assert auth.post(f"/admin/rounds/attests/{attest.id}/revoke", {"reason": "x"}).status_code == 403
    assert _attest(pupils["Zoë"]).revoked_at is None


def test_by_default_a_thread_prints_while_the_request_returns(app, client, auth, make):
    import time

    rc, _pupils, _ = _confirmed(auth, make)
    app.config["ATTEST_JOB_RUNNER"] = "thread"  # the default outside the tests
    try:
        response = auth.post(f"/admin/rounds/{rc.round_id}/print")
    finally:
        app.config["ATTEST_JOB_RUNNER"] = "inline"
    assert response.status_code == 303
    for _ in range(200):
        db.session.expire_all()
        if db.session.scalar(select(AttestJob.state)) in (JobState.DONE, JobState.FAILED):
            break
        db.session.commit()
        time.sleep(0.1)
    assert db.session.scalar(select(AttestJob.state)) == JobState.DONE
    html = client.get(f"/admin/rounds/{rc.round_id}").get_data(as_text=True)
    assert "Klaar: 1 scholen" in html and "hx-trigger" not in html
