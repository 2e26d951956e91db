"""Time and peak memory of one export, in a fresh process so the figures are its own.

    python -m bench.export_probe DATABASE_URL csv|xlsx|floor
prints one JSON line: seconds, rows, bytes, peak_mb (peak RSS minus RSS before the export).

The peak is VmHWM from /proc/self/status, not getrusage's ru_maxrss: on Linux ru_maxrss
survives exec, so a probe started by a big parent (the bench runner) reported the parent's
high-water mark instead of its own. VmHWM starts afresh with the new program image, and
is reset once more just before the export: the login's password hash (argon2, 64 MB) would
otherwise be the peak of every run.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import time

from sqlalchemy import text

EXPORT_URL = "/admin/export/download?school_year=2026-2027&file_format={fmt}"
# The floor: the same rows fetched with one raw SQL query and written with the csv module.
FLOOR_SQL = """
SELECT sc.name, sc.institution_number, c.id, c.group_name, ct.name, c.track, c.school_year,
       p.last_name, p.first_name, p.vts_account_id, p.birth_date, e.paid_at, s.name, s.maximum,
       s.pass_mark, s1.value, s1.absence, s2.value, s2.absence
FROM enrolment e
JOIN course c ON c.id = e.course_id
JOIN submission sub ON sub.course_id = c.id AND sub.sitting = 1 AND sub.state = 'submitted'
JOIN course_type ct ON ct.id = c.course_type_id
JOIN school sc ON sc.id = c.school_id
JOIN pupil p ON p.id = e.pupil_id
JOIN subject s ON s.course_id = c.id
LEFT JOIN score s1 ON s1.enrolment_id = e.id AND s1.subject_id = s.id AND s1.sitting = 1
LEFT JOIN score s2 ON s2.enrolment_id = e.id AND s2.subject_id = s.id AND s2.sitting = 2
ORDER BY sc.name, c.id, p.last_name, p.first_name, s.position
"""


def _status_mb(field: str) -> float:
    """One memory figure of this process from /proc/self/status (given there in kB)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def _peak_mb() -> float:
    return _status_mb("VmHWM")


def _reset_peak() -> None:
    """Make VmHWM start from the current RSS (Linux: "5" to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass  # then the peak may include what happened before the export


def main(url: str, kind: str) -> None:
    from teacherapp import create_app
    from teacherapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    with app.app_context():
        db.session.execute(text("SELECT 1"))
    if kind != "floor":
        from bench.dataset import PASSWORD, SECRETARIAT_EMAIL

        token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"',
                          client.get("/login").get_data(as_text=True)).group(1)
        client.post("/login", data={"email": SECRETARIAT_EMAIL, "password": PASSWORD,
                                    "csrf_token": token})
    _reset_peak()
    before = _rss_mb()
    started = time.perf_counter()
    if kind == "floor":
        with app.app_context():
            out = io.StringIO()
            writer = csv.writer(out, delimiter=";")
            rows = 0
            for row in db.session.execute(text(FLOOR_SQL)):
                writer.writerow(row)
                rows += 1
            size = len(out.getvalue().encode())
    else:
        response = client.get(EXPORT_URL.format(fmt=kind))
        assert response.status_code == 200, response.status_code
        size = 0
        tail = b""
        newlines = 0
        for chunk in response.response:
            size += len(chunk)
            if kind == "csv":
                newlines += chunk.count(b"\n")
            tail = chunk
        response.close()
        rows = newlines - 1 if kind == "csv" else -1
        del tail
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    print(json.dumps({"kind": kind, "seconds": seconds, "rows": rows, "bytes": size,
                      "peak_mb": max(0.0, peak - before), "peak_rss_mb": peak}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
