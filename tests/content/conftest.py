"""Fixtures of the content-feed tests: pupils with accents, content items, a secretariat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from teacherapp.content.tokens import new_token
from teacherapp.extensions import db
from teacherapp.models import ContentItem, ContentKind, ContentView, IntegrationToken, Pupil, User


@dataclass
class World:
    secretariat: User
    teacher: User
    zoe: Pupil
    helene: Pupil
    elearning: ContentItem
    text: ContentItem


@pytest.fixture
def world(make) -> World:
    ct = make.course_type("S2C", name="Start 2 Coach")
    school = make.school()
    teacher = make.teacher(recognised_for=[ct])
    course = make.course(ct, school, teachers=[teacher])
    zoe = make.pupil(school, first_name="Zoë", last_name="Peeters", vts_account_id="VTS-1001",
                     email="zoe.peeters@leerling.be")
    helene = make.pupil(school, first_name="Hélène", last_name="Dubois",
                        vts_account_id="VTS-1002", email="Helene.Dubois@leerling.be")
    make.enrolment(course, zoe)
    make.enrolment(course, helene)
    elearning = ContentItem(course_type=ct, title="E-learning: de rol van de coach",
                            kind=ContentKind.ELEARNING, external_id="s2c-el-01", position=1)
    text = ContentItem(course_type=ct, title="Cursustekst Start 2 Coach",
                       kind=ContentKind.COURSE_TEXT, external_id="s2c-txt-01", position=2)
    db.session.add_all([elearning, text])
    db.session.flush()
    return World(make.secretariat(), teacher, zoe, helene, elearning, text)


def views() -> dict[tuple[str, str], tuple]:
    """Every stored view as (account, external id) -> (first, last, progress, completed)."""
    db.session.expire_all()
    return {
        (v.pupil.vts_account_id, v.content_item.external_id):
            (v.first_viewed_at, v.last_viewed_at, v.progress, v.completed)
        for v in db.session.scalars(db.select(ContentView)).all()
    }


def brussels(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Brussels")).astimezone(UTC)


def integration(name: str = "VTS Connect") -> tuple[IntegrationToken, str]:
    secret, prefix, digest = new_token()
    token = IntegrationToken(name=name, token_hash=digest, token_prefix=prefix)
    db.session.add(token)
    db.session.flush()
    return token, secret


# ---------------------------------------------------------------- xAPI

HOME = "https://connect.vts.be"
ELEARNING_IRI = "https://connect.vts.be/content/s2c-el-01"
TEXT_IRI = "https://connect.vts.be/content/view?id=s2c-txt-01"  # the id in the query string
TEST_IRI = "https://connect.vts.be/tests/generiek/s2c"
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}


@dataclass
class Lrs:
    client: object
    token: IntegrationToken
    key: str
    secret: str

    def headers(self, **extra: str) -> dict[str, str]:
        import base64

        basic = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        return {"Authorization": f"Basic {basic}", **VERSION_HEADER, **extra}

    def post(self, body, headers: dict | None = None, **kw):
        return self.client.post("/xapi/statements", json=body, headers=headers or self.headers(), **kw)

    def put(self, statement_id: str, body, headers: dict | None = None):
        return self.client.put("/xapi/statements", query_string={"statementId": statement_id},
                               json=body, headers=headers or self.headers())


@pytest.fixture
def lrs(client, world) -> Lrs:
    """The LRS with an integration, and the demo items and generic test given their IRIs."""
    world.elearning.activity_iri = ELEARNING_IRI
    world.text.activity_iri = TEXT_IRI
    world.elearning.course_type.generic_test_iri = TEST_IRI
    token, secret = integration("VTS Connect")
    db.session.commit()
    return Lrs(client, token, token.token_prefix, secret)


def statement(verb: str = "http://adlnet.gov/expapi/verbs/experienced", *, actor: dict | None = None,
              object_id: str = ELEARNING_IRI, **extra) -> dict:
    """A statement about Zoë (by her VTS account) unless told otherwise."""
    return {"actor": actor or {"objectType": "Agent", "account": {"homePage": HOME, "name": "VTS-1001"}},
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
            "object": {"objectType": "Activity", "id": object_id}, **extra}
