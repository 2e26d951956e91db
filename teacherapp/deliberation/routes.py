"""The year overview and the export of scores for deliberation."""

from __future__ import annotations

import os
from datetime import date, datetime

from flask import Response, current_app, request, stream_with_context, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError
from wtforms import SelectChoice

from teacherapp.certificates import NOT_ELIGIBLE
from teacherapp.deliberation import bp
from teacherapp.deliberation import export as export_module
from teacherapp.deliberation.forms import ExportForm, FilterForm, OverviewForm
from teacherapp.deliberation.logic import Action, RowProblem
from teacherapp.deliberation.messages import (
    ACTION_NAMES,
    FIELD_NAMES,
    PAYMENT_METHODS,
    ROW_PROBLEMS,
)
from teacherapp.deliberation.overview import (
    CourseWarning,
    OverviewFilters,
    OverviewOrder,
    SortKey,
    filter_choices,
    load_overview,
)
from teacherapp.deliberation.payments import payment_recorder
from teacherapp.formatting import date_filter
from teacherapp.htmx import render_page_or_partial
from teacherapp.parsing import parse_id
from teacherapp.permissions import secretariat_required

# The reopen action belongs to the scoring area: its submission page holds the reopen form.
REOPEN_ENDPOINTS = ("scoring.submission",)


def _import_value(value: object, field_name: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date | datetime):
        return date_filter(value)
    if field_name == "payment_method":
        return str(PAYMENT_METHODS.get(str(value), value))
    return str(value)


def _reopen_url(course_id: int, sitting: int) -> str | None:
    for endpoint in REOPEN_ENDPOINTS:
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, course_id=course_id, sitting=sitting)
            except BuildError:
                return None
    return None


@bp.context_processor
def deliberation_words() -> dict:
    return {"Action": Action, "RowProblem": RowProblem, "ROW_PROBLEMS": ROW_PROBLEMS,
            "FIELD_NAMES": FIELD_NAMES, "ACTION_NAMES": ACTION_NAMES,
            "import_value": _import_value, "reopen_url": _reopen_url,
            "payment_recorder": payment_recorder,
            "CourseWarning": CourseWarning}


def _int_arg(name: str, allowed: range | None = None) -> int | None:
    value = parse_id(request.args.get(name, ""))
    if value is None:
        return None
    return value if allowed is None or value in allowed else None


def filter_form(form_class: type[FilterForm], school_ids: tuple[int, ...] | None = None
                ) -> FilterForm:
    """The filters from the query string; a coordinator's choices only show her schools."""
    years, schools, types = filter_choices(school_ids)
    form = form_class(request.args)
    form.school_year.choices = [SelectChoice("", _("All school years"))] + [
        SelectChoice(y) for y in years]
    form.school.choices = [SelectChoice("", _("All schools"))] + [
        SelectChoice(str(s.id), s.name) for s in schools]
    form.course_type.choices = [SelectChoice("", _("All course types"))] + [
        SelectChoice(str(t.id), t.name) for t in types]
    if "school_year" not in request.args and years:
        form.school_year.data = years[0]  # the newest year: what the secretariat works on
    return form


def school_year_filter(form: FilterForm) -> str | None:
    year = form.school_year.data or None
    return year if year in {choice.value for choice in form.school_year.choices} else None


def _overview_order() -> OverviewOrder:
    try:
        sort = SortKey(request.args.get("sort", SortKey.SCHOOL))
    except ValueError:
        sort = SortKey.SCHOOL
    return OverviewOrder(sort, request.args.get("dir") == "desc", _int_arg("page") or 1)


def _overview_url(**changes: object) -> str:
    """This overview's URL (filters, sort, page) with some arguments changed: the
    secretariat's or a school coordinator's, whichever is being shown."""
    arguments = {k: v for k, v in request.args.items() if v != ""}
    arguments.update({k: v for k, v in changes.items()})
    return url_for(request.endpoint, **{k: v for k, v in arguments.items() if v is not None})


def render_overview(school_ids: tuple[int, ...] | None = None, **extra: object):
    """The year overview: every course, or (a school coordinator's) only these schools'."""
    form = filter_form(OverviewForm, school_ids)
    form.validate()
    filters = OverviewFilters(school_year_filter(form), _int_arg("school"),
                              _int_arg("course_type"), _int_arg("trimester", range(1, 4)),
                              _int_arg("track", range(1, 3)), (form.q.data or "")[:100],
                              school_ids)
    order = _overview_order()
    result = load_overview(filters, order)
    return render_page_or_partial("deliberation/overview.html", "deliberation/_overview_lines.html",
                                  form=form, result=result, lines=result.lines, order=order,
                                  SortKey=SortKey, overview_url=_overview_url, **extra)


