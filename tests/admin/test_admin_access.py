"""Every admin route refuses anonymous users (to the login page) and teachers (403)."""

from __future__ import annotations

import pytest

from teacherapp import create_app


def _admin_routes() -> list[tuple[str, str]]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("admin."):
                continue
            from flask import url_for

            url = url_for(rule.endpoint, **{arg: 1 for arg in rule.arguments})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, url))
    return routes


ADMIN_ROUTES = _admin_routes()


def test_every_screen_is_covered():
    assert ("GET", "/admin/") in ADMIN_ROUTES
    assert len(ADMIN_ROUTES) >= 40


def _request(auth, method: str, url: str):
    if method == "GET":
        return auth.client.get(url)
    return auth.post(url, {})


@pytest.mark.parametrize(("method", "url"), ADMIN_ROUTES)
def test_it_sends_anonymous_users_to_login(auth, method, url):
    response = _request(auth, method, url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "url"), ADMIN_ROUTES)
def test_it_refuses_teachers(auth, make, method, url):
    ct = make.course_type()
    teacher = make.teacher(recognised_for=[ct])
    make.course(ct, teachers=[teacher])
    auth.login(teacher)
    response = _request(auth, method, url)
    assert response.status_code == 403


def test_the_secretariat_gets_the_landing_page_with_every_screen(auth, make):
    auth.login(make.secretariat())
    html = auth.client.get("/admin/").get_data(as_text=True)
    for path in ("/admin/schools", "/admin/teachers", "/admin/course-types", "/admin/courses",
                 "/admin/rubrics", "/admin/content"):
        assert f'href="{path}"' in html
    assert 'href="/admin/"' in html  # the nav link


def test_the_nav_link_is_not_shown_to_teachers(auth, make):
    auth.login(make.teacher())
    assert 'href="/admin/"' not in auth.client.get("/").get_data(as_text=True)
