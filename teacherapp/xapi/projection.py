"""Projecting stored statements onto the app: views, generic test results, and undoing them.

A statement is evidence and stays as it came; what it means is derived here and can be
derived again (after the secretariat maps an unknown agent or activity, or after voiding).
The caller commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, insert, select

from teacherapp.content.logic import ViewState
from teacherapp.extensions import db
from teacherapp.models import (
    ContentItem,
    ContentView,
    Course,
    CourseType,
    Enrolment,
    GenericTestResult,
    Pupil,
    XapiAgentLink,
    XapiStatement,
    XapiStatementActor,
)
from teacherapp.xapi import rules

CHUNK = 500


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


# ---------------------------------------------------------------- who and what


def pupils_for_keys(keys: Iterable[str]) -> dict[str, int]:
    """The pupil each agent key names, where exactly one pupil fits."""
    keys = set(keys)
    found: dict[str, int] = {}
    ordered = sorted(keys)
    for part in _chunks(ordered):
        found.update(db.session.execute(
            select(XapiAgentLink.actor_key, XapiAgentLink.pupil_id)
            .where(XapiAgentLink.actor_key.in_(part))).all())
    rest = keys - set(found)
    homes = set(current_app.config.get("XAPI_ACCOUNT_HOMEPAGES", ()))

    accounts: dict[str, str] = {}  # account name -> key
    for key in rest:
        if rules.key_kind(key) == "account":
            page, _, name = rules.key_value(key).rpartition("|")
            if page in homes:
                accounts[name] = key
    for part in _chunks(sorted(accounts)):
        for account, pid in db.session.execute(
                select(Pupil.vts_account_id, Pupil.id).where(Pupil.vts_account_id.in_(part))):
            found[accounts[account]] = pid

    emails = {rules.key_value(k).removeprefix("mailto:"): k for k in rest
              if rules.key_kind(k) == "mbox"}
    matches: dict[str, set[int]] = defaultdict(set)
    for part in _chunks(sorted(emails)):
        for email, pid in db.session.execute(
                select(func.lower(Pupil.email), Pupil.id).where(func.lower(Pupil.email).in_(part))):
            matches[emails[email]].add(pid)

    sha1_keys = {rules.key_value(k): k for k in rest if rules.key_kind(k) == "mbox_sha1sum"}
    if sha1_keys:  # a hash cannot be looked up: hash every pupil's email and compare
        for pid, email in db.session.execute(
                select(Pupil.id, Pupil.email).where(Pupil.email.is_not(None))):
            for digest in rules.email_sha1sums(email) & set(sha1_keys):
                matches[sha1_keys[digest]].add(pid)
    for key, pids in matches.items():
        if len(pids) == 1:  # a shared email names nobody for sure
            found[key] = next(iter(pids))
    return found


def items_for_iris(iris: Iterable[str]) -> dict[str, int]:
    ordered = sorted(set(iris))
    found: dict[str, int] = {}
    for part in _chunks(ordered):
        found.update(db.session.execute(
            select(ContentItem.activity_iri, ContentItem.id)
            .where(ContentItem.activity_iri.in_(part))).all())
    return found


def test_course_types(iris: Iterable[str]) -> dict[str, set[int]]:
    """Activity IRI -> the course types whose generic competence test it is."""
    found: dict[str, set[int]] = defaultdict(set)
    for part in _chunks(sorted(set(iris))):
        for iri, ctid in db.session.execute(
                select(CourseType.generic_test_iri, CourseType.id)
                .where(CourseType.generic_test_iri.in_(part))):
            found[iri].add(ctid)
    return found


# ---------------------------------------------------------------- projecting


def project(statements: Sequence[XapiStatement]) -> None:
    """Resolve whom and what these statements name, then apply the views and test results.

    Idempotent: projecting a statement twice changes nothing (views merge, results are
    unique per statement), so re-projecting after a mapping is safe.
    """
    live = [s for s in statements if s.voided_by is None and s.kind in ("view", "test")]
    if not live:
        return
    pupils = pupils_for_keys(a.actor_key for s in live for a in s.actors)
    iris = {s.object_iri for s in live if s.object_iri}
    items = items_for_iris(iris)
    tests = test_course_types(iris)
    views: dict[tuple[int, int], list[XapiStatement]] = defaultdict(list)
    results: list[tuple[XapiStatement, int]] = []
    for statement in live:
        for actor in statement.actors:
            actor.pupil_id = pupils.get(actor.actor_key)
        statement.content_item_id = items.get(statement.object_iri or "")
        if statement.kind == "view":
            known_object = statement.content_item_id is not None
            for actor in statement.actors:
                if actor.pupil_id and known_object:
                    views[(actor.pupil_id, statement.content_item_id)].append(statement)
        else:
            known_object = statement.object_iri in tests
            for actor in statement.actors:
                if actor.pupil_id and known_object:
                    results.append((statement, actor.pupil_id))
        statement.unresolved = not known_object or any(a.pupil_id is None for a in statement.actors)
    db.session.flush()
    _merge_views(views)
    _record_results(results, tests)


def _moment(statement: XapiStatement) -> datetime:
    """When it happened; a timestamp ahead of the stored time (a wrong clock) counts as stored."""
    return min(statement.timestamp, statement.stored_at)


def _sighting(statement: XapiStatement) -> ViewState:
    report = rules.view_report(statement.verb_iri, statement.statement.get("result"))
    at = _moment(statement)
    return ViewState(at, at, report.progress, report.completed)


def _merged(current: ViewState | None, new: ViewState) -> ViewState:
    if current is None:
        return new
    return ViewState(min(current.first_viewed_at, new.first_viewed_at),
                     max(current.last_viewed_at, new.last_viewed_at),
                     max(current.progress, new.progress), current.completed or new.completed)


def _load_views(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], ContentView]:
    found: dict[tuple[int, int], ContentView] = {}
    pupil_ids = sorted({p for p, _ in pairs})
    item_ids = {i for _, i in pairs}
    for part in _chunks(pupil_ids):
        for view in db.session.scalars(select(ContentView).where(ContentView.pupil_id.in_(part))):
            if view.content_item_id in item_ids:
                found[(view.pupil_id, view.content_item_id)] = view
    return found


def _state(view: ContentView) -> ViewState:
    return ViewState(view.first_viewed_at, view.last_viewed_at, view.progress, view.completed)


def _merge_views(views: dict[tuple[int, int], list[XapiStatement]]) -> None:
    known = _load_views(set(views))
    inserts = []
    for pair, statements in views.items():
        state = _state(known[pair]) if pair in known else None
        for statement in statements:
            state = _merged(state, _sighting(statement))
        assert state is not None
        if pair in known:
            _apply(known[pair], state)
        else:
            inserts.append({"pupil_id": pair[0], "content_item_id": pair[1],
                            "statements_only": True, **_values(state)})
    if inserts:
        db.session.execute(insert(ContentView), inserts)


def _values(state: ViewState) -> dict:
    return {"first_viewed_at": state.first_viewed_at, "last_viewed_at": state.last_viewed_at,
            "progress": state.progress, "completed": state.completed}


def _apply(view: ContentView, state: ViewState) -> None:
    for key, value in _values(state).items():
        if getattr(view, key) != value:
            setattr(view, key, value)


def _latest_enrolments(pupil_ids: set[int], course_type_ids: set[int]) -> dict[tuple[int, int], int]:
    """(pupil, course type) -> the pupil's latest enrolment in a course of that type."""
    latest: dict[tuple[int, int], int] = {}
    rows = db.session.execute(
        select(Enrolment.pupil_id, Course.course_type_id, Enrolment.id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.pupil_id.in_(sorted(pupil_ids)),
               Course.course_type_id.in_(sorted(course_type_ids)))
        .order_by(Course.school_year, Enrolment.id))
    for pid, ctid, eid in rows:
        latest[(pid, ctid)] = eid  # ordered: the last one wins
    return latest


