"""Who viewed which content: reading sightings from files and events, and merging them.

No Flask and no database here. The same rules serve the secretariat's file import and the
content platform's machine feed:

- a *sighting* says "this pupil looked at this content item at this moment, this far";
- sightings are merged into the one view row per pupil and item with rules that do not
  care about order or repetition (max progress, completed OR, earliest first view, latest
  last view), so importing the same file twice, or replaying a batch, changes nothing.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from teacherapp.tabular import Row, Table, parse_be_datetime, parse_yes_no

# Header names a Belgian export may use, Dutch and English (compared after normalise_header).
ACCOUNT_HEADERS = ("vts account id", "vts account", "vts id", "account id", "accountid",
                   "account", "vts accountnummer", "gebruikers id", "gebruikersid", "user id",
                   "userid", "login")
EMAIL_HEADERS = ("email", "e-mail", "e mail", "emailadres", "e-mailadres", "mail",
                 "e-mail leerling", "email leerling", "user email")
CONTENT_HEADERS = ("content external id", "content id", "external id", "externe id",
                   "leerinhoud id", "leerinhoud", "inhoud id", "inhoud", "content",
                   "item id", "module id", "activity id", "object id")
VIEWED_AT_HEADERS = ("viewed at", "viewed on", "bekeken op", "bekeken", "laatst bekeken",
                     "last viewed", "datum bekeken", "datum", "date", "tijdstip", "timestamp")
PROGRESS_HEADERS = ("progress", "progress %", "progress (%)", "voortgang", "voortgang %",
                    "voortgang (%)", "vooruitgang", "percentage")
COMPLETED_HEADERS = ("completed", "voltooid", "afgewerkt", "afgerond", "completion", "klaar")

# xAPI: the verbs we understand, by the last part of their IRI, and cmi5's progress key.
XAPI_VERBS = {"viewed", "completed", "progressed"}
XAPI_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"

# A clock on the platform may run a little ahead; a day ahead is a wrong date.
FUTURE_TOLERANCE = timedelta(days=1)
MAX_ID_LENGTH = 120


class Problem(enum.StrEnum):
    """Why a row or an event is not applied. The codes are part of the API."""

    MISSING_PUPIL = "missing_pupil"
    UNKNOWN_PUPIL = "unknown_pupil"
    AMBIGUOUS_PUPIL = "ambiguous_pupil"
    MISSING_CONTENT = "missing_content"
    UNKNOWN_CONTENT = "unknown_content"
    BAD_DATE = "bad_date"
    FUTURE_DATE = "future_date"
    BAD_PROGRESS = "bad_progress"
    BAD_COMPLETED = "bad_completed"
    DUPLICATE_ROW = "duplicate_row"
    MISSING_ID = "missing_id"
    UNSUPPORTED_VERB = "unsupported_verb"
    MALFORMED_EVENT = "malformed_event"


class Outcome(enum.StrEnum):
    NEW = "new"  # the pupil's first view of this item
    UPDATE = "update"  # progress went up, completed, or a view earlier/later than known
    UNCHANGED = "unchanged"  # nothing we did not know already


class MissingColumns(ValueError):
    """The file lacks a column we need; `missing` names them by role."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class Sighting:
    """One pupil seen at one content item; progress already normalised (0-100)."""

    ref: str  # the row number or the event id, to report back
    account: str
    email: str
    content: tuple[str, ...]  # candidate external ids, most specific first
    viewed_at: datetime
    progress: int
    completed: bool


@dataclass(frozen=True)
class Rejection:
    ref: str
    problem: Problem


@dataclass(frozen=True)
class ViewState:
    first_viewed_at: datetime
    last_viewed_at: datetime
    progress: int
    completed: bool


@dataclass(frozen=True)
class Directory:
    """What the database knows, looked up in bulk before merging."""

    pupils_by_account: Mapping[str, int]
    pupils_by_email: Mapping[str, list[int]]  # lower-cased email -> pupil ids
    items_by_external_id: Mapping[str, int]


@dataclass(frozen=True)
class Resolved:
    ref: str
    outcome: Outcome
    pupil_id: int
    item_id: int
    sighting: Sighting


