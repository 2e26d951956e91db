"""What a stored statement means for the app: whom it names, and views or test results. No Flask.

The mapping table in docs/content.md is this module in words.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from teacherapp.content.logic import normalise
from teacherapp.models.xapi import ACTOR_KEY_LENGTH
from teacherapp.xapi.validation import VOIDED

ADL = "http://adlnet.gov/expapi/verbs/"
ADL_W3ID = "https://w3id.org/xapi/adl/verbs/"
VIEW_VERBS = frozenset(
    [prefix + name for prefix in (ADL, ADL_W3ID)
     for name in ("experienced", "launched", "initialized", "progressed", "completed")]
    + ["http://id.tincanapi.com/verb/viewed"]
)
COMPLETED_VERBS = frozenset({ADL + "completed", ADL_W3ID + "completed"})
PASSED, FAILED = ADL + "passed", ADL + "failed"
TEST_VERBS = frozenset({PASSED, FAILED})

CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"  # 0-100
VIDEO_PROGRESS = "https://w3id.org/xapi/video/extensions/progress"  # 0-1

# Properties the LRS sets or that do not change what a statement says (xAPI 1.0.3, Data 2.3.1).
NOT_COMPARED = ("id", "stored", "authority", "version")


def statement_kind(verb_iri: str) -> str:
    if verb_iri == VOIDED:
        return "void"
    if verb_iri in VIEW_VERBS:
        return "view"
    if verb_iri in TEST_VERBS:
        return "test"
    return "other"


def same_statement(stored: dict[str, Any], received: dict[str, Any]) -> bool:
    """Whether a statement sent again says the same thing as the stored one."""
    def comparable(statement: dict[str, Any]) -> dict[str, Any]:
        statement = copy.deepcopy(statement)
        for key in NOT_COMPARED:
            statement.pop(key, None)
        return statement
    return comparable(stored) == comparable(received)


# ---------------------------------------------------------------- people


def agent_key(agent: dict[str, Any]) -> str | None:
    """The agent's inverse functional identifier as one string, or None if it has none."""
    if "mbox" in agent:
        key = "mbox:" + agent["mbox"].lower()
    elif "mbox_sha1sum" in agent:
        key = "mbox_sha1sum:" + agent["mbox_sha1sum"].lower()
    elif "openid" in agent:
        key = "openid:" + agent["openid"]
    elif "account" in agent:
        key = "account:" + home_page(agent["account"]["homePage"]) + "|" + agent["account"]["name"]
    else:
        return None
    if len(key) > ACTOR_KEY_LENGTH:  # absurdly long identifiers are still told apart
        key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return key


def actor_keys(actor: dict[str, Any]) -> list[str]:
    """The people a statement is about: the Agent, or each member of a Group (xAPI: members)."""
    if actor.get("objectType") == "Group" and actor.get("member"):
        keys = [agent_key(member) for member in actor["member"]]
    else:
        keys = [agent_key(actor)]
    return list(dict.fromkeys(key for key in keys if key))


def home_page(iri: str) -> str:
    return iri.rstrip("/")


def email_sha1sums(email: str) -> set[str]:
    """The mbox_sha1sum an LRS client would send for this email (as typed, and lower-cased)."""
    return {hashlib.sha1(("mailto:" + form).encode("utf-8")).hexdigest()
            for form in {email.strip(), email.strip().lower()}}


def key_kind(key: str) -> str:
    return key.partition(":")[0]


def key_value(key: str) -> str:
    return key.partition(":")[2]


# ---------------------------------------------------------------- what a statement reports


@dataclass(frozen=True)
class ViewReport:
    progress: int
    completed: bool


@dataclass(frozen=True)
class GenericTestReport:
    passed: bool
    score: Decimal | None  # percent


def view_report(verb_iri: str, result: dict[str, Any] | None) -> ViewReport:
    """Progress and completion of a view statement.

    result.completion wins over the verb: `completed` with completion false is not completed.
    """
    result = result or {}
    completion = result.get("completion")
    completed = completion is True or (verb_iri in COMPLETED_VERBS and completion is None)
    progress = _progress(result.get("extensions") or {})
    progress, completed = normalise(progress, completed)
    return ViewReport(progress, completed)


def _progress(extensions: dict[str, Any]) -> int | None:
    value = extensions.get(CMI5_PROGRESS)
    scale = 1
    if value is None and VIDEO_PROGRESS in extensions:
        value, scale = extensions[VIDEO_PROGRESS], 100
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    percent = Decimal(str(value)) * scale
    if not 0 <= percent <= 100:
        return None
    return int(percent.to_integral_value(rounding=ROUND_HALF_UP))


def generic_test_report(verb_iri: str, result: dict[str, Any] | None) -> GenericTestReport:
    """Passed or failed, and the score as a percentage when the statement gives one.

    result.success, when present, is what the test decided (cmi5 sends both and they agree).
    """
    result = result or {}
    success = result.get("success")
    passed = success if isinstance(success, bool) else verb_iri == PASSED
    return GenericTestReport(passed, _score_percent(result.get("score") or {}))


def _score_percent(score: dict[str, Any]) -> Decimal | None:
    if "scaled" in score:
        percent = Decimal(str(score["scaled"])) * 100
    elif "raw" in score and "max" in score:
        low = Decimal(str(score.get("min", 0)))
        span = Decimal(str(score["max"])) - low
        if span <= 0:
            return None
        percent = (Decimal(str(score["raw"])) - low) / span * 100
    else:
        return None
    percent = min(max(percent, Decimal(0)), Decimal(100))
    return percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
