from __future__ import annotations

from teacherapp.extensions import db
from teacherapp.models import Course, RecognitionBasis
from teacherapp.permissions import teacher_courses_query


def test_teacher_sees_only_linked_courses_they_are_recognised_for(client, auth, make):
    s2c = make.course_type("S2C", name="Start 2 Coach")
    hr = make.course_type("HR", name="Hoger Redder")
    teacher = make.teacher(recognised_for=[s2c])
    other = make.teacher(recognised_for=[s2c, hr])
    mine = make.course(s2c, teachers=[teacher], group_name="Mijn klas")
    make.course(s2c, teachers=[other], group_name="Andere klas")
    make.course(hr, teachers=[teacher], group_name="Niet erkend")  # linked, not recognised
    auth.login(teacher)
    html = client.get("/").get_data(as_text=True)
    assert "Mijn klas" in html
    assert "Andere klas" not in html
    assert "Niet erkend" not in html
    assert [c.id for c in db.session.scalars(teacher_courses_query(teacher))] == [mine.id]


def test_revoked_recognition_hides_the_course(client, auth, make):
    s2c = make.course_type("S2C")
    teacher = make.teacher()
    recognition = make.recognise(teacher, s2c)
    make.course(s2c, teachers=[teacher], group_name="Klas A")
    from teacherapp.models.types import utcnow

    recognition.revoked_at = utcnow()
    auth.login(teacher)
    assert "Klas A" not in client.get("/").get_data(as_text=True)


def test_track_two_teacher_with_automatic_recognition_sees_course(client, auth, make):
    s2c = make.course_type("S2C")
    teacher = make.teacher()
    make.recognise(teacher, s2c, RecognitionBasis.AUTOMATIC_TRACK2)
    make.course(s2c, teachers=[teacher], track=2, group_name="BK-klas")
    auth.login(teacher)
    html = client.get("/").get_data(as_text=True)
    assert "BK-klas" in html
    assert "Spoor 2" in html


def test_unrecognised_teacher_is_told_so_and_sees_no_courses(client, auth, make):
    s2c = make.course_type("S2C")
    teacher = make.teacher()
    make.course(s2c, teachers=[teacher], group_name="Geheime klas")
    auth.login(teacher)
    html = client.get("/").get_data(as_text=True)
    assert "Je bent nog niet erkend" in html
    assert "Geheime klas" not in html


def test_recognised_teacher_without_courses_gets_an_explanation(client, auth, make):
    teacher = make.teacher(recognised_for=[make.course_type()])
    auth.login(teacher)
    html = client.get("/").get_data(as_text=True)
    assert "Er zijn nog geen opleidingen aan jou gekoppeld" in html


def test_secretariat_starts_on_the_year_overview_with_every_course(client, auth, make):
    make.course(group_name="Klas 1")
    make.course(group_name="Klas 2")
    auth.login(make.secretariat())
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/admin/overview")
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Klas 1" in html and "Klas 2" in html
    assert db.session.query(Course).count() == 2


def test_secretariat_still_has_the_course_cards(client, auth, make):
    make.course(group_name="Klas 1")
    auth.login(make.secretariat())
    html = client.get("/courses/").get_data(as_text=True)
    assert "Klas 1" in html and "course-cards" in html


def test_language_switch_rejects_unknown_language(client):
    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    assert client.post("/language", data={"lang": "fr", "csrf_token": token}).status_code == 400