@dataclass
class MergePlan:
    """The result of merging sightings into the known views, in input order."""

    results: list[Resolved | Rejection] = field(default_factory=list)
    states: dict[tuple[int, int], ViewState] = field(default_factory=dict)  # changed pairs only
    new_pairs: set[tuple[int, int]] = field(default_factory=set)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if isinstance(r, Resolved) and r.outcome == outcome)

    @property
    def rejected(self) -> list[Rejection]:
        return [r for r in self.results if isinstance(r, Rejection)]

    @property
    def resolved(self) -> list[Resolved]:
        return [r for r in self.results if isinstance(r, Resolved)]


# ---------------------------------------------------------------- values


def parse_progress(value: Any) -> int | None:
    """A percentage 0-100 from what exports write: 75, "75", "75%", "75,5", "0,75", 0.75.

    A value written with a decimal separator between 0 and 1 is a fraction ("0,75" is 75%);
    whole numbers are percentages ("1" is 1%). Empty gives None; anything else ValueError.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a progress")
    if isinstance(value, int):
        number, fraction_allowed = Decimal(value), False
    elif isinstance(value, float):
        number, fraction_allowed = Decimal(repr(value)), not value.is_integer()
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        percent = text.endswith("%")
        text = text.rstrip("%").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation as error:
            raise ValueError(f"not a number: {value!r}") from error
        fraction_allowed = not percent and "." in text
    if not number.is_finite():
        raise ValueError(f"not a number: {value!r}")
    if fraction_allowed and 0 <= number <= 1:
        number *= 100
    if number < 0 or number > 100:
        raise ValueError(f"progress out of range: {value!r}")
    return int(number.to_integral_value(rounding="ROUND_HALF_UP"))


def normalise(progress: int | None, completed: bool | None) -> tuple[int, bool]:
    """Completed means 100%, and 100% means completed."""
    done = bool(completed) or progress == 100
    return (100 if done else (progress or 0)), done


def check_viewed_at(moment: datetime, now: datetime) -> Problem | None:
    return Problem.FUTURE_DATE if moment > now + FUTURE_TOLERANCE else None


# ---------------------------------------------------------------- files


def check_columns(table: Table) -> None:
    """Raise MissingColumns naming the roles no header of the file fills."""
    missing = []
    if not table.has_any(*ACCOUNT_HEADERS, *EMAIL_HEADERS):
        missing.append("pupil")
    if not table.has_any(*CONTENT_HEADERS):
        missing.append("content")
    if not table.has_any(*VIEWED_AT_HEADERS):
        missing.append("viewed_at")
    if not table.has_any(*PROGRESS_HEADERS, *COMPLETED_HEADERS):
        missing.append("progress")
    if missing:
        raise MissingColumns(missing)


@dataclass(frozen=True)
class RowText:
    """A row's values as the user wrote them, for the preview."""

    number: int
    pupil: str
    content: str
    viewed_at: str
    progress: str
    completed: str


def row_text(row: Row) -> RowText:
    return RowText(
        number=row.number,
        pupil=row.get(*ACCOUNT_HEADERS) or row.get(*EMAIL_HEADERS),
        content=row.get(*CONTENT_HEADERS),
        viewed_at=row.get(*VIEWED_AT_HEADERS),
        progress=row.get(*PROGRESS_HEADERS),
        completed=row.get(*COMPLETED_HEADERS),
    )


def sighting_from_row(row: Row, now: datetime) -> Sighting | Rejection:
    ref = str(row.number)
    account, email = row.get(*ACCOUNT_HEADERS), row.get(*EMAIL_HEADERS)
    content = row.get(*CONTENT_HEADERS)
    if not account and not email:
        return Rejection(ref, Problem.MISSING_PUPIL)
    if not content:
        return Rejection(ref, Problem.MISSING_CONTENT)
    try:
        viewed_at = parse_be_datetime(row.get(*VIEWED_AT_HEADERS))
    except ValueError:
        return Rejection(ref, Problem.BAD_DATE)
    if problem := check_viewed_at(viewed_at, now):
        return Rejection(ref, problem)
    try:
        progress = parse_progress(row.get(*PROGRESS_HEADERS))
    except ValueError:
        return Rejection(ref, Problem.BAD_PROGRESS)
    completed_text = row.get(*COMPLETED_HEADERS)
    completed = parse_yes_no(completed_text)
    if completed is None and completed_text:
        return Rejection(ref, Problem.BAD_COMPLETED)
    progress, done = normalise(progress, completed)
    return Sighting(ref, account, email.lower(), (content,), viewed_at, progress, done)


