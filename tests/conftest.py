"""Fixtures: an app on SQLite (default) or on PostgreSQL when TEST_DATABASE_URL is set.

The schema is built once per run; after each test every table is emptied, which is far
faster than rebuilding it and behaves the same on both databases.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from teacherapp import create_app
from teacherapp.extensions import db
from tests import factories
from tests.factories import PASSWORD


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (`test_gw0`, ...),
    so two workers never empty each other's tables; SQLite files are per worker already."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL", "")
    if worker and url.startswith("postgres"):
        os.environ["TEST_DATABASE_URL"] = _worker_database(url, worker)


def _worker_database(url: str, worker: str) -> str:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                              {"name": name}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def _test_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,
        "ATTEST_JOB_RUNNER": "inline",  # no thread outlives its test
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Uploads waiting for confirmation live here: one folder per test process, so tests
    that check nothing was kept never see another xdist worker's upload."""
    return str(tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="session")
def app(database_url: str, instance_path: str) -> Iterator[Flask]:
    """The app that serves requests (test client, live server)."""
    app = create_app(_test_config(database_url), instance_path=instance_path)
    yield app


def _data_config(url: str) -> dict:
    """The test code's own session may sit in a transaction while a test waits (a browser,
    a server): PostgreSQL must not end that connection as a stuck request's would be."""
    from teacherapp.config import engine_options, normalise_database_url

    options = engine_options(normalise_database_url(url))
    if "connect_args" in options and "options" in options["connect_args"]:
        options["connect_args"] = {"options": re.sub(
            r"-c idle_in_transaction_session_timeout=\d+", "",
            options["connect_args"]["options"]).strip()}
    return {**_test_config(url), "SQLALCHEMY_ENGINE_OPTIONS": options}


@pytest.fixture(scope="session")
def data_app(database_url: str, app: Flask, instance_path: str) -> Iterator[Flask]:
    """A second app on the same database, whose context the test code runs in.

    Requests then always get a fresh app context of `app` (Flask reuses a pushed context
    of the same app), so `g`, the logged-in user and the db session never leak from the
    test into a request or from one request into the next, as in production.
    """
    data_app = create_app(_data_config(database_url), instance_path=instance_path)
    with data_app.app_context():
        db.drop_all()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
    yield data_app


@pytest.fixture(autouse=True)
def _clean_database(data_app: Flask) -> Iterator[None]:
    ctx = data_app.app_context()
    ctx.push()
    yield
    db.session.rollback()
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    ctx.pop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _CSRF_META.search(html)
    assert match, "page has no csrf-token meta tag"
    return match.group(1)


class Auth:
    """Logs a client in through the real login form, and hands out CSRF tokens."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def csrf_token(self) -> str:
        return csrf_token_from(self.client.get("/login").get_data(as_text=True)
                               if not self._logged_in() else
                               # the secretariat's "/" redirects to its year overview
                               self.client.get("/", follow_redirects=True)
                               .get_data(as_text=True))

    def _logged_in(self) -> bool:
        with self.client.session_transaction() as session:
            return "_user_id" in session

    def login(self, user, password: str = PASSWORD):
        db.session.commit()  # what the test built must be visible to the app's requests
        token = csrf_token_from(self.client.get("/login").get_data(as_text=True))
        response = self.client.post("/login", data={"email": user.email, "password": password,
                                                    "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf_token()})

    def post(self, url: str, data: dict | None = None, htmx: bool = False, **kw):
        """POST with a valid CSRF token, as a form would (or as htmx, in a header)."""
        token = self.csrf_token()
        headers = kw.pop("headers", {})
        data = dict(data or {})
        if htmx:
            headers = {"HX-Request": "true", "X-CSRFToken": token, **headers}
        else:
            data.setdefault("csrf_token", token)
        return self.client.post(url, data=data, headers=headers, **kw)


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def make():
    """The factories module, so tests read `make.course(...)`."""
    return factories


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, *args, **kwargs) -> None:
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_statements(app: Flask):  # counts on the serving app's engine
    """Count the SQL statements run inside a `with count_statements() as counter:` block."""
    from contextlib import contextmanager

    with app.app_context():
        engine = db.engine

    @contextmanager
    def counting():
        counter = StatementCounter()

        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
