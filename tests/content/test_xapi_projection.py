"""What stored statements do: views, progress, completion, generic test results, voiding."""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import ContentView, GenericTestResult, XapiAgentLink, XapiStatement
from tests.content.conftest import (
    ELEARNING_IRI,
    HOME,
    TEST_IRI,
    TEXT_IRI,
    brussels,
    statement,
    views,
)

ADL = "http://adlnet.gov/expapi/verbs/"
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
AT = "2026-10-05T09:00:00+02:00"


def one_view(account="VTS-1001", item="s2c-el-01"):
    return views().get((account, item))


@pytest.mark.parametrize("verb", ["experienced", "launched", "initialized", "progressed"])
def test_view_verbs_record_a_view(lrs, verb):
    assert lrs.post(statement(ADL + verb, timestamp=AT)).status_code == 200
    assert one_view() == (brussels(2026, 10, 5, 9), brussels(2026, 10, 5, 9), 0, False)


def test_completed_is_100_percent_completed(lrs):
    lrs.post(statement(ADL + "completed", timestamp=AT))
    assert one_view()[2:] == (100, True)


def test_completed_with_completion_false_keeps_the_reported_progress(lrs):
    lrs.post(statement(ADL + "completed", timestamp=AT,
                       result={"completion": False, "extensions": {PROGRESS: 30}}))
    assert one_view()[2:] == (30, False)


def test_progressed_takes_the_cmi5_progress_and_result_completion(lrs):
    lrs.post(statement("https://w3id.org/xapi/adl/verbs/progressed", timestamp=AT,
                       result={"extensions": {PROGRESS: 45}}))
    assert one_view()[2:] == (45, False)
    lrs.post(statement(ADL + "experienced", timestamp="2026-10-06T09:00:00+02:00",
                       result={"completion": True}))
    assert one_view() == (brussels(2026, 10, 5, 9), brussels(2026, 10, 6, 9), 100, True)


def test_a_statement_without_timestamp_takes_the_stored_time(lrs):
    lrs.post(statement())
    row = db.session.scalars(select(XapiStatement)).one()
    assert one_view()[0] == row.stored_at


@pytest.mark.parametrize("verb", ["attended", "answered", "attempted", "commented"])
def test_other_verbs_are_kept_and_ignored(lrs, verb):
    assert lrs.post(statement(ADL + verb, timestamp=AT)).status_code == 200
    row = db.session.scalars(select(XapiStatement)).one()
    assert row.kind == "other" and not row.unresolved
    assert views() == {}


def test_the_object_is_matched_by_its_configured_iri_with_the_query_string(lrs):
    lrs.post(statement(ADL + "completed", object_id=TEXT_IRI))
    assert one_view(item="s2c-txt-01")[2:] == (100, True)


@pytest.mark.parametrize("object_id", [
    "https://connect.vts.be/content/view?id=s2c-txt-02",  # another query string
    "https://elsewhere.example/s2c-el-01",  # the same last segment is no match
    ELEARNING_IRI + "/",
])
def test_another_iri_is_an_unknown_object_kept_for_the_secretariat(lrs, object_id):
    lrs.post(statement(ADL + "completed", object_id=object_id))
    row = db.session.scalars(select(XapiStatement)).one()
    assert row.unresolved and row.content_item_id is None
    assert views() == {}


# ---------------------------------------------------------------- identification


def mbox(email):
    return {"mbox": f"mailto:{email}"}


def sha1(email):
    return {"mbox_sha1sum": hashlib.sha1(f"mailto:{email}".encode()).hexdigest()}


