"""Pages and fragments go out compressed; tiny answers and the no-store rule stay as they are."""

from __future__ import annotations

import gzip

import brotli


def test_a_page_is_sent_with_brotli_when_the_browser_accepts_it(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert b"<html" in brotli.decompress(response.data)
    assert "Accept-Encoding" in response.headers["Vary"]


def test_a_page_is_sent_with_gzip_to_a_gzip_only_client(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.data)


def test_a_compressed_page_keeps_no_store(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == "no-store"


def test_a_tiny_answer_is_not_compressed(client):
    response = client.get("/healthz/live", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in response.headers
    assert response.json == {"status": "ok"}


def test_a_client_that_accepts_no_compression_gets_plain_html(client):
    response = client.get("/login")
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.data
