"""Routes of the offline layer: manifest, service worker, offline pages, helpers for the queue."""

from __future__ import annotations

import json

from flask import Response, current_app, jsonify, make_response, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import joinedload

from teacherapp.extensions import db
from teacherapp.models import Course
from teacherapp.offline import bp, hooks  # noqa: F401  (hooks registers itself on bp)
from teacherapp.offline.logic import PageRule, course_page_arguments, is_course_page, manifest
from teacherapp.offline.release import current_version, precache_urls, worker_source
from teacherapp.permissions import get_course_or_404, visible_courses_query

THEME_COLOUR = "#0b5d3b"


@bp.route("/manifest.webmanifest")
def web_manifest() -> Response:
    # Fetched by the browser without cookies: the language comes from ?lang= (see base.html).
    body = manifest(
        name=_("VTS Teacher app"),
        short_name=_("VTS Teacher"),
        description=_("Rubric assessments and scores for VTS external courses, also offline."),
        lang="en" if str(get_locale()) == "en" else "nl-BE",
        start_url=url_for("main.home"),
        scope="/",
        icons={
            "192": url_for("static", filename="icons/icon-192.png"),
            "512": url_for("static", filename="icons/icon-512.png"),
            "maskable": url_for("static", filename="icons/icon-maskable-512.png"),
        },
        theme_colour=THEME_COLOUR,
        background_colour="#f6f7f9",
    )
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    return response


@bp.route("/sw.js")
def service_worker() -> Response:
    config = {
        "version": current_version(),
        "precache": precache_urls(),
        "offlineUrl": url_for("offline.fallback"),
        "staticPrefix": current_app.static_url_path + "/",
        "pagePrefixes": ["/courses/", url_for("offline.index")],
        "pageExact": [url_for("main.home")],
    }
    source = f"const CONFIG = {json.dumps(config)};\n{worker_source()}"
    response = make_response(source)
    response.mimetype = "text/javascript"
    # Checked on every navigation: a new release is picked up at once, never a stale worker.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline/unavailable")
def fallback() -> str:
    """Shown by the service worker for a page that was never opened online. Holds no user data:
    it is cached once for everyone on the device."""
    return render_template("offline/unavailable.html")


@bp.route("/offline/")
@login_required
def index() -> str:
    courses = db.session.scalars(
        visible_courses_query(current_user)
        .options(joinedload(Course.course_type), joinedload(Course.school))
        .order_by(Course.start_date, Course.id)
    ).unique().all()
    return render_template("offline/index.html", courses=courses)


@bp.route("/offline/token")
@login_required
def csrf_token() -> Response:
    """A fresh CSRF token for replaying saves from a page that was cached long ago."""
    return jsonify(csrf_token=generate_csrf())


@bp.route("/offline/courses/<int:course_id>/pages")
@login_required
def course_pages(course_id: int) -> Response:
    """Where "make available offline" starts: the course's own pages. offline.js follows their
    links (pupils, exam mode per pupil and subject, rubric, grid) from there."""
    course = get_course_or_404(course_id)
    rules = [
        PageRule(rule.endpoint, frozenset(rule.arguments))
        for rule in current_app.url_map.iter_rules()
        if is_course_page(rule.rule, rule.arguments, rule.methods or ())
    ]
    urls = [url_for("main.home"), url_for("offline.index")]
    urls += [url_for(endpoint, **arguments)
             for endpoint, arguments in course_page_arguments(rules, {"course_id": [course.id]})]
    return jsonify(course_id=course.id, urls=urls)