@pytest.mark.parametrize("actor", [
    {"account": {"homePage": HOME, "name": "VTS-1002"}},
    {"account": {"homePage": HOME + "/", "name": "VTS-1002"}},
    mbox("Helene.Dubois@leerling.be"),
    mbox("helene.dubois@LEERLING.be"),
    sha1("Helene.Dubois@leerling.be"),
    sha1("helene.dubois@leerling.be"),
], ids=["account", "account_slash", "mbox", "mbox_case", "sha1_as_stored", "sha1_lower"])
def test_every_identifier_form_finds_the_pupil(lrs, actor):
    lrs.post(statement(ADL + "completed", actor={"objectType": "Agent", **actor}))
    assert one_view("VTS-1002")[2:] == (100, True)


@pytest.mark.parametrize("actor", [
    {"account": {"homePage": "https://other.example", "name": "VTS-1002"}},
    {"openid": "https://openid.example/helene"},
    mbox("nobody@leerling.be"),
    sha1("nobody@leerling.be"),
], ids=["foreign_account", "openid", "unknown_mbox", "unknown_sha1"])
def test_an_unknown_agent_is_kept_and_listed_until_linked(lrs, world, actor):
    lrs.post(statement(ADL + "completed", actor=actor))
    row = db.session.scalars(select(XapiStatement)).one()
    assert row.unresolved and row.actors[0].pupil_id is None
    assert views() == {}
    db.session.add(XapiAgentLink(actor_key=row.actors[0].actor_key, pupil_id=world.helene.id))
    db.session.commit()
    lrs.post(statement(ADL + "completed", actor=actor, object_id=TEXT_IRI))
    assert one_view("VTS-1002", "s2c-txt-01")[2:] == (100, True)  # linked agents resolve


def test_a_shared_email_names_nobody(lrs, make, world):
    make.pupil(world.zoe.school, vts_account_id="VTS-9", email="zoe.peeters@leerling.be")
    db.session.commit()
    lrs.post(statement(ADL + "completed", actor=mbox("zoe.peeters@leerling.be")))
    assert views() == {}


def test_a_group_credits_each_known_member_and_lists_the_rest(lrs):
    group = {"objectType": "Group", "name": "Duo", "member": [
        {"account": {"homePage": HOME, "name": "VTS-1001"}}, mbox("helene.dubois@leerling.be"),
        mbox("stranger@example.com")]}
    lrs.post(statement(ADL + "completed", actor=group))
    assert set(views()) == {("VTS-1001", "s2c-el-01"), ("VTS-1002", "s2c-el-01")}
    row = db.session.scalars(select(XapiStatement)).one()
    assert row.unresolved
    assert [a.pupil_id is None for a in row.actors] == [False, False, True]


# ---------------------------------------------------------------- the generic test (cmi5)


def cmi5(verb, scaled, success, account="VTS-1001", **extra):
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": account}},
        "verb": {"id": ADL + verb, "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": TEST_IRI,
                   "definition": {"type": "https://w3id.org/xapi/cmi5/activitytype/block"}},
        "result": {"score": {"scaled": scaled}, "success": success, "duration": "PT25M"},
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {"category": [
                {"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"},
                {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]},
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-1"},
        },
        "timestamp": "2026-11-12T10:15:00+01:00",
        **extra,
    }


def results():
    db.session.expire_all()
    return [(r.enrolment.pupil_id, r.enrolment_id, r.passed, r.score, r.statement_id)
            for r in db.session.scalars(select(GenericTestResult).order_by(GenericTestResult.id))]


def test_a_cmi5_passed_statement_is_the_pupils_generic_test_result(lrs, world):
    passed = cmi5("passed", 0.8, True)
    assert lrs.post(passed).status_code == 200
    enrolment = world.zoe.enrolments[0]
    assert results() == [(world.zoe.id, enrolment.id, True, Decimal("80.00"), passed["id"])]
    assert views() == {}  # a test is no content view


def test_a_cmi5_failed_statement_is_a_failed_result(lrs, world):
    lrs.post(cmi5("failed", 0.35, False, account="VTS-1002"))
    assert [(r[0], r[2], r[3]) for r in results()] == [(world.helene.id, False, Decimal("35.00"))]


