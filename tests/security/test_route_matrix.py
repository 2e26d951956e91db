"""Every route of the app, called by everyone who must be refused: nothing leaks, nothing changes.

The list of routes comes from app.url_map, so a route added later is covered automatically,
and fails here until it is classified in tests/security/route_table.py.
"""

from __future__ import annotations

import pytest

from tests.security.matrix import (
    ACTORS,
    ENDPOINTS,
    MUTATING,
    RULES,
    build_url,
    call,
    describe,
    expectation,
    header_problems,
    is_login_redirect,
    iter_calls,
    machine_call,
    make_actors,
    methods_of,
    prefilled_form,
    swappable_ids,
    url_args,
)
from tests.security.route_table import ARGUMENTS, ROUTES, Access
from tests.security.world import build_world, database_digest

RULE_IDS = [f"{rule.endpoint}:{rule.rule}" for rule in RULES]


def test_every_route_is_classified():
    missing = [endpoint for endpoint in ENDPOINTS if endpoint not in ROUTES]
    assert not missing, (
        "These routes are not in the authorisation matrix; add them to ROUTES in "
        f"tests/security/route_table.py with who may use them: {missing}")


def test_the_matrix_lists_no_route_that_is_gone():
    stale = sorted(set(ROUTES) - set(ENDPOINTS))
    assert not stale, f"ROUTES lists endpoints that no longer exist: {stale}"


def test_every_url_argument_has_a_builder():
    unknown = sorted({(rule.endpoint, name) for rule in RULES for name in rule.arguments
                      if name not in ARGUMENTS})
    assert not unknown, f"add these URL arguments to ARGUMENTS in route_table.py: {unknown}"


def test_only_machine_routes_are_csrf_exempt():
    for endpoint, route in ROUTES.items():
        if route.csrf_exempt:
            assert route.access is Access.MACHINE, endpoint


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_route_refuses_everyone_who_may_not_use_it(app, rule):
    """Anonymous, teacher B and coordinator B (another school) and the wrong role, with side
    A's ids."""
    route = ROUTES.get(rule.endpoint)
    if route is None:
        pytest.fail(f"{rule.endpoint} is not classified in tests/security/route_table.py")
    world = build_world()
    actors = make_actors(app, world)
    url = build_url(app, rule, url_args(rule, world))
    allowed = [a for a in ACTORS if expectation(route, a) == "allow"]
    data = route.data(world, world.a) if route.data else {}
    if not data and allowed and "GET" in methods_of(rule) and any(
            m in MUTATING for m in methods_of(rule)):
        # The allowed user's own form, filled in: a refused user sends a request that works.
        data = prefilled_form(actors[allowed[-1]].client, url)
    baseline = database_digest()
    failures = []

    def check(label, response, expected, url=url):
        problems = header_problems(response, url, pupil_data=route.pupil_data)
        if problems:
            failures.append(f"{label} {url}: headers: {problems}")
        if response.status_code >= 500:
            failures.append(f"{label} {url}: server error {response.status_code}")
        if expected == "allow":
            refused = response.status_code in (401, 403, 405) or (
                is_login_redirect(response) and not route.ends_session) or (
                response.status_code == 404 and not route.may_404)
            if refused:
                failures.append(f"{label} {url}: expected to be allowed, got {describe(response)}")
        elif expected == 302:
            if not is_login_redirect(response):
                failures.append(f"{label} {url}: expected a redirect to login, got "
                                f"{describe(response)}")
        elif isinstance(expected, tuple):
            if response.status_code not in expected:
                failures.append(f"{label} {url}: expected one of {expected}, got "
                                f"{describe(response)}")
        elif response.status_code != expected:
            failures.append(f"{label} {url}: expected {expected}, got {describe(response)}")

    # 1. Everyone who must be refused, on every method, as page and as htmx fragment.
    for actor_name in ACTORS:
        expected = expectation(route, actor_name)
        if expected == "allow":
            continue
        for method, htmx in iter_calls(rule):
            response = call(actors[actor_name], method, url, data=data, htmx=htmx, route=route)
            check(f"{actor_name} {method}{' htmx' if htmx else ''}", response, expected)
            if database_digest() != baseline:
                failures.append(f"{actor_name} {method} {url}: refused call CHANGED the database")
                baseline = database_digest()

    # 2. Teacher A (or school A's coordinator) with one id swapped for side B's object: 404,
    # nothing changed.
    if route.access in (Access.COURSE, Access.TEACHER, Access.SCHOOL):
        owner = "coordinator_a" if route.access is Access.SCHOOL else "teacher_a"
        for name in swappable_ids(rule):
            mixed = build_url(app, rule, url_args(rule, world, swap=name))
            for method, htmx in iter_calls(rule):
                response = call(actors[owner], method, mixed, data=data, htmx=htmx,
                                route=route)
                check(f"{owner} with B's {name} {method}", response, 404, url=mixed)
                if database_digest() != baseline:
                    failures.append(f"{owner} {method} {mixed}: cross-school write")
                    baseline = database_digest()

    # 3. Those who may use it: not refused, no server error, and a GET changes nothing.
    for method in methods_of(rule):
        for actor_name in allowed:
            if method == "GET":
                for htmx in (False, True):
                    response = call(actors[actor_name], "GET", url, htmx=htmx, route=route)
                    check(f"{actor_name} GET{' htmx' if htmx else ''}", response, "allow")
                    if database_digest() != baseline:
                        failures.append(f"{actor_name} GET {url} CHANGED the database")
                        baseline = database_digest()
        if route.access is Access.MACHINE:
            response = machine_call(actors["anonymous"], method, url)
            check(f"machine {method}", response, "allow")
    for method in [m for m in methods_of(rule) if m in MUTATING]:
        # Last, since an allowed write may change the world (e.g. delete the school).
        if allowed and route.access is not Access.MACHINE:
            response = call(actors[allowed[-1]], method, url, data=data, route=route)
            check(f"{allowed[-1]} {method}", response, "allow")

    assert not failures, "\n".join(failures)


