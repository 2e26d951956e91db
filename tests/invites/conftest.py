"""Two schools with their coordinators, the secretariat, and helpers to invite and accept."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient

from teacherapp.extensions import db
from tests.conftest import Auth

LINK = re.compile(r'id="invite-link" type="text" value="([^"]+)"')
NEW_PASSWORD = "een-lang-nieuw-wachtwoord"


@pytest.fixture
def schools(make):
    school_a = make.school(name="Sint-Jozefscollege")
    school_b = make.school(name="Atheneum Brugge")
    coordinator_a = make.coordinator([school_a], full_name="Coördinator A",
                                     email="coord.a@school.example")
    coordinator_b = make.coordinator([school_b], full_name="Coördinator B",
                                     email="coord.b@school.example")
    secretariat = make.secretariat(email="secretariaat@vts.example")
    db.session.commit()
    return {"a": school_a, "b": school_b, "coordinator_a": coordinator_a,
            "coordinator_b": coordinator_b, "secretariat": secretariat}


def link_in(html: str) -> str | None:
    match = LINK.search(html)
    return unescape(match.group(1)) if match else None


def path_of(link: str) -> str:
    return link[link.index("/invite/"):]


def accept(client: FlaskClient, path: str, password: str = NEW_PASSWORD,
           confirm: str | None = None):
    """Open the link, then send the password form with the page's own CSRF token."""
    from tests.conftest import csrf_token_from

    page = client.get(path)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(path, data={"password": password, "confirm": confirm or password,
                                   "csrf_token": token})


def invite_coordinator(auth: Auth, school, email="nieuw@school.example", name="Nieuwe Coördinator"):
    return auth.post(f"/admin/schools/{school.id}/members/invite",
                     data={"email": email, "full_name": name})


def invite_teacher(auth: Auth, school, email="leerkracht@school.example", name="Lien Leerkracht"):
    return auth.post("/school/staff/invite",
                     data={"email": email, "full_name": name, "school_id": str(school.id)})
