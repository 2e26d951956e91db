"""The machinery of the route matrix: actors, URLs, calls and the checks on every answer."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from flask import Flask, url_for
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from teacherapp import create_app
from tests.security.helpers import TEST_SECRET
from tests.security.route_table import ARGUMENTS, NOT_IDS, Access, Route
from tests.security.world import MACHINE_TOKEN, World, log_in_as

MUTATING = ("POST", "PUT", "PATCH", "DELETE")
# The secretariat stays last: a route's last allowed actor makes the final (real) write.
ACTORS = ("anonymous", "teacher_a", "teacher_b", "coordinator_a", "coordinator_b", "secretariat")
COORDINATORS = ("coordinator_a", "coordinator_b")
# A coordinator is no linked teacher: a course page refuses her, with 403 (teachers-only
# routes) or 404 (she may not know the course exists).
REFUSED = (403, 404)


def collect_rules() -> list[Rule]:
    """The application's routes, read from a throwaway app at collection time."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": TEST_SECRET, "RATELIMIT_ENABLED": False})
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


RULES = collect_rules()
ENDPOINTS = sorted({rule.endpoint for rule in RULES})


def methods_of(rule: Rule) -> list[str]:
    return sorted(m for m in rule.methods or () if m not in ("HEAD", "OPTIONS"))


@dataclass
class Actor:
    name: str
    client: FlaskClient
    csrf: str | None


def csrf_for(client: FlaskClient) -> str:
    """A valid Flask-WTF token for this client's session, minted like generate_csrf does."""
    raw = hashlib.sha1(os.urandom(32)).hexdigest()
    with client.session_transaction() as session:
        session["csrf_token"] = raw
    return URLSafeTimedSerializer(TEST_SECRET, salt="wtf-csrf-token").dumps(raw)


def make_actors(app: Flask, world: World) -> dict[str, Actor]:
    users = {"anonymous": None, "teacher_a": world.a.teacher, "teacher_b": world.b.teacher,
             "coordinator_a": world.a.coordinator, "coordinator_b": world.b.coordinator,
             "secretariat": world.secretariat}
    actors = {}
    for name, user in users.items():
        client = app.test_client()
        log_in_as(client, user)
        actors[name] = Actor(name, client, csrf_for(client))
    return actors


def expectation(route: Route, actor: str) -> str | int | tuple[int, ...]:
    """'allow', or the status code (or codes) that refuse this actor."""
    access = route.access
    if access is Access.PUBLIC:
        return "allow"
    if access is Access.MACHINE:
        return 401  # cookies never authenticate a machine route
    if actor == "anonymous":
        return 302
    if access is Access.LOGIN:
        return "allow"
    if access is Access.SECRETARIAT:
        return "allow" if actor == "secretariat" else 403
    if access is Access.COORDINATOR:
        return "allow" if actor in COORDINATORS else 403
    if access is Access.SCHOOL:  # side A's ids
        return {"coordinator_a": "allow", "coordinator_b": 404}.get(actor, 403)
    if access is Access.TEACHER:
        return 403 if actor in ("secretariat", *COORDINATORS) else "allow"
    # Access.COURSE: side A's ids
    if actor in COORDINATORS:
        return REFUSED
    if actor == "teacher_a":
        return "allow"
    if actor == "teacher_b":
        return 404
    return "allow" if route.secretariat else 403


def url_args(rule: Rule, world: World, side: str = "a", swap: str | None = None) -> dict:
    """URL arguments from side A; `swap` takes that one argument from side B instead."""
    args = {}
    for name in sorted(rule.arguments):
        if name not in ARGUMENTS:
            raise AssertionError(f"{rule.endpoint}: URL argument <{name}> has no builder in "
                                 "tests/security/route_table.py ARGUMENTS")
        chosen = world.b if (name == swap or side == "b") else world.a
        args[name] = ARGUMENTS[name](world, chosen)
    return args


