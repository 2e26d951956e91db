"""Attests on paper: one HTML document per school (a cover list, then one A4 page per
attest) rendered to PDF by WeasyPrint, with a QR code (segno) to the verification page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import segno
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from weasyprint import HTML

from teacherapp.extensions import db
from teacherapp.models import (
    Attest,
    AttestKind,
    Course,
    CourseType,
    Enrolment,
    Pupil,
    RoundCourse,
    School,
)

# The one template words each kind of attest: its title and what it certifies.
KIND_TITLES = {
    AttestKind.REGULAR: _l("Certificate"),
    AttestKind.CURRICULUM: _l("Certificate"),
    AttestKind.EXEMPTION: _l("Exemption certificate"),
}
KIND_SENTENCES = {
    AttestKind.REGULAR: _l("has passed the course"),
    AttestKind.CURRICULUM: _l("has completed the BK curriculum \"Sport and play leader\" and so "
                              "the course"),
    AttestKind.EXEMPTION: _l("started in the former system and, on graduating, is exempted "
                             "from the course"),
}


@dataclass(frozen=True)
class AttestPage:
    number: str
    kind: AttestKind
    pupil: str
    birth_date: date
    course_type: str
    hours: int
    school: str
    school_id: int
    school_year: str
    deliberated_on: date
    url: str
    qr: str  # an SVG data URI


def verification_url(base_url: str, number: str) -> str:
    """The public page of an attest under `base_url`; built from the URL map, so that a
    worker without a request (the command) builds it too."""
    path = current_app.url_map.bind("localhost").build("main.attests.verify", {"number": number})
    return base_url.rstrip("/") + path


def load_pages(base_url: str, *, round_id: int | None = None, school_id: int | None = None,
               attest_ids: Iterable[int] | None = None) -> list[AttestPage]:
    """The valid attests of a round (or the given ones), by school and then by pupil."""
    stmt = (select(Attest.number, Attest.kind, Pupil.last_name, Pupil.first_name, Pupil.birth_date,
                   CourseType.name, CourseType.hours, School.name.label("school"), School.id.label("school_id"),
                   Course.school_year, Attest.deliberated_on)
            .join(Enrolment, Enrolment.id == Attest.enrolment_id)
            .join(Pupil, Pupil.id == Enrolment.pupil_id)
            .join(Course, Course.id == Enrolment.course_id)
            .join(CourseType, CourseType.id == Course.course_type_id)
            .join(School, School.id == Course.school_id)
            .order_by(School.name, School.id, Pupil.last_name, Pupil.first_name, Attest.id))
    if round_id is not None:
        stmt = stmt.join(RoundCourse, RoundCourse.id == Attest.round_course_id).where(
            RoundCourse.round_id == round_id, Attest.revoked_at.is_(None))
    if school_id is not None:
        stmt = stmt.where(Course.school_id == school_id)
    if attest_ids is not None:
        stmt = stmt.where(Attest.id.in_(list(attest_ids)))
    pages = []
    for r in db.session.execute(stmt):
        url = verification_url(base_url, r.number)
        pages.append(AttestPage(
            r.number, r.kind, f"{r.first_name} {r.last_name}", r.birth_date, r[5], r.hours, r.school,
            r.school_id, r.school_year, r.deliberated_on, url,
            segno.make(url, error="m").svg_data_uri(scale=4, border=2)))
    return pages


def render_pdf(pages: list[AttestPage], cover: bool = True) -> bytes:
    """One PDF, in Dutch whoever asks (also a worker without a request): a cover list when
    asked, then one A4 page per attest."""
    with force_locale("nl"):
        html = render_template("rounds/print.html", pages=pages, cover=cover,
                               titles=KIND_TITLES, sentences=KIND_SENTENCES)
    return HTML(string=html).write_pdf()
