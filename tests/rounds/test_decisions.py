"""The decision a deliberation proposes, and attest numbers: pure functions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from teacherapp.models import Decision
from teacherapp.rounds.decisions import (
    FINAL_REASONS,
    final_decision,
    new_attest_number,
    proposed_decision,
)
from teacherapp.rules import Certificate, Eligibility, NotEligible

eligibilities = st.builds(
    Eligibility, st.sampled_from(Certificate),
    st.lists(st.sampled_from(NotEligible), unique=True).map(tuple))


@given(eligibilities)
def test_passed_exactly_when_eligible(eligibility):
    assert (proposed_decision(eligibility) == Decision.PASSED) == eligibility.eligible


@given(eligibilities)
def test_a_final_reason_fails_and_only_open_reasons_leave_it_incomplete(eligibility):
    decision = proposed_decision(eligibility)
    if FINAL_REASONS.intersection(eligibility.reasons):
        assert decision == Decision.FAILED
    elif eligibility.reasons:
        assert decision == Decision.INCOMPLETE


def test_a_failed_subject_is_final_and_a_missing_payment_is_not():
    assert proposed_decision(Eligibility(Certificate.TRACK_1, (NotEligible.NOT_PAID,))) \
        == Decision.INCOMPLETE
    assert proposed_decision(Eligibility(
        Certificate.TRACK_1, (NotEligible.NOT_PAID, NotEligible.SUBJECT_FAILED))) == Decision.FAILED


@given(st.sampled_from(Decision), st.none() | st.sampled_from(Decision))
def test_an_override_stands_over_the_proposal(proposed, override):
    assert final_decision(proposed, override) == (override or proposed)


def test_attest_numbers_are_random_readable_and_unique():
    numbers = {new_attest_number() for _ in range(2000)}
    assert len(numbers) == 2000
    for number in numbers:
        groups = number.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert not set(number) & set("ILOU")
