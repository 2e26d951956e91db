"""The rules of the teacher's course views, as plain functions (no Flask, no database).

The loaders in `queries.py` fetch rows; these functions decide what a roster row says,
which pupils a search or filter keeps, and how content views add up per item and pupil.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from teacherapp.rules import (
    SITTINGS,
    Mark,
    Refusal,
    SchoolYearWarning,
    SubjectRule,
    is_age_admitted,
    required_cells,
)

# ---------------------------------------------------------------- why a pupil cannot be scored


def scoring_obstacles(
    *, is_paid: bool, birth_date: date, course_start_year: int, minimum_age: int,
    passed_before: bool,
) -> list[Refusal]:
    """Every reason this enrolment cannot be scored, most urgent first.

    `rules.scoring_refusal` answers with the first reason only; a roster shows them all,
    so that paying the fee is not presented as the fix for a pupil who is also too young.
    """
    obstacles: list[Refusal] = []
    if not is_paid:
        obstacles.append(Refusal.NOT_PAID)
    if not is_age_admitted(birth_date, course_start_year, minimum_age):
        obstacles.append(Refusal.TOO_YOUNG)
    if passed_before:
        obstacles.append(Refusal.PASSED_BEFORE)
    return obstacles


def age_in_year(birth_date: date, year: int) -> int:
    """The age a pupil turns in the given calendar year (what the admission rule compares)."""
    return year - birth_date.year


# ---------------------------------------------------------------- scores per pupil


@dataclass(frozen=True)
class PupilScoreCount:
    """How many of one pupil's required score cells are filled, per sitting."""

    required: Mapping[int, int]
    missing: Mapping[int, int]

    def entered(self, sitting: int) -> int:
        return self.required.get(sitting, 0) - self.missing.get(sitting, 0)

    @property
    def is_missing_a_score(self) -> bool:
        return any(self.missing.values())


def score_counts_per_pupil(
    enrolment_ids: Sequence[int],
    subjects: Sequence[SubjectRule],
    marks: Mapping[tuple[int, int, int], Mark],
    exemptions: Iterable[tuple[int, int]],
    first_sitting_submitted: bool = True,
) -> dict[int, PupilScoreCount]:
    """enrolment id -> required and missing score cells per sitting.

    Uses the same completeness rule as the course card and the submission, so the three
    agree: only scorable enrolments should be given, exempt cells are never required,
    and the second sitting requires only the subjects not passed in the first.
    """
    exemption_set = set(exemptions)
    required: dict[int, dict[int, int]] = {eid: {} for eid in enrolment_ids}
    missing: dict[int, dict[int, int]] = {eid: {} for eid in enrolment_ids}
    for sitting in SITTINGS:
        for enrolment_id, _subject_id, has_mark in required_cells(
                sitting, enrolment_ids, subjects, marks, exemption_set, first_sitting_submitted):
            counts = required[enrolment_id]
            counts[sitting] = counts.get(sitting, 0) + 1
            if not has_mark:
                counts = missing[enrolment_id]
                counts[sitting] = counts.get(sitting, 0) + 1
    return {eid: PupilScoreCount(required[eid], missing[eid]) for eid in enrolment_ids}


# ---------------------------------------------------------------- content progress


def percent(part: int, whole: int) -> int:
    """part of whole as a whole percentage, 0 when there is nothing to count."""
    if whole <= 0:
        return 0
    return round(100 * part / whole)


@dataclass(frozen=True)
class ContentProgress:
    """How far one pupil is through the content of a course type."""

    viewed: int
    completed: int
    total: int

    @property
    def viewed_all(self) -> bool:
        return self.viewed >= self.total

    @property
    def viewed_percent(self) -> int:
        return percent(self.viewed, self.total)

    @property
    def completed_percent(self) -> int:
        return percent(self.completed, self.total)


# ---------------------------------------------------------------- roster search and filters


