"""Planning a subject's exam moments, shared by the secretariat's subject form and the school
coordinator's planning screen (both use admin.forms.ExamMomentsForm)."""

from __future__ import annotations

from datetime import date

from teacherapp.admin.forms import ExamMomentsForm
from teacherapp.admin.helpers import record_changes, record_create, record_delete, snapshot
from teacherapp.models import ExamMoment, Subject
from teacherapp.rules import trimester_of

SITTINGS = {1: "first", 2: "second"}
MOMENT_FIELDS = ["exam_date", "trimester", "start_time", "place"]


def fill_moments(form: ExamMomentsForm, subject: Subject) -> None:
    """Show the moments already planned in the form."""
    for moment in subject.exam_moments:
        prefix = SITTINGS[moment.sitting]
        getattr(form, f"{prefix}_date").data = moment.exam_date
        getattr(form, f"{prefix}_trimester").data = moment.trimester
        getattr(form, f"{prefix}_time").data = moment.start_time
        getattr(form, f"{prefix}_place").data = moment.place


def planned_dates(subject: Subject) -> dict[int, date]:
    return {m.sitting: m.exam_date for m in subject.exam_moments}


def apply_moments(form: ExamMomentsForm, subject: Subject) -> None:
    """Plan, move or clear the exam moment of each sitting, with one audit event per change;
    the trimester defaults from the date."""
    existing = {m.sitting: m for m in subject.exam_moments}
    for sitting, prefix in SITTINGS.items():
        day: date | None = getattr(form, f"{prefix}_date").data
        moment = existing.get(sitting)
        if day is None:
            if moment is not None:
                record_delete("exam_moment", moment, f"sitting {sitting}: {moment.exam_date}",
                              course_id=subject.course_id)
                subject.exam_moments.remove(moment)
            continue
        trimester = getattr(form, f"{prefix}_trimester").data or trimester_of(day)
        start_time = getattr(form, f"{prefix}_time").data
        place = (getattr(form, f"{prefix}_place").data or "").strip() or None
        if moment is None:
            moment = ExamMoment(sitting=sitting, exam_date=day, trimester=trimester,
                                start_time=start_time, place=place)
            subject.exam_moments.append(moment)
            record_create("exam_moment", moment, ["subject_id", "sitting", *MOMENT_FIELDS],
                          course_id=subject.course_id)
        else:
            before = snapshot(moment, MOMENT_FIELDS)
            moment.exam_date, moment.trimester = day, trimester
            moment.start_time, moment.place = start_time, place
            record_changes("exam_moment", moment, before, course_id=subject.course_id)
