"""A save's login, checked by the save's own SELECT instead of a query of its own.

Every request loads the logged-in user to check the session cookie's "id:session_version"
(teacherapp.auth.session): one query before the view runs. A save (one score, one rubric
level) then loads its cell with a second query that already joins the teacher's link to the
course. On PostgreSQL the first query, through the ORM, cost as much CPU as the cell's ten-table
join, and a round trip: a save at the pool's edge paid for its login twice.

A view marked `@login_checked_by_cell` takes the user it needs from what this process saw
at an earlier full check of the same cookie value ("id:version"), as a detached copy, and
its cell SELECT re-checks the login in the same statement: the user with that id and session
version, active, a teacher, linked to the course and recognised (teacherapp.scoring.cells).
When that SELECT finds nothing, the view asks `confirm_login()`: the full check runs as on any
other request, and a login that no longer holds ends as it would have before the view ran.

So nothing is trusted that the database did not confirm in this request: a logout, a disabled
account or a changed password on another device is seen by the very next save, exactly as
before. Only a POST to a marked view, with the cookie in the session (not a remember cookie
being turned into a session), is served from the copy.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, current_app, g, request, session
from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached

from teacherapp.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])
_MARK = "login_checked_by_cell"
_EXTENSION = "teacherapp.login_claims"
# What a copy carries: what the save path and the page layout read. Never the password hash.
_COLUMNS = ("id", "email", "full_name", "role", "active", "session_version")
_LIMIT = 2048  # distinct logins a process remembers; the oldest is forgotten first


def login_checked_by_cell(view: F) -> F:
    """Mark a view whose cell SELECT checks the login itself (see the module docstring)."""
    setattr(view, _MARK, True)
    return view


@dataclass
class _Copy:
    values: dict[str, Any]
    user: User  # detached, built from `values`; read-only on the save path


def _copies() -> OrderedDict[str, _Copy]:
    return current_app.extensions.setdefault(_EXTENSION, OrderedDict())


def _detached_user(values: dict[str, Any]) -> User:
    user = User(**values)
    make_transient_to_detached(user)  # a lazy load on it fails loudly instead of querying
    return user


def remember(token: str, user: User) -> None:
    """After a full check: keep what a later save of this login needs (teachers only)."""
    if user.role != Role.TEACHER:
        return
    copies = _copies()
    values = {name: getattr(user, name) for name in _COLUMNS}
    copy = copies.get(token)
    if copy is None or copy.values != values:
        copies[token] = _Copy(values, _detached_user(values))
    copies.move_to_end(token)
    while len(copies) > _LIMIT:
        copies.popitem(last=False)


def forget(token: str) -> None:
    _copies().pop(token, None)


def _may_claim(token: str) -> bool:
    if request.method != "POST" or session.get("_user_id") != token or not request.endpoint:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, _MARK, False)


def claimed_user(token: str) -> User | None:
    """A detached copy of the user behind this cookie value, to be checked by the cell's SELECT.

    None unless this request may be served that way and a full check of the same value was
    seen before; the caller then checks in full.
    """
    if not _may_claim(token):
        return None
    copy = _copies().get(token)
    if copy is None:
        return None
    # One detached object serves every save of this login (building an ORM object cost 4 %
    # of a save): nothing on the save path changes it, and should anything ever attach it to
    # a session or change it, the next save gets a fresh one.
    state = inspect(copy.user)
    if not state.detached or state.modified:
        copy.user = _detached_user(copy.values)
    g._login_claimed = True
    return copy.user


def confirm_login() -> None:
    """The cell's SELECT found nothing: was it the cell, or the login?

    For a user served from a copy, check the login in full now. A login that no longer holds
    answers as any request without a valid login does (401 for a save, the login page for a
    form); a user who is no longer a teacher gets 403. Otherwise the cell is simply out of
    reach and the caller answers 404.
    """
    if not g.pop("_login_claimed", False):
        return
    from teacherapp.auth.session import load_user
    from teacherapp.extensions import login_manager

    token = session.get("_user_id")
    forget(token)
    user = load_user(token)  # the full check, as at the start of any other request
    # Flask-Login keeps the request's user in g; the copy must not outlive its refutation.
    login_manager._update_request_context_with_user(user)
    if user is None:
        abort(login_manager.unauthorized())
    if user.role != Role.TEACHER:
        abort(403)
