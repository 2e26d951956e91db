"""Bringing sightings into the database: bulk look-ups, then one write per kind of change.

The number of statements depends on the size of the batch only through chunks of
CHUNK keys (database limits on bound parameters), never per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, or_, select, update

from teacherapp.content.logic import (
    Directory,
    MergePlan,
    Rejection,
    Sighting,
    ViewState,
    plan_merge,
)
from teacherapp.extensions import db
from teacherapp.models import ContentItem, ContentView, Pupil

CHUNK = 1000


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass(frozen=True)
class Names:
    """Pupil names and item titles, for showing a plan to a person."""

    pupils: dict[int, str]
    items: dict[int, str]


def load_directory(sightings: Iterable[Sighting]) -> tuple[Directory, Names]:
    """Look up every pupil and content item the sightings mention, in a few queries."""
    sightings = list(sightings)
    accounts = sorted({s.account for s in sightings if s.account})
    emails = sorted({s.email for s in sightings if s.email})
    external_ids = sorted({c for s in sightings for c in s.content})

    by_account: dict[str, int] = {}
    by_email: dict[str, list[int]] = {}
    pupil_names: dict[int, str] = {}
    columns = (Pupil.id, Pupil.vts_account_id, Pupil.email, Pupil.first_name, Pupil.last_name)
    for part_accounts, part_emails in _paired_chunks(accounts, emails):
        conditions = []
        if part_accounts:
            conditions.append(Pupil.vts_account_id.in_(part_accounts))
        if part_emails:
            conditions.append(func.lower(Pupil.email).in_(part_emails))
        for pid, account, email, first, last in db.session.execute(
            select(*columns).where(or_(*conditions))
        ):
            pupil_names[pid] = f"{first} {last}"
            if account:
                by_account[account] = pid
            if email and email.lower() in part_emails:
                ids = by_email.setdefault(email.lower(), [])
                if pid not in ids:
                    ids.append(pid)

    items: dict[str, int] = {}
    item_titles: dict[int, str] = {}
    for part in _chunks(external_ids):
        for iid, external_id, title in db.session.execute(
            select(ContentItem.id, ContentItem.external_id, ContentItem.title)
            .where(ContentItem.external_id.in_(part))
        ):
            items[external_id] = iid
            item_titles[iid] = title
    return Directory(by_account, by_email, items), Names(pupil_names, item_titles)


def _paired_chunks(accounts: list[str], emails: list[str]) -> Iterable[tuple[list[str], set[str]]]:
    count = max(len(accounts), len(emails))
    for start in range(0, count, CHUNK):
        yield accounts[start:start + CHUNK], set(emails[start:start + CHUNK])


def load_known_views(
    pupil_ids: Iterable[int], item_ids: Iterable[int]
) -> tuple[dict[tuple[int, int], ViewState], dict[tuple[int, int], int]]:
    """The stored views of these pupils for these items, and their row ids."""
    pupil_ids, item_ids = sorted(set(pupil_ids)), set(item_ids)
    known: dict[tuple[int, int], ViewState] = {}
    ids: dict[tuple[int, int], int] = {}
    if not item_ids:
        return known, ids
    for part in _chunks(pupil_ids):
        rows = db.session.execute(
            select(ContentView.id, ContentView.pupil_id, ContentView.content_item_id,
                   ContentView.first_viewed_at, ContentView.last_viewed_at,
                   ContentView.progress, ContentView.completed)
            .where(ContentView.pupil_id.in_(part))
        )
        for vid, pid, iid, first, last, progress, completed in rows:
            if iid in item_ids:
                known[(pid, iid)] = ViewState(first, last, progress, completed)
                ids[(pid, iid)] = vid
    return known, ids


@dataclass
class FeedPlan:
    merge: MergePlan
    names: Names
    view_ids: dict[tuple[int, int], int]


def plan(parsed: Sequence[Sighting | Rejection], *, reject_duplicates: bool = True) -> FeedPlan:
    """What applying these sightings would do, against the database as it is now."""
    sightings = [s for s in parsed if isinstance(s, Sighting)]
    directory, names = load_directory(sightings)
    pupil_ids = set(directory.pupils_by_account.values()) | {
        pid for ids in directory.pupils_by_email.values() for pid in ids}
    known, view_ids = load_known_views(pupil_ids, directory.items_by_external_id.values())
    merge_plan = plan_merge(parsed, directory, known, reject_duplicates=reject_duplicates)
    return FeedPlan(merge_plan, names, view_ids)


def write(feed_plan: FeedPlan) -> None:
    """Insert the new views and update the changed ones: one executemany each.

    The caller commits. A view inserted meanwhile by another writer makes the insert fail
    on the unique (pupil, item) constraint; callers roll back and retry, and the merge then
    updates that view instead.
    """
    inserts, updates = [], []
    for pair, state in feed_plan.merge.states.items():
        values = {"first_viewed_at": state.first_viewed_at, "last_viewed_at": state.last_viewed_at,
                  "progress": state.progress, "completed": state.completed}
        if pair in feed_plan.merge.new_pairs:
            inserts.append({"pupil_id": pair[0], "content_item_id": pair[1], **values})
        else:
            # Merged with a source other than xAPI statements: voiding can no longer rebuild it.
            updates.append({"id": feed_plan.view_ids[pair], **values, "statements_only": False})
    if inserts:
        db.session.execute(insert(ContentView), inserts)
    if updates:
        db.session.execute(update(ContentView), updates)