def sightings_from_table(table: Table, now: datetime) -> list[Sighting | Rejection]:
    check_columns(table)
    return [sighting_from_row(row, now) for row in table.rows]


# ---------------------------------------------------------------- machine events


def event_id(event: Any) -> str | None:
    """The event's id as text, or None when it has no usable one."""
    if not isinstance(event, dict):
        return None
    raw = event.get("id")
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    text = str(raw).strip()
    return text if text and len(text) <= MAX_ID_LENGTH else None


def sighting_from_event(event: dict[str, Any], ref: str, now: datetime) -> Sighting | Rejection:
    """Our simple shape, or an xAPI statement (recognised by its actor/verb/object)."""
    if "actor" in event or "verb" in event or "object" in event:
        return _from_xapi(event, ref, now)
    return _from_simple(event, ref, now)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _moment(value: Any, ref: str, now: datetime) -> datetime | Rejection:
    if not isinstance(value, str) or not value.strip():
        return Rejection(ref, Problem.BAD_DATE)
    try:
        moment = parse_be_datetime(value)
    except ValueError:
        return Rejection(ref, Problem.BAD_DATE)
    if problem := check_viewed_at(moment, now):
        return Rejection(ref, problem)
    return moment


def _from_simple(event: dict[str, Any], ref: str, now: datetime) -> Sighting | Rejection:
    pupil = event.get("pupil")
    if isinstance(pupil, int) and not isinstance(pupil, bool):
        pupil = str(pupil)
    pupil = _text(pupil)
    content = event.get("content")
    if isinstance(content, int) and not isinstance(content, bool):
        content = str(content)
    content = _text(content)
    if not pupil:
        return Rejection(ref, Problem.MISSING_PUPIL)
    if not content:
        return Rejection(ref, Problem.MISSING_CONTENT)
    moment = _moment(event.get("viewed_at"), ref, now)
    if isinstance(moment, Rejection):
        return moment
    try:
        progress = parse_progress(event.get("progress"))
    except ValueError:
        return Rejection(ref, Problem.BAD_PROGRESS)
    completed = event.get("completed")
    if completed is not None and not isinstance(completed, bool):
        return Rejection(ref, Problem.BAD_COMPLETED)
    progress, done = normalise(progress, completed)
    # One field for either identifier: an address has an @, an account id never does.
    account, email = ("", pupil.lower()) if "@" in pupil else (pupil, "")
    return Sighting(ref, account, email, (content,), moment, progress, done)


def _from_xapi(statement: dict[str, Any], ref: str, now: datetime) -> Sighting | Rejection:
    actor, verb, obj = (statement.get(k) for k in ("actor", "verb", "object"))
    if not all(isinstance(part, dict) for part in (actor, verb, obj)):
        return Rejection(ref, Problem.MALFORMED_EVENT)
    account_part = actor.get("account")
    account = _text(account_part.get("name")) if isinstance(account_part, dict) else ""
    mbox = _text(actor.get("mbox"))
    email = mbox[len("mailto:"):].lower() if mbox.lower().startswith("mailto:") else ""
    if not account and not email:
        return Rejection(ref, Problem.MISSING_PUPIL)
    verb_name = _text(verb.get("id")).rstrip("/").rsplit("/", 1)[-1].lower()
    if verb_name not in XAPI_VERBS:
        return Rejection(ref, Problem.UNSUPPORTED_VERB)
    candidates = content_candidates(_text(obj.get("id")))
    if not candidates:
        return Rejection(ref, Problem.MISSING_CONTENT)
    moment = _moment(statement.get("timestamp"), ref, now)
    if isinstance(moment, Rejection):
        return moment
    result = statement.get("result")
    result = result if isinstance(result, dict) else {}
    extensions = result.get("extensions")
    extensions = extensions if isinstance(extensions, dict) else {}
    try:
        progress = parse_progress(extensions.get(XAPI_PROGRESS))
    except ValueError:
        return Rejection(ref, Problem.BAD_PROGRESS)
    completion = result.get("completion")
    if completion is not None and not isinstance(completion, bool):
        return Rejection(ref, Problem.BAD_COMPLETED)
    progress, done = normalise(progress, verb_name == "completed" or bool(completion))
    return Sighting(ref, account, email, candidates, moment, progress, done)


