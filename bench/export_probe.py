"""Time and peak memory of one export, in a fresh process so the figures are its own.

    python -m bench.export_probe DATABASE_URL csv|xlsx|floor|floor-19
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
# Every line: an enrolment of a course whose first sitting was submitted, times its subjects.
_FLOOR_LINES = """
FROM enrolment e
JOIN course c ON c.id = e.course_id
JOIN submission sub1 ON sub1.course_id = c.id AND sub1.sitting = 1 AND sub1.state = 'submitted'
JOIN course_type ct ON ct.id = c.course_type_id
JOIN school sc ON sc.id = c.school_id
JOIN pupil p ON p.id = e.pupil_id
JOIN subject s ON s.course_id = c.id
"""
# The floor: the same lines and columns the export reads, fetched with one raw SQL query and
# written with the csv module, nothing computed. Since the regulation round the export reads
# each line's exam moments, exemption, both submissions and who made them, and the
# enrolment's facts for the certificate rule (38 columns); the floor reads them too.
FLOOR_SQL = """
SELECT sc.name, sc.institution_number, c.id, c.group_name, ct.code, ct.name, c.track,
       c.school_year, p.last_name, p.first_name, p.vts_account_id, p.birth_date, e.paid_at,
       e.passed_before, e.phasing_out, s.name, s.maximum, s.pass_mark, m1.trimester, s1.value,
       s1.absence, m2.trimester, s2.value, s2.absence, x.kind, x.reason, sub1.state,
       u1.full_name, sub1.submitted_at, sub2.state, u2.full_name, sub2.submitted_at,
       c.start_date, COALESCE(e.admitted_minimum_age, ct.minimum_age),
       ct.admission_requirement, e.admission_requirement_met, e.curriculum_completed_on,
       EXISTS (SELECT 1 FROM generic_test_result g WHERE g.enrolment_id = e.id)
""" + _FLOOR_LINES + """LEFT JOIN exam_moment m1 ON m1.subject_id = s.id AND m1.sitting = 1
LEFT JOIN exam_moment m2 ON m2.subject_id = s.id AND m2.sitting = 2
LEFT JOIN submission sub2 ON sub2.course_id = c.id AND sub2.sitting = 2
LEFT JOIN "user" u1 ON u1.id = sub1.submitted_by_id
LEFT JOIN "user" u2 ON u2.id = sub2.submitted_by_id
LEFT JOIN score s1 ON s1.enrolment_id = e.id AND s1.subject_id = s.id AND s1.sitting = 1
LEFT JOIN score s2 ON s2.enrolment_id = e.id AND s2.subject_id = s.id AND s2.sitting = 2
LEFT JOIN exemption x ON x.enrolment_id = e.id AND x.subject_id = s.id
ORDER BY sc.name, c.school_year, ct.code, c.group_name, c.id, p.last_name, p.first_name, e.id,
         s.position, s.id
"""
# The floor before the regulation round: the 19 columns the export had then (`floor-19`,
# to compare with figures measured against it).
FLOOR_19_SQL = """
SELECT sc.name, sc.institution_number, c.id, c.group_name, ct.name, c.track, c.school_year,
       p.last_name, p.first_name, p.vts_account_id, p.birth_date, e.paid_at, s.name, s.maximum,
       s.pass_mark, s1.value, s1.absence, s2.value, s2.absence
""" + _FLOOR_LINES + """LEFT JOIN score s1 ON s1.enrolment_id = e.id AND s1.subject_id = s.id AND s1.sitting = 1
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
    if kind in ("floor", "floor-19"):
        with app.app_context():
            out = io.StringIO()
            writer = csv.writer(out, delimiter=";")
            rows = 0
            for row in db.session.execute(text(FLOOR_SQL if kind == "floor" else FLOOR_19_SQL)):
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
