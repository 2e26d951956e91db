"""Gunicorn's access and error lines as JSON, in the same shape as the app's own lines.

Used from gunicorn.conf.py as `logger_class`. An access line carries what an operator filters
on: method, path, status, bytes, duration and the request id the app sent back.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from teacherapp.ops.logs import JsonFormatter


class JsonLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        headers = getattr(resp, "headers", None) or []
        if hasattr(headers, "items"):
            headers = headers.items()
        request_id = next((v for k, v in headers if str(k).lower() == "x-request-id"), None)
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        fields = {
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "request_id": request_id,
        }
        try:
            self.access_log.info("request", extra=fields)
        except Exception:  # a log line must never break a response
            self.error_log.exception("could not write the access log line")
