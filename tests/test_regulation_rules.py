"""The regulation's rules as plain functions: tracks, recognition basis, school years and
who gets a certificate (hypothesis tests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teacherapp.rules import (
    FIRST_SCHOOL_YEAR,
    PHASING_OUT_LAST_SCHOOL_YEAR,
    Absence,
    Certificate,
    EligibilityFacts,
    Family,
    Mark,
    NotEligible,
    Result,
    SchoolYearWarning,
    SubjectOutcome,
    basis_allowed_for,
    basis_covers_track,
    certificate_eligibility,
    course_family,
    may_take_second_sitting,
    school_year_of,
    school_year_warnings,
    track_2_allowed,
    trimester_days,
    trimester_of,
)

BASES = ["lo_qualification", "vts_qualification", "automatic_track2"]
CODES = ["S2C", "S2C-VOETBAL", "MM", "C4S", "HR", "INI-VB", "INITIATOR", "T17", ""]


@pytest.mark.parametrize(("code", "family"), [
    ("S2C", Family.S2C), ("s2c-voetbal", Family.S2C), ("MM", Family.MM), ("C4S", Family.C4S),
    ("HR", Family.HR), ("INI-VB", Family.INITIATOR), ("Initiator", Family.INITIATOR),
    ("T17", None), ("", None), ("MMX", None),
])
def test_a_course_type_is_known_by_the_start_of_its_code(code, family):
    assert course_family(code) == family


@given(st.sampled_from(CODES))
def test_track_2_exists_for_start_2_coach_and_multimove_only(code):
    assert track_2_allowed(code) == (course_family(code) in (Family.S2C, Family.MM))


@given(st.sampled_from(BASES), st.sampled_from([1, 2]))
def test_the_automatic_recognition_counts_on_track_2_only(basis, track):
    covered = basis_covers_track(basis, track)
    if basis == "automatic_track2":
        assert covered == (track == 2)
    else:
        assert covered  # an LO or VTS qualification with the refresher: both tracks


@given(st.sampled_from(BASES), st.sampled_from(CODES))
def test_the_automatic_recognition_exists_only_where_track_2_does(basis, code):
    assert basis_allowed_for(basis, code) == (basis != "automatic_track2" or track_2_allowed(code))


# ---------------------------------------------------------------- school years


@given(st.sampled_from(CODES), st.sampled_from([1, 2]), st.integers(1, 7),
       st.one_of(st.none(), st.sampled_from([1, 2])))
def test_school_year_warnings_follow_the_regulations_table(code, track, grade, semester):
    warnings = school_year_warnings(code, track, grade, semester)
    first = FIRST_SCHOOL_YEAR.get(course_family(code))
    assert (SchoolYearWarning.BEFORE_TABLE in warnings) == (
        first is not None and (grade, semester or 1) < first)
    assert (SchoolYearWarning.TRACK_2_BEFORE_SIXTH in warnings) == (track == 2 and grade < 6)
    assert SchoolYearWarning.AFTER_TABLE not in warnings


def test_the_table_read_from_the_reference():
    assert school_year_warnings("S2C", 1, 4, 1) == []
    assert school_year_warnings("MM", 1, 4, 1) == [SchoolYearWarning.BEFORE_TABLE]
    assert school_year_warnings("MM", 1, 4, 2) == []
    assert school_year_warnings("C4S", 1, 4, 2) == [SchoolYearWarning.BEFORE_TABLE]
    assert school_year_warnings("HR", 1, 5, 2) == [SchoolYearWarning.BEFORE_TABLE]
    assert school_year_warnings("HR", 1, 6, None) == []
    assert school_year_warnings("S2C", 2, 5, 1) == [SchoolYearWarning.TRACK_2_BEFORE_SIXTH]
    assert school_year_warnings("S2C", 2, None, None) == []


# ---------------------------------------------------------------- the late payer


def test_a_subject_without_a_first_mark_goes_to_the_second_sitting_once_the_first_is_submitted():
    assert may_take_second_sitting(Result.MISSING, first_sitting_submitted=True)
    assert not may_take_second_sitting(Result.MISSING, first_sitting_submitted=False)
    assert not may_take_second_sitting(Result.PASSED, first_sitting_submitted=True)


# ---------------------------------------------------------------- who gets a certificate

marks = st.one_of(
    st.none(),
    st.builds(Mark, value=st.decimals(min_value=0, max_value=20, places=2)),
    st.builds(Mark, absence=st.sampled_from(list(Absence))),
)
subjects = st.builds(SubjectOutcome, pass_mark=st.decimals(min_value=0, max_value=20, places=2),
                     first=marks, second=marks, exempt=st.booleans())
facts = st.builds(
    EligibilityFacts,
    track=st.sampled_from([1, 2]), is_paid=st.booleans(), age_admitted=st.booleans(),
    passed_before=st.booleans(), phasing_out=st.booleans(),
    admission_requirement=st.booleans(),
    admission_requirement_met=st.one_of(st.none(), st.booleans()),
    subjects=st.lists(subjects, max_size=5).map(tuple),
    submitted_sittings=st.sets(st.sampled_from([1, 2])).map(frozenset),
    generic_test_taken=st.booleans(), curriculum_completed=st.booleans(),
    graduated_in=st.one_of(st.none(), st.integers(2024, 2031).map(lambda y: f"{y}-{y + 1}")),
)


@given(facts)
def test_nobody_gets_a_certificate_without_paying_the_age_rule_and_a_first_course(f):
    eligibility = certificate_eligibility(f)
    assert (NotEligible.NOT_PAID in eligibility.reasons) == (not f.is_paid)
    assert (NotEligible.TOO_YOUNG in eligibility.reasons) == (not f.age_admitted)
    assert (NotEligible.PASSED_BEFORE in eligibility.reasons) == f.passed_before
    assert (NotEligible.ADMISSION_REQUIREMENT in eligibility.reasons) == (
        f.admission_requirement and f.admission_requirement_met is not True)
    assert eligibility.eligible == (not eligibility.reasons)


@given(facts)
def test_the_certificate_follows_the_track(f):
    eligibility = certificate_eligibility(f)
    if f.phasing_out and not f.generic_test_taken:
        assert eligibility.certificate == Certificate.PHASING_OUT
    elif f.track == 2 and not f.phasing_out:
        assert eligibility.certificate == Certificate.TRACK_2
    else:
        assert eligibility.certificate == Certificate.TRACK_1
    if eligibility.certificate == Certificate.TRACK_1:
        assert (NotEligible.NO_GENERIC_TEST in eligibility.reasons) == (not f.generic_test_taken)
        assert NotEligible.CURRICULUM_NOT_COMPLETED not in eligibility.reasons
    else:
        assert (NotEligible.CURRICULUM_NOT_COMPLETED in eligibility.reasons) == (
            not f.curriculum_completed)
        assert NotEligible.NO_GENERIC_TEST not in eligibility.reasons


@given(facts, facts)
def test_on_track_2_vts_scores_do_not_decide(f, other):
    track_2 = EligibilityFacts(**{**f.__dict__, "track": 2, "phasing_out": False})
    different_scores = EligibilityFacts(**{**track_2.__dict__, "subjects": other.subjects,
                                           "submitted_sittings": other.submitted_sittings})
    assert certificate_eligibility(track_2) == certificate_eligibility(different_scores)


@given(facts, st.randoms())
def test_eligibility_is_a_property_of_the_whole_enrolment_not_of_the_subjects_order(f, rnd):
    shuffled = list(f.subjects)
    rnd.shuffle(shuffled)
    again = EligibilityFacts(**{**f.__dict__, "subjects": tuple(shuffled)})
    assert certificate_eligibility(again).eligible == certificate_eligibility(f).eligible
    assert set(certificate_eligibility(again).reasons) == set(certificate_eligibility(f).reasons)


@given(facts)
def test_a_failed_subject_anywhere_makes_a_track_1_pupil_not_eligible(f):
    failed = SubjectOutcome(Decimal(10), Mark(Decimal(3)), Mark(Decimal(4)))
    track_1 = EligibilityFacts(**{**f.__dict__, "track": 1, "phasing_out": False,
                                  "subjects": (*f.subjects, failed)})
    eligibility = certificate_eligibility(track_1)
    assert not eligibility.eligible
    assert {NotEligible.SUBJECT_FAILED, NotEligible.RESULT_INCOMPLETE} & set(eligibility.reasons)


def test_a_track_1_pupil_who_passed_everything_submitted_and_took_the_test_is_eligible():
    passed = SubjectOutcome(Decimal(10), Mark(Decimal(12)))
    resit = SubjectOutcome(Decimal(10), Mark(Decimal(8)), Mark(Decimal(11)))
    base = EligibilityFacts(track=1, is_paid=True, age_admitted=True,
                            subjects=(passed, resit), submitted_sittings=frozenset({1, 2}),
                            generic_test_taken=True)
    assert certificate_eligibility(base).eligible
    only_first = EligibilityFacts(**{**base.__dict__, "submitted_sittings": frozenset({1})})
    assert certificate_eligibility(only_first).reasons == (NotEligible.NOT_SUBMITTED,)
    no_test = EligibilityFacts(**{**base.__dict__, "generic_test_taken": False})
    assert certificate_eligibility(no_test).reasons == (NotEligible.NO_GENERIC_TEST,)
    no_subjects = EligibilityFacts(**{**base.__dict__, "subjects": ()})
    assert certificate_eligibility(no_subjects).reasons == (NotEligible.NO_SUBJECTS,)


def test_a_phasing_out_pupil_gets_the_exemption_certificate_on_graduating_or_moves_to_track_1():
    base = EligibilityFacts(track=1, is_paid=True, age_admitted=True, phasing_out=True)
    assert certificate_eligibility(base).reasons == (NotEligible.CURRICULUM_NOT_COMPLETED,)
    graduated = EligibilityFacts(**{**base.__dict__, "curriculum_completed": True})
    assert certificate_eligibility(graduated).eligible
    assert certificate_eligibility(graduated).certificate == Certificate.PHASING_OUT
    switched = EligibilityFacts(**{**base.__dict__, "generic_test_taken": True})
    assert certificate_eligibility(switched).certificate == Certificate.TRACK_1


def test_the_exemption_attest_stops_after_the_last_phasing_out_school_year():
    graduated = EligibilityFacts(track=1, is_paid=True, age_admitted=True, phasing_out=True,
                                 curriculum_completed=True)
    assert PHASING_OUT_LAST_SCHOOL_YEAR == "2027-2028"
    for year, eligible in (("2026-2027", True), ("2027-2028", True), ("2028-2029", False)):
        found = certificate_eligibility(EligibilityFacts(**{**graduated.__dict__,
                                                            "graduated_in": year}))
        assert found.eligible == eligible, year
        assert found.certificate == Certificate.PHASING_OUT
    late = certificate_eligibility(EligibilityFacts(**{**graduated.__dict__,
                                                       "graduated_in": "2028-2029"}))
    assert late.reasons == (NotEligible.PHASING_OUT_ENDED,)


@given(facts)
def test_only_a_phasing_out_certificate_can_end_with_the_phasing_out(f):
    eligibility = certificate_eligibility(f)
    ended = (eligibility.certificate == Certificate.PHASING_OUT and f.curriculum_completed
             and f.graduated_in is not None
             and int(f.graduated_in[:4]) > int(PHASING_OUT_LAST_SCHOOL_YEAR[:4]))
    assert (NotEligible.PHASING_OUT_ENDED in eligibility.reasons) == ended


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_day_falls_in_the_days_of_its_own_trimester(day):
    first, last = trimester_days(school_year_of(day), trimester_of(day))
    assert first <= day <= last
