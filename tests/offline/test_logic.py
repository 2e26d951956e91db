from __future__ import annotations

from pathlib import Path

from teacherapp.offline.logic import (
    PageRule,
    course_page_arguments,
    is_course_page,
    manifest,
    release_version,
    static_files,
)


def _static(tmp_path: Path) -> Path:
    (tmp_path / "css").mkdir()
    (tmp_path / "app.js").write_text("one")
    (tmp_path / "css" / "area.css").write_text("body{}")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "app.js.map").write_text("{}")
    return tmp_path


def test_static_files_lists_servable_files_only(tmp_path):
    assert static_files(_static(tmp_path)) == ["app.js", "css/area.css"]


def test_release_version_changes_when_any_static_file_changes(tmp_path):
    static = _static(tmp_path)
    files = static_files(static)
    before = release_version(static, files)
    assert release_version(static, files) == before
    (static / "css" / "area.css").write_text("body{color:red}")
    assert release_version(static, files) != before


def test_release_version_changes_with_the_worker_source_or_a_release_label(tmp_path):
    static = _static(tmp_path)
    files = static_files(static)
    plain = release_version(static, files, extra=(b"worker v1",))
    assert release_version(static, files, extra=(b"worker v2",)) != plain
    assert release_version(static, files, extra=(b"worker v1", b"2026-11")) != plain


def test_course_pages_are_get_routes_under_the_course():
    assert is_course_page("/courses/<int:course_id>", {"course_id"}, {"GET", "HEAD"})
    assert is_course_page("/courses/<int:course_id>/exam/<int:enrolment_id>",
                          {"course_id", "enrolment_id"}, {"GET"})
    assert not is_course_page("/courses/<int:course_id>/scores", {"course_id"}, {"POST"})
    assert not is_course_page("/courses/<int:course_id>/export.xlsx", {"course_id"}, {"GET"})
    assert not is_course_page("/admin/courses/<int:course_id>", {"course_id"}, {"GET"})
    assert not is_course_page("/courses/<int:course_id>/files/<name>", {"course_id", "name"},
                              {"GET"})


def test_course_page_arguments_expand_each_pupil_and_subject_course_pages_first():
    rules = [PageRule("scoring.exam_pupil", frozenset({"course_id", "enrolment_id"})),
             PageRule("courses.detail", frozenset({"course_id"}))]
    pages = course_page_arguments(rules, {"course_id": [7], "enrolment_id": [1, 2]})
    assert pages == [
        ("courses.detail", {"course_id": 7}),
        ("scoring.exam_pupil", {"course_id": 7, "enrolment_id": 1}),
        ("scoring.exam_pupil", {"course_id": 7, "enrolment_id": 2}),
    ]


def test_course_page_arguments_skip_pages_without_values_and_respect_the_limit():
    rules = [PageRule("grid", frozenset({"course_id", "subject_id", "sitting"}))]
    assert course_page_arguments(rules, {"course_id": [1], "sitting": [1, 2]}) == []
    many = course_page_arguments(rules, {"course_id": [1], "subject_id": list(range(100)),
                                         "sitting": [1, 2]}, limit=5)
    assert len(many) == 5


def test_manifest_has_what_chromium_needs_to_install():
    body = manifest(name="VTS Leerkrachtenapp", short_name="VTS Docent", description="d",
                    lang="nl-BE", start_url="/", scope="/",
                    icons={"192": "/i/192.png", "512": "/i/512.png", "maskable": "/i/m.png"},
                    theme_colour="#0b5d3b", background_colour="#fff")
    assert body["display"] == "standalone"
    assert body["start_url"] == "/" and body["scope"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in body["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
