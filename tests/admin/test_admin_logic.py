"""The set-up rules, without Flask or a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from teacherapp.admin import logic
from teacherapp.admin.logic import DeleteRefusal, LinkRefusal, SubjectTemplate
from teacherapp.passwords import check_policy


@pytest.mark.parametrize(("text", "expected"), [
    ("7,5", Decimal("7.5")), ("7.5", Decimal("7.5")), (" 15 ", Decimal("15")), ("", None), (None, None),
    (",5", Decimal("0.5")),
])
def test_parse_decimal_accepts_what_people_type(text, expected):
    assert logic.parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["abc", "7,5,1", "1e3", "7 euro"])
def test_parse_decimal_refuses_non_numbers(text):
    with pytest.raises(ValueError):
        logic.parse_decimal(text)


@pytest.mark.parametrize(("year", "ok"), [("2026-2027", True), ("2026-2028", False), ("2026/2027", False),
                                          ("26-27", False), ("", False), (" 2026-2027 ", True)])
def test_school_year_is_two_consecutive_years(year, ok):
    assert logic.is_valid_school_year(year) is ok


def test_start_date_must_fall_in_the_school_year():
    assert logic.start_date_fits_school_year(date(2026, 9, 14), "2026-2027")
    assert logic.start_date_fits_school_year(date(2027, 8, 31), "2026-2027")
    assert not logic.start_date_fits_school_year(date(2026, 8, 31), "2026-2027")


def test_track_2_needs_a_bk_school():
    assert logic.track_problem(2, False, "S2C") == logic.TrackProblem.TRACK_2_NEEDS_BK_SCHOOL
    assert logic.track_problem(2, True, "S2C") is None
    assert logic.track_problem(1, False, "S2C") is None


@pytest.mark.parametrize("code", ["C4S", "HR", "INI-VB", "OTHER"])
def test_track_2_is_only_for_start_2_coach_and_multimove(code):
    assert logic.track_problem(2, True, code) == logic.TrackProblem.TRACK_2_NOT_FOR_COURSE_TYPE
    assert logic.track_problem(1, True, code) is None
    assert logic.track_problem(2, True, "MM") is None
    assert logic.track_problem(2, True, "S2C-VOETBAL") is None


@pytest.mark.parametrize(("basis", "track", "expected"), [
    ("automatic_track2", 1, LinkRefusal.TRACK_2_ONLY),
    ("automatic_track2", 2, None),
    ("lo_qualification", 1, None),
    ("vts_qualification", 2, None),
])
def test_an_automatic_recognition_links_to_track_2_courses_only(basis, track, expected):
    assert logic.link_refusal(active=True, has_recognition=True, recognition_revoked=False,
                              basis=basis, track=track) == expected


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"active": True, "has_recognition": True, "recognition_revoked": False}, None),
    ({"active": False, "has_recognition": True, "recognition_revoked": False}, LinkRefusal.DISABLED),
    ({"active": True, "has_recognition": False, "recognition_revoked": False}, LinkRefusal.NOT_RECOGNISED),
    ({"active": True, "has_recognition": True, "recognition_revoked": True}, LinkRefusal.RECOGNITION_REVOKED),
    ({"active": True, "has_recognition": True, "recognition_revoked": False, "already_linked": True},
     LinkRefusal.ALREADY_LINKED),
])
def test_link_refusal_says_why_a_teacher_cannot_be_linked(kwargs, expected):
    assert logic.link_refusal(**kwargs) == expected


def test_delete_refusals_name_every_dependant():
    assert logic.delete_refusals(courses=2, pupils=0, rubrics=1) == [
        DeleteRefusal.HAS_COURSES, DeleteRefusal.HAS_RUBRICS]
    assert logic.delete_refusals(courses=0) == []


def test_refresher_date_is_not_needed_for_track_2():
    assert logic.refresher_date_required("lo_qualification")
    assert not logic.refresher_date_required("automatic_track2")


def test_lowering_a_maximum_under_an_entered_score_is_refused():
    assert logic.maximum_below_scores(Decimal(10), Decimal("12.5"))
    assert not logic.maximum_below_scores(Decimal(20), Decimal("12.5"))
    assert not logic.maximum_below_scores(Decimal(10), None)


def test_subject_copy_skips_names_the_course_already_has():
    source = [SubjectTemplate("Theorie", "theory", Decimal(20), Decimal(10), 1, None),
              SubjectTemplate("Praktijk", "practical", Decimal(20), Decimal(10), 2, 7)]
    plan = logic.plan_subject_copy(source, ["theorie "])
    assert [s.name for s in plan.to_create] == ["Praktijk"]
    assert plan.skipped == ["Theorie"]


def test_positions_and_moves():
    assert logic.next_position([]) == 1
    assert logic.next_position([1, 4, 2]) == 5
    assert logic.neighbour_index(0, "up", 3) is None
    assert logic.neighbour_index(0, "down", 3) == 1
    assert logic.neighbour_index(2, "down", 3) is None


def test_generated_passwords_follow_the_policy_and_differ():
    passwords = {logic.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        check_policy(password)
        assert not set(password) & set("0O1lI")


@pytest.mark.parametrize(("text", "expected"), [
    ("7.5", True), ("7.50", True), ("7.500", True), ("7.505", False), ("1" + "0" * 30, True),
    ("1" + "0" * 30 + ".001", False),
])
def test_at_most_two_decimals_even_for_huge_numbers(text, expected):
    assert logic.has_at_most_two_decimals(Decimal(text)) is expected


@pytest.mark.parametrize(("day", "planned", "expected"), [
    (date(2026, 12, 10), False, None),
    (date(2027, 8, 31), False, None),  # the school year's last day
    (date(2026, 11, 30), False, logic.MomentProblem.IN_THE_PAST),
    (date(2026, 11, 30), True, None),  # already planned on that day: may stay
    (date(2027, 9, 1), False, logic.MomentProblem.OUTSIDE_SCHOOL_YEAR),
    (date(2026, 8, 31), True, logic.MomentProblem.OUTSIDE_SCHOOL_YEAR),
])
def test_an_exam_moment_lies_in_the_school_year_and_not_in_the_past(day, planned, expected):
    assert logic.exam_moment_problem(day, "2026-2027", date(2026, 12, 1),
                                     already_planned=planned) is expected
