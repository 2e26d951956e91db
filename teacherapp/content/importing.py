"""The secretariat's file import: read, preview, and apply in one transaction."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from teacherapp import audit
from teacherapp.content import feed
from teacherapp.content.logic import (
    Outcome,
    Problem,
    Rejection,
    Resolved,
    RowText,
    Sighting,
    row_text,
    sightings_from_table,
)
from teacherapp.extensions import db
from teacherapp.models import AuditEvent
from teacherapp.tabular import Table, TabularError, TabularFileError, read_table

AUDIT_ENTITY = "content_view"
AUDIT_ACTION = "import"


@dataclass(frozen=True)
class PreviewRow:
    text: RowText
    outcome: Outcome | None
    problem: Problem | None
    pupil: str = ""
    item: str = ""
    sighting: Sighting | None = None


@dataclass
class ImportPreview:
    filename: str
    rows: list[PreviewRow]
    plan: feed.FeedPlan

    def count(self, outcome: Outcome) -> int:
        return self.plan.merge.count(outcome)

    @property
    def applicable(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.outcome is not None]

    @property
    def rejected(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.problem is not None]

    def problem_counts(self) -> list[tuple[Problem, int]]:
        """How many rows each reason rejects, most frequent first."""
        counts = Counter(r.problem for r in self.rejected)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0].value))

    @property
    def changes(self) -> int:
        return self.count(Outcome.NEW) + self.count(Outcome.UPDATE)

    def summary(self) -> dict[str, int | str]:
        return {"file": self.filename, "new": self.count(Outcome.NEW),
                "update": self.count(Outcome.UPDATE), "unchanged": self.count(Outcome.UNCHANGED),
                "rejected": len(self.rejected)}


def read_file(data: bytes, filename: str) -> Table:
    """The file's rows; raises TabularFileError. No database: call it outside a transaction."""
    table = read_table(data, filename)
    if not table.rows:  # only the column names: as good as empty
        raise TabularFileError(TabularError.EMPTY)
    return table


def preview(table: Table, filename: str, now: datetime | None = None) -> ImportPreview:
    """What importing these rows would do. Raises MissingColumns."""
    now = now or datetime.now(UTC)
    parsed = sightings_from_table(table, now)
    feed_plan = feed.plan(parsed)
    names = feed_plan.names
    by_ref = {r.ref: r for r in feed_plan.merge.results}
    rows = []
    for row in table.rows:
        result = by_ref[str(row.number)]
        if isinstance(result, Rejection):
            rows.append(PreviewRow(row_text(row), None, result.problem))
        else:
            assert isinstance(result, Resolved)
            rows.append(PreviewRow(row_text(row), result.outcome, None,
                                   names.pupils.get(result.pupil_id, ""),
                                   names.items.get(result.item_id, ""), result.sighting))
    return ImportPreview(filename, rows, feed_plan)


def apply(table: Table, filename: str, now: datetime | None = None) -> ImportPreview:
    """Merge the rows into the stored views and audit it, all in one transaction.

    A view that another writer (the machine feed) created between our read and our write
    makes the insert fail; we then plan again against the new state, once.
    """
    for attempt in (1, 2):
        result = preview(table, filename, now)
        feed.write(result.plan)
        audit.record(AUDIT_ACTION, AUDIT_ENTITY, "file", field="import",
                     new=json.dumps(result.summary(), ensure_ascii=False))
        try:
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class PastImport:
    at: datetime
    by: str
    summary: dict


def recent_imports(limit: int = 10) -> list[PastImport]:
    events = db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor))
        .where(AuditEvent.entity == AUDIT_ENTITY, AuditEvent.action == AUDIT_ACTION)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all()
    past = []
    for event in events:
        try:
            summary = json.loads(event.new_value or "{}")
        except ValueError:
            summary = {}
        past.append(PastImport(event.at, event.actor.full_name if event.actor else "", summary))
    return past
