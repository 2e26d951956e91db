from __future__ import annotations

import json
import re

import pytest

from tests.conftest import csrf_token_from


@pytest.fixture
def teacher_course(make):
    ct = make.course_type()
    teacher = make.teacher(recognised_for=[ct])
    course = make.course(ct, teachers=[teacher])
    return teacher, course


def _worker_config(body: str) -> dict:
    first_line = body.split("\n", 1)[0]
    assert first_line.startswith("const CONFIG = ")
    return json.loads(first_line.removeprefix("const CONFIG = ").rstrip(";"))


@pytest.mark.parametrize(("lang", "name", "lang_tag"), [
    ("nl", "VTS Leerkrachtenapp", "nl-BE"),
    ("en", "VTS Teacher app", "en"),
])
def test_manifest_follows_the_language(client, lang, name, lang_tag):
    response = client.get(f"/manifest.webmanifest?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    body = response.get_json(force=True)
    assert body["name"] == name
    assert body["lang"] == lang_tag
    assert body["display"] == "standalone"
    assert body["start_url"] == "/"
    assert {icon["purpose"] for icon in body["icons"]} == {"any", "maskable"}


def test_manifest_icons_are_real_pngs_of_the_announced_size(client):
    body = client.get("/manifest.webmanifest").get_json(force=True)
    for icon in body["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200
        data = image.get_data()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_every_page_links_the_manifest_and_the_offline_script(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest?lang=nl">' in html
    assert re.search(r'<script src="/static/offline\.js\?v=\w+" defer data-offline-source="network"',
                     html)



def _offline_texts(html: str) -> dict:
    found = re.search(r"data-offline-config='([^']*)'", html)
    assert found is not None
    return json.loads(found.group(1).replace("&#39;", "'").replace("&#34;", '"')
                      .replace("&amp;", "&"))["texts"]


def test_offline_texts_follow_the_language_of_each_page(client):
    """The texts are translated once per language and process: each page still gets its own."""
    for _ in range(2):
        dutch = _offline_texts(client.get("/login?lang=nl").get_data(as_text=True))
        english = _offline_texts(client.get("/login?lang=en").get_data(as_text=True))
        assert dutch["offline"] == "Offline" and english["sendNow"] == "Send now"
        assert dutch["sendNow"] != "Send now"
        assert english["waiting"] == "Waiting to be sent ({n})"
        assert dutch["waiting"].endswith("({n})") and dutch["waiting"] != english["waiting"]
        assert "{done}" in dutch["preparing"] and "{total}" in dutch["preparing"]

    from teacherapp.i18n import request_translations
    from teacherapp.offline import hooks

    with client.application.test_request_context("/login?lang=en"):
        kept = hooks._texts()
        assert hooks._texts() is kept  # translated once, then taken from the catalogue
        assert getattr(request_translations(), hooks._TEXTS_ATTRIBUTE) is kept

def test_service_worker_is_served_from_the_root_with_its_headers(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    config = _worker_config(response.get_data(as_text=True))
    assert re.fullmatch(r"[0-9a-f]{16}", config["version"])
    assert config["offlineUrl"] == "/offline/unavailable"
    assert config["offlineUrl"] in config["precache"]
    precached = {url.split("?")[0] for url in config["precache"]}
    assert {"/static/offline.js", "/static/app.js", "/static/htmx-2.0.11.min.js",
            "/static/icons/icon-192.png", "/static/css/offline.css"} <= precached


def test_precached_static_urls_are_the_ones_pages_use(client):
    config = _worker_config(client.get("/sw.js").get_data(as_text=True))
    html = client.get("/login").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert url in config["precache"]


def test_a_new_release_gets_a_new_worker_version(client, app):
    before = _worker_config(client.get("/sw.js").get_data(as_text=True))["version"]
    app.config["OFFLINE_RELEASE"] = "next"
    try:
        after = _worker_config(client.get("/sw.js").get_data(as_text=True))["version"]
    finally:
        app.config.pop("OFFLINE_RELEASE")
    assert after != before
    assert _worker_config(client.get("/sw.js").get_data(as_text=True))["version"] == before


def test_offline_fallback_page_holds_no_user_data(client, auth, teacher_course):
    teacher, _ = teacher_course
    auth.login(teacher)
    response = client.get("/offline/unavailable")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Niet offline beschikbaar" in html
    assert teacher.full_name not in html
    assert 'name="csrf-token"' not in html
    assert '"user": 0' in html


def test_pages_say_whose_they_are(client, auth, teacher_course):
    teacher, _ = teacher_course
    assert client.get("/login").headers["X-Offline-User"] == "0"
    auth.login(teacher)
    response = client.get("/")
    assert response.headers["X-Offline-User"] == str(teacher.id)
    assert f'"user": {teacher.id}' in response.get_data(as_text=True)
    assert "X-Offline-User" not in client.get("/sw.js").headers


def test_logout_clears_the_sites_caches_and_storage(client, auth, teacher_course):
    teacher, _ = teacher_course
    auth.login(teacher)
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client.get("/login").headers


def test_offline_page_lists_the_teachers_courses(client, auth, make, teacher_course):
    teacher, course = teacher_course
    other = make.course(make.course_type(name="Not mine"))
    auth.login(teacher)
    response = client.get("/offline/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Offline werken" in html
    assert f'data-offline-course="{course.id}"' in html
    assert f"/offline/courses/{course.id}/pages" in html
    assert f'data-offline-course="{other.id}"' not in html
    assert 'id="offline-queue"' in html


@pytest.mark.parametrize("url", ["/offline/", "/offline/token", "/offline/courses/1/pages"])
def test_offline_helpers_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_token_endpoint_gives_a_token_that_saves_accept(client, auth, teacher_course):
    teacher, _ = teacher_course
    auth.login(teacher)
    response = client.get("/offline/token")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = response.get_json()["csrf_token"]
    page_token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert token and page_token
    ok = client.post("/language", data={"lang": "nl", "next": "/"},
                     headers={"X-CSRFToken": token})
    assert ok.status_code == 302


def test_course_pages_lists_the_course_pages_a_teacher_needs(client, auth, make, teacher_course):
    teacher, course = teacher_course
    make.enrolment(course)
    make.subject(course)
    auth.login(teacher)
    response = client.get(f"/offline/courses/{course.id}/pages")
    assert response.status_code == 200
    urls = response.get_json()["urls"]
    assert urls[:2] == ["/", "/offline/"]
    assert all(url.startswith(f"/courses/{course.id}") for url in urls[2:])
    assert len(urls) == len(set(urls))


def test_course_pages_of_another_teachers_course_is_not_found(client, auth, make, teacher_course):
    teacher, _ = teacher_course
    ct = make.course_type()
    someone_elses = make.course(ct, teachers=[make.teacher(recognised_for=[ct])])
    auth.login(teacher)
    assert client.get(f"/offline/courses/{someone_elses.id}/pages").status_code == 404
