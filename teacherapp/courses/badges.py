"""A pupil's status badges and progress bars, as HTML, for the roster and the pupil page.

Plain Python instead of Jinja macros: the roster shows them on every row, and a macro call
with its translations cost about 60 microseconds a row (profiled: a tenth of the roster).
The words are marked with N_ so the catalogue picks them up; they are translated when shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from teacherapp.i18n import request_translations
from teacherapp.rules import Refusal, SchoolYearWarning


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "translate later")
    return text


OBSTACLES = {
    Refusal.NOT_PAID: ("badge-bad", N_("Not paid: no exam possible")),
    Refusal.TOO_YOUNG: ("badge-bad", N_("Too young for this course")),
    Refusal.PASSED_BEFORE: ("badge-warn", N_("Passed before")),
}
CAN_BE_SCORED = N_("Can be scored")
PHASING_OUT = N_("Phasing out (2025-2026 system)")
SCHOOL_YEAR_WARNINGS = {
    SchoolYearWarning.BEFORE_TABLE: N_("School year earlier than the regulation's table for "
                                       "this course type"),
    SchoolYearWarning.AFTER_TABLE: N_("School year after the 7th"),
    SchoolYearWarning.TRACK_2_BEFORE_SIXTH: N_("Track 2 below the 6th year: the regulation "
                                               "puts this under track 1"),
}
GENERIC_TEST = {
    None: ("badge-warn", N_("Generic test not taken yet")),
    True: ("badge-ok", N_("Generic test: passed")),
    False: ("badge-info", N_("Generic test: taken, not passed")),
}
CURRICULUM_COMPLETED = N_("BK curriculum completed")
CURRICULUM_OPEN = N_("BK curriculum not completed yet")
REQUIREMENTS = {
    None: ("badge-warn", N_("Sport-technical admission requirements: not recorded")),
    False: ("badge-bad", N_("Sport-technical admission requirements: not met")),
}
_BADGE = '<span class="badge {}">{}</span>'


def status_badges(row) -> Markup:  # noqa: ANN001 (a RosterRow)
    """Why the pupil cannot be scored (or that they can), and "phasing out" if so."""
    translate = request_translations().ugettext
    if row.obstacles:
        parts = [_BADGE.format(OBSTACLES[o][0], escape(translate(OBSTACLES[o][1])))
                 for o in row.obstacles if o in OBSTACLES]
    else:
        parts = [_BADGE.format("badge-ok", escape(translate(CAN_BE_SCORED)))]
    if row.phasing_out:
        parts.append(_BADGE.format("badge-info", escape(translate(PHASING_OUT))))
    parts.extend(_regulation_badges(row, translate))
    return Markup(" ".join(parts))


def _regulation_badges(row, translate) -> list[str]:  # noqa: ANN001 (a RosterRow)
    """School year warnings, the generic test (track 1), the BK curriculum (track 2), and
    sport-technical admission requirements not met: the regulation's facts a teacher must see
    before scoring."""
    parts = [_BADGE.format("badge-warn", escape(translate(SCHOOL_YEAR_WARNINGS[w])))
             for w in row.school_year_warnings]
    if row.admission_requirement and row.admission_requirement_met is not True:
        kind, text = REQUIREMENTS[row.admission_requirement_met]
        parts.append(_BADGE.format(kind, escape(translate(text))))
    if row.track == 1 or row.phasing_out:
        kind, text = GENERIC_TEST[row.generic_test]
        parts.append(_BADGE.format(kind, escape(translate(text))))
    if row.track == 2 or row.phasing_out:
        done = row.curriculum_completed_on is not None
        parts.append(_BADGE.format("badge-ok" if done else "badge-info",
                                   escape(translate(CURRICULUM_COMPLETED if done
                                                    else CURRICULUM_OPEN))))
    return parts


def progress_bar(value: float | int, label: str) -> Markup:
    """A progress bar out of 100 with its label for screen readers.

    An f-string of escaped parts: `Markup.format` gave the same HTML at five times the cost
    (string.Formatter in Python), a twentieth of the roster's time at one bar per row.
    """
    shown = f"{round(value)}%" if value is not None else ""
    return Markup(f'<progress class="bar" max="100" value="{escape(value)}" '
                  f'aria-label="{escape(label)}">{escape(shown)}</progress>')


@dataclass(frozen=True)
class RosterTexts:
    """One roster row's sentences, translated and filled in once, in Python."""

    age: str
    sittings: list[tuple[str, bool]]  # (text, still missing scores), per sitting with subjects
    content: str | None  # None: no content for this course type
    school_year: str | None = None  # the pupil's school year (leerjaar), when known


def roster_texts(row, start_year: int) -> RosterTexts:  # noqa: ANN001 (a RosterRow)
    """The row's texts: a Jinja gettext call with variables costs ~10 microseconds, here ~1."""
    _ = request_translations().ugettext  # named _ so the catalogue extraction finds the words
    sittings = []
    for sitting, text in ((1, _("1st sitting: %(entered)s/%(required)s")),
                          (2, _("2nd sitting: %(entered)s/%(required)s"))):
        required = row.scores.required.get(sitting)
        if required:
            sittings.append((text % {"entered": row.scores.entered(sitting), "required": required},
                             bool(row.scores.missing.get(sitting))))
    content = None
    if row.content.total:
        content = _("%(viewed)s of %(total)s viewed, %(completed)s completed") % {
            "viewed": row.content.viewed, "total": row.content.total,
            "completed": row.content.completed}
    school_year = None
    if row.school_grade is not None:
        school_year = (_("year %(grade)s, semester %(semester)s") % {
            "grade": row.school_grade, "semester": row.school_semester}
            if row.school_semester else _("year %(grade)s") % {"grade": row.school_grade})
    return RosterTexts(
        age=_("turns %(age)s in %(year)s") % {"age": row.age_in_start_year, "year": start_year},
        sittings=sittings, content=content, school_year=school_year)
