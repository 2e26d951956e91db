"""The secretariat's set-up rules, as plain functions (no Flask, no database).

Routes gather the facts (counts, flags) and ask here; the reason codes returned are
translated into the user's language by the caller.
"""

from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from teacherapp.rules import basis_covers_track, school_year_of, track_2_allowed

# ---------------------------------------------------------------- numbers people type

_DECIMAL = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)$")


def parse_decimal(text: str | None) -> Decimal | None:
    """ "7,5", "7.5", " 15 " -> Decimal; "" -> None; anything else raises ValueError."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    if not _DECIMAL.match(cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex guards this
        raise ValueError(text) from exc


def has_at_most_two_decimals(value: Decimal) -> bool:
    if value.as_tuple().exponent >= -2:  # type: ignore[operator]  # also 10**30, which
        return True  # quantize cannot hold in its 28 digits
    try:
        return value == value.quantize(Decimal("0.01"))
    except InvalidOperation:  # more digits than a decimal context holds: not two decimals
        return False


# ---------------------------------------------------------------- school years and courses

_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def is_valid_school_year(text: str) -> bool:
    """ "2026-2027": four digits, a dash, the next year."""
    match = _SCHOOL_YEAR.match((text or "").strip())
    return bool(match) and int(match.group(2)) == int(match.group(1)) + 1


def start_date_fits_school_year(start: date, school_year: str) -> bool:
    """A course starts inside its school year (1 September - 31 August)."""
    return school_year_of(start) == school_year


class MomentProblem(enum.StrEnum):
    IN_THE_PAST = "in_the_past"
    OUTSIDE_SCHOOL_YEAR = "outside_school_year"


def exam_moment_problem(day: date, school_year: str, today: date, *,
                        already_planned: bool = False) -> MomentProblem | None:
    """Why an exam moment may not be planned on this day, or None: it lies inside the course's
    school year, and not in the past (a moment already planned on that day may stay)."""
    if school_year_of(day) != school_year:
        return MomentProblem.OUTSIDE_SCHOOL_YEAR
    if day < today and not already_planned:
        return MomentProblem.IN_THE_PAST
    return None


class TrackProblem(enum.StrEnum):
    TRACK_2_NEEDS_BK_SCHOOL = "track_2_needs_bk_school"
    TRACK_2_NOT_FOR_COURSE_TYPE = "track_2_not_for_course_type"


def track_problem(track: int, school_has_bk_curriculum: bool,
                  course_type_code: str) -> TrackProblem | None:
    """Track 2 exists only for schools with the BK "sport and play leader" curriculum, and
    only for Start 2 Coach and Multimove ("Spoor 2: Voor S2C en MM")."""
    if track != 2:
        return None
    if not track_2_allowed(course_type_code):
        return TrackProblem.TRACK_2_NOT_FOR_COURSE_TYPE
    if not school_has_bk_curriculum:
        return TrackProblem.TRACK_2_NEEDS_BK_SCHOOL
    return None


def course_type_change_blocked(*, teachers_linked: int, enrolments: int, subjects_with_rubric: int) -> bool:
    """A course's type is fixed once teachers, pupils or rubrics depend on it."""
    return bool(teachers_linked or enrolments or subjects_with_rubric)


# ---------------------------------------------------------------- linking a teacher


class LinkRefusal(enum.StrEnum):
    DISABLED = "disabled"
    NOT_RECOGNISED = "not_recognised"
    RECOGNITION_REVOKED = "recognition_revoked"
    TRACK_2_ONLY = "track_2_only"
    ALREADY_LINKED = "already_linked"


def link_refusal(
    *, active: bool, has_recognition: bool, recognition_revoked: bool, already_linked: bool = False,
    basis: str | None = None, track: int = 1,
) -> LinkRefusal | None:
    """Why this teacher cannot be linked to a course of this type, or None if they can.

    Only an active teacher holding a valid recognition for the course's type, on a basis
    that covers the course's track, may be linked: the automatic recognition of a BK school's
    teacher is for track 2 only.
    """
    if already_linked:
        return LinkRefusal.ALREADY_LINKED
    if not active:
        return LinkRefusal.DISABLED
    if not has_recognition:
        return LinkRefusal.NOT_RECOGNISED
    if recognition_revoked:
        return LinkRefusal.RECOGNITION_REVOKED
    if basis is not None and not basis_covers_track(basis, track):
        return LinkRefusal.TRACK_2_ONLY
    return None


