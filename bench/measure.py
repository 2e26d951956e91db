"""The measurements the table reports, each against a running server or a fresh process."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from sqlalchemy import event, select

from bench.dataset import PASSWORD, TEACHER_EMAIL
from tests.ops.processes import Browser

REPO = Path(__file__).resolve().parents[1]
ROSTER = "/courses/1"
EXAM = "/courses/1/exam"
_ASSET = re.compile(r'<(?:link|script|img)\b[^>]*?(?:href|src)="(/[^"]+)"')


def teacher_session(base: str) -> tuple[str, str]:
    """Log the benchmark teacher in; return the Cookie header and the CSRF token."""
    browser = Browser()
    status = browser.login(base, TEACHER_EMAIL, PASSWORD)
    if status != 302:
        raise SystemExit(f"benchmark teacher could not log in ({status})")
    browser.get(base + "/")
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
    return cookie, browser.csrf


def save_cells(database_url: str, count: int = 60) -> list[str]:
    """Score cells the benchmark teacher may save (course 1, first sitting), as
    "path#version#value" (value: the stored score, empty if none).

    Read just before each load run: a save names the version it is based on, and a stale
    version would make every cell's first save a (correct, but here unwanted) conflict. The
    stored value lets the first save change it: a save of what is stored already changes
    nothing and keeps the version, which bench/save.lua cannot see in a compressed answer.
    """
    from teacherapp import create_app
    from teacherapp.extensions import db
    from teacherapp.models import Enrolment, Score, Subject

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        enrolments = db.session.scalars(select(Enrolment.id).where(Enrolment.course_id == 1)
                                        .order_by(Enrolment.id)).all()
        subjects = db.session.scalars(select(Subject.id).where(Subject.course_id == 1)
                                      .order_by(Subject.position)).all()
        pairs = [(e, s) for s in subjects[:2] for e in enrolments][:count]
        stored = {(e, s): (v, value) for e, s, v, value in db.session.execute(
            select(Score.enrolment_id, Score.subject_id, Score.version, Score.value)
            .where(Score.enrolment_id.in_(enrolments), Score.subject_id.in_(subjects[:2]),
                   Score.sitting == 1))}
        db.engine.dispose()
    with app.test_request_context():
        from flask import url_for
        cells = []
        for e, s in pairs:
            version, value = stored.get((e, s), (0, None))
            path = url_for("scoring.score_cell", course_id=1, enrolment_id=e, subject_id=s,
                           sitting=1)
            cells.append(f"{path}#{version}#{'' if value is None else format(value, 'f')}")
        return cells


def has_endpoint(database_url: str, endpoint: str) -> bool:
    from teacherapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    return endpoint in app.view_functions


def statements_per_page(database_url: str, paths: list[str]) -> dict[str, int | None]:
    """SQL statements one request of each page runs, counted on the app's engine."""
    from teacherapp import create_app
    from teacherapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"email": TEACHER_EMAIL, "password": PASSWORD, "csrf_token": token})
    with app.app_context():
        engine = db.engine
    counts: dict[str, int | None] = {}
    for path in paths:
        client.get(path)  # warm: templates compiled, caches filled
        seen: list[int] = []

        def listener(*args, seen=seen, **kwargs) -> None:
            seen.append(1)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            status = client.get(path).status_code
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        counts[path] = len(seen) if status == 200 else None
    return counts


def export(database_url: str, kind: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.export_probe", database_url, kind],
                         cwd=REPO, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        # SQLAlchemy ends its messages with a "(Background on this error ...)" line: skip it.
        lines = [line for line in out.stderr.strip().splitlines()
                 if line.strip() and not line.startswith("(Background on this error")]
        return {"error": lines[-1][:300] if lines else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fetch(url: str, cookie: str, method: str = "GET", body: bytes | None = None,
           headers: dict[str, str] | None = None) -> tuple[int, int, bytes]:
    """Status, bytes on the wire (status line, headers, body as sent), and the body."""
    request = urllib.request.Request(url, data=body, method=method, headers={
        "Accept-Encoding": "br, gzip", "Cookie": cookie, **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
        head = f"HTTP/1.1 {response.status} {response.reason}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in response.headers.items()) + "\r\n"
        return response.status, len(head.encode()) + len(raw), raw


def transfer_sizes(base: str, cookie: str, token: str, cell: str | None) -> dict:
    """The exam page's first load with every asset it links, and one save, compressed."""
    status, page_bytes, raw = _fetch(base + EXAM, cookie)
    import brotli
    html = brotli.decompress(raw).decode() if raw[:1] != b"<" else raw.decode()
    items = {"exam page (HTML)": page_bytes}
    for path in sorted(set(_ASSET.findall(html))):
        items[path.split("?")[0]] = _fetch(base + path.replace("&amp;", "&"), cookie)[1]
    manifest = re.search(r'<link[^>]*rel="manifest"[^>]*href="([^"]+)"', html)
    result = {"first_load_bytes": sum(items.values()), "items": items}
    if cell:
        cell, version, _ = cell.split("#")
        # as offline.js sends it: a 36-character key (crypto.randomUUID) with every save
        body = f"layout=exam&value=7&version={version}&idempotency_key={uuid.uuid4()}".encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token,
                   "HX-Request": "true", "HX-Target": "score", "HX-Current-URL": base + EXAM}
        request_bytes = len(f"POST {cell} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()) + sum(
            len(f"{k}: {v}\r\n".encode()) for k, v in {**headers, "Cookie": cookie,
                                                      "Accept-Encoding": "br, gzip",
                                                      "Content-Length": str(len(body))}.items()) + 2 + len(body)
        try:
            _, response_bytes, _ = _fetch(base + cell, cookie, "POST", body, headers)
        except urllib.error.HTTPError as error:  # a 409 still tells the size
            response_bytes = len(error.read()) + 300
        result.update(save_request_bytes=request_bytes, save_response_bytes=response_bytes)
    result["manifest"] = bool(manifest)
    return result