def _record_results(results: list[tuple[XapiStatement, int]], tests: dict[str, set[int]]) -> None:
    if not results:
        return
    enrolments = _latest_enrolments({pid for _, pid in results},
                                    {ct for types in tests.values() for ct in types})
    existing = {tuple(row) for row in db.session.execute(
        select(GenericTestResult.enrolment_id, GenericTestResult.statement_id)
        .where(GenericTestResult.statement_id.in_(sorted({s.statement_id for s, _ in results})))
    )}
    rows = []
    for statement, pid in results:
        report = rules.generic_test_report(statement.verb_iri, statement.statement.get("result"))
        targets = {enrolments[(pid, ct)] for ct in tests[statement.object_iri or ""]
                   if (pid, ct) in enrolments}
        if not targets:
            statement.unresolved = True  # a known pupil, but not enrolled for this test
        for eid in sorted(targets):
            if (eid, statement.statement_id) not in existing:
                existing.add((eid, statement.statement_id))
                rows.append({"enrolment_id": eid, "passed": report.passed,
                             "score": report.score, "source": "xapi",
                             "statement_id": statement.statement_id,
                             "taken_at": _moment(statement)})
    if rows:
        db.session.execute(insert(GenericTestResult), rows)


# ---------------------------------------------------------------- voiding


def void(targets: Sequence[XapiStatement], voiding_id: str) -> None:
    """Mark the targets voided and take back what they projected."""
    pairs: set[tuple[int, int]] = set()
    for target in targets:
        target.voided_by = voiding_id
        target.unresolved = False
        if target.kind == "view" and target.content_item_id is not None:
            pairs.update((a.pupil_id, target.content_item_id) for a in target.actors if a.pupil_id)
    db.session.flush()
    test_ids = [t.statement_id for t in targets if t.kind == "test"]
    if test_ids:
        db.session.execute(delete(GenericTestResult).where(
            GenericTestResult.statement_id.in_(test_ids)))
    recompute_views(pairs)


def recompute_views(pairs: set[tuple[int, int]]) -> None:
    """Rebuild views that came from statements only, from the statements still standing.

    A view a file import or the old feed also fed keeps its state: what those sources
    contributed is not kept apart, so it cannot be taken out.
    """
    if not pairs:
        return
    views = {pair: view for pair, view in _load_views(pairs).items() if view.statements_only}
    if not views:
        return
    states: dict[tuple[int, int], ViewState] = {}
    pupil_ids = sorted({p for p, _ in views})
    item_ids = sorted({i for _, i in views})
    rows = db.session.execute(
        select(XapiStatementActor.pupil_id, XapiStatement)
        .join(XapiStatement, XapiStatement.id == XapiStatementActor.statement_pk)
        .where(XapiStatementActor.pupil_id.in_(pupil_ids),
               XapiStatement.content_item_id.in_(item_ids),
               XapiStatement.kind == "view", XapiStatement.voided_by.is_(None)))
    for pid, statement in rows:
        pair = (pid, statement.content_item_id)
        if pair in views:
            states[pair] = _merged(states.get(pair), _sighting(statement))
    for pair, view in views.items():
        if pair in states:
            _apply(view, states[pair])
        else:
            db.session.delete(view)
    db.session.flush()

