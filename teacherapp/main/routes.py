from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from teacherapp.extensions import db
from teacherapp.main import bp
from teacherapp.models import Course
from teacherapp.permissions import has_any_recognition, visible_courses_query


@bp.route("/")
@login_required
def home():
    courses = db.session.scalars(
        visible_courses_query(current_user)
        .options(joinedload(Course.course_type), joinedload(Course.school))
        .order_by(Course.start_date, Course.id)
    ).unique().all()
    recognised = current_user.is_secretariat or has_any_recognition(current_user)
    return render_template("main/home.html", courses=courses, recognised=recognised)


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang")
    if lang not in ("nl", "en"):
        abort(400)
    session["lang"] = lang
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    return redirect(target)
