"""The decision a deliberation proposes, from the one eligibility rule (rules.py).

Pure functions: no Flask, no database.
"""

from __future__ import annotations

import secrets

from teacherapp.models.rounds import Decision
from teacherapp.rules import Eligibility, NotEligible

# Reasons that no later fact can change: the pupil did not pass this course.
FINAL_REASONS = frozenset({
    NotEligible.SUBJECT_FAILED,
    NotEligible.TOO_YOUNG,
    NotEligible.PASSED_BEFORE,
    NotEligible.ADMISSION_REQUIREMENT,
    NotEligible.PHASING_OUT_ENDED,
})


def proposed_decision(eligibility: Eligibility) -> Decision:
    """Passed when eligible; failed when a reason is final; otherwise not yet complete
    (a payment, a result, a submission or the generic test may still come)."""
    if eligibility.eligible:
        return Decision.PASSED
    if FINAL_REASONS.intersection(eligibility.reasons):
        return Decision.FAILED
    return Decision.INCOMPLETE


def final_decision(proposed: Decision, override: Decision | None) -> Decision:
    """The secretariat's override, when there is one, stands over the proposal."""
    return override if override is not None else proposed


# Crockford's base 32 without I, L, O, U: readable on paper, no look-alike letters.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_attest_number() -> str:
    """A random, non-sequential number: 16 symbols (80 bits) in groups of four."""
    symbols = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(symbols[i:i + 4] for i in range(0, 16, 4))
