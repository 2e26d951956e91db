"""A save never lands after a submit, a disable or an unlink that it raced with.

Real gunicorn with 2 workers, on the test database's kind. Three threads keep saving scores
of one course while the sitting is submitted, the teacher disabled, or the teacher unlinked.
Right after the other change answers (it has committed), the course's scores are read: from
then on nothing may change, and every save sent after that answer must be refused.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[2] / "bench" / "load_saves.py"
VERSION = re.compile(r'name="version" value="(\d+)"')
SECRETARIAT = "race-secretariaat@vts.test"


def _harness():
    spec = importlib.util.spec_from_file_location("load_saves", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_saves"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def harness():
    return _harness()


CHANGES = ["submit", "disable", "unlink"]


@pytest.fixture(scope="module")
def world(harness):
    """One server for the three races: each races on its own teacher's course."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    kind = "postgresql" if url.startswith("postgres") else "sqlite"
    if kind == "postgresql":
        os.environ["BENCH_POSTGRES_URL"] = url
    workdir = Path(tempfile.mkdtemp(prefix="races-"))
    database_url = harness.prepare_database(kind, workdir)
    seeded = harness.seed(database_url, clients=len(CHANGES), saves=40)
    _add_secretariat(harness, database_url)
    port = harness._free_port()
    server = harness.start_gunicorn(database_url, port, workdir)
    try:
        yield harness, database_url, seeded, port
    finally:
        server.terminate()
        server.wait(timeout=10)
        harness.drop_database(kind, database_url)


def _app(database_url):
    from teacherapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "races"})


def _add_secretariat(harness, database_url) -> None:
    from teacherapp.extensions import db
    from teacherapp.models import Role, User
    from teacherapp.passwords import hash_password

    with _app(database_url).app_context():
        db.session.add(User(email=SECRETARIAT, full_name="Secretariaat", role=Role.SECRETARIAT,
                            password_hash=hash_password(harness.PASSWORD)))
        db.session.commit()


def _scores(database_url, course_id: int) -> dict[int, tuple[int, str]]:
    from sqlalchemy import select

    from teacherapp.extensions import db
    from teacherapp.models import Enrolment, Score

    with _app(database_url).app_context():
        rows = db.session.execute(
            select(Score.id, Score.version, Score.value).join(
                Enrolment, Enrolment.id == Score.enrolment_id)
            .where(Enrolment.course_id == course_id)).all()
        db.session.remove()
        db.engine.dispose()
    return {row.id: (row.version, str(row.value)) for row in rows}




def _teacher_id(database_url, email) -> int:
    from sqlalchemy import select

    from teacherapp.extensions import db
    from teacherapp.models import User

    with _app(database_url).app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.remove()
        db.engine.dispose()
    return user_id


def _fill(client, urls) -> dict[str, int]:
    versions = {}
    for url in urls:
        status, text, _ = client.request("POST", url, {"value": "10", "version": "0",
                                                       "layout": "grid"}, htmx=True)
        assert status == 200, text
        versions[url] = int(VERSION.search(text).group(1))
    return versions


def _race(harness, port, email, versions, change) -> tuple[float, list[tuple[float, int]]]:
    """Savers keep saving; `change()` runs meanwhile. Returns when it answered, and each
    save's (sent at, status)."""
    done = threading.Event()
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    urls = list(versions)

    clients = []
    for _ in range(3):  # logged in before the race: a login after a disable is refused
        client = harness.Client(port)
        client.log_in(email)
        clients.append(client)

    def saver(offset: int) -> None:
        client = clients[offset // 7]
        for n, url in enumerate(itertools.islice(itertools.cycle(urls), offset, None)):
            if done.is_set() and n > 30:
                return
            sent = time.monotonic()
            status, text, _ = client.request(
                "POST", url, {"value": f"{(n % 19) + 1}", "version": str(versions[url]),
                              "layout": "grid", "idempotency_key": str(uuid.uuid4())}, htmx=True)
            found = VERSION.search(text)
            if found:
                versions[url] = int(found.group(1))
            with lock:
                results.append((sent, status))

    threads = [threading.Thread(target=saver, args=(i * 7,)) for i in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.4)
    answered = change()
    done.set()
    for thread in threads:
        thread.join(timeout=60)
    return answered, results


def _secretariat(harness, port):
    client = harness.Client(port)
    client.log_in(SECRETARIAT)
    return client


@pytest.mark.parametrize("change", CHANGES)
def test_no_save_lands_after_the_change_it_raced_with(world, change):
    harness, database_url, seeded, port = world
    which = CHANGES.index(change)
    email, cells = seeded.teachers[which], seeded.cells[which]
    course_id = int(cells[0].split("/")[2])
    teacher = harness.Client(port)
    teacher.log_in(email)
    versions = _fill(teacher, cells)
    teacher_id = _teacher_id(database_url, email)
    secretariat = _secretariat(harness, port)
    snapshot: dict = {}

    def do_change() -> float:
        if change == "submit":
            status, text, _ = teacher.request(
                "POST", f"/courses/{course_id}/submission/1", {"csrf_token": teacher.csrf})
        elif change == "disable":
            status, text, _ = secretariat.request(
                "POST", f"/admin/teachers/{teacher_id}/disable",
                {"csrf_token": secretariat.csrf})
        else:
            status, text, _ = secretariat.request(
                "POST", f"/admin/courses/{course_id}/teachers/{teacher_id}/unlink",
                {"csrf_token": secretariat.csrf})
        answered = time.monotonic()
        assert status in (200, 302, 303), (status, text[:500])
        snapshot.update(_scores(database_url, course_id))
        return answered

    answered, results = _race(harness, port, email, dict(versions), do_change)
    assert _scores(database_url, course_id) == snapshot, "a save landed after the change"
    after = [status for sent, status in results if sent > answered]
    assert after, "no save was sent after the change"
    assert all(status in (401, 403, 404) for status in after), after
    assert any(status == 200 for sent, status in results if sent < answered)
