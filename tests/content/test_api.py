"""POST /api/v1/content-views: token-protected, idempotent by event id, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, IngestedEvent, IntegrationToken
from tests.content.conftest import brussels, integration, views

API = "/api/v1/content-views"


@pytest.fixture
def feed(client, world):
    token, secret = integration()
    db.session.commit()

    def send(body, **kw):
        headers = {"Authorization": f"Bearer {secret}", **kw.pop("headers", {})}
        if isinstance(body, bytes | str):
            return client.post(API, data=body, headers=headers, content_type="application/json")
        return client.post(API, json=body, headers=headers)

    send.token = token
    return send


def simple(eid, pupil="VTS-1001", content="s2c-el-01", at="2026-10-03T14:30:00+02:00", **kw):
    return {"id": eid, "pupil": pupil, "content": content, "viewed_at": at, **kw}


XAPI = {
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {"objectType": "Agent",
              "account": {"homePage": "https://connect.vts.be", "name": "VTS-1002"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"nl-BE": "voltooide"}},
    "object": {"id": "https://connect.vts.be/content/s2c-txt-01", "objectType": "Activity"},
    "result": {"completion": True},
    "timestamp": "2026-10-05T09:00:00+02:00",
}


def test_a_batch_is_applied_and_answered_per_event(feed):
    response = feed({"events": [simple("e1", progress=40), XAPI,
                                simple("e2", pupil="zoe.peeters@leerling.be", content="s2c-txt-01",
                                       progress="0,5")]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["counts"] == {"applied": 3, "duplicate": 0, "rejected": 0}
    assert [r["status"] for r in body["results"]] == ["applied"] * 3
    assert body["results"][1]["id"] == XAPI["id"]
    assert views() == {
        ("VTS-1001", "s2c-el-01"): (brussels(2026, 10, 3, 14, 30), brussels(2026, 10, 3, 14, 30), 40, False),
        ("VTS-1002", "s2c-txt-01"): (brussels(2026, 10, 5, 9), brussels(2026, 10, 5, 9), 100, True),
        ("VTS-1001", "s2c-txt-01"): (brussels(2026, 10, 3, 14, 30), brussels(2026, 10, 3, 14, 30), 50, False),
    }
    db.session.expire_all()
    assert db.session.get(IntegrationToken, feed.token.id).last_used_at is not None
    assert db.session.scalar(select(func.count(IngestedEvent.id))) == 3
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ingest")).one()


def test_a_repeated_event_id_is_a_duplicate_and_changes_nothing(feed):
    feed({"events": [simple("e1", progress=40)]})
    before = views()
    response = feed({"events": [simple("e1", progress=90), simple("e1", progress=95)]})
    body = response.get_json()
    assert [r["status"] for r in body["results"]] == ["duplicate", "duplicate"]
    assert views() == before
    assert db.session.scalar(select(func.count(IngestedEvent.id))) == 1


def test_the_same_id_twice_in_one_batch_is_applied_once(feed):
    body = feed({"events": [simple("e1", progress=40), simple("e1", progress=90)]}).get_json()
    assert [r["status"] for r in body["results"]] == ["applied", "duplicate"]
    assert views()[("VTS-1001", "s2c-el-01")][2] == 40


def test_rejections_say_why_and_may_be_sent_again_later(feed):
    events = [
        simple("r1", pupil="VTS-0000"),
        simple("r2", content="bestaat-niet"),
        simple("r3", at="gisteren"),
        simple("r4", progress=250),
        {"pupil": "VTS-1001"},
        "not an object",
        {**XAPI, "id": "r7", "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}},
        simple("r8", completed="ja"),
    ]
    body = feed({"events": events}).get_json()
    assert [(r["status"], r.get("reason")) for r in body["results"]] == [
        ("rejected", "unknown_pupil"), ("rejected", "unknown_content"), ("rejected", "bad_date"),
        ("rejected", "bad_progress"), ("rejected", "missing_id"), ("rejected", "missing_id"),
        ("rejected", "unsupported_verb"), ("rejected", "bad_completed")]
    assert all(r["detail"] for r in body["results"])
    assert body["counts"] == {"applied": 0, "duplicate": 0, "rejected": 8}
    assert views() == {}
    assert db.session.scalar(select(func.count(IngestedEvent.id))) == 0
    # Rejected ids are not remembered: the platform may send a corrected event with that id.
    body = feed({"events": [simple("r2")]}).get_json()
    assert body["results"][0] == {"id": "r2", "status": "applied", "change": "new"}


def test_an_older_event_later_keeps_the_most_we_know(feed):
    feed({"events": [simple("a", progress=80, at="2026-10-10T10:00:00Z")]})
    body = feed({"events": [simple("b", progress=20, at="2026-10-01T10:00:00Z")]}).get_json()
    assert body["results"][0] == {"id": "b", "status": "applied", "change": "updated"}
    first, last, progress, _ = views()[("VTS-1001", "s2c-el-01")]
    assert (first.day, last.day, progress) == (1, 10, 80)


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer vtsc_wrong"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
])
def test_missing_or_wrong_token_is_401(client, world, headers):
    integration()
    db.session.commit()
    response = client.post(API, json={"events": [simple("e1")]}, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert views() == {}


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"events": "all"}', b"", b'"x"'])
def test_malformed_bodies_get_a_json_400(feed, body):
    response = feed(body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "malformed_json"


def test_too_many_events_is_refused(feed):
    response = feed({"events": [simple(f"e{n}") for n in range(1001)]})
    assert response.status_code == 400
    assert response.get_json()["error"] == "too_many_events"
    assert views() == {}


def test_an_oversized_body_gets_a_json_413(app, feed):
    response = feed(b'{"events": [' + b" " * app.config["MAX_CONTENT_LENGTH"] + b"]}")
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"


def test_no_csrf_token_is_needed_but_a_browser_session_is_not_enough(client, auth, world):
    auth.login(world.secretariat)
    response = client.post(API, json={"events": [simple("e1")]})
    assert response.status_code == 401


def test_a_large_batch_takes_a_fixed_number_of_statements(feed, make, count_statements, world):
    school = world.zoe.school
    pupils = [make.pupil(school, vts_account_id=f"VTS-L{n}") for n in range(300)]
    db.session.commit()

    def statements(prefix: str, count: int) -> int:
        events = [simple(f"{prefix}{n}", pupil=p.vts_account_id, progress=n % 100)
                  for n, p in enumerate(pupils[:count])]
        with count_statements() as counter:
            assert feed({"events": events}).get_json()["counts"]["applied"] == count
        return counter.count

    assert statements("a", 10) == statements("b", 300)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_gets_a_json_400(feed, depth):
    response = feed(b'{"events": ' + b"[" * depth + b"]" * depth + b"}")
    assert response.status_code == 400
    assert response.get_json()["error"] == "malformed_json"
    assert views() == {}


@pytest.mark.parametrize("content_type", ["text/plain", "application/json",
                                          "application/octet-stream"])
@pytest.mark.parametrize("nul", [b"\\u0000", b"\x00"])
def test_a_nul_in_any_body_is_refused_and_nothing_is_stored(client, world, content_type, nul):
    """PostgreSQL cannot store a NUL: refused before the API reads the body, on both databases."""
    _token, secret = integration()
    db.session.commit()
    body = b'{"events": [{"id": "e' + nul + b'1", "pupil": "VTS-1001", "content": "s2c-el-01", ' \
           b'"viewed_at": "2026-10-03T14:30:00+02:00"}]}'
    response = client.post(API, data=body, content_type=content_type,
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 400
    assert response.get_data(as_text=True).strip()
    assert views() == {}
    assert db.session.scalar(select(func.count()).select_from(IngestedEvent)) == 0


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(feed):
    response = feed(b'{"events": [{"id": "e\\\\u0000", "pupil": "VTS-1001", '
                    b'"content": "s2c-el-01", "viewed_at": "2026-10-03T14:30:00+02:00"}]}')
    assert response.status_code == 200
    assert response.get_json()["counts"]["applied"] == 1