# ---------------------------------------------------------------- recognition


def refresher_date_required(basis: str) -> bool:
    """LO and VTS qualifications need the refresher training; track 2 is automatic."""
    return basis != "automatic_track2"


# ---------------------------------------------------------------- deleting


class DeleteRefusal(enum.StrEnum):
    HAS_COURSES = "has_courses"
    HAS_PUPILS = "has_pupils"
    HAS_RUBRICS = "has_rubrics"
    HAS_CONTENT = "has_content"
    HAS_RECOGNITIONS = "has_recognitions"
    HAS_SCORES = "has_scores"
    HAS_ASSESSMENTS = "has_assessments"
    HAS_VIEWS = "has_views"
    USED_BY_SUBJECTS = "used_by_subjects"


def delete_refusals(**counts: int) -> list[DeleteRefusal]:
    """Every reason a row may not be deleted, from counts of what depends on it.

    Called as delete_refusals(courses=3, pupils=0): the keyword names the dependants.
    """
    names = {
        "courses": DeleteRefusal.HAS_COURSES,
        "pupils": DeleteRefusal.HAS_PUPILS,
        "rubrics": DeleteRefusal.HAS_RUBRICS,
        "content": DeleteRefusal.HAS_CONTENT,
        "recognitions": DeleteRefusal.HAS_RECOGNITIONS,
        "scores": DeleteRefusal.HAS_SCORES,
        "assessments": DeleteRefusal.HAS_ASSESSMENTS,
        "views": DeleteRefusal.HAS_VIEWS,
        "subjects": DeleteRefusal.USED_BY_SUBJECTS,
    }
    return [names[key] for key, count in counts.items() if count]


# ---------------------------------------------------------------- subjects


def pass_mark_fits(pass_mark: Decimal, maximum: Decimal) -> bool:
    return Decimal(0) <= pass_mark <= maximum


def maximum_below_scores(new_maximum: Decimal, highest_score: Decimal | None) -> bool:
    """Lowering a maximum under a score already entered would make that score invalid."""
    return highest_score is not None and highest_score > new_maximum


@dataclass(frozen=True)
class SubjectTemplate:
    name: str
    kind: str
    maximum: Decimal
    pass_mark: Decimal
    position: int
    rubric_id: int | None


@dataclass(frozen=True)
class CopyPlan:
    to_create: list[SubjectTemplate]
    skipped: list[str]  # names the target course already has


def plan_subject_copy(source: Iterable[SubjectTemplate], existing_names: Iterable[str]) -> CopyPlan:
    """Which subjects to copy: every source subject whose name the target does not have yet.

    Names compare case-insensitively, so "Theorie" is not copied next to "theorie".
    Exam moments are not part of the plan: each course plans its own dates.
    """
    taken = {name.strip().casefold() for name in existing_names}
    create: list[SubjectTemplate] = []
    skipped: list[str] = []
    for subject in source:
        key = subject.name.strip().casefold()
        if key in taken:
            skipped.append(subject.name)
        else:
            taken.add(key)
            create.append(subject)
    return CopyPlan(create, skipped)


# ---------------------------------------------------------------- ordering


def next_position(positions: Iterable[int]) -> int:
    """One past the highest position (or rank) in use; 1 for an empty list."""
    return max(positions, default=0) + 1


def neighbour_index(index: int, direction: str, length: int) -> int | None:
    """The index to swap with when moving up or down, or None at the edge."""
    target = index - 1 if direction == "up" else index + 1
    return target if 0 <= target < length else None


# ---------------------------------------------------------------- passwords

# No 0/O, 1/l/I: a clerk reads the generated password aloud over the phone.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password(groups: int = 4, size: int = 4) -> str:
    """A random password that is easy to read out: "k7mq-x3pa-...". 19 characters, ~79 bits."""
    while True:
        password = "-".join(
            "".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups)
        )
        if len(set(password)) >= 6:
            return password