def content_candidates(object_id: str) -> tuple[str, ...]:
    """The object id itself, then the last segment of an IRI that ends with our external id."""
    object_id = object_id.strip()
    if not object_id:
        return ()
    tail = re.split(r"[/#:]", object_id.rstrip("/"))[-1]
    return (object_id, tail) if tail and tail != object_id else (object_id,)


# ---------------------------------------------------------------- merging


def merge(current: ViewState | None, sighting: Sighting) -> ViewState:
    """The view after this sighting. Order-free and idempotent: merging twice changes nothing."""
    if current is None:
        return ViewState(sighting.viewed_at, sighting.viewed_at, sighting.progress,
                         sighting.completed)
    return ViewState(
        first_viewed_at=min(current.first_viewed_at, sighting.viewed_at),
        last_viewed_at=max(current.last_viewed_at, sighting.viewed_at),
        progress=max(current.progress, sighting.progress),
        completed=current.completed or sighting.completed,
    )


def resolve_pupil(sighting: Sighting, directory: Directory) -> int | Problem:
    """By VTS account id first; by email when the account is missing or unknown."""
    if sighting.account and sighting.account in directory.pupils_by_account:
        return directory.pupils_by_account[sighting.account]
    if sighting.email:
        matches = directory.pupils_by_email.get(sighting.email, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            return Problem.AMBIGUOUS_PUPIL
    return Problem.UNKNOWN_PUPIL


def resolve_item(sighting: Sighting, directory: Directory) -> int | None:
    for candidate in sighting.content:
        if candidate in directory.items_by_external_id:
            return directory.items_by_external_id[candidate]
    return None


def plan_merge(
    parsed: Iterable[Sighting | Rejection],
    directory: Directory,
    known: Mapping[tuple[int, int], ViewState],
    *,
    reject_duplicates: bool = True,
) -> MergePlan:
    """Resolve pupils and items, merge every sighting in order, and say what each one does.

    With reject_duplicates, a sighting identical to an earlier one (a row repeated in a
    file) is reported as a duplicate instead of silently counted twice.
    """
    plan = MergePlan()
    seen: dict[tuple[Any, ...], str] = {}
    current: dict[tuple[int, int], ViewState] = dict(known)
    for entry in parsed:
        if isinstance(entry, Rejection):
            plan.results.append(entry)
            continue
        pupil_id = resolve_pupil(entry, directory)
        if isinstance(pupil_id, Problem):
            plan.results.append(Rejection(entry.ref, pupil_id))
            continue
        item_id = resolve_item(entry, directory)
        if item_id is None:
            plan.results.append(Rejection(entry.ref, Problem.UNKNOWN_CONTENT))
            continue
        key = (pupil_id, item_id, entry.viewed_at, entry.progress, entry.completed)
        if reject_duplicates and key in seen:
            plan.results.append(Rejection(entry.ref, Problem.DUPLICATE_ROW))
            continue
        seen[key] = entry.ref
        pair = (pupil_id, item_id)
        before = current.get(pair)
        after = merge(before, entry)
        if before is None:
            outcome = Outcome.NEW
            plan.new_pairs.add(pair)
        elif after != before:
            outcome = Outcome.UPDATE
        else:
            outcome = Outcome.UNCHANGED
        if after != before:
            current[pair] = after
            plan.states[pair] = after
        plan.results.append(Resolved(entry.ref, outcome, pupil_id, item_id, entry))
    return plan
