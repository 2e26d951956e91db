"""No change without its audit event, no audit event without its change: one transaction.

For every mutating route, called by someone allowed with a plausible body:
- when writing the audit event fails, the change must not be stored either;
- when the call changes data, an audit event was written with it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent
from tests.security.matrix import (
    ACTORS,
    MUTATING,
    RULES,
    build_url,
    call,
    expectation,
    machine_call,
    make_actors,
    methods_of,
    prefilled_form,
    url_args,
)
from tests.security.route_table import ROUTES, Access
from tests.security.world import build_world, database_digest, table_digests

# Changes that are not about pupils' results and carry no audit event by design.
NOT_AUDITED = {
    "main.set_language": "only the session's language",
    "content.api_content_views": "content views from the platform's feed: the feed itself is "
                                 "idempotent per event id (ingested_event), no person acted",
}
# Tables any request may touch without it being a change someone must answer for.
BOOKKEEPING = {"audit_event", "idempotent_save", "ingested_event"}

CASES = [(rule, method) for rule in RULES for method in methods_of(rule) if method in MUTATING]


class AuditWriteFails(Exception):
    pass


@pytest.fixture
def failing_audit(app):
    """Make every INSERT into audit_event fail, on the engine that serves requests."""
    with app.app_context():
        engine = db.engine

    def refuse(conn, cursor, statement, parameters, context, executemany):
        # Also inside a WITH: on PostgreSQL a score's UPDATE and its audit INSERT are one
        # statement (teacherapp/scoring/saving.py), which then fails as a whole.
        if "INSERT INTO AUDIT_EVENT" in statement.upper():
            raise AuditWriteFails("audit write refused by the test")

    event.listen(engine, "before_cursor_execute", refuse)
    yield
    event.remove(engine, "before_cursor_execute", refuse)


def _allowed_call(app, rule, method, world, actors):
    route = ROUTES[rule.endpoint]
    url = build_url(app, rule, url_args(rule, world))
    if route.access is Access.MACHINE:
        return machine_call(actors["anonymous"], method, url)
    allowed = [a for a in ACTORS if expectation(route, a) == "allow"]
    actor = actors[allowed[-1]]
    if route.data:
        data = route.data(world, world.a)
    elif "GET" in methods_of(rule):
        data = prefilled_form(actor.client, url)  # an edit form sent back with one change
    else:
        data = {}
    return call(actor, method, url, data=data)


@pytest.mark.parametrize(("rule", "method"), CASES, ids=[f"{r.endpoint}:{m}" for r, m in CASES])
def test_a_change_is_never_stored_when_its_audit_event_cannot_be(app, rule, method,
                                                                 failing_audit):
    if rule.endpoint not in ROUTES:
        pytest.fail(f"{rule.endpoint} is not classified in tests/security/route_table.py")
    if rule.endpoint in NOT_AUDITED:
        pytest.skip(NOT_AUDITED[rule.endpoint])
    world = build_world()
    actors = make_actors(app, world)
    before = database_digest()
    try:
        _allowed_call(app, rule, method, world, actors)
    except AuditWriteFails:
        pass  # the testing app lets the error through; in production it is a 500
    assert database_digest() == before, "a change was stored although its audit event failed"


@pytest.mark.parametrize(("rule", "method"), CASES, ids=[f"{r.endpoint}:{m}" for r, m in CASES])
def test_a_stored_change_comes_with_an_audit_event(app, rule, method):
    if rule.endpoint not in ROUTES:
        pytest.fail(f"{rule.endpoint} is not classified in tests/security/route_table.py")
    if rule.endpoint in NOT_AUDITED:
        pytest.skip(NOT_AUDITED[rule.endpoint])
    world = build_world()
    actors = make_actors(app, world)
    before = table_digests()
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    _allowed_call(app, rule, method, world, actors)
    after = table_digests()
    db.session.expire_all()
    db.session.rollback()
    new_events = db.session.scalar(select(func.count(AuditEvent.id))) - events_before
    changed = sorted(t for t in after if after[t] != before[t] and t not in BOOKKEEPING)
    if changed:
        assert new_events >= 1, f"changed {changed} without an audit event"
    elif new_events and rule.endpoint != "auth.login":  # a failed login is worth an event
        pytest.fail(f"{new_events} audit event(s) without any change")
