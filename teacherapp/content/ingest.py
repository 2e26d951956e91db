"""The content platform's machine feed: batches of view events, idempotent by event id."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from teacherapp import audit
from teacherapp.content import feed
from teacherapp.content.logic import (
    Outcome,
    Problem,
    Rejection,
    Resolved,
    Sighting,
    event_id,
    sighting_from_event,
)
from teacherapp.content.tokens import bearer_secret, hash_token
from teacherapp.extensions import db
from teacherapp.models import IngestedEvent, IntegrationToken

MAX_EVENTS = 1000

# What an integrator reads in a rejection; the code is the contract, the text a help.
PROBLEM_DETAILS = {
    Problem.MISSING_PUPIL: "no pupil: give 'pupil' (VTS account id or email), or an xAPI actor "
                           "with account.name or mbox",
    Problem.UNKNOWN_PUPIL: "no pupil with this VTS account id or email",
    Problem.AMBIGUOUS_PUPIL: "several pupils share this email; send the VTS account id",
    Problem.MISSING_CONTENT: "no content: give 'content' (external id) or an xAPI object.id",
    Problem.UNKNOWN_CONTENT: "no content item with this external id",
    Problem.BAD_DATE: "viewed_at/timestamp is not an ISO 8601 date and time",
    Problem.FUTURE_DATE: "viewed_at/timestamp lies in the future",
    Problem.BAD_PROGRESS: "progress must be a number from 0 to 100",
    Problem.BAD_COMPLETED: "completed/result.completion must be true or false",
    Problem.DUPLICATE_ROW: "the same view twice",
    Problem.MISSING_ID: "every event needs an 'id' (text or number, at most 120 characters)",
    Problem.UNSUPPORTED_VERB: "verb must end in /viewed, /completed or /progressed",
    Problem.MALFORMED_EVENT: "an event must be a JSON object; actor, verb and object must be objects",
}
CHANGE = {Outcome.NEW: "new", Outcome.UPDATE: "updated", Outcome.UNCHANGED: "unchanged"}


def authenticate(authorization: str | None, now: datetime | None = None) -> IntegrationToken | None:
    """The active (not revoked) token named by an `Authorization: Bearer` header."""
    secret = bearer_secret(authorization)
    if secret is None:
        return None
    token = db.session.scalar(
        select(IntegrationToken).where(IntegrationToken.token_hash == hash_token(secret))
    )
    if token is None or token.revoked_at is not None:
        return None
    return token


@dataclass
class BatchResult:
    results: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"applied": 0, "duplicate": 0, "rejected": 0}
        for result in self.results:
            counts[result["status"]] += 1
        return counts


def ingest(token: IntegrationToken, events: list[Any], now: datetime | None = None) -> BatchResult:
    """Apply a batch and say per event what happened. One transaction; retried once on a race."""
    for attempt in (1, 2):
        try:
            return _ingest_once(token, events, now or datetime.now(UTC))
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _ingest_once(token: IntegrationToken, events: list[Any], now: datetime) -> BatchResult:
    ids = [event_id(event) for event in events]
    already = _already_ingested(token.id, {i for i in ids if i is not None})
    slots: list[dict[str, Any] | str] = []  # a finished result, or the id to look up later
    parsed: list[Sighting | Rejection] = []
    seen: set[str] = set()
    for event, eid in zip(events, ids, strict=True):
        if eid is None:
            raw = event.get("id") if isinstance(event, dict) else None
            slots.append(_rejected(raw if isinstance(raw, str | int) else None, Problem.MISSING_ID))
        elif eid in already or eid in seen:
            slots.append({"id": eid, "status": "duplicate"})
        else:
            seen.add(eid)
            slots.append(eid)
            parsed.append(sighting_from_event(event, eid, now) if isinstance(event, dict)
                          else Rejection(eid, Problem.MALFORMED_EVENT))

    # Replaying an event is the same view twice: not an error, so no duplicate rejection.
    feed_plan = feed.plan(parsed, reject_duplicates=False)
    by_ref = {r.ref: r for r in feed_plan.merge.results}
    applied = [r for r in feed_plan.merge.results if isinstance(r, Resolved)]
    feed.write(feed_plan)
    if applied:
        db.session.execute(insert(IngestedEvent), [
            {"integration_id": token.id, "event_id": r.ref, "outcome": f"applied:{CHANGE[r.outcome]}",
             "received_at": now} for r in applied])
        changed = sum(1 for r in applied if r.outcome != Outcome.UNCHANGED)
        audit.record("ingest", "integration_token", token.id, field="content_views",
                     new=f"applied={len(applied)} changed={changed}")
    token.last_used_at = now
    db.session.commit()

    result = BatchResult()
    for slot in slots:
        if isinstance(slot, dict):
            result.results.append(slot)
            continue
        entry = by_ref[slot]
        if isinstance(entry, Rejection):
            result.results.append(_rejected(slot, entry.problem))
        else:
            result.results.append({"id": slot, "status": "applied", "change": CHANGE[entry.outcome]})
    return result


def _rejected(eid: Any, problem: Problem) -> dict[str, Any]:
    return {"id": eid, "status": "rejected", "reason": problem.value,
            "detail": PROBLEM_DETAILS[problem]}


def _already_ingested(integration_id: int, ids: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), feed.CHUNK):
        part = ordered[start:start + feed.CHUNK]
        found.update(db.session.scalars(
            select(IngestedEvent.event_id).where(IngestedEvent.integration_id == integration_id,
                                                 IngestedEvent.event_id.in_(part))))
    return found
