"""Structured logs: JSON lines carrying the request id, which the response sends back."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import current_app

from teacherapp import create_app
from teacherapp.ops.gunicorn_logging import JsonLogger
from teacherapp.ops.logs import JsonFormatter, RequestContextFilter


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz/live").headers["X-Request-ID"]
    second = client.get("/healthz/live").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxys_request_id_is_kept(client):
    response = client.get("/healthz/live", headers={"X-Request-ID": "edge-42.a"})
    assert response.headers["X-Request-ID"] == "edge-42.a"


@pytest.mark.parametrize("bad", ["x" * 65, "a b", "<script>", "ä"])
def test_an_odd_request_id_is_replaced(client, bad):
    response = client.get("/healthz/live", headers={"X-Request-ID": bad})
    assert response.headers["X-Request-ID"] != bad


def test_a_log_line_is_one_json_object_with_the_extra_fields():
    record = logging.makeLogRecord({"name": "teacherapp.x", "levelname": "WARNING",
                                    "msg": "score %s refused", "args": (7,), "course_id": 3})
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "warning"
    assert line["logger"] == "teacherapp.x"
    assert line["message"] == "score 7 refused"
    assert line["course_id"] == 3
    assert line["ts"].endswith("+00:00")


def test_an_exception_is_logged_on_the_same_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys
        record = logging.makeLogRecord({"msg": "failed", "exc_info": sys.exc_info()})
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in line["exception"]


def test_lines_logged_during_a_request_name_the_request(app):
    record = logging.makeLogRecord({"msg": "inside"})
    with app.test_request_context("/courses/3", method="POST"):
        from flask import g
        g.request_id = "abc"
        RequestContextFilter().filter(record)
        assert current_app
    assert (record.request_id, record.method, record.path) == ("abc", "POST", "/courses/3")


def test_production_logs_json_to_stderr(monkeypatch, database_url, capsys):
    monkeypatch.setenv("LOG_FORMAT", "json")
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
        with app.test_request_context("/"):
            app.logger.warning("disk almost full")
        lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
        assert any(x["message"] == "disk almost full" and x["level"] == "warning" for x in lines)
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)


def test_gunicorn_access_lines_are_json(capsys):
    cfg = SimpleNamespace(loglevel="info", errorlog="-", accesslog="-", capture_output=False,
                          syslog=False, logconfig_dict=None, logconfig_json=None, logconfig=None,
                          disable_redirect_access_to_syslog=False, user=0, group=0)
    logger = JsonLogger(cfg)
    response = SimpleNamespace(status="201 CREATED", sent=512,
                               headers=[("Content-Type", "text/html"), ("X-Request-ID", "r1")])
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/courses/1/scores", "QUERY_STRING": "",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "phone"}
    logger.access(response, None, environ, timedelta(milliseconds=12.5))
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["message"] == "request"
    assert line["status"] == 201
    assert line["path"] == "/courses/1/scores"
    assert line["duration_ms"] == 12.5
    assert line["request_id"] == "r1"
