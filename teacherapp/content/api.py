"""POST /api/v1/content-views: the content platform sends view events as JSON.

Not a browser form, so no CSRF token: a per-integration bearer token instead.
"""

from __future__ import annotations

from flask import current_app, jsonify, request

from teacherapp.content import bp, ingest
from teacherapp.extensions import csrf


def _error(status: int, code: str, message: str, **headers: str):
    response = jsonify(error=code, message=message)
    response.status_code = status
    response.headers.update(headers)
    return response


@bp.route("/api/v1/content-views", methods=["POST"])
@csrf.exempt
def api_content_views():
    token = ingest.authenticate(request.headers.get("Authorization"))
    if token is None:
        return _error(401, "unauthorized", "Send a valid, unrevoked integration token as "
                      "'Authorization: Bearer <token>'.",
                      **{"WWW-Authenticate": 'Bearer realm="teacherapp"'})
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:  # nested deeper than the parser goes: no batch of ours looks so
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        return _error(400, "malformed_json",
                      'The body must be JSON of the form {"events": [ ... ]}.')
    events = body["events"]
    if len(events) > ingest.MAX_EVENTS:
        return _error(400, "too_many_events",
                      f"At most {ingest.MAX_EVENTS} events per request; split the batch.")
    result = ingest.ingest(token, events)
    current_app.logger.info("content feed: integration %s sent %s", token.id, result.counts())
    return jsonify(results=result.results, counts=result.counts())