def swappable_ids(rule: Rule) -> list[str]:
    ids = [name for name in rule.arguments if name not in NOT_IDS]
    return [name for name in ids if name != "course_id"] if len(ids) > 1 else []


def build_url(app: Flask, rule: Rule, args: dict) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def call(actor: Actor, method: str, url: str, *, data: dict | None = None, htmx: bool = False,
         csrf: str | None = "valid", bearer: str | None = None, route: Route | None = None
         ) -> TestResponse:
    headers = {}
    if htmx:
        headers["HX-Request"] = "true"
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    if method == "GET":
        return actor.client.get(url, headers=headers)
    body = dict(data or {})
    token = actor.csrf if csrf == "valid" else csrf
    if token:
        body["csrf_token"] = token
        headers["X-CSRFToken"] = token
    if route is not None and route.access is Access.MACHINE:
        return actor.client.open(url, method=method, json={"events": []}, headers=headers)
    return actor.client.open(url, method=method, data=body, headers=headers)


def machine_call(actor: Actor, method: str, url: str) -> TestResponse:
    return actor.client.open(url, method=method, json={"events": []},
                             headers={"Authorization": f"Bearer {MACHINE_TOKEN}"})


CSP_REQUIRED = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'",
}


def header_problems(response: TestResponse, path: str, production: bool = False,
                    pupil_data: bool = True) -> list[str]:
    """What is wrong with the security headers of one answer (empty list: all fine)."""
    problems = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {}
    for part in csp.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    for name, value in CSP_REQUIRED.items():
        if directives.get(name) != value:
            problems.append(f"CSP {name} is {directives.get(name)!r}, expected {value!r}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp or "*" in csp:
        problems.append(f"CSP too loose: {csp}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if headers.get("Referrer-Policy") not in ("same-origin", "strict-origin-when-cross-origin",
                                              "no-referrer"):
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options is not DENY")
    if pupil_data and not path.startswith("/static/") and "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {headers.get('Cache-Control')!r}, not no-store")
    hsts = headers.get("Strict-Transport-Security")
    if production and not (hsts and "max-age=" in hsts):
        problems.append("no HSTS in production")
    if not production and hsts:
        problems.append("HSTS outside production")
    return problems


def describe(response: TestResponse) -> str:
    location = response.headers.get("Location", "")
    return f"{response.status_code}{' -> ' + location if location else ''}"


def is_login_redirect(response: TestResponse) -> bool:
    """A page redirects to the login form; an htmx request gets 401 naming the login URL."""
    if response.status_code == 401:
        return response.headers.get("X-Login-URL", "").startswith("/login")
    return response.status_code == 302 and response.headers.get("Location", "").startswith("/login")


def iter_calls(rule: Rule) -> Iterator[tuple[str, bool]]:
    """(method, htmx) pairs to try on a rule: GETs as page and fragment, writes as both."""
    for method in methods_of(rule):
        yield method, False
        yield method, True


class _FormReader(HTMLParser):
    """The values a browser would submit for the form posting to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.found = False
        self.values: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.found:
            self.inside = a.get("method", "get").lower() == "post" and (
                a.get("action", self.action).split("?")[0] in (self.action, ""))
            self.found = self.inside
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and ("selected" in a or self.select not in self.values):
            self.values[self.select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.inside and self.textarea:
            self.values[self.textarea] += data


def prefilled_form(client: FlaskClient, url: str) -> dict[str, str]:
    """The form on the route's own page, as the browser would send it back, slightly edited."""
    page = client.get(url)
    if page.status_code != 200 or "html" not in page.content_type:
        return {}
    reader = _FormReader(url)
    reader.feed(page.get_data(as_text=True))
    values = {k: v for k, v in reader.values.items() if k not in ("csrf_token", "lang")}
    for name in ("name", "title", "full_name", "label", "descriptor", "description", "city",
                 "group_name"):
        if values.get(name):
            values[name] = values[name][:60] + " (gewijzigd)"
            break
    return values
