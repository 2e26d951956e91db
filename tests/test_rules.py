"""The domain rules, on their own: no app, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teacherapp.rules import (
    Absence,
    CourseResult,
    Mark,
    MissingCell,
    Refusal,
    Result,
    ScoreError,
    ScoreParseError,
    SubjectRule,
    course_result,
    enrolment_refusal,
    final_subject_result,
    format_score,
    is_age_admitted,
    missing_cells,
    needs_justification,
    parse_score,
    required_cells,
    rubric_suggestion,
    school_year_of,
    scoring_refusal,
    second_sitting_subjects,
    sitting_result,
    trimester_of,
)

TEN = Decimal(10)
TWENTY = Decimal(20)


# ---------------------------------------------------------------- age admission

@pytest.mark.parametrize(
    ("birth", "start_year", "minimum", "admitted"),
    [
        (date(2011, 12, 31), 2026, 15, True),  # turns 15 on the last day of the start year
        (date(2012, 1, 1), 2026, 15, False),
        (date(2009, 6, 1), 2026, 17, True),  # Hoger Redder: 17
        (date(2010, 3, 14), 2026, 17, False),
        (date(2010, 1, 1), 2026, 16, True),
    ],
)
def test_age_admission_counts_the_year_the_pupil_turns(birth, start_year, minimum, admitted):
    assert is_age_admitted(birth, start_year, minimum) is admitted


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2020, 12, 31)),
       st.integers(2000, 2040), st.integers(10, 20))
def test_age_admission_matches_the_regulation_formula(birth, start_year, minimum):
    assert is_age_admitted(birth, start_year, minimum) == (start_year - birth.year >= minimum)


def test_a_pupil_who_passed_before_cannot_enrol_again():
    refusal = enrolment_refusal(birth_date=date(2008, 1, 1), course_start_year=2026,
                                minimum_age=15, passed_before=True)
    assert refusal == Refusal.PASSED_BEFORE


def test_enrolment_refused_for_a_pupil_too_young():
    assert enrolment_refusal(birth_date=date(2012, 5, 1), course_start_year=2026,
                             minimum_age=15, passed_before=False) == Refusal.TOO_YOUNG


def test_enrolment_allowed_when_old_enough_and_new():
    assert enrolment_refusal(birth_date=date(2010, 5, 1), course_start_year=2026,
                             minimum_age=15, passed_before=False) is None


def test_no_score_for_an_unpaid_enrolment():
    assert scoring_refusal(is_paid=False, birth_date=date(2009, 1, 1), course_start_year=2026,
                           minimum_age=15) == Refusal.NOT_PAID


def test_scores_accepted_for_a_paid_admitted_pupil():
    assert scoring_refusal(is_paid=True, birth_date=date(2009, 1, 1), course_start_year=2026,
                           minimum_age=15) is None


def test_paid_but_too_young_still_refused():
    assert scoring_refusal(is_paid=True, birth_date=date(2012, 1, 1), course_start_year=2026,
                           minimum_age=15) == Refusal.TOO_YOUNG


# ---------------------------------------------------------------- score parsing

@pytest.mark.parametrize(
    ("typed", "expected"),
    [("7,5", Decimal("7.5")), ("7.5", Decimal("7.5")), (" 8 ", Decimal(8)), ("0", Decimal(0)),
     ("20", Decimal(20)), ("12,25", Decimal("12.25")), (",5", Decimal("0.5")), ("8/20", Decimal(8)),
     ("15,0", Decimal(15)), ("+3", Decimal(3))],
)
def test_parse_score_accepts_what_people_type(typed, expected):
    assert parse_score(typed, TWENTY) == Mark(value=expected)


@pytest.mark.parametrize(
    ("typed", "absence"),
    [("afwezig", Absence.ABSENT), ("A", Absence.ABSENT), ("abs", Absence.ABSENT),
     ("GA", Absence.EXCUSED), ("gewettigd afwezig", Absence.EXCUSED), ("excused", Absence.EXCUSED)],
)
def test_parse_score_knows_absence_codes(typed, absence):
    assert parse_score(typed, TWENTY) == Mark(absence=absence)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("", ScoreError.EMPTY), ("   ", ScoreError.EMPTY), ("abc", ScoreError.NOT_A_NUMBER),
     ("7,5,1", ScoreError.NOT_A_NUMBER), ("1e3", ScoreError.NOT_A_NUMBER),
     ("nan", ScoreError.NOT_A_NUMBER), ("inf", ScoreError.NOT_A_NUMBER),
     ("-1", ScoreError.NEGATIVE), ("20,5", ScoreError.ABOVE_MAXIMUM),
     ("7,555", ScoreError.TOO_PRECISE), ("٣", ScoreError.NOT_A_NUMBER)],
)
def test_parse_score_refuses_with_a_reason(typed, code):
    with pytest.raises(ScoreParseError) as info:
        parse_score(typed, TWENTY)
    assert info.value.code == code


@given(st.decimals(min_value=0, max_value=20, places=2), st.booleans(), st.booleans())
def test_parse_score_round_trips_any_valid_score(value, comma, padded):
    typed = format(value, "f")
    if comma:
        typed = typed.replace(".", ",")
    if padded:
        typed = f"  {typed} "
    parsed = parse_score(typed, TWENTY)
    assert parsed.value == value
    assert parsed.absence is None


@given(st.text(max_size=30))
def test_parse_score_never_fails_other_than_with_a_reason(typed):
    try:
        mark = parse_score(typed, TWENTY)
    except ScoreParseError as error:
        assert error.code in ScoreError
    else:
        assert mark.absence is not None or (mark.value is not None and 0 <= mark.value <= TWENTY)


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_format_score_is_parsed_back_to_the_same_value(value):
    assert parse_score(format_score(value), Decimal(100)).value == value


def test_format_score_uses_a_decimal_comma_and_drops_trailing_zeros():
    assert format_score(Decimal("7.50")) == "7,5"
    assert format_score(Decimal("8.00")) == "8"
    assert format_score(Decimal("7.50"), decimal_comma=False) == "7.5"
    assert format_score(None) == ""


# ---------------------------------------------------------------- results

def test_sitting_result():
    assert sitting_result(Mark(value=TEN), TEN) == Result.PASSED
    assert sitting_result(Mark(value=Decimal("9.99")), TEN) == Result.FAILED
    assert sitting_result(Mark(absence=Absence.ABSENT), TEN) == Result.ABSENT
    assert sitting_result(Mark(absence=Absence.EXCUSED), TEN) == Result.ABSENT
    assert sitting_result(None, TEN) == Result.MISSING
    assert sitting_result(Mark(), TEN) == Result.MISSING
    assert sitting_result(None, TEN, exempt=True) == Result.EXEMPT


marks = st.one_of(
    st.none(),
    st.builds(Mark, value=st.decimals(min_value=0, max_value=20, places=2)),
    st.builds(Mark, absence=st.sampled_from(list(Absence))),
)


@given(marks, marks, st.decimals(min_value=0, max_value=20, places=2), st.booleans())
def test_final_result_rules(first, second, pass_mark, exempt):
    final = final_subject_result(first, second, pass_mark, exempt)
    first_result = sitting_result(first, pass_mark)
    if exempt:
        assert final == Result.EXEMPT
    elif first_result == Result.PASSED:
        assert final == Result.PASSED  # a pass stands; the second sitting cannot undo it
    elif second is None or second.is_empty:
        assert final == first_result
    else:
        assert final == sitting_result(second, pass_mark)


@given(st.lists(st.sampled_from(list(Result)), max_size=8))
def test_course_result(results):
    outcome = course_result(results)
    if Result.MISSING in results:
        assert outcome == CourseResult.INCOMPLETE
    elif all(r in (Result.PASSED, Result.EXEMPT) for r in results):
        assert outcome == CourseResult.PASSED
    else:
        assert outcome == CourseResult.FAILED


def test_second_sitting_only_for_subjects_not_passed_and_never_exempt():
    """Subject 4 has no first-sitting mark (a late payer): it goes to the second sitting."""
    subjects = [SubjectRule(1, TEN), SubjectRule(2, TEN), SubjectRule(3, TEN), SubjectRule(4, TEN),
                SubjectRule(5, TEN)]
    first = {1: Mark(value=Decimal(12)), 2: Mark(value=Decimal(8)),
             3: Mark(absence=Absence.ABSENT), 5: Mark(value=Decimal(3))}
    assert second_sitting_subjects(subjects, first, exempt_subject_ids=[5]) == [2, 3, 4]


def test_missing_cells_first_sitting():
    subjects = [SubjectRule(1, TEN), SubjectRule(2, TEN)]
    marks_by_cell = {(100, 1, 1): Mark(value=TEN), (101, 1, 1): Mark(absence=Absence.ABSENT)}
    missing = missing_cells(1, [100, 101], subjects, marks_by_cell, exemptions=[(101, 2)])
    assert missing == [MissingCell(100, 2)]


def test_missing_cells_second_sitting_only_for_not_passed():
    subjects = [SubjectRule(1, TEN), SubjectRule(2, TEN)]
    marks_by_cell = {(100, 1, 1): Mark(value=Decimal(15)), (100, 2, 1): Mark(value=Decimal(4))}
    assert missing_cells(2, [100], subjects, marks_by_cell, []) == [MissingCell(100, 2)]
    marks_by_cell[(100, 2, 2)] = Mark(value=Decimal(11))
    assert missing_cells(2, [100], subjects, marks_by_cell, []) == []


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4), st.sampled_from([1, 2]), marks),
                max_size=30),
       st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4)), max_size=5))
def test_missing_cells_never_lists_an_exempt_or_filled_cell(entries, exemptions):
    subjects = [SubjectRule(s, TEN) for s in range(1, 5)]
    marks_by_cell = {(e, s, sit): m for e, s, sit, m in entries if m is not None}
    for sitting in (1, 2):
        for cell in missing_cells(sitting, range(1, 6), subjects, marks_by_cell, exemptions):
            assert (cell.enrolment_id, cell.subject_id) not in set(exemptions)
            mark = marks_by_cell.get((cell.enrolment_id, cell.subject_id, sitting))
            assert mark is None or mark.is_empty



@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4), st.sampled_from([1, 2]), marks),
                max_size=30),
       st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4)), max_size=5))
def test_required_cells_are_the_cells_missing_before_any_mark_of_the_sitting(entries, exemptions):
    """required_cells in one pass gives what two missing_cells passes gave: the cells still
    missing if the sitting had no marks at all (required), and those missing now."""
    subjects = [SubjectRule(s, TEN) for s in range(1, 5)]
    marks_by_cell = {(e, s, sit): m for e, s, sit, m in entries if m is not None}
    for sitting in (1, 2):
        without_sitting = {k: m for k, m in marks_by_cell.items() if k[2] != sitting}
        cells = list(required_cells(sitting, range(1, 6), subjects, marks_by_cell, exemptions))
        assert [MissingCell(e, s) for e, s, _ in cells] == missing_cells(
            sitting, range(1, 6), subjects, without_sitting, exemptions)
        assert [MissingCell(e, s) for e, s, has in cells if not has] == missing_cells(
            sitting, range(1, 6), subjects, marks_by_cell, exemptions)
        for e, s, has in cells:
            mark = marks_by_cell.get((e, s, sitting))
            assert has == (mark is not None and not mark.is_empty)

# ---------------------------------------------------------------- rubric, calendar

def test_rubric_suggestion_scales_and_rounds_to_half_points():
    suggestion = rubric_suggestion([Decimal(3), Decimal(2), Decimal(2)], [Decimal(3)] * 5, TWENTY)
    assert suggestion.points == 7
    assert suggestion.maximum_points == 15
    assert suggestion.suggested == Decimal("9.5")  # 7/15*20 = 9.33 -> 9.5
    assert not suggestion.is_complete


def test_rubric_suggestion_none_without_choices():
    assert rubric_suggestion([], [Decimal(3)], TWENTY) is None


@given(st.lists(st.integers(0, 3), min_size=1, max_size=6), st.integers(1, 100))
def test_rubric_suggestion_stays_within_the_subject_maximum(chosen, maximum):
    s = rubric_suggestion([Decimal(c) for c in chosen], [Decimal(3)] * len(chosen), Decimal(maximum))
    assert 0 <= s.suggested <= maximum
    assert (s.suggested * 2) % 1 == 0


def test_school_year_and_trimester():
    assert school_year_of(date(2026, 9, 1)) == "2026-2027"
    assert school_year_of(date(2027, 6, 30)) == "2026-2027"
    assert trimester_of(date(2026, 11, 20)) == 1
    assert trimester_of(date(2027, 2, 1)) == 2
    assert trimester_of(date(2027, 5, 15)) == 3


def test_track_one_under_ten_pupils_needs_justification():
    assert needs_justification(1, 9)
    assert not needs_justification(1, 10)
    assert not needs_justification(2, 3)
