"""/admin/xapi/: the secretariat maps unknown agents and activities, and the statements apply."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, ContentItem, XapiAgentLink, XapiStatement
from tests.content.conftest import statement, views

URL = "/admin/xapi/"
ADL = "http://adlnet.gov/expapi/verbs/"
OPENID = {"openid": "https://openid.example/helene"}
UNKNOWN_IRI = "https://connect.vts.be/content/nieuw?id=42"


def test_the_list_shows_unknown_people_and_activities(lrs, auth, client, world):
    lrs.post([statement(ADL + "completed", actor=OPENID),
              statement(ADL + "completed", object_id=UNKNOWN_IRI),
              statement(ADL + "attended", object_id=UNKNOWN_IRI + "0")])  # ignored verb: not listed
    auth.login(world.secretariat)
    html = client.get(URL).get_data(as_text=True)
    assert "Op te lossen statements" in html
    assert "https://openid.example/helene" in html
    assert UNKNOWN_IRI.replace("&", "&amp;") in html
    assert UNKNOWN_IRI + "0" not in html
    assert "2 statements wachten." in html


def test_linking_an_agent_applies_its_statements_and_later_ones(lrs, auth, client, world):
    lrs.post(statement(ADL + "completed", actor=OPENID))
    auth.login(world.secretariat)
    key = db.session.scalars(select(XapiStatement)).one().actors[0].actor_key
    response = auth.post(f"{URL}agents", {"actor_key": key, "pupil": "helene.dubois@leerling.be"})
    assert response.status_code == 302
    assert views()[("VTS-1002", "s2c-el-01")][2:] == (100, True)
    assert db.session.scalars(select(XapiAgentLink)).one().pupil_id == world.helene.id
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "link")).one()
    assert not db.session.scalars(select(XapiStatement)).one().unresolved
    assert "Niets op te lossen" in client.get(URL).get_data(as_text=True)


def test_linking_to_an_unknown_pupil_says_so_and_changes_nothing(lrs, auth, client, world):
    lrs.post(statement(ADL + "completed", actor=OPENID))
    auth.login(world.secretariat)
    key = db.session.scalars(select(XapiStatement)).one().actors[0].actor_key
    response = auth.post(f"{URL}agents", {"actor_key": key, "pupil": "VTS-404"})
    assert response.status_code == 422
    assert "Geen leerling heeft dit VTS-accountnummer" in response.get_data(as_text=True)
    assert db.session.scalars(select(XapiAgentLink)).all() == []
    assert views() == {}


def test_mapping_an_activity_gives_the_item_its_iri_and_applies(lrs, auth, world):
    world.text.activity_iri = None
    db.session.commit()
    lrs.post(statement(ADL + "completed", object_id=UNKNOWN_IRI))
    auth.login(world.secretariat)
    response = auth.post(f"{URL}activities", {"iri": UNKNOWN_IRI, "target": f"item:{world.text.id}"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ContentItem, world.text.id).activity_iri == UNKNOWN_IRI
    assert views()[("VTS-1001", "s2c-txt-01")][2:] == (100, True)
    lrs.post(statement(ADL + "experienced", actor={"mbox": "mailto:helene.dubois@leerling.be"},
                       object_id=UNKNOWN_IRI))
    assert ("VTS-1002", "s2c-txt-01") in views()


def test_mapping_an_item_that_has_another_iri_is_refused(lrs, auth, world):
    lrs.post(statement(ADL + "completed", object_id=UNKNOWN_IRI))
    auth.login(world.secretariat)
    response = auth.post(f"{URL}activities", {"iri": UNKNOWN_IRI, "target": f"item:{world.text.id}"})
    assert response.status_code == 422
    assert "heeft al een andere activiteits-IRI" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ContentItem, world.text.id).activity_iri != UNKNOWN_IRI
    assert views() == {}


def test_mapping_an_activity_to_a_generic_test(lrs, auth, world):
    ct = world.elearning.course_type
    ct.generic_test_iri = None
    db.session.commit()
    lrs.post(statement(ADL + "passed", object_id=UNKNOWN_IRI, result={"success": True}))
    auth.login(world.secretariat)
    response = auth.post(f"{URL}activities", {"iri": UNKNOWN_IRI, "target": f"test:{ct.id}"})
    assert response.status_code == 302
    from teacherapp.models import GenericTestResult

    assert db.session.scalars(select(GenericTestResult)).one().passed is True


def test_applying_again_picks_up_a_new_enrolment(lrs, auth, make, world):
    stranger = make.pupil(world.zoe.school, vts_account_id="VTS-1003")
    db.session.commit()
    from tests.content.test_xapi_projection import cmi5

    lrs.post(cmi5("passed", 0.9, True, account="VTS-1003"))
    assert db.session.scalars(select(XapiStatement)).one().unresolved
    make.enrolment(world.zoe.enrolments[0].course, stranger)
    auth.login(world.secretariat)
    assert auth.post(f"{URL}reproject").status_code == 302
    db.session.expire_all()
    assert not db.session.scalars(select(XapiStatement)).one().unresolved


@pytest.mark.parametrize("method,path", [("get", ""), ("post", "agents"), ("post", "activities"),
                                         ("post", "reproject")])
def test_a_teacher_may_not_use_the_screen(lrs, auth, client, world, method, path):
    auth.login(world.teacher)
    response = client.get(URL + path) if method == "get" else auth.post(URL + path, {})
    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
