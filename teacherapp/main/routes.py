from __future__ import annotations

from flask import abort, redirect, request, session, url_for
from flask_login import current_user, login_required

from teacherapp.courses.routes import render_my_courses
from teacherapp.main import bp
from teacherapp.redirects import safe_next_url


@bp.route("/")
@login_required
def home():
    """A teacher's start page: their course cards. The secretariat starts on the year
    overview, one table for every course (the cards are at /courses/); a school coordinator
    on her schools and their courses."""
    if current_user.is_secretariat:
        return redirect(url_for("deliberation.overview"))
    if current_user.is_school_coordinator:
        from teacherapp.school.routes import render_school_home

        return render_school_home()
    return render_my_courses()


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang")
    if lang not in ("nl", "en"):
        abort(400)
    session["lang"] = lang
    return redirect(safe_next_url(request.form.get("next"), url_for("main.home")))