def test_a_raw_score_with_a_maximum_becomes_a_percentage(lrs):
    body = cmi5("passed", 0, True)
    body["result"]["score"] = {"raw": 14, "min": 0, "max": 20}
    lrs.post(body)
    assert results()[0][3] == Decimal("70.00")


def test_the_passed_result_appears_on_the_pupil_page(lrs, auth, client, world):
    lrs.post(cmi5("passed", 0.8, True))
    auth.login(world.teacher)
    enrolment = world.zoe.enrolments[0]
    html = client.get(f"/courses/{enrolment.course_id}/pupils/{enrolment.id}").get_data(as_text=True)
    assert "Generieke competentietoets" in html
    assert "geslaagd" in html and "score 80 %" in html


def test_passed_on_an_ordinary_item_is_kept_and_ignored(lrs):
    lrs.post(statement(ADL + "passed", result={"success": True}))
    row = db.session.scalars(select(XapiStatement)).one()
    assert row.unresolved  # not the generic test: shown to the secretariat
    assert results() == [] and views() == {}


# ---------------------------------------------------------------- voiding


def voiding(target_id):
    return {"actor": {"mbox": "mailto:platform@vts.be"},
            "verb": {"id": ADL + "voided", "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": target_id}}


def test_a_voided_completion_disappears(lrs):
    wrong = statement(ADL + "completed", id=str(uuid.uuid4()), timestamp=AT)
    lrs.post(wrong)
    assert one_view()[2:] == (100, True)
    assert lrs.post(voiding(wrong["id"].upper())).status_code == 200
    assert views() == {}
    row = db.session.scalars(select(XapiStatement).where(XapiStatement.statement_id == wrong["id"])).one()
    assert row.voided_by is not None


def test_voiding_recomputes_from_the_statements_left(lrs):
    seen = statement(ADL + "experienced", timestamp=AT, result={"extensions": {PROGRESS: 40}})
    wrong = statement(ADL + "completed", id=str(uuid.uuid4()), timestamp="2026-10-07T09:00:00+02:00")
    lrs.post([seen, wrong])
    lrs.post(voiding(wrong["id"]))
    assert one_view() == (brussels(2026, 10, 5, 9), brussels(2026, 10, 5, 9), 40, False)


def test_a_view_also_fed_by_an_import_is_kept(lrs):
    wrong = statement(ADL + "completed", id=str(uuid.uuid4()), timestamp=AT)
    lrs.post(wrong)
    view = db.session.scalars(select(ContentView)).one()
    view.statements_only = False  # as a file import leaves it
    db.session.commit()
    lrs.post(voiding(wrong["id"]))
    assert one_view()[2:] == (100, True)


def test_voiding_a_test_statement_removes_the_result(lrs):
    passed = cmi5("passed", 0.8, True)
    lrs.post(passed)
    lrs.post(voiding(passed["id"]))
    assert results() == []


def test_a_statement_voided_before_it_arrives_is_stored_voided(lrs):
    late = statement(ADL + "completed", id=str(uuid.uuid4()))
    lrs.post(voiding(late["id"]))
    lrs.post(late)
    row = db.session.scalars(select(XapiStatement).where(XapiStatement.statement_id == late["id"])).one()
    assert row.voided_by is not None
    assert views() == {}


def test_voiding_in_the_same_batch_works(lrs):
    wrong = statement(ADL + "completed", id=str(uuid.uuid4()))
    assert lrs.post([wrong, voiding(wrong["id"])]).status_code == 200
    assert views() == {}


def test_a_voiding_statement_cannot_be_voided(lrs):
    void = voiding(str(uuid.uuid4()))
    void["id"] = str(uuid.uuid4())
    lrs.post(void)
    response = lrs.post(voiding(void["id"]))
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count(XapiStatement.id))) == 1


def test_a_voiding_statement_needs_a_statement_ref(lrs):
    body = voiding(str(uuid.uuid4()))
    body["object"] = {"id": ELEARNING_IRI}
    assert lrs.post(body).status_code == 400
