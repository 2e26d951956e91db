"""The hand-written xAPI 1.0.3 checks: what an LRS must refuse, and what it must take."""

from __future__ import annotations

import copy

import pytest

from teacherapp.xapi import rules
from teacherapp.xapi.validation import Invalid, canonical_uuid, validate_statement
from tests.content.xapi_spec_examples import EXAMPLES, SIMPLEST


def with_change(path: str, value) -> dict:
    statement = copy.deepcopy(SIMPLEST)
    *parents, last = path.split(".")
    node = statement
    for key in parents:
        node = node.setdefault(key, {})
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return statement


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_specification_examples_are_valid(name):
    validate_statement(EXAMPLES[name])


@pytest.mark.parametrize("path,value", [
    ("id", "not-a-uuid"),
    ("id", "12345678123456781234567812345678"),  # no hyphens
    ("actor", KeyError),
    ("verb.id", "created"),  # no scheme
    ("verb.display", {"not a tag!": "x"}),
    ("object.id", "http://example.com/has space"),
    ("actor.openid", "http://openid.example/x"),  # two identifiers
    ("actor.mbox", "xapi@adlnet.gov"),  # no mailto:
    ("actor.objectType", "Person"),
    ("colour", "blue"),  # not an xAPI property
    ("result", {"score": {"scaled": 1.5}}),
    ("result", {"score": {"raw": 12, "min": 0, "max": 10}}),
    ("result", {"completion": "yes"}),
    ("result", {"duration": "12 minutes"}),
    ("result", {"extensions": {"progress": 50}}),  # extension keys are IRIs
    ("timestamp", "yesterday"),
    ("version", "0.95"),
    ("context", {"registration": "abc"}),
    ("object", {"objectType": "StatementRef", "id": "nope"}),
    ("object", {"objectType": "Group"}),  # anonymous group without members
    ("object", {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@b.be"},
                "verb": {"id": "http://x.example/v"},
                "object": {"objectType": "SubStatement"}}),
])
def test_an_invalid_statement_is_refused(path, value):
    with pytest.raises(Invalid):
        validate_statement(with_change(path, value))


def test_platform_is_only_allowed_with_an_activity_object():
    statement = copy.deepcopy(EXAMPLES["agent_as_object"])
    statement["context"] = {"platform": "VTS Connect"}
    with pytest.raises(Invalid, match="only allowed"):
        validate_statement(statement)


def test_a_uuid_is_compared_in_lower_case():
    assert canonical_uuid("FD41C918-B88B-4B20-A0A5-A4C32391AAA0", "id") == \
        "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"


def test_agent_keys_of_a_group_are_its_members():
    keys = rules.actor_keys(EXAMPLES["long"]["actor"])
    assert keys == ["account:http://www.example.com|13936749",
                    "openid:http://toby.openid.example.org/",
                    "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9"]


def test_result_completion_wins_over_the_completed_verb():
    verb = "http://adlnet.gov/expapi/verbs/completed"
    extensions = {rules.CMI5_PROGRESS: 30}
    assert rules.view_report(verb, {"completion": False, "extensions": extensions}) == \
        rules.ViewReport(30, False)
    assert rules.view_report(verb, None) == rules.ViewReport(100, True)
    assert rules.view_report("http://adlnet.gov/expapi/verbs/progressed",
                             {"extensions": {rules.CMI5_PROGRESS: 140}}) == rules.ViewReport(0, False)


def test_success_decides_a_test_and_the_score_is_a_percentage():
    passed = "http://adlnet.gov/expapi/verbs/passed"
    assert rules.generic_test_report(passed, {"score": {"scaled": 0.655}}).score == \
        rules.Decimal("65.50")
    assert rules.generic_test_report(passed, {"success": False}).passed is False
    assert rules.generic_test_report(passed, {"score": {"raw": 5}}).score is None
