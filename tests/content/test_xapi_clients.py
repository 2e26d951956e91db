"""LRS clients that know nothing of this app post to /xapi/statements over real HTTP."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from teacherapp.extensions import db
from teacherapp.models import GenericTestResult, XapiStatement
from tests.content.conftest import ELEARNING_IRI, HOME, TEST_IRI, views
from tests.content.xapi_spec_examples import EXAMPLES


@pytest.fixture
def server(app) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/xapi/"
    httpd.shutdown()


def test_plain_requests_with_basic_auth_posts_the_specification_examples(server, lrs):
    response = requests.post(server + "statements", json=list(EXAMPLES.values()),
                             auth=(lrs.key, lrs.secret), timeout=10,
                             headers={"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 200, response.text
    assert len(response.json()) == len(EXAMPLES)
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    about = requests.get(server + "about", timeout=10)
    assert about.json()["version"] == ["1.0.3"]


def test_the_tincan_library_saves_statements_unmodified(server, lrs, world):
    from tincan import (
        Activity,
        Agent,
        AgentAccount,
        RemoteLRS,
        Result,
        Score,
        Statement,
        Verb,
    )

    remote = RemoteLRS(endpoint=server, username=lrs.key, password=lrs.secret)
    assert remote.about().success

    zoe = Agent(account=AgentAccount(home_page=HOME, name="VTS-1001"))
    completed = Statement(actor=zoe, verb=Verb(id="http://adlnet.gov/expapi/verbs/completed"),
                          object=Activity(id=ELEARNING_IRI))
    answer = remote.save_statement(completed)  # POST without id
    assert answer.success, answer.data
    assert uuid.UUID(str(answer.content.id))

    passed = Statement(id=str(uuid.uuid4()), actor=zoe,
                       verb=Verb(id="http://adlnet.gov/expapi/verbs/passed"),
                       object=Activity(id=TEST_IRI),
                       result=Result(success=True, score=Score(scaled=0.75)))
    answer = remote.save_statement(passed)  # PUT with statementId
    assert answer.success, answer.data

    assert views()[("VTS-1001", "s2c-el-01")][2:] == (100, True)
    db.session.expire_all()
    result = db.session.scalars(select(GenericTestResult)).one()
    assert result.passed and result.enrolment.pupil_id == world.zoe.id
    assert db.session.scalars(select(XapiStatement.statement_id)).all().count(str(passed.id)) == 1
