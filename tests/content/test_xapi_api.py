"""/xapi/statements and /xapi/about: what an LRS client may send, and how the LRS answers."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, IntegrationToken, XapiStatement
from tests.content.conftest import VERSION_HEADER, statement
from tests.content.xapi_spec_examples import EXAMPLES, LONG, SIMPLEST


def stored_ids() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(XapiStatement.statement_id).order_by(XapiStatement.id)))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_of_the_specification_is_stored(lrs, name):
    example = copy.deepcopy(EXAMPLES[name])
    response = lrs.post(example)
    assert response.status_code == 200, response.get_json()
    ids = response.get_json()
    assert len(ids) == 1 and uuid.UUID(ids[0])
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    row = db.session.scalars(select(XapiStatement)).one()
    assert row.statement_id == ids[0]
    assert {k: v for k, v in row.statement.items() if k != "id"} == \
        {k: v for k, v in EXAMPLES[name].items() if k != "id"}  # as received
    assert row.authority["account"]["name"] == lrs.token.token_prefix  # ours, from the credentials


def test_all_examples_in_one_batch_are_stored_in_order(lrs):
    examples = [copy.deepcopy(e) for e in EXAMPLES.values()]
    response = lrs.post(examples)
    assert response.status_code == 200
    ids = response.get_json()
    assert ids[0] == SIMPLEST["id"] and len(ids) == len(examples)
    assert stored_ids() == ids
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "xapi")).one()
    db.session.expire_all()
    assert db.session.get(IntegrationToken, lrs.token.id).last_used_at is not None


def test_a_statement_without_an_id_gets_a_uuid(lrs):
    ids = lrs.post(statement()).get_json()
    assert str(uuid.UUID(ids[0])) == ids[0]
    assert stored_ids() == ids


def test_put_stores_under_the_statement_id_and_answers_204(lrs):
    sid = str(uuid.uuid4())
    response = lrs.put(sid, statement())
    assert response.status_code == 204
    assert response.get_data() == b""
    assert stored_ids() == [sid]


def test_put_refuses_a_body_with_another_id_or_no_statement_id(lrs):
    body = statement(id=str(uuid.uuid4()))
    assert lrs.put(str(uuid.uuid4()), body).status_code == 400
    response = lrs.client.put("/xapi/statements", json=statement(), headers=lrs.headers())
    assert response.status_code == 400
    assert response.get_json()["error"] == "missing_statement_id"
    assert stored_ids() == []


def test_the_same_id_with_the_same_content_is_a_no_op_compared_canonically(lrs):
    sid = str(uuid.uuid4())
    assert lrs.post(statement(id=sid)).status_code == 200
    again = lrs.post(statement(id=sid.upper()))
    assert again.status_code == 200
    assert again.get_json() == [sid]
    assert lrs.put(sid.upper(), statement()).status_code == 204
    assert stored_ids() == [sid]


def test_the_same_id_with_other_content_is_a_409_and_stores_nothing(lrs):
    sid = str(uuid.uuid4())
    lrs.post(statement(id=sid))
    other = statement("http://adlnet.gov/expapi/verbs/completed", id=sid)
    fresh = statement(id=str(uuid.uuid4()))
    response = lrs.post([fresh, other])
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    assert lrs.put(sid, other).status_code == 409
    assert stored_ids() == [sid]


def test_a_batch_with_one_invalid_statement_stores_nothing(lrs):
    bad = statement()
    bad["actor"] = {"objectType": "Agent", "mbox": "mailto:a@b.be", "openid": "http://a.example/"}
    response = lrs.post([statement(), statement("http://adlnet.gov/expapi/verbs/completed"), bad])
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_statement"
    assert body["message"].startswith("statement 2: statement.actor")
    assert stored_ids() == []


def test_a_batch_with_an_id_twice_stores_nothing(lrs):
    sid = str(uuid.uuid4())
    response = lrs.post([statement(id=sid), statement(id=sid.upper())])
    assert response.status_code == 400
    assert stored_ids() == []


@pytest.mark.parametrize("version", ["1.0.3", "1.0.0", "1.0", "2.0.0"])
def test_the_version_header_of_1_0_and_2_0_is_accepted(lrs, version):
    response = lrs.post(statement(), headers=lrs.headers(**{"X-Experience-API-Version": version}))
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize("version", [None, "", "0.95", "3.0.0", "1.0.3x"])
def test_a_missing_or_unknown_version_header_is_a_400(lrs, version):
    headers = lrs.headers()
    headers.pop("X-Experience-API-Version")
    if version is not None:
        headers["X-Experience-API-Version"] = version
    response = lrs.post(statement(), headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"] == "version_header"
    assert stored_ids() == []


def test_bearer_with_the_token_works_too(lrs):
    headers = {"Authorization": f"Bearer {lrs.secret}", **VERSION_HEADER}
    assert lrs.post(statement(), headers=headers).status_code == 200


@pytest.mark.parametrize("credentials", ["none", "wrong_key", "wrong_secret", "bearer_garbage"])
def test_unknown_credentials_get_a_json_401(lrs, credentials):
    import base64

    def basic(key, secret):
        return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()

    authorization = {"none": None, "wrong_key": basic("vtsc_nothing", lrs.secret),
                     "wrong_secret": basic(lrs.key, lrs.secret + "x"),
                     "bearer_garbage": "Bearer vtsc_nope"}[credentials]
    headers = {**VERSION_HEADER, **({"Authorization": authorization} if authorization else {})}
    response = lrs.post(statement(), headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert stored_ids() == []


def test_a_revoked_integration_is_refused(lrs):
    lrs.token.revoked_at = datetime.now(UTC)
    db.session.commit()
    assert lrs.post(statement()).status_code == 401


def test_a_browser_session_is_not_enough(lrs, auth, world):
    auth.login(world.secretariat)
    response = lrs.client.post("/xapi/statements", json=statement(), headers=VERSION_HEADER)
    assert response.status_code == 401


@pytest.mark.parametrize("body", [b"not json", b"", b"null"])
def test_a_body_that_is_no_json_is_a_400(lrs, body):
    response = lrs.client.post("/xapi/statements", data=body, headers=lrs.headers(),
                               content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "malformed_json"


def test_an_empty_array_is_a_400(lrs):
    assert lrs.post([]).status_code == 400


def test_a_body_over_the_limit_is_a_json_413(lrs, app):
    big = [statement() for _ in range(2)]
    big[0]["result"] = {"response": "x" * app.config["MAX_CONTENT_LENGTH"]}
    response = lrs.post(big)
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"


def test_errors_under_xapi_are_json_not_pages(lrs):
    missing = lrs.client.get("/xapi/activities", headers=lrs.headers())
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"
    wrong = lrs.client.get("/xapi/statements", headers=lrs.headers())
    assert wrong.status_code == 405
    assert wrong.get_json()["error"] == "method_not_allowed"
    assert set(wrong.headers["Allow"].split(", ")) >= {"POST", "PUT"}
    assert wrong.headers["X-Experience-API-Version"] == "1.0.3"


def test_about_needs_no_credentials_and_lists_the_version(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.get_json()["version"] == ["1.0.3"]
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_stored_and_authority_sent_by_the_client_do_not_count_for_conflicts(lrs):
    first = copy.deepcopy(LONG)
    assert lrs.post(first).status_code == 200
    again = copy.deepcopy(LONG)
    again["stored"] = "2020-01-01T00:00:00Z"
    again["authority"] = {"mbox": "mailto:someone@example.com"}
    assert lrs.post(again).status_code == 200
    assert db.session.scalar(select(func.count(XapiStatement.id))) == 1
