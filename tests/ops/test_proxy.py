"""Behind PROXY_HOPS reverse proxies the app sees the client's address and scheme."""

from __future__ import annotations

from flask import request, url_for

from teacherapp import create_app


def _probe_app(database_url: str, hops: int):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url,
                      "PROXY_HOPS": hops})

    @app.get("/_probe")
    def probe():
        return {"addr": request.remote_addr, "scheme": request.scheme,
                "url": url_for("ops.live", _external=True)}

    return app


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "punten.vts.be"}


def test_one_proxy_hop_trusts_the_proxys_headers(database_url):
    app = _probe_app(database_url, 1)
    answer = app.test_client().get("/_probe", headers=FORWARDED).json
    assert answer["addr"] == "203.0.113.9"
    assert answer["scheme"] == "https"
    assert answer["url"] == "https://punten.vts.be/healthz/live"


def test_two_hops_take_the_address_the_outer_proxy_saw(database_url):
    app = _probe_app(database_url, 2)
    headers = {**FORWARDED, "X-Forwarded-For": "198.51.100.1, 203.0.113.9",
               "X-Forwarded-Proto": "https, https", "X-Forwarded-Host": "punten.vts.be, lb"}
    answer = app.test_client().get("/_probe", headers=headers).json
    assert answer["addr"] == "198.51.100.1"


def test_without_proxy_hops_forwarded_headers_are_ignored(database_url):
    app = _probe_app(database_url, 0)
    answer = app.test_client().get("/_probe", headers=FORWARDED).json
    assert answer["addr"] == "127.0.0.1"
    assert answer["scheme"] == "http"
