"""The offline layer's decisions, as plain functions (no Flask): release version, what to
precache, which pages make a course usable offline, and the web app manifest.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Files the browser never needs offline (editor leftovers, source maps).
_SKIPPED_SUFFIXES = (".map", ".swp", "~", ".orig")


def static_files(static_dir: Path) -> list[str]:
    """Every servable file under static/, as sorted paths relative to it (with / separators)."""
    return sorted(
        path.relative_to(static_dir).as_posix()
        for path in static_dir.rglob("*")
        if path.is_file() and not path.name.startswith(".")
        and not path.name.endswith(_SKIPPED_SUFFIXES)
    )


def release_version(static_dir: Path, files: Sequence[str], extra: Iterable[bytes] = ()) -> str:
    """A short hash of every static file's name and content, plus `extra` (the worker's own
    source, a release label): any change makes a new service worker and a fresh cache."""
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0")
        digest.update((static_dir / name).read_bytes())
        digest.update(b"\0")
    for chunk in extra:
        digest.update(chunk + b"\0")
    return digest.hexdigest()[:16]


def release_fingerprint(static_dir: Path, files: Sequence[str]) -> tuple:
    """Cheap to compute (names, sizes, mtimes): the release version is recomputed when it moves."""
    stats = []
    for name in files:
        stat = (static_dir / name).stat()
        stats.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(stats)


@dataclass(frozen=True)
class PageRule:
    """A GET route of the teacher's course pages, with the URL arguments it needs."""

    endpoint: str
    arguments: frozenset[str]


# The URL arguments whose values a course can list; a route needing anything else (an export
# with a file name, an item id) is not a page a teacher needs in the pool.
COURSE_ARGUMENTS = frozenset({"course_id", "enrolment_id", "subject_id", "sitting", "context"})


def is_course_page(rule: str, arguments: Iterable[str], methods: Iterable[str]) -> bool:
    """A teacher's course page: GET, under /courses/<course_id>, no download."""
    arguments = set(arguments)
    return (
        rule.startswith("/courses/<int:course_id>")
        and "GET" in set(methods)
        and "course_id" in arguments
        and arguments <= COURSE_ARGUMENTS
        and not rule.endswith((".xlsx", ".csv", ".pdf", ".json", "/history"))
        and "export" not in rule
    )


def course_page_arguments(
    rules: Iterable[PageRule], values: Mapping[str, Sequence[object]], limit: int = 400
) -> list[tuple[str, dict[str, object]]]:
    """Every (endpoint, arguments) pair that opens one of the course's pages, course-wide
    pages first, at most `limit` of them (a course has ~25 pupils and a few subjects)."""
    pages: list[tuple[str, dict[str, object]]] = []
    for rule in sorted(rules, key=lambda r: (len(r.arguments), r.endpoint)):
        names = sorted(rule.arguments)
        if any(not values.get(name) for name in names):
            continue
        for combination in itertools.product(*(values[name] for name in names)):
            pages.append((rule.endpoint, dict(zip(names, combination, strict=True))))
            if len(pages) >= limit:
                return pages
    return pages


def manifest(
    *, name: str, short_name: str, description: str, lang: str, start_url: str, scope: str,
    icons: Mapping[str, str], theme_colour: str, background_colour: str,
) -> dict[str, object]:
    """The web app manifest; `icons` maps "192", "512" and "maskable" to their URLs."""
    return {
        "id": start_url,
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": lang,
        "dir": "ltr",
        "start_url": start_url,
        "scope": scope,
        "display": "standalone",
        "orientation": "any",
        "theme_color": theme_colour,
        "background_color": background_colour,
        "icons": [
            {"src": icons["192"], "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": icons["512"], "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": icons["maskable"], "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
