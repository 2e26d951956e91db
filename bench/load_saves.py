"""No lost writes under load: 20 teachers saving scores at once through gunicorn.

    .venv/bin/python bench/load_saves.py                 # SQLite and PostgreSQL, full size
    .venv/bin/python bench/load_saves.py --db sqlite --clients 4 --saves 25 --contested 100

For each database it builds a fresh schema, seeds one course per client (pupils x subjects =
the client's distinct cells) plus one course that every client teaches (the contested cell),
starts gunicorn with 2 workers, logs every client in through the login form and then sends:

- clients x saves saves, each to its own cell (a new score, version 0 -> 1);
- `contested` saves to ONE cell, spread over all clients, each based on the version that
  client last saw (a 409 answer tells it the current version).

It then checks: every distinct save stored with the value sent; 0 server errors; 0 answers
mentioning "database is locked"; on the contested cell exactly one winner per version (the
audit trail forms one unbroken chain old -> new) and every loser answered 409 showing the
stored value; audit events equal successful writes. Exit status 1 when a check fails.

PostgreSQL: BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres) is
used to create a database bench_teacherapp_load_<pid> for the run, dropped afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-wachtwoord-2026"
SUBJECTS_PER_COURSE = 10
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')


# ---------------------------------------------------------------- database and seed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return "sqlite:///" + str(workdir / "load.sqlite")
    import psycopg

    admin_url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"bench_teacherapp_load_{os.getpid()}"  # two runs at once never share one
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(kind: str, database_url: str) -> None:
    if kind != "postgresql":
        return
    import psycopg

    admin_url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Seeded:
    teachers: list[str]  # emails
    cells: list[list[str]]  # per client: URLs of its distinct cells
    contested_url: str
    contested_score_key: tuple[int, int, int]  # enrolment, subject, sitting


def seed(database_url: str, clients: int, saves: int) -> Seeded:
    from teacherapp import create_app
    from teacherapp.extensions import db
    from teacherapp.models import (
        Course,
        CourseTeacher,
        CourseType,
        Enrolment,
        ExamMoment,
        PaymentMethod,
        Pupil,
        Recognition,
        RecognitionBasis,
        Role,
        School,
        Subject,
        SubjectKind,
        User,
    )
    from teacherapp.passwords import hash_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    pupils_per_course = -(-saves // SUBJECTS_PER_COURSE)
    with app.app_context():
        db.create_all()
        password_hash = hash_password(PASSWORD)
        ct = CourseType(code="S2C", name="Start 2 Coach", hours=15, minimum_age=15,
                        fee=Decimal(15), refresher_group="S2C")
        school = School(name="Bench school", city="Gent", institution_number="999999")
        db.session.add_all([ct, school])
        db.session.flush()
        paid = datetime(2026, 9, 25, tzinfo=UTC)

        def course_with(n_pupils: int, label: str) -> tuple[Course, list[Enrolment], list[Subject]]:
            course = Course(course_type_id=ct.id, school_id=school.id, school_year="2026-2027",
                            track=1, start_date=date(2026, 9, 14), group_name=label)
            db.session.add(course)
            db.session.flush()
            subjects = []
            for s in range(SUBJECTS_PER_COURSE):
                subject = Subject(course_id=course.id, name=f"Vak {s + 1}", kind=SubjectKind.THEORY,
                                  maximum=Decimal(20), pass_mark=Decimal(10), position=s)
                db.session.add(subject)
                db.session.flush()
                db.session.add(ExamMoment(subject_id=subject.id, sitting=1,
                                          exam_date=date(2027, 1, 20), trimester=2))
                subjects.append(subject)
            enrolments = []
            for p in range(n_pupils):
                pupil = Pupil(first_name=f"Leerling{p}", last_name=label, school_id=school.id,
                              birth_date=date(2009, 5, 1))
                db.session.add(pupil)
                db.session.flush()
                enrolment = Enrolment(pupil_id=pupil.id, course_id=course.id, paid_at=paid,
                                      payment_method=PaymentMethod.INDIVIDUAL)
                db.session.add(enrolment)
                enrolments.append(enrolment)
            db.session.flush()
            return course, enrolments, subjects

        teachers, cells = [], []
        shared, shared_enrolments, shared_subjects = course_with(1, "gedeeld")
        for c in range(clients):
            teacher = User(email=f"bench{c}@school.test", full_name=f"Bench {c}",
                           password_hash=password_hash, role=Role.TEACHER)
            db.session.add(teacher)
            db.session.flush()
            db.session.add(Recognition(teacher_id=teacher.id, course_type_id=ct.id,
                                       basis=RecognitionBasis.LO_QUALIFICATION))
            course, enrolments, subjects = course_with(pupils_per_course, f"klas{c}")
            db.session.add_all([CourseTeacher(course_id=course.id, teacher_id=teacher.id),
                                CourseTeacher(course_id=shared.id, teacher_id=teacher.id)])
            urls = [f"/courses/{course.id}/pupils/{e.id}/subjects/{s.id}/sittings/1"
                    for e in enrolments for s in subjects][:saves]
            teachers.append(teacher.email)
            cells.append(urls)
        db.session.commit()
        e, s = shared_enrolments[0], shared_subjects[0]
        return Seeded(teachers, cells, f"/courses/{shared.id}/pupils/{e.id}/subjects/{s.id}/sittings/1",
                      (e.id, s.id, 1))


# ---------------------------------------------------------------- HTTP clients


class Client:
    """One teacher's browser: cookies, CSRF token, htmx-style POSTs."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None,
                htmx: bool = False) -> tuple[int, str, float]:
        body = urlencode(form or {}) if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers.update({"HX-Request": "true", "X-CSRFToken": self.csrf})
        started = time.perf_counter()
        for attempt in range(5):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.RemoteDisconnected):
                if attempt == 4:
                    raise
                time.sleep(0.05)
            finally:
                conn.close()
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, text, elapsed

    def log_in(self, email: str) -> None:
        _, page, _ = self.request("GET", "/login")
        token = CSRF_META.search(page).group(1)
        status, _, _ = self.request("POST", "/login", {"email": email, "password": PASSWORD,
                                                      "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"login of {email} answered {status}")
        status, home, _ = self.request("GET", "/")
        if status in (301, 302, 303):  # the secretariat starts on the year overview
            status, home, _ = self.request("GET", "/admin/overview")
        self.csrf = CSRF_META.search(home).group(1)


@dataclass
class Tally:
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    locked: int = 0
    conflicts_without_value: int = 0
    wins: list[tuple[int, str]] = field(default_factory=list)  # (version, value)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, text: str, elapsed: float) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.latencies.append(elapsed)
            if "database is locked" in text:
                self.locked += 1


def distinct_saves(client: Client, urls: list[str], tally: Tally) -> None:
    for i, url in enumerate(urls):
        value = f"{(i % 20) + 0.5:.1f}"
        status, text, elapsed = client.request("POST", url, {"value": value, "version": "0",
                                                             "layout": "grid",
                                                             "idempotency_key": str(uuid.uuid4())},
                                               htmx=True)
        tally.add(status, text, elapsed)


def contested_saves(client: Client, url: str, count: int, first_value: int, tally: Tally) -> None:
    version = 0
    for i in range(count):
        value = f"{(first_value + i) / 100:.2f}"  # every save sends a value no other sends
        status, text, elapsed = client.request("POST", url, {"value": value, "version": str(version),
                                                             "layout": "grid",
                                                             "idempotency_key": str(uuid.uuid4())},
                                               htmx=True)
        tally.add(status, text, elapsed)
        seen = VERSION_INPUT.search(text)
        if seen:
            version = int(seen.group(1))
        if status == 200:
            with tally.lock:
                tally.wins.append((version, value))
        elif status == 409 and not ('class="conflict"' in text and "Nu opgeslagen:" in text):
            with tally.lock:
                tally.conflicts_without_value += 1


def run_parallel(jobs: list) -> float:
    threads = [threading.Thread(target=job) for job in jobs]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


# ---------------------------------------------------------------- the run


def start_gunicorn(database_url: str, port: int, workdir: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-secret-" + "x" * 20,
           "TEACHERAPP_ENV": "development", "WEB_CONCURRENCY": "2",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "/dev/null",
           "GUNICORN_MAX_REQUESTS": "0", "LOG_LEVEL": "warning"}
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "teacherapp:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start; see " + str(workdir / "gunicorn.log"))


def verify(database_url: str, seeded: Seeded, sent_distinct: int) -> dict:
    from sqlalchemy import func, select

    from teacherapp import create_app
    from teacherapp.extensions import db
    from teacherapp.models import AuditEvent, IdempotentSave, Score

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    enrolment_id, subject_id, sitting = seeded.contested_score_key
    with app.app_context():
        contested = db.session.scalars(select(Score).where(
            Score.enrolment_id == enrolment_id, Score.subject_id == subject_id,
            Score.sitting == sitting)).first()
        stored = db.session.scalar(select(func.count(Score.id))) - (1 if contested else 0)
        score_events = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.entity == "score"))
        stored_answers = db.session.scalar(select(func.count(IdempotentSave.id)))
        chain = db.session.execute(select(AuditEvent.old_value, AuditEvent.new_value).where(
            AuditEvent.entity == "score", AuditEvent.entity_id == str(contested.id))
            .order_by(AuditEvent.id)).all() if contested else []
    unbroken = all(chain[i].old_value == chain[i - 1].new_value for i in range(1, len(chain)))
    return {"stored_distinct": stored, "score_events": score_events,
            "stored_answers": stored_answers,
            "contested_version": contested.version if contested else 0,
            "contested_value": contested.value if contested else None,
            "contested_events": len(chain), "chain_unbroken": unbroken and bool(chain)}


