"""The app is stateless: two app processes on one database and one Redis act as one app.

Runs on PostgreSQL when TEST_DATABASE_URL points there, else on one shared SQLite file.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, User
from tests.factories import PASSWORD
from tests.ops.processes import Browser, free_port, start_gunicorn, start_redis, stop, wait_for

LOGINS_PER_PROCESS = 3


@pytest.fixture(scope="module")
def two_servers(database_url, tmp_path_factory):
    """Started once for the module: the processes keep no state between the tests anyway."""
    tmp_path = tmp_path_factory.mktemp("two_servers")
    try:
        redis_proc, redis_url = start_redis(tmp_path)
    except FileNotFoundError:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "one-secret-for-every-process",
           "RATELIMIT_STORAGE_URI": redis_url, "LOGIN_LIMIT_ACCOUNT": "3 per minute",
           "TEACHERAPP_ENV": "development", "LOG_FORMAT": "json"}
    ports = [free_port(), free_port()]
    procs = [start_gunicorn(port, env, tmp_path / f"gunicorn-{port}.log") for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            wait_for(base + "/healthz/live")
        yield bases
    finally:
        for proc in procs:
            stop(proc)
        stop(redis_proc)


def _login_count(user_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "login", AuditEvent.actor_id == user_id))


def test_a_login_on_one_process_carries_on_on_the_other(two_servers, make):
    first, second = two_servers
    teacher = make.teacher(full_name="Nora Maes")
    db.session.commit()
    browser = Browser()
    assert browser.login(first, teacher.email, PASSWORD) == 302
    status, page, _ = browser.get(second + "/")
    assert status == 200 and "Nora Maes" in page
    # A change of the session on the second process is seen by the first.
    assert browser.post(second + "/language", {"lang": "en", "next": "/"})[0] == 302
    assert 'lang="en"' in browser.get(first + "/")[1]
    # Logging out on the first ends the session on both.
    assert browser.post(first + "/logout", {})[0] == 302
    status, _, headers = browser.get(second + "/")
    assert status == 302 and "/login" in headers["Location"]


def test_both_processes_report_the_shared_database_and_redis_healthy(two_servers):
    for base in two_servers:
        status, body, _ = Browser().get(base + "/healthz")
        assert status == 200
        assert '"redis":"ok"' in body.replace(" ", "") and '"database":"ok"' in body.replace(" ", "")


def test_writes_from_both_processes_at_once_are_all_kept(two_servers, make):
    teacher = make.teacher()
    db.session.commit()
    email = teacher.email  # the threads below have no app context to load it in

    def log_in_repeatedly(base: str) -> list[int]:
        return [Browser().login(base, email, PASSWORD) for _ in range(LOGINS_PER_PROCESS)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(log_in_repeatedly, two_servers))
    assert results == [[302] * LOGINS_PER_PROCESS] * 2
    # Each login writes an audit row and the user's last login in one transaction.
    assert _login_count(teacher.id) == 2 * LOGINS_PER_PROCESS
    assert db.session.get(User, teacher.id).last_login_at is not None


def test_failed_logins_are_counted_across_processes_in_redis(two_servers, make):
    first, second = two_servers
    teacher = make.teacher()
    db.session.commit()
    statuses = [Browser().login(base, teacher.email, "wrong password!!")
                for base in (first, second, first, second)]
    # The limit is 3 per minute for the account, wherever the attempts land.
    assert all(status not in (302, 429) for status in statuses[:3])  # refused, not throttled
    assert statuses[3] == 429
