"""The course views' rules, without Flask or a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teacherapp.courses.logic import (
    ContentProgress,
    PupilScoreCount,
    RosterFilter,
    RosterRow,
    ViewCell,
    completion_chart,
    filter_roster,
    fold,
    matches_search,
    percent,
    score_counts_per_pupil,
    scoring_obstacles,
    sort_by_next_exam,
    summarise_items,
)
from teacherapp.rules import Absence, Mark, Refusal, SubjectRule, scoring_refusal


def _row(**kw) -> RosterRow:
    defaults = dict(enrolment_id=1, first_name="Zoë", last_name="Van Damme",
                    vts_account_id="VTS-100123", birth_date=date(2010, 1, 1),
                    age_in_start_year=16, is_paid=True, paid_at=None, passed_before=False,
                    phasing_out=False, obstacles=[], content=ContentProgress(2, 1, 2),
                    scores=PupilScoreCount({1: 2}, {}))
    defaults.update(kw)
    return RosterRow(**defaults)


def test_obstacles_lists_every_reason_most_urgent_first():
    assert scoring_obstacles(is_paid=False, birth_date=date(2012, 1, 1), course_start_year=2026,
                             minimum_age=15, passed_before=True) == [
        Refusal.NOT_PAID, Refusal.TOO_YOUNG, Refusal.PASSED_BEFORE]


def test_obstacles_are_empty_for_a_paid_admitted_pupil():
    # Turns 15 on 31 December of the start year: admitted (the rule is about the year).
    assert scoring_obstacles(is_paid=True, birth_date=date(2011, 12, 31), course_start_year=2026,
                             minimum_age=15, passed_before=False) == []



@given(st.booleans(), st.dates(date(2005, 1, 1), date(2016, 12, 31)), st.integers(12, 18),
       st.booleans())
def test_no_obstacle_exactly_when_scores_are_accepted(paid, birth_date, minimum_age, passed):
    """The roster decides who can be scored from the obstacles: the same as scoring_refusal."""
    facts = {"is_paid": paid, "birth_date": birth_date, "course_start_year": 2026,
             "minimum_age": minimum_age, "passed_before": passed}
    obstacles = scoring_obstacles(**facts)
    assert (not obstacles) == (scoring_refusal(**facts) is None)
    if obstacles:
        assert scoring_refusal(**facts) in obstacles

def test_score_counts_follow_the_sitting_rules():
    subjects = [SubjectRule(10, Decimal(10)), SubjectRule(11, Decimal(10))]
    marks = {(1, 10, 1): Mark(Decimal(12)), (1, 11, 1): Mark(Decimal(8)),
             (2, 10, 1): Mark(absence=Absence.ABSENT)}
    counts = score_counts_per_pupil([1, 2, 3], subjects, marks, exemptions=[(3, 10)])
    # Pupil 1: both entered; failed subject 11 goes to the second sitting.
    assert counts[1].required == {1: 2, 2: 1}
    assert counts[1].missing == {2: 1}
    assert counts[1].entered(1) == 2
    # Pupil 2: absent counts as entered; subject 11 still missing.
    assert counts[2].missing[1] == 1 and counts[2].is_missing_a_score
    # Pupil 3: exempt for 10, so only one cell required.
    assert counts[3].required[1] == 1


def test_fold_ignores_case_and_accents():
    assert fold("Zoë HÉLÈNE") == "zoe helene"


@pytest.mark.parametrize("query, found", [
    ("zoe", True), ("VAN damme", True), ("100123", True), ("damme zoë", True),
    ("peeters", False), ("", True), ("   ", True),
])
def test_search_matches_every_word_in_name_or_account(query, found):
    assert matches_search(query, "Zoë", "Van Damme", "VTS-100123") is found


def test_filters_combine_and_the_search_narrows():
    unpaid = _row(enrolment_id=1, is_paid=False, obstacles=[Refusal.NOT_PAID])
    unscored = _row(enrolment_id=2, first_name="Arne", scores=PupilScoreCount({1: 2}, {1: 1}))
    behind = _row(enrolment_id=3, first_name="Lotte", content=ContentProgress(1, 0, 2))
    done = _row(enrolment_id=4, first_name="Noah")
    rows = [unpaid, unscored, behind, done]
    ids = lambda f: [r.enrolment_id for r in filter_roster(rows, f)]  # noqa: E731
    assert ids(RosterFilter()) == [1, 2, 3, 4]
    assert ids(RosterFilter(unpaid=True)) == [1]
    assert ids(RosterFilter(unscored=True)) == [2]  # an unpaid pupil cannot miss a score
    assert ids(RosterFilter(not_all_viewed=True)) == [3]
    assert ids(RosterFilter(query="noah")) == [4]
    assert ids(RosterFilter(query="arne", unscored=True, not_all_viewed=True)) == []
    assert not RosterFilter(query="  ").is_active and RosterFilter(unpaid=True).is_active


def test_percent_rounds_and_survives_nothing_to_count():
    assert percent(1, 3) == 33
    assert percent(2, 3) == 67
    assert percent(0, 0) == 0


def test_courses_without_an_exam_moment_come_last():
    order = sort_by_next_exam([1, 2, 3, 4], {2: date(2026, 12, 1), 3: date(2026, 11, 5)},
                              {1: ("a",), 4: ("b",)})
    assert order == [3, 2, 1, 4]


def test_item_summaries_count_viewed_completed_and_name_who_did_not_view():
    when = datetime(2026, 10, 1, tzinfo=UTC)
    cells = {(100, 7): ViewCell(100, True, when, when), (101, 7): ViewCell(40, False, when, when),
             (100, 8): ViewCell(20, False, when, when)}
    summaries = summarise_items([(7, "A", "elearning"), (8, "B", "slides")],
                                [(1, 100), (2, 101), (3, 102)], cells)
    a, b = summaries
    assert (a.viewed, a.completed, a.not_viewed, a.viewed_percent) == (2, 1, [3], 67)
    assert (b.viewed, b.completed, b.not_viewed, b.completed_percent) == (1, 0, [2, 3], 0)
    chart = completion_chart(summaries)
    assert [bar.y for bar in chart] == [0, 34]
    assert chart[0].viewed_width == 67.0 and chart[0].completed_width == 33.0


def test_progress_bar_is_escaped_html_with_its_rounded_percentage():
    from teacherapp.courses.badges import progress_bar

    assert str(progress_bar(57, 'Inhoud <"bekeken">')) == (
        '<progress class="bar" max="100" value="57" aria-label="Inhoud &lt;&#34;bekeken&#34;&gt;">'
        "57%</progress>")
    assert str(progress_bar(33.4, "x")).endswith(">33%</progress>")
