"""Checking a statement against xAPI 1.0.3 (Data, section 2), by hand. No Flask.

Ralph's pydantic models were considered and not used: see docs/content.md ("Why the
validation is our own"). What is checked here is what an LRS must reject with 400:
unknown properties, wrong types, an Agent without exactly one identifier, ids that are not
UUIDs, IRIs without a scheme, scores out of range, and properties in the wrong place.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
IRI_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
SHA1_HEX = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_HEX = re.compile(r"^[0-9a-fA-F]{56,128}$")
MAILTO = re.compile(r"^mailto:[^@\s]+@[^@\s]+$", re.IGNORECASE)
DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
VERSION = re.compile(r"^(1\.0|2\.0)(\.\d+)?$")

STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                  "authority", "version", "attachments"}
SUBSTATEMENT_KEYS = {"objectType", "actor", "verb", "object", "result", "context", "timestamp",
                     "attachments"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other"}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class Invalid(ValueError):
    """A statement an LRS must refuse; the message says where and why."""


def canonical_uuid(value: Any, where: str) -> str:
    if not isinstance(value, str) or not UUID_PATTERN.match(value):
        raise Invalid(f"{where} must be a UUID (8-4-4-4-12 hexadecimal digits)")
    return str(uuid.UUID(value))


def parse_timestamp(value: Any, where: str) -> datetime:
    """An ISO 8601 timestamp; one without a time zone is UTC."""
    if not isinstance(value, str) or not TIMESTAMP.match(value):
        raise Invalid(f"{where} must be an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise Invalid(f"{where} must be an ISO 8601 timestamp") from error
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def validate_statement(statement: Any) -> None:
    """Raise Invalid unless this is a statement an LRS must accept."""
    _object(statement, "statement")
    _keys(statement, STATEMENT_KEYS, "statement")
    for required in ("actor", "verb", "object"):
        if required not in statement:
            raise Invalid(f"statement.{required} is required")
    if "id" in statement:
        canonical_uuid(statement["id"], "statement.id")
    _body(statement, "statement")
    if "stored" in statement:
        parse_timestamp(statement["stored"], "statement.stored")
    if "authority" in statement:
        _actor(statement["authority"], "statement.authority")
    if "version" in statement:
        if not isinstance(statement["version"], str) or not VERSION.match(statement["version"]):
            raise Invalid("statement.version must be 1.0.x or 2.0.x")
    verb = statement["verb"]["id"]
    target = statement["object"]
    if verb == VOIDED and target.get("objectType") != "StatementRef":
        raise Invalid("a voiding statement's object must be a StatementRef")


def _body(statement: dict[str, Any], where: str) -> None:
    """What a statement and a SubStatement share."""
    _actor(statement["actor"], f"{where}.actor")
    _verb(statement["verb"], f"{where}.verb")
    _statement_object(statement["object"], f"{where}.object", sub=where != "statement")
    if "result" in statement:
        _result(statement["result"], f"{where}.result")
    if "context" in statement:
        _context(statement["context"], f"{where}.context", statement["object"])
    if "timestamp" in statement:
        parse_timestamp(statement["timestamp"], f"{where}.timestamp")
    if "attachments" in statement:
        _attachments(statement["attachments"], f"{where}.attachments")


# ---------------------------------------------------------------- small shapes


def _object(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise Invalid(f"{where} must be a JSON object")


def _keys(value: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise Invalid(f"{where} has properties xAPI does not define: {', '.join(unknown)}")


def _string(value: Any, where: str) -> None:
    if not isinstance(value, str):
        raise Invalid(f"{where} must be a string")


def _bool(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise Invalid(f"{where} must be true or false")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{where} must be a number")
    return float(value)


def _iri(value: Any, where: str) -> None:
    if not isinstance(value, str) or not IRI_PATTERN.match(value):
        raise Invalid(f"{where} must be an absolute IRI (with a scheme, e.g. https:)")


def _language_map(value: Any, where: str) -> None:
    _object(value, where)
    for tag, text in value.items():
        if not LANGUAGE_TAG.match(tag):
            raise Invalid(f"{where}: {tag!r} is not a language tag")
        _string(text, f"{where}.{tag}")


def _extensions(value: Any, where: str) -> None:
    _object(value, where)
    for key in value:
        _iri(key, f"{where} key {key!r}")


# ---------------------------------------------------------------- actors


def _actor(value: Any, where: str) -> None:
    _object(value, where)
    kind = value.get("objectType", "Agent")
    if kind == "Agent":
        _agent(value, where)
    elif kind == "Group":
        _group(value, where)
    else:
        raise Invalid(f"{where}.objectType must be Agent or Group")


def _ifi(value: dict[str, Any], where: str) -> int:
    present = [key for key in IFI_KEYS if key in value]
    for key in present:
        ifi = value[key]
        if key == "mbox" and (not isinstance(ifi, str) or not MAILTO.match(ifi)):
            raise Invalid(f"{where}.mbox must be 'mailto:' followed by an email address")
        if key == "mbox_sha1sum" and (not isinstance(ifi, str) or not SHA1_HEX.match(ifi)):
            raise Invalid(f"{where}.mbox_sha1sum must be 40 hexadecimal digits")
        if key == "openid":
            _iri(ifi, f"{where}.openid")
        if key == "account":
            _object(ifi, f"{where}.account")
            _keys(ifi, {"homePage", "name"}, f"{where}.account")
            _iri(ifi.get("homePage"), f"{where}.account.homePage")
            if not isinstance(ifi.get("name"), str) or not ifi["name"]:
                raise Invalid(f"{where}.account.name must be a non-empty string")
    return len(present)


def _agent(value: dict[str, Any], where: str) -> None:
    _keys(value, {"objectType", "name", *IFI_KEYS}, where)
    if "name" in value:
        _string(value["name"], f"{where}.name")
    if _ifi(value, where) != 1:
        raise Invalid(f"{where} must have exactly one of mbox, mbox_sha1sum, openid, account")


def _group(value: dict[str, Any], where: str) -> None:
    _keys(value, {"objectType", "name", "member", *IFI_KEYS}, where)
    if "name" in value:
        _string(value["name"], f"{where}.name")
    identifiers = _ifi(value, where)
    if identifiers > 1:
        raise Invalid(f"{where} may have at most one of mbox, mbox_sha1sum, openid, account")
    members = value.get("member")
    if identifiers == 0 and not members:
        raise Invalid(f"{where}: an anonymous Group needs its members")
    if members is not None:
        if not isinstance(members, list):
            raise Invalid(f"{where}.member must be an array of Agents")
        for number, member in enumerate(members):
            _object(member, f"{where}.member[{number}]")
            if member.get("objectType", "Agent") != "Agent":
                raise Invalid(f"{where}.member[{number}] must be an Agent")
            _agent(member, f"{where}.member[{number}]")


# ---------------------------------------------------------------- verb and objects


def _verb(value: Any, where: str) -> None:
    _object(value, where)
    _keys(value, {"id", "display"}, where)
    _iri(value.get("id"), f"{where}.id")
    if "display" in value:
        _language_map(value["display"], f"{where}.display")


def _statement_object(value: Any, where: str, *, sub: bool) -> None:
    _object(value, where)
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _activity(value, where)
    elif kind in ("Agent", "Group"):
        _actor(value, where)
    elif kind == "StatementRef":
        _keys(value, {"objectType", "id"}, where)
        canonical_uuid(value.get("id"), f"{where}.id")
    elif kind == "SubStatement":
        if sub:
            raise Invalid(f"{where}: a SubStatement cannot contain a SubStatement")
        _keys(value, SUBSTATEMENT_KEYS, where)
        for required in ("actor", "verb", "object"):
            if required not in value:
                raise Invalid(f"{where}.{required} is required")
        _body(value, where)
    else:
        raise Invalid(f"{where}.objectType must be Activity, Agent, Group, StatementRef or SubStatement")


def _activity(value: dict[str, Any], where: str) -> None:
    _keys(value, {"objectType", "id", "definition"}, where)
    _iri(value.get("id"), f"{where}.id")
    if "definition" in value:
        _definition(value["definition"], f"{where}.definition")


def _definition(value: Any, where: str) -> None:
    _object(value, where)
    _keys(value, {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                  "correctResponsesPattern", "choices", "scale", "source", "target", "steps"}, where)
    for key in ("name", "description"):
        if key in value:
            _language_map(value[key], f"{where}.{key}")
    for key in ("type", "moreInfo"):
        if key in value:
            _iri(value[key], f"{where}.{key}")
    if "extensions" in value:
        _extensions(value["extensions"], f"{where}.extensions")
    if "interactionType" in value and value["interactionType"] not in INTERACTION_TYPES:
        raise Invalid(f"{where}.interactionType is not an xAPI interaction type")
    if "correctResponsesPattern" in value:
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise Invalid(f"{where}.correctResponsesPattern must be an array of strings")
    for key in ("choices", "scale", "source", "target", "steps"):
        if key in value:
            components = value[key]
            if not isinstance(components, list):
                raise Invalid(f"{where}.{key} must be an array")
            for number, component in enumerate(components):
                _object(component, f"{where}.{key}[{number}]")
                _keys(component, {"id", "description"}, f"{where}.{key}[{number}]")
                _string(component.get("id"), f"{where}.{key}[{number}].id")
                if "description" in component:
                    _language_map(component["description"], f"{where}.{key}[{number}].description")


# ---------------------------------------------------------------- result, context, attachments


def _result(value: Any, where: str) -> None:
    _object(value, where)
    _keys(value, {"score", "success", "completion", "response", "duration", "extensions"}, where)
    if "score" in value:
        _score(value["score"], f"{where}.score")
    for key in ("success", "completion"):
        if key in value:
            _bool(value[key], f"{where}.{key}")
    if "response" in value:
        _string(value["response"], f"{where}.response")
    if "duration" in value:
        if not isinstance(value["duration"], str) or not DURATION.match(value["duration"]):
            raise Invalid(f"{where}.duration must be an ISO 8601 duration, e.g. PT1H30M")
    if "extensions" in value:
        _extensions(value["extensions"], f"{where}.extensions")


def _score(value: Any, where: str) -> None:
    _object(value, where)
    _keys(value, {"scaled", "raw", "min", "max"}, where)
    numbers = {key: _number(value[key], f"{where}.{key}") for key in value}
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        raise Invalid(f"{where}.scaled must lie between -1 and 1")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and low > high:
        raise Invalid(f"{where}.min must not exceed max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise Invalid(f"{where}.raw must lie between min and max")


def _context(value: Any, where: str, statement_object: dict[str, Any]) -> None:
    _object(value, where)
    _keys(value, {"registration", "instructor", "team", "contextActivities", "revision",
                  "platform", "language", "statement", "extensions"}, where)
    if "registration" in value:
        canonical_uuid(value["registration"], f"{where}.registration")
    if "instructor" in value:
        _actor(value["instructor"], f"{where}.instructor")
    if "team" in value:
        _object(value["team"], f"{where}.team")
        if value["team"].get("objectType") != "Group":
            raise Invalid(f"{where}.team must be a Group")
        _actor(value["team"], f"{where}.team")
    for key in ("revision", "platform"):
        if key in value:
            _string(value[key], f"{where}.{key}")
            if statement_object.get("objectType", "Activity") != "Activity":
                raise Invalid(f"{where}.{key} is only allowed when the object is an Activity")
    if "language" in value:
        if not isinstance(value["language"], str) or not LANGUAGE_TAG.match(value["language"]):
            raise Invalid(f"{where}.language must be a language tag")
    if "statement" in value:
        _object(value["statement"], f"{where}.statement")
        if value["statement"].get("objectType") != "StatementRef":
            raise Invalid(f"{where}.statement must be a StatementRef")
        _statement_object(value["statement"], f"{where}.statement", sub=True)
    if "contextActivities" in value:
        activities = value["contextActivities"]
        _object(activities, f"{where}.contextActivities")
        _keys(activities, {"parent", "grouping", "category", "other"}, f"{where}.contextActivities")
        for key, entries in activities.items():
            for number, entry in enumerate(entries if isinstance(entries, list) else [entries]):
                here = f"{where}.contextActivities.{key}[{number}]"
                _object(entry, here)
                if entry.get("objectType", "Activity") != "Activity":
                    raise Invalid(f"{here} must be an Activity")
                _activity(entry, here)
    if "extensions" in value:
        _extensions(value["extensions"], f"{where}.extensions")


def _attachments(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise Invalid(f"{where} must be an array")
    for number, attachment in enumerate(value):
        here = f"{where}[{number}]"
        _object(attachment, here)
        _keys(attachment, {"usageType", "display", "description", "contentType", "length",
                           "sha2", "fileUrl"}, here)
        _iri(attachment.get("usageType"), f"{here}.usageType")
        _language_map(attachment.get("display"), f"{here}.display")
        if "description" in attachment:
            _language_map(attachment["description"], f"{here}.description")
        _string(attachment.get("contentType"), f"{here}.contentType")
        if isinstance(attachment.get("length"), bool) or not isinstance(attachment.get("length"), int):
            raise Invalid(f"{here}.length must be an integer")
        if not isinstance(attachment.get("sha2"), str) or not SHA2_HEX.match(attachment["sha2"]):
            raise Invalid(f"{here}.sha2 must be a SHA-2 hash in hexadecimal")
        if "fileUrl" in attachment:
            _iri(attachment["fileUrl"], f"{here}.fileUrl")
        else:
            # The attachment's bytes would come in a multipart body, which this LRS does not take.
            raise Invalid(f"{here}: only attachments with a fileUrl are accepted (no multipart)")
