"""Teacher accounts and their recognition per course type."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import Recognition, RecognitionBasis, Role, User
from teacherapp.passwords import verify_password
from tests.admin.conftest import audit_events


def _teacher(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_it_creates_a_teacher_with_a_generated_password_shown_once(admin, client):
    response = admin.post("/admin/teachers/new", {"full_name": "Hélène Claes", "email": "helene@school.be",
                                                  "password_choice": "generate"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    password = re.search(r"<code>([^<]+)</code>", html).group(1)
    teacher = _teacher("helene@school.be")
    assert teacher.role == Role.TEACHER and teacher.full_name == "Hélène Claes"
    assert verify_password(teacher.password_hash, password)
    assert password not in admin.get(f"/admin/teachers/{teacher.id}").get_data(as_text=True)
    [event] = audit_events("user", "create")
    assert password not in (event.new_value or "")


def test_it_creates_a_teacher_with_a_typed_password(admin):
    response = admin.post("/admin/teachers/new", {"full_name": "Zoë Maes", "email": "zoe@school.be",
                                                  "password_choice": "set",
                                                  "password": "een-lang-wachtwoord"})
    assert response.status_code == 302
    assert verify_password(_teacher("zoe@school.be").password_hash, "een-lang-wachtwoord")


def test_it_refuses_a_short_password_and_a_taken_email(admin, make):
    make.teacher(email="an@school.be")
    db.session.commit()
    response = admin.post("/admin/teachers/new", {"full_name": "An", "email": "AN@school.be",
                                                  "password_choice": "set", "password": "kort"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Er bestaat al een account met dit e-mailadres." in html
    assert "minstens 12 tekens" in html.lower() or "12 tekens" in html
    assert db.session.scalar(select(User).where(User.email == "AN@school.be")) is None


def test_it_refuses_an_invalid_email(admin):
    response = admin.post("/admin/teachers/new", {"full_name": "X", "email": "not-an-email",
                                                  "password_choice": "generate"})
    assert response.status_code == 422
    assert "Dit is geen geldig e-mailadres." in response.get_data(as_text=True)


def test_disabling_ends_the_teachers_sessions_at_once(admin, make, app):
    teacher = make.teacher()
    db.session.commit()
    teacher_client = app.test_client()
    from tests.conftest import Auth

    Auth(teacher_client).login(teacher)
    assert teacher_client.get("/").status_code == 200
    version = teacher.session_version
    assert admin.post(f"/admin/teachers/{teacher.id}/disable").status_code == 302
    teacher = _teacher(teacher.email)
    assert not teacher.active and teacher.session_version == version + 1
    assert teacher_client.get("/").status_code == 302  # back to the login page
    assert audit_events("user", "disable")[0].new_value == "False"

    assert admin.post(f"/admin/teachers/{teacher.id}/enable").status_code == 302
    assert _teacher(teacher.email).active


def test_resetting_a_password_ends_the_old_sessions(admin, make):
    teacher = make.teacher()
    db.session.commit()
    version = teacher.session_version
    response = admin.post(f"/admin/teachers/{teacher.id}/password",
                          {"password_choice": "set", "password": "nieuw-wachtwoord-2026"})
    assert response.status_code == 302
    teacher = _teacher(teacher.email)
    assert verify_password(teacher.password_hash, "nieuw-wachtwoord-2026")
    assert teacher.session_version == version + 1
    assert len(audit_events("user", "password_reset")) == 1


def test_a_common_password_is_refused_and_nothing_changes(admin, make):
    teacher = make.teacher()
    db.session.commit()
    old_hash = teacher.password_hash
    response = admin.post(f"/admin/teachers/{teacher.id}/password",
                          {"password_choice": "set", "password": "wachtwoord123"})
    assert response.status_code == 422
    assert _teacher(teacher.email).password_hash == old_hash


def test_it_edits_name_and_email(admin, make):
    teacher = make.teacher(full_name="Old Name")
    db.session.commit()
    response = admin.post(f"/admin/teachers/{teacher.id}/edit",
                          {"full_name": "New Name", "email": "new@school.be"})
    assert response.status_code == 302
    assert _teacher("new@school.be").full_name == "New Name"
    assert {e.field for e in audit_events("user", "update")} == {"full_name", "email"}


def _recognition(teacher_id: int) -> Recognition | None:
    db.session.expire_all()
    return db.session.scalar(select(Recognition).where(Recognition.teacher_id == teacher_id))


def test_it_recognises_a_teacher_with_a_refresher_date(admin, make):
    teacher = make.teacher()
    ct = make.course_type()
    db.session.commit()
    response = admin.post(f"/admin/teachers/{teacher.id}/recognitions",
                          {"course_type_id": ct.id, "basis": "lo_qualification",
                           "refresher_training_date": "2026-06-01"})
    assert response.status_code == 302
    recognition = _recognition(teacher.id)
    assert recognition.basis == RecognitionBasis.LO_QUALIFICATION and recognition.is_valid
    assert len(audit_events("recognition", "create")) == 1


def test_an_lo_recognition_needs_the_refresher_date(admin, make):
    teacher = make.teacher()
    ct = make.course_type()
    db.session.commit()
    response = admin.post(f"/admin/teachers/{teacher.id}/recognitions",
                          {"course_type_id": ct.id, "basis": "vts_qualification"})
    assert response.status_code == 422
    assert "Vul in wanneer de bijscholing gevolgd werd." in response.get_data(as_text=True)
    assert _recognition(teacher.id) is None


def test_track_2_recognition_is_automatic_without_a_date(admin, make):
    teacher = make.teacher()
    ct = make.course_type("S2C")
    db.session.commit()
    admin.post(f"/admin/teachers/{teacher.id}/recognitions",
               {"course_type_id": ct.id, "basis": "automatic_track2", "refresher_training_date": ""})
    recognition = _recognition(teacher.id)
    assert recognition.basis == RecognitionBasis.AUTOMATIC_TRACK2
    assert recognition.refresher_training_date is None


def test_revoking_and_granting_again(admin, make):
    ct = make.course_type()
    teacher = make.teacher(recognised_for=[ct])
    make.course(ct, teachers=[teacher])
    db.session.commit()
    recognition = _recognition(teacher.id)
    response = admin.post(f"/admin/teachers/{teacher.id}/recognitions/{recognition.id}/revoke")
    assert response.status_code == 302
    assert not _recognition(teacher.id).is_valid
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "ziet de 1 gekoppelde opleidingen van dit type niet meer" in page
    admin.post(f"/admin/teachers/{teacher.id}/recognitions",
               {"course_type_id": ct.id, "basis": "lo_qualification", "refresher_training_date": "2027-01-10"})
    assert _recognition(teacher.id).is_valid
    assert audit_events("recognition", "revoke")


def test_another_teachers_recognition_is_not_found(admin, make):
    ct = make.course_type()
    teacher = make.teacher()
    other = make.teacher(recognised_for=[ct])
    db.session.commit()
    recognition = _recognition(other.id)
    assert admin.post(f"/admin/teachers/{teacher.id}/recognitions/{recognition.id}/revoke").status_code == 404


@pytest.mark.parametrize("code", ["HR", "C4S", "INI-VB"])
def test_the_automatic_recognition_is_refused_where_track_2_does_not_exist(admin, make, code):
    teacher = make.teacher()
    ct = make.course_type(code)
    db.session.commit()
    response = admin.post(f"/admin/teachers/{teacher.id}/recognitions",
                          {"course_type_id": ct.id, "basis": "automatic_track2"})
    assert response.status_code == 422
    assert "bestaat enkel voor Start 2 Coach en Multimove" in response.get_data(as_text=True)
    assert _recognition(teacher.id) is None


def test_the_automatic_recognition_does_not_replace_a_qualification(admin, make):
    ct = make.course_type("MM")
    teacher = make.teacher(recognised_for=[ct])
    db.session.commit()
    response = admin.post(f"/admin/teachers/{teacher.id}/recognitions",
                          {"course_type_id": ct.id, "basis": "automatic_track2"})
    assert response.status_code == 422
    assert _recognition(teacher.id).basis != RecognitionBasis.AUTOMATIC_TRACK2