def fold(text: str) -> str:
    """Lower-case and strip accents, so "zoe" finds Zoë and "helene" finds Hélène."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matches_search(query: str, *fields: str | None) -> bool:
    """Every word of the query occurs in one of the fields (name parts, VTS account id)."""
    words = fold(query).split()
    if not words:
        return True
    haystack = " ".join(fold(f) for f in fields if f)
    return all(word in haystack for word in words)


@dataclass
class RosterRow:
    """One pupil in a course's roster, with everything the teacher needs to see at a glance."""

    enrolment_id: int
    first_name: str
    last_name: str
    vts_account_id: str | None
    birth_date: date
    age_in_start_year: int
    is_paid: bool
    paid_at: datetime | None
    passed_before: bool
    phasing_out: bool
    obstacles: list[Refusal]
    exemptions: list[str] = field(default_factory=list)  # subject names
    content: ContentProgress = field(default_factory=lambda: ContentProgress(0, 0, 0))
    scores: PupilScoreCount = field(default_factory=lambda: PupilScoreCount({}, {}))
    track: int = 1
    minimum_age: int = 0  # the age rule the pupil was admitted under
    school_grade: int | None = None  # leerjaar
    school_semester: int | None = None
    school_year_warnings: list[SchoolYearWarning] = field(default_factory=list)
    generic_test: bool | None = None  # None: not taken; else whether a result was a pass
    curriculum_completed_on: date | None = None
    admission_requirement: str | None = None  # the course type's sport-technical TVW
    admission_requirement_met: bool | None = None

    @property
    def can_be_scored(self) -> bool:
        return not self.obstacles

    @property
    def is_age_admitted(self) -> bool:
        return Refusal.TOO_YOUNG not in self.obstacles

    @property
    def is_missing_a_score(self) -> bool:
        return self.can_be_scored and self.scores.is_missing_a_score


@dataclass(frozen=True)
class RosterFilter:
    """A roster search: free text plus filters that all must hold."""

    query: str = ""
    unpaid: bool = False
    unscored: bool = False
    not_all_viewed: bool = False

    @property
    def is_active(self) -> bool:
        return bool(self.query.strip()) or self.unpaid or self.unscored or self.not_all_viewed

    def keeps(self, row: RosterRow) -> bool:
        if self.unpaid and row.is_paid:
            return False
        if self.unscored and not row.is_missing_a_score:
            return False
        if self.not_all_viewed and row.content.viewed_all:
            return False
        return matches_search(self.query, row.first_name, row.last_name, row.vts_account_id)


def filter_roster(rows: Iterable[RosterRow], roster_filter: RosterFilter) -> list[RosterRow]:
    return [row for row in rows if roster_filter.keeps(row)]


# ---------------------------------------------------------------- course cards


def sort_by_next_exam(
    course_ids: Iterable[int], next_exam: Mapping[int, date], tie_break: Mapping[int, tuple]
) -> list[int]:
    """Courses with the soonest exam moment first; courses without one last."""
    def key(course_id: int) -> tuple:
        day = next_exam.get(course_id)
        return (day is None, day or date.max, tie_break.get(course_id, ()))

    return sorted(course_ids, key=key)


# ---------------------------------------------------------------- content-view overview


@dataclass(frozen=True)
class ViewCell:
    """One pupil x content item: whether and how far it was viewed."""

    progress: int
    completed: bool
    first_viewed_at: datetime
    last_viewed_at: datetime


@dataclass
class ItemSummary:
    item_id: int
    title: str
    kind: str
    viewed: int
    completed: int
    pupils: int
    not_viewed: list[int]  # enrolment ids, in roster order

    @property
    def viewed_percent(self) -> int:
        return percent(self.viewed, self.pupils)

    @property
    def completed_percent(self) -> int:
        return percent(self.completed, self.pupils)


def summarise_items(
    items: Sequence[tuple[int, str, str]],
    pupils: Sequence[tuple[int, int]],
    cells: Mapping[tuple[int, int], ViewCell],
) -> list[ItemSummary]:
    """Per content item: how many pupils viewed and completed it, and who did not view it.

    `items` holds (item id, title, kind) in order; `pupils` holds (enrolment id, pupil id)
    in roster order; `cells` is keyed by (pupil id, item id).
    """
    summaries = []
    for item_id, title, kind in items:
        viewed = completed = 0
        not_viewed: list[int] = []
        for enrolment_id, pupil_id in pupils:
            cell = cells.get((pupil_id, item_id))
            if cell is None:
                not_viewed.append(enrolment_id)
                continue
            viewed += 1
            completed += cell.completed
        summaries.append(ItemSummary(item_id, title, kind, viewed, completed, len(pupils),
                                     not_viewed))
    return summaries


@dataclass(frozen=True)
class ChartBar:
    """One row of the completion chart, in SVG user units (the chart is 100 wide)."""

    title: str
    y: int
    viewed_width: float
    completed_width: float
    viewed_percent: int
    completed_percent: int


CHART_ROW_HEIGHT = 34


def completion_chart(summaries: Sequence[ItemSummary]) -> list[ChartBar]:
    """Bars for the server-rendered SVG chart: viewed behind, completed in front."""
    return [
        ChartBar(s.title, index * CHART_ROW_HEIGHT, float(s.viewed_percent),
                 float(s.completed_percent), s.viewed_percent, s.completed_percent)
        for index, s in enumerate(summaries)
    ]