def run(kind: str, clients: int, saves: int, contested: int) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix=f"load-{kind}-"))
    database_url = prepare_database(kind, workdir)
    seeded = seed(database_url, clients, saves)
    port = _free_port()
    server = start_gunicorn(database_url, port, workdir)
    try:
        users = [Client(port) for _ in range(clients)]
        run_parallel([lambda c=c, e=e: c.log_in(e) for c, e in zip(users, seeded.teachers, strict=True)])
        distinct = Tally()
        seconds = run_parallel([lambda c=c, u=u: distinct_saves(c, u, distinct)
                                for c, u in zip(users, seeded.cells, strict=True)])
        fight = Tally()
        per_client = [contested // clients + (1 if i < contested % clients else 0)
                      for i in range(clients)]
        starts = [sum(per_client[:i]) + 1 for i in range(clients)]
        fight_seconds = run_parallel([
            lambda c=c, n=n, s=s: contested_saves(c, seeded.contested_url, n, s, fight)
            for c, n, s in zip(users, per_client, starts, strict=True)])
    finally:
        server.terminate()
        server.wait(timeout=30)
    try:
        facts = verify(database_url, seeded, clients * saves)
    finally:
        drop_database(kind, database_url)
    sent = clients * saves
    wins = len(fight.wins)
    win_versions = sorted(v for v, _ in fight.wins)
    errors = sum(n for s, n in {**distinct.statuses}.items() if s >= 500) + sum(
        n for s, n in fight.statuses.items() if s >= 500)
    checks = {
        f"{sent} of {sent} distinct saves answered 200": distinct.statuses.get(200, 0) == sent,
        f"{sent} of {sent} distinct saves stored": facts["stored_distinct"] == sent,
        "0 server errors": errors == 0,
        '0 "database is locked"': distinct.locked + fight.locked == 0,
        "contested: every answer 200 or 409": set(fight.statuses) <= {200, 409}
                                                and sum(fight.statuses.values()) == contested,
        "contested: one winner per version": win_versions == list(range(1, wins + 1))
                                             and facts["contested_version"] == wins,
        "contested: audit chain unbroken, one event per win": facts["chain_unbroken"]
                                                             and facts["contested_events"] == wins,
        "contested: every 409 shows the stored value": fight.conflicts_without_value == 0,
        "audit events == successful writes": facts["score_events"] == sent + wins,
        "stored answers (idempotency keys) == successful writes":
            facts["stored_answers"] == sent + wins,
    }
    latencies = sorted(distinct.latencies)
    print(f"\n== {kind}: {clients} clients x {saves} saves + {contested} contested, "
          f"gunicorn 2 workers ==")
    print(f"distinct saves: {sent} in {seconds:.1f} s = {sent / seconds:.0f} saves/s; "
          f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms; statuses {distinct.statuses}")
    print(f"contested cell: {contested} saves in {fight_seconds:.1f} s: {wins} won (versions 1.."
          f"{wins}), {fight.statuses.get(409, 0)} answered 409; statuses {fight.statuses}; "
          f"final version {facts['contested_version']}, value {facts['contested_value']}")
    print(f"audit events for scores: {facts['score_events']} (= {sent} + {wins})")
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {name}")
    return all(checks.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--saves", type=int, default=500, help="distinct saves per client")
    parser.add_argument("--contested", type=int, default=1000)
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [run(kind, args.clients, args.saves, args.contested) for kind in kinds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
