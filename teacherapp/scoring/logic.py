"""What a score or rubric cell may do, decided from plain facts (no Flask, no database).

The routes load the facts in one query, ask here whether the cell can change and what its
result is, and translate the codes returned into the user's language.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from teacherapp.parsing import parse_id
from teacherapp.rules import (
    Absence,
    Mark,
    Refusal,
    Result,
    RubricSuggestion,
    may_take_second_sitting,
    rubric_suggestion,
    scoring_refusal,
    sitting_result,
)


class Block(enum.StrEnum):
    """Why a cell cannot be changed. Refusals of the enrolment come first, then the lock."""

    NOT_PAID = "not_paid"
    TOO_YOUNG = "too_young"
    PASSED_BEFORE = "passed_before"
    LOCKED = "locked"  # the sitting was submitted to VTS
    EXEMPT = "exempt"  # an exempt subject needs no score
    NOT_IN_SECOND_SITTING = "not_in_second_sitting"  # passed (or nothing failed) in the first

    @property
    def is_refusal(self) -> bool:
        return self in (Block.NOT_PAID, Block.TOO_YOUNG, Block.PASSED_BEFORE)


_REFUSAL_BLOCK = {
    Refusal.NOT_PAID: Block.NOT_PAID,
    Refusal.TOO_YOUNG: Block.TOO_YOUNG,
    Refusal.PASSED_BEFORE: Block.PASSED_BEFORE,
}


@dataclass(frozen=True)
class PupilFacts:
    """What decides whether an enrolment may be scored at all."""

    is_paid: bool
    birth_date: date
    course_start_year: int
    minimum_age: int
    passed_before: bool = False

    def refusal(self) -> Block | None:
        refusal = scoring_refusal(
            is_paid=self.is_paid, birth_date=self.birth_date,
            course_start_year=self.course_start_year, minimum_age=self.minimum_age,
            passed_before=self.passed_before,
        )
        return _REFUSAL_BLOCK[refusal] if refusal else None


def mark_of(value: Decimal | None, absence: str | None) -> Mark | None:
    """The rules' Mark for a stored score row (None when there is no row or it was cleared)."""
    if value is None and absence is None:
        return None
    return Mark(value=value, absence=Absence(absence) if absence else None)


@dataclass(frozen=True)
class ScoreCell:
    """One (pupil, subject, sitting) cell and everything that decides what it may do."""

    sitting: int
    maximum: Decimal
    pass_mark: Decimal
    mark: Mark | None
    version: int  # 0: no row yet
    pupil: PupilFacts
    exempt: bool = False
    locked: bool = False
    first_mark: Mark | None = None  # the first-sitting mark, for a second-sitting cell
    # With no first-sitting mark, a subject goes to the second sitting only once the first
    # sitting is submitted (a late payer; rules.may_take_second_sitting).
    first_sitting_submitted: bool = True

    @property
    def block(self) -> Block | None:
        refusal = self.pupil.refusal()
        if refusal:
            return refusal
        if self.exempt:
            return Block.EXEMPT
        if self.sitting == 2 and not may_take_second_sitting(self.first_result,
                                                             self.first_sitting_submitted):
            return Block.NOT_IN_SECOND_SITTING
        if self.locked:
            return Block.LOCKED
        return None

    @property
    def first_result(self) -> Result:
        return sitting_result(self.first_mark, self.pass_mark)

    @property
    def result(self) -> Result:
        return sitting_result(self.mark, self.pass_mark, exempt=self.exempt)


def same_mark(a: Mark | None, b: Mark | None) -> bool:
    """Cleared and never entered are the same thing to a teacher."""
    a = a if a is not None and not a.is_empty else None
    b = b if b is not None and not b.is_empty else None
    return a == b


def parse_version(text: str | None) -> int | None:
    """The version a save was based on: "" or "0" is a new cell; garbage is None."""
    text = (text or "").strip()
    if not text:
        return 0
    return parse_id(text)


# ---------------------------------------------------------------- rubric totals


@dataclass(frozen=True)
class RubricTotal:
    """The live total of one pupil's rubric, and the score it suggests for a subject."""

    points: Decimal
    maximum_points: Decimal
    chosen: int
    criteria: int
    suggestion: RubricSuggestion | None


def rubric_total(
    chosen_points: Mapping[int, Decimal],
    criterion_maxima: Mapping[int, Decimal],
    subject_maximum: Decimal | None,
) -> RubricTotal:
    """Total of the chosen levels (criterion id -> points) against each criterion's best level."""
    chosen = [points for cid, points in chosen_points.items() if cid in criterion_maxima]
    maximum_points = sum(criterion_maxima.values(), Decimal(0))
    suggestion = (
        rubric_suggestion(chosen, criterion_maxima.values(), subject_maximum)
        if subject_maximum is not None else None
    )
    return RubricTotal(sum(chosen, Decimal(0)), maximum_points, len(chosen),
                       len(criterion_maxima), suggestion)


def scaled_exactly(points: Decimal, maximum_points: Decimal, subject_maximum: Decimal) -> Decimal:
    """points / maximum x subject maximum, to one decimal: the middle step of the formula."""
    if maximum_points <= 0:
        return Decimal(0)
    return (points / maximum_points * subject_maximum).quantize(Decimal("0.1"))


# ---------------------------------------------------------------- exam mode order


def exam_order(candidates: Iterable[int], refused: set[int],
               show_all: bool) -> tuple[list[int], int]:
    """Exam mode's pupils, and how many were skipped because they cannot be scored.

    By default a pupil who cannot be scored (not paid, too young, passed before) is skipped:
    at the pool's edge every tap on "Next pupil" should land on someone to score.
    """
    ids = list(candidates)
    if show_all:
        return ids, 0
    kept = [i for i in ids if i not in refused]
    return kept, len(ids) - len(kept)


def next_and_previous(ids: Iterable[int], current: int) -> tuple[int | None, int | None]:
    """The pupil before and after `current` in exam-mode order (None at either end)."""
    order = list(ids)
    if current not in order:
        return (order[0] if order else None), None
    index = order.index(current)
    previous = order[index - 1] if index > 0 else None
    following = order[index + 1] if index + 1 < len(order) else None
    return following, previous