@bp.route("/overview")
@secretariat_required
def overview():
    return render_overview()


def _export_filters(form: ExportForm) -> export_module.ExportFilters:
    return export_module.ExportFilters(
        school_year=school_year_filter(form), trimester=_int_arg("trimester", range(1, 4)),
        course_type_id=_int_arg("course_type"), school_id=_int_arg("school"),
        sitting=_int_arg("sitting", range(1, 3)),
        include_unsubmitted=request.args.get("include_unsubmitted") in ("y", "1", "on", "true"))


@bp.route("/export")
@secretariat_required
def export():
    form = filter_form(ExportForm)
    filters = _export_filters(form)
    lines, courses = export_module.count_rows(filters)
    return render_page_or_partial("deliberation/export.html", "deliberation/_export_count.html",
                                  form=form, lines=lines, courses=courses, filters=filters)


def _words() -> export_module.Words:
    certificate_headers = [_("Phasing out"), _("Eligible for the certificate"),
                           _("Why not eligible")]
    headers = [
        _("School"), _("Institution number"), _("Course id"), _("Course"), _("Course type"),
        _("Track"), _("School year"), _("Last name"), _("First name"), _("VTS account id"),
        _("Birth date"), _("Paid"), _("Subject"), _("Maximum"), _("Pass mark"),
        _("Trimester 1st sitting"), _("1st sitting score or code"), _("Trimester 2nd sitting"),
        _("2nd sitting score or code"), _("Final result of the subject"), _("Exempt"), _("Exemption reason"),
        _("1st sitting submitted"), _("1st sitting submitted by"), _("1st sitting submitted at"),
        _("2nd sitting submitted"), _("2nd sitting submitted by"), _("2nd sitting submitted at"),
        *certificate_headers,
        _("Why there is no score"),
    ]
    pupil_headers = headers[:12] + [
        _("Subjects"), _("Subjects passed or exempt"), _("Total score"),
        _("Total maximum (without exempt subjects)"), _("Overall result"),
        *certificate_headers,
    ]
    return export_module.Words(
        headers=headers, pupil_headers=pupil_headers,
        reasons={code.value: str(text) for code, text in NOT_ELIGIBLE.items()},
        codes={"absent": _("absent"), "excused": _("excused absent"), "exempt": _("exempt"),
               "repeater": _("repeater")},
        results={"passed": _("passed"), "failed": _("failed"), "exempt": _("exempt"),
                 "absent": _("absent"), "missing": _("no score"), "incomplete": _("incomplete")},
        yes=_("yes"), no=_("no"), long_sheet=_("Scores"), pupil_sheet=_("Per pupil"),
        no_score={"unpaid": _("not paid: no exam opportunity"),
                  "passed_before": _("passed this course type before: no exam opportunity")})


def _download_name(filters: export_module.ExportFilters, extension: str) -> str:
    parts = ["vts-scores", filters.school_year or _("all-years")]
    if filters.trimester:
        parts.append(f"trim{filters.trimester}")
    if filters.sitting:
        parts.append(f"zit{filters.sitting}")
    parts.append(datetime.now().strftime("%Y%m%d-%H%M"))
    return "-".join(parts) + "." + extension


@bp.route("/export/download")
@secretariat_required
def export_download():
    form = filter_form(ExportForm)
    filters = _export_filters(form)
    words = _words()
    if request.args.get("file_format") == "csv":
        delimiter = "," if request.args.get("delimiter") == "comma" else ";"
        rows = export_module.export_rows(filters)
        body = stream_with_context(export_module.csv_chunks(rows, words, delimiter))
        response = Response(body, mimetype="text/csv")
        name = _download_name(filters, "csv")
    else:
        folder = os.path.join(current_app.instance_path, "exports")
        path = export_module.temporary_xlsx_path(folder)
        try:
            export_module.write_xlsx(export_module.export_rows(filters), words, path,
                                     per_course=request.args.get("layout") == "per_course")
        except BaseException:
            os.unlink(path)
            raise
        response = Response(export_module.file_chunks(path), mimetype=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response.headers["Content-Length"] = str(os.path.getsize(path))
        name = _download_name(filters, "xlsx")
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response