MUTATING_RULES = [(rule, method) for rule in RULES for method in methods_of(rule)
                  if method in MUTATING]


@pytest.mark.parametrize(("rule", "method"), MUTATING_RULES,
                         ids=[f"{r.endpoint}:{m}" for r, m in MUTATING_RULES])
def test_mutating_route_refuses_a_request_without_a_valid_csrf_token(app, rule, method):
    route = ROUTES.get(rule.endpoint)
    if route is None:
        pytest.fail(f"{rule.endpoint} is not classified in tests/security/route_table.py")
    if route.csrf_exempt:
        pytest.skip(route.csrf_exempt)
    world = build_world()
    actors = make_actors(app, world)
    allowed = [a for a in ACTORS if expectation(route, a) == "allow"]
    actor = actors[allowed[-1]]
    url = build_url(app, rule, url_args(rule, world))
    data = route.data(world, world.a) if route.data else {}
    baseline = database_digest()
    forged = actors["teacher_b"].csrf  # a real token, but of another session
    for label, token, htmx in (("no token", None, False), ("no token, htmx", None, True),
                               ("garbage token", "not-a-token", False),
                               ("another session's token", forged, False),
                               ("another session's token, htmx", forged, True)):
        response = call(actor, method, url, data=data, htmx=htmx, csrf=token, route=route)
        assert response.status_code == 400, f"{label}: {describe(response)}"
        assert database_digest() == baseline, f"{label}: the database changed"
    page = call(actor, method, url, data=data, csrf=None).get_data(as_text=True)
    assert "Pagina verlopen" in page  # the user learns what happened, in Dutch


def test_machine_route_ignores_a_logged_in_session(app):
    """The CSRF-exempt feed authenticates by token only: a browser's cookies give no access."""
    world = build_world()
    actors = make_actors(app, world)
    for rule in RULES:
        route = ROUTES.get(rule.endpoint)
        if route is None or route.access is not Access.MACHINE:
            continue
        url = build_url(app, rule, url_args(rule, world))
        baseline = database_digest()
        for actor in actors.values():
            for method in methods_of(rule):
                response = call(actor, method, url, route=route)
                assert response.status_code == 401, (actor.name, describe(response))
        assert database_digest() == baseline
