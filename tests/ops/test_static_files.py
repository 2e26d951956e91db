"""Static URLs carry a content hash; hashed requests are cached for a year, others revalidate."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli
import pytest

from teacherapp.ops.static_files import IMMUTABLE, StaticFiles

STATIC = Path(__file__).resolve().parents[2] / "teacherapp" / "static"


def _digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_static_files_with_their_content_hash(client):
    urls = _static_urls(client.get("/login").get_data(as_text=True))
    assert "/static/app.css?v=" + _digest("app.css") in urls
    assert "/static/htmx-2.0.11.min.js?v=" + _digest("htmx-2.0.11.min.js") in urls
    assert all("?v=" in url for url in urls)


def test_a_hashed_static_file_is_cached_for_a_year(client):
    response = client.get("/static/app.css?v=" + _digest("app.css"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert "Cookie" not in response.headers.get("Vary", "")


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_an_unhashed_or_stale_static_url_must_revalidate(client, query):
    response = client.get("/static/app.css" + query)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_static_files_are_sent_compressed(client, encoding, decode):
    response = client.get("/static/htmx-2.0.11.min.js", headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert decode(response.data) == (STATIC / "htmx-2.0.11.min.js").read_bytes()


def test_brotli_is_preferred_when_both_are_accepted(client):
    response = client.get("/static/app.css", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"


def test_a_client_without_compression_gets_the_plain_file(client):
    response = client.get("/static/app.css", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == (STATIC / "app.css").read_bytes()


def test_a_revalidation_with_the_same_etag_gets_304(client):
    first = client.get("/static/app.css", headers={"Accept-Encoding": "gzip"})
    again = client.get("/static/app.css", headers={"Accept-Encoding": "gzip",
                                                   "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


@pytest.mark.parametrize("path", ["/static/missing.css", "/static/../config.py",
                                  "/static/%2e%2e/config.py"])
def test_missing_or_outside_files_are_404(client, path):
    assert client.get(path).status_code == 404


def test_a_changed_file_gets_a_new_hash(tmp_path):
    (tmp_path / "a.css").write_text("body { color: red }")
    files = StaticFiles(str(tmp_path), check_changes=True)
    before = files.digest("a.css")
    (tmp_path / "a.css").write_text("body { color: blue }")
    import os
    os.utime(tmp_path / "a.css", ns=(1, 10**18))  # a different mtime, even on coarse clocks
    assert files.digest("a.css") != before
    assert files.get("a.css").bodies[""] == b"body { color: blue }"
