"""Saves under faults: workers killed, backends terminated, the database restarted, a worker frozen.

    .venv/bin/python bench/faults.py                          # every fault, both databases
    .venv/bin/python bench/faults.py --db sqlite --faults kill_worker --clients 4 --saves 50

Clients save distinct cells as a phone does: a save that fails on the network or gets a 5xx
is sent again with the same idempotency key and base version, after a short backoff. Meanwhile
one fault is injected again and again. Then the database is checked and one line printed:
sent, ok first try, ok after retry, failed, lost, duplicated, audit mismatches, 5xx, and the
longest time in which no save succeeded. Targets: 0 lost, 0 duplicated, 0 mismatches.
Not a timed test: a small run is tests/ops/test_fault_run.py.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_saves as harness  # noqa: E402  (the seed, the HTTP client, gunicorn)

FAULTS = ("kill_worker", "terminate_backends", "restart_database", "restart_server",
          "freeze_worker")
POSTGRESQL_ONLY = {"terminate_backends", "restart_database"}


@dataclass
class Outcome:
    sent: int = 0
    first_try: int = 0
    after_retry: int = 0
    failed: int = 0
    server_errors: int = 0
    successes: list[float] = field(default_factory=list)
    acknowledged: dict[str, str] = field(default_factory=dict)  # url -> value answered 200
    lock: threading.Lock = field(default_factory=threading.Lock)


def save_like_a_phone(client: harness.Client, url: str, value: str, outcome: Outcome,
                      deadline: float) -> None:
    key = str(uuid.uuid4())
    form = {"value": value, "version": "0", "layout": "grid", "idempotency_key": key}
    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        try:
            status, _, _ = client.request("POST", url, form, htmx=True)
        except (OSError, http.client.HTTPException):  # the worker died mid-answer
            status = 0
        if status >= 500:
            with outcome.lock:
                outcome.server_errors += 1
        if status == 200:
            with outcome.lock:
                outcome.successes.append(time.monotonic())
                outcome.acknowledged[url] = value
                if attempt == 1:
                    outcome.first_try += 1
                else:
                    outcome.after_retry += 1
            return
        if status not in (0, 502, 503, 504, 500):
            break  # a refusal the phone shows; not retried
        time.sleep(min(2.0, 0.1 * 2 ** min(attempt, 5)))
    with outcome.lock:
        outcome.failed += 1


class Server:
    """gunicorn with 2 workers; can be killed and started again on the same port."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.database_url, self.workdir = database_url, workdir
        self.port = harness._free_port()
        self.process = harness.start_gunicorn(database_url, self.port, workdir)

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True,
                             text=True).stdout
        return [int(pid) for pid in out.split()]

    def restart(self) -> None:
        self.process.kill()
        for pid in self.workers():
            os.kill(pid, signal.SIGKILL)
        self.process.wait()
        self.process = harness.start_gunicorn(self.database_url, self.port, self.workdir)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _psql(sql: str) -> None:
    admin = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def inject(fault: str, server: Server, database_url: str, stop: threading.Event,
           every: float) -> None:
    name = database_url.rsplit("/", 1)[-1]
    while not stop.wait(every):
        if fault == "kill_worker":
            workers = server.workers()
            if workers:
                os.kill(workers[0], signal.SIGKILL)
        elif fault == "terminate_backends":
            _psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        elif fault == "restart_database":
            version = sorted(os.listdir("/etc/postgresql"))[0]
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
                            "restart"], check=False, capture_output=True)
        elif fault == "restart_server":
            server.restart()
        elif fault == "freeze_worker":
            workers = server.workers()
            if workers:
                os.kill(workers[0], signal.SIGSTOP)
                stop.wait(min(every, 20))
                os.kill(workers[0], signal.SIGCONT)


def check(database_url: str, outcome: Outcome) -> dict[str, int]:
    from sqlalchemy import func, select

    from teacherapp import create_app
    from teacherapp.extensions import db
    from teacherapp.models import AuditEvent, Score

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "faults"})
    with app.app_context():
        stored = {}
        for score_id, enrolment_id, subject_id, value in db.session.execute(
                select(Score.id, Score.enrolment_id, Score.subject_id, Score.value)):
            stored[(enrolment_id, subject_id)] = (score_id, value)
        events = dict(db.session.execute(
            select(AuditEvent.entity_id, func.count(AuditEvent.id))
            .where(AuditEvent.entity == "score").group_by(AuditEvent.entity_id)).all())
        db.session.remove()
        db.engine.dispose()
    lost = 0
    for url, value in outcome.acknowledged.items():
        parts = url.split("/")
        row = stored.get((int(parts[4]), int(parts[6])))
        if row is None or float(row[1]) != float(value):
            lost += 1
    duplicated = sum(1 for count in events.values() if count > 1)
    mismatches = abs(len(stored) - len(events)) + sum(
        1 for score_id, _ in stored.values() if str(score_id) not in events)
    return {"lost": lost, "duplicated": duplicated, "mismatches": mismatches}


def run(kind: str, fault: str, clients: int, saves: int, every: float) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix=f"faults-{kind}-"))
    database_url = harness.prepare_database(kind, workdir)
    seeded = harness.seed(database_url, clients, saves)
    server = Server(database_url, workdir)
    outcome = Outcome()
    stop = threading.Event()
    try:
        users = [harness.Client(server.port) for _ in range(clients)]
        for user, email in zip(users, seeded.teachers, strict=True):
            user.log_in(email)
        injector = threading.Thread(target=inject, args=(fault, server, database_url, stop,
                                                         every))
        started = time.monotonic()
        injector.start()
        deadline = started + 600

        def work(user, urls):
            for i, url in enumerate(urls):
                with outcome.lock:
                    outcome.sent += 1
                save_like_a_phone(user, url, f"{(i % 19) + 1}", outcome, deadline)

        harness.run_parallel([lambda u=u, c=c: work(u, c)
                              for u, c in zip(users, seeded.cells, strict=True)])
        stop.set()
        injector.join()
        ended = time.monotonic()
    finally:
        stop.set()
        server.stop()
    facts = check(database_url, outcome)
    harness.drop_database(kind, database_url)
    moments = [started, *sorted(outcome.successes), ended]
    longest_gap = max(b - a for a, b in zip(moments, moments[1:], strict=False))
    ok = facts["lost"] == 0 and facts["duplicated"] == 0 and facts["mismatches"] == 0 \
        and outcome.failed == 0
    print(f"| {kind} | {fault} | {outcome.sent} | {outcome.first_try} | {outcome.after_retry} | "
          f"{outcome.failed} | {facts['lost']} | {facts['duplicated']} | {facts['mismatches']} | "
          f"{outcome.server_errors} | {longest_gap:.1f} s | {'ok' if ok else 'FAIL'} |",
          flush=True)
    return ok


HEADER = ("| database | fault | sent | ok first try | ok after retry | failed | lost | "
          "duplicated | audit mismatches | 5xx | longest without a save | |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--every", type=float, default=3.0, help="seconds between faults")
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print(HEADER)
    ok = True
    for kind in kinds:
        for fault in args.faults.split(","):
            if kind == "sqlite" and fault in POSTGRESQL_ONLY:
                continue
            ok = run(kind, fault, args.clients, args.saves, args.every) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
