"""Course types and content items."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import ContentItem, ContentKind, ContentView, CourseType
from tests.admin.conftest import audit_events


def _types() -> list[CourseType]:
    db.session.expire_all()
    return list(db.session.scalars(select(CourseType)))


def _type_data(**kw) -> dict:
    return {"code": "HR", "name": "Hoger Redder", "sport": "", "hours": "64", "minimum_age": "17",
            "fee": "45,00", "refresher_group": "HR", **kw}


def test_it_creates_a_course_type(admin):
    response = admin.post("/admin/course-types/new", _type_data(fee="45,5"))
    assert response.status_code == 302
    [ct] = _types()
    assert (ct.code, ct.hours, ct.minimum_age, ct.fee) == ("HR", 64, 17, Decimal("45.5"))
    assert audit_events("course_type", "create")


def test_it_refuses_bad_course_types(admin, make):
    make.course_type("HR")
    db.session.commit()
    response = admin.post("/admin/course-types/new", _type_data(code="hr", minimum_age="120", fee="-1"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Een ander opleidingstype heeft deze code al." in html
    assert "Tussen 0 en 99." in html and "Dit kan niet negatief zijn." in html
    assert len(_types()) == 1


def test_a_course_type_with_courses_is_not_deleted(admin, make):
    ct = make.course_type()
    make.course(ct)
    db.session.commit()
    admin.post(f"/admin/course-types/{ct.id}/delete")
    assert len(_types()) == 1


def test_an_unused_course_type_is_deleted(admin, make):
    ct = make.course_type()
    db.session.commit()
    admin.post(f"/admin/course-types/{ct.id}/delete")
    assert _types() == []


def test_editing_the_fee_is_audited(admin, make):
    ct = make.course_type("S2C", fee=Decimal(15))
    db.session.commit()
    admin.post(f"/admin/course-types/{ct.id}/edit", _type_data(code="S2C", fee="20"))
    [event] = [e for e in audit_events("course_type", "update") if e.field == "fee"]
    assert Decimal(event.old_value) == 15 and Decimal(event.new_value) == 20


def _items() -> list[ContentItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(ContentItem)))


def test_it_creates_content_items_with_the_next_position(admin, make):
    ct = make.course_type()
    db.session.commit()
    for n in (1, 2):
        response = admin.post("/admin/content/new", {"course_type_id": ct.id, "title": f"Module {n}",
                                                     "kind": "elearning", "external_id": f"vts-{n}"})
        assert response.status_code == 302
    assert sorted(i.position for i in _items()) == [1, 2]
    assert len(audit_events("content_item", "create")) == 2


def test_external_ids_are_unique(admin, make):
    ct = make.course_type()
    db.session.add(ContentItem(course_type=ct, title="A", kind=ContentKind.VIDEO, external_id="vts-1"))
    db.session.commit()
    response = admin.post("/admin/content/new", {"course_type_id": ct.id, "title": "B", "kind": "video",
                                                 "external_id": "vts-1"})
    assert response.status_code == 422
    assert len(_items()) == 1


def test_a_viewed_content_item_is_not_deleted(admin, make):
    ct = make.course_type()
    item = ContentItem(course_type=ct, title="A", kind=ContentKind.VIDEO, external_id="vts-1")
    db.session.add(item)
    db.session.flush()
    now = datetime(2026, 10, 1, tzinfo=UTC)
    db.session.add(ContentView(pupil_id=make.pupil().id, content_item_id=item.id, first_viewed_at=now,
                               last_viewed_at=now))
    db.session.commit()
    admin.post(f"/admin/content/{item.id}/delete")
    assert len(_items()) == 1
