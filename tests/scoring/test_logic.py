"""The Flask-free rules of a scoring cell."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from teacherapp.rules import Absence, Mark, Result
from teacherapp.scoring.logic import (
    Block,
    PupilFacts,
    ScoreCell,
    next_and_previous,
    parse_version,
    rubric_total,
    same_mark,
    scaled_exactly,
)

PAID = PupilFacts(True, date(2009, 1, 1), 2026, 15)


def _cell(**kw) -> ScoreCell:
    base = {"sitting": 1, "maximum": Decimal(20), "pass_mark": Decimal(10), "mark": None,
            "version": 0, "pupil": PAID}
    return ScoreCell(**{**base, **kw})


def test_an_open_cell_has_no_block_and_its_result_follows_the_pass_mark():
    assert _cell().block is None
    assert _cell(mark=Mark(Decimal(10))).result == Result.PASSED
    assert _cell(mark=Mark(Decimal("9.5"))).result == Result.FAILED


def test_refusals_come_before_the_lock():
    unpaid = PupilFacts(False, date(2009, 1, 1), 2026, 15)
    assert _cell(pupil=unpaid, locked=True).block == Block.NOT_PAID
    young = PupilFacts(True, date(2012, 1, 1), 2026, 15)
    assert _cell(pupil=young).block == Block.TOO_YOUNG
    before = PupilFacts(True, date(2009, 1, 1), 2026, 15, passed_before=True)
    assert _cell(pupil=before).block == Block.PASSED_BEFORE
    assert _cell(locked=True).block == Block.LOCKED


def test_exempt_cells_need_no_score_and_count_as_passed():
    cell = _cell(exempt=True)
    assert cell.block == Block.EXEMPT and cell.result == Result.EXEMPT


def test_second_sitting_only_after_a_fail_or_absence():
    assert _cell(sitting=2, first_mark=Mark(Decimal(12))).block == Block.NOT_IN_SECOND_SITTING
    assert _cell(sitting=2, first_mark=None,
                 first_sitting_submitted=False).block == Block.NOT_IN_SECOND_SITTING
    assert _cell(sitting=2, first_mark=Mark(Decimal(8))).block is None
    assert _cell(sitting=2, first_mark=Mark(absence=Absence.ABSENT)).block is None


def test_a_late_payer_takes_the_second_sitting_once_the_first_is_submitted():
    """No first-sitting mark (paid after the first sitting was submitted): the second sitting,
    the one still open, is the pupil's exam chance."""
    assert _cell(sitting=2, first_mark=None, first_sitting_submitted=True).block is None


def test_cleared_and_empty_are_the_same_mark():
    assert same_mark(None, Mark())
    assert same_mark(Mark(Decimal(8)), Mark(Decimal("8.00")))
    assert not same_mark(Mark(Decimal(8)), Mark(absence=Absence.ABSENT))


def test_versions_from_the_form():
    assert parse_version("") == 0 and parse_version("0") == 0 and parse_version("7") == 7
    assert parse_version("x") is None and parse_version("-1") is None


def test_rubric_total_and_formula():
    total = rubric_total({1: Decimal(2), 2: Decimal(3)}, {1: Decimal(3), 2: Decimal(3), 3: Decimal(3)},
                         Decimal(20))
    assert (total.points, total.maximum_points, total.chosen, total.criteria) == (5, 9, 2, 3)
    assert total.suggestion.suggested == Decimal("11")
    assert scaled_exactly(Decimal(7), Decimal(15), Decimal(20)) == Decimal("9.3")
    assert rubric_total({}, {1: Decimal(3)}, Decimal(20)).suggestion is None


def test_next_and_previous_pupil():
    assert next_and_previous([1, 2, 3], 2) == (3, 1)
    assert next_and_previous([1, 2, 3], 3) == (None, 2)
    assert next_and_previous([1, 2], 9) == (1, None)
