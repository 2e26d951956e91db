"""Our one door to htmx: views ask here, never read HX-* headers themselves.

Backed by htmx-flask today; swapping it means changing this module only.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, make_response, render_template
from htmx_flask import Htmx
from htmx_flask import request as htmx_request

_extension = Htmx()


def init_app(app: Flask) -> None:
    _extension.init_app(app)


def is_htmx_request() -> bool:
    return bool(htmx_request.htmx)


def htmx_target() -> str | None:
    return htmx_request.htmx.target if is_htmx_request() else None


def render_page_or_partial(page: str, partial: str, **context: Any) -> Response:
    """Render the full page, or only the partial it includes when htmx asks.

    A GET that answers two ways must say so to caches: Vary: HX-Request.
    """
    template = partial if is_htmx_request() else page
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


def trigger(response: Response, event: str) -> Response:
    response.headers["HX-Trigger"] = event
    return response
