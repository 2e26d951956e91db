"""Filtering the audit log: parse what the secretariat typed, build the query. No Flask."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select

from teacherapp.models import AuditEvent, User

BRUSSELS = ZoneInfo("Europe/Brussels")
PAGE_SIZE = 50
# ASCII digits only: str.isdigit() also accepts "²" or "١", which int() then refuses.
_DIGITS = re.compile(r"[0-9]{1,6}")
MAX_TEXT = 120
FIRST_YEAR, LAST_YEAR = 2000, 2200


@dataclass
class AuditFilters:
    actor: str = ""  # part of a name or email address
    action: str = ""
    entity: str = ""
    course_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)  # field -> error code

    def as_query_args(self, page: int | None = None) -> dict[str, str]:
        """The filters as URL parameters, for links to other pages of the same list."""
        args = {
            "actor": self.actor, "action": self.action, "entity": self.entity,
            "course": str(self.course_id) if self.course_id else "",
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "page": str(page or self.page),
        }
        return {k: v for k, v in args.items() if v and not (k == "page" and v == "1")}


def parse_date(raw: str) -> date | None:
    """Accept the browser's yyyy-mm-dd and the Belgian dd/mm/yyyy; ValueError otherwise."""
    raw = raw.strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            day = datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:  # also keeps day + 1 and UTC in range
            raise ValueError(raw)
        return day
    raise ValueError(raw)


def parse_filters(args: Mapping[str, str]) -> AuditFilters:
    """Read the filter form; a bad value becomes an error code and is not applied."""
    filters = AuditFilters(
        actor=(args.get("actor") or "").strip()[:MAX_TEXT],
        action=(args.get("action") or "").strip()[:MAX_TEXT],
        entity=(args.get("entity") or "").strip()[:MAX_TEXT],
    )
    course = (args.get("course") or "").strip()
    if course:
        if _DIGITS.fullmatch(course):
            filters.course_id = int(course)
        else:
            filters.errors["course"] = "bad_course"
    for key, attr in (("from", "date_from"), ("to", "date_to")):
        try:
            setattr(filters, attr, parse_date(args.get(key) or ""))
        except ValueError:
            filters.errors[key] = "bad_date"
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        filters.errors["to"] = "to_before_from"
        filters.date_to = None
    page = (args.get("page") or "1").strip()
    filters.page = int(page) if _DIGITS.fullmatch(page) and int(page) > 0 else 1
    return filters


def _start_of_day_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BRUSSELS).astimezone(UTC)


def filtered_events_query(filters: AuditFilters) -> Select[tuple[AuditEvent]]:
    """Newest first; dates are Belgian calendar days, stored times are UTC."""
    query = select(AuditEvent).outerjoin(User, AuditEvent.actor_id == User.id)
    if filters.actor:
        pattern = "%" + filters.actor.lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        query = query.where(or_(func.lower(User.full_name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\")))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.entity:
        query = query.where(AuditEvent.entity == filters.entity)
    if filters.course_id is not None:
        query = query.where(AuditEvent.course_id == filters.course_id)
    if filters.date_from:
        query = query.where(AuditEvent.at >= _start_of_day_utc(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.at < _start_of_day_utc(filters.date_to + timedelta(days=1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def page_window(filters: AuditFilters) -> tuple[int, int]:
    """(offset, limit) for the page, fetching one extra row to know whether a next page exists."""
    return (filters.page - 1) * PAGE_SIZE, PAGE_SIZE + 1
