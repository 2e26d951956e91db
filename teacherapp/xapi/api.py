"""/xapi/statements (POST, PUT) and /xapi/about: what an LRS client sends, as xAPI 1.0.3 says.

Not a browser form, so no CSRF token: HTTP Basic with an integration's key and secret, or
its token as a Bearer token, as for the old feed.
"""

from __future__ import annotations

import hmac
import re
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from teacherapp.content import ingest
from teacherapp.extensions import csrf, db
from teacherapp.models import IntegrationToken
from teacherapp.xapi import bp, store
from teacherapp.xapi.errors import VERSION, json_error
from teacherapp.xapi.validation import Invalid

VERSION_HEADER = "X-Experience-API-Version"
ACCEPTED_VERSIONS = re.compile(r"^(1\.0|2\.0)(\.\d+)?$")


@bp.after_request
def _version_header(response: Response) -> Response:
    response.headers[VERSION_HEADER] = VERSION
    return response


def _authenticated() -> IntegrationToken | None:
    """The active integration named by the request's credentials.

    Basic: the key (the token's prefix, as listed under Integrations) and the secret (the
    token itself). Bearer: the token. Only the secret's hash is stored.
    """
    credentials = request.authorization
    if credentials is None:
        return None
    if credentials.type == "basic":
        key, secret = credentials.username or "", credentials.password or ""
        token = ingest.authenticate(f"Bearer {secret}") if secret else None
        if token is None or not hmac.compare_digest(token.token_prefix, key):
            return None
        return token
    if credentials.type == "bearer" and credentials.token:
        return ingest.authenticate(f"Bearer {credentials.token}")
    return None


def _authority(token: IntegrationToken) -> dict[str, Any]:
    """Who vouches for the statement (xAPI: the LRS sets it from the credentials)."""
    return {"objectType": "Agent", "name": token.name,
            "account": {"homePage": url_for("xapi.about", _external=True),
                        "name": token.token_prefix}}


def _refusal() -> Response | None:
    """The answer for a request without a valid version header or credentials, else None."""
    version = request.headers.get(VERSION_HEADER, "").strip()
    if not ACCEPTED_VERSIONS.match(version):
        return json_error(400, "version_header",
                          f"Send the header {VERSION_HEADER}: 1.0.3 (1.0.x and 2.0.x are accepted).")
    return None


def _unauthorized() -> Response:
    return json_error(401, "unauthorized",
                      "Send an integration's key and secret with HTTP Basic, or its token as "
                      "'Authorization: Bearer <token>'.",
                      **{"WWW-Authenticate": 'Basic realm="teacherapp xAPI"'})


@bp.route("/statements", methods=["POST", "PUT"])
@csrf.exempt
def statements():
    token = _authenticated()  # first: without credentials nothing else is worth saying
    if token is None:
        return _unauthorized()
    refusal = _refusal()
    if refusal is not None:
        return refusal
    body = request.get_json(force=True, silent=True)
    if body is None:
        return json_error(400, "malformed_json", "The body must be a JSON statement or an array of them.")
    statement_id = request.args.get("statementId")
    if request.method == "PUT" and statement_id is None:
        return json_error(400, "missing_statement_id", "PUT needs the statementId parameter.")
    if request.method == "POST" and statement_id is not None:
        return json_error(400, "unexpected_statement_id", "POST takes no statementId; use PUT.")
    try:
        received = store.prepare(body, statement_id)
        ids = store.store(token, received, _authority(token), datetime.now(UTC))
    except Invalid as error:
        db.session.rollback()
        return json_error(400, "invalid_statement", str(error))
    except store.Conflict as conflict:
        db.session.rollback()
        return json_error(409, "conflict", f"Statement {conflict} is already stored with other "
                                           "content; nothing in this request was stored.")
    current_app.logger.info("xapi: integration %s stored %s statements", token.id, len(ids))
    if request.method == "PUT":
        return Response(status=204)
    return jsonify(ids)


@bp.route("/about")
def about():
    return jsonify(version=[VERSION], extensions={})
