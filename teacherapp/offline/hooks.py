"""What every page tells the offline layer, and what logging out wipes.

- `offline_config()` (a template global) is read by static/offline.js from its <script> tag:
  who is logged in (caches and the queue are kept per user), where the worker lives, and the
  interface texts in the user's language.
- `X-Offline-User` on every HTML answer tells the service worker whose page it is, so it
  files the page in that user's cache and never serves it to anyone else.
- The logout answer carries `Clear-Site-Data`, so the browser drops the teacher's cached pages
  and queue even if the page's own clean-up did not run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from gettext import NullTranslations
from typing import Any

from flask import Response, request, url_for
from flask_login import current_user
from sqlalchemy import inspect

from teacherapp.i18n import request_translations
from teacherapp.offline import bp

USER_HEADER = "X-Offline-User"
LOGOUT_ENDPOINT = "auth.logout"


def _user_id() -> int:
    """The logged-in user's id, read from the session's identity map: no query, so it also
    works while the answer to a failed request is sent (the database may be gone), and a
    save's committed (expired) user is not loaded again just to be named in a header."""
    if not current_user:
        return 0
    state = inspect(current_user._get_current_object(), raiseerr=False)
    if state is not None and state.identity:
        return int(state.identity[0])  # only a loaded, active user is ever current_user
    if not current_user.is_authenticated:
        return 0
    return int(current_user.id)


def _translated_texts(translations: NullTranslations) -> dict[str, str]:
    # {n}, {when}, {done} ... are filled in by offline.js.
    _ = translations.ugettext  # named _ so that the catalogue's extraction finds the words
    return {
        "online": _("Online"),
        "offline": _("Offline"),
        "waiting": _("Waiting to be sent (%(count)s)") % {"count": "{n}"},
        "attention": _("Needs your attention (%(count)s)") % {"count": "{n}"},
        "lastSync": _("Last sync %(when)s") % {"when": "{when}"},
        "cellPending": _("waiting to be sent"),
        "cellRetrying": _("server error: being retried"),
        "cellConflict": _("conflict: choose a value"),
        "cellRejected": _("not saved: see the queue"),
        "staleCopy": _("Offline copy, last refreshed on %(when)s") % {"when": "{when}"},
        "makeAvailable": _("Make available offline"),
        "availableSince": _("Available offline, refreshed on %(when)s") % {"when": "{when}"},
        "preparing": _("Preparing… %(done)s of %(total)s") % {"done": "{done}",
                                                               "total": "{total}"},
        "prepareFailed": _("Could not fetch %(failed)s of %(total)s pages. Try again with "
                           "network.") % {"failed": "{failed}", "total": "{total}"},
        "needsNetwork": _("This needs a network connection."),
        "sendNow": _("Send now"),
        "sending": _("Sending…"),
        "nothingWaiting": _("Nothing is waiting to be sent."),
        "statePending": _("Waiting to be sent"),
        "stateConflict": _("Conflict: this was changed on another device meanwhile"),
        "stateRejected": _("Refused by the server"),
        "stateLogin": _("Log in again to send your saves."),
        "yourValue": _("Your value"),
        "serverValue": _("Now on the server"),
        "keepMine": _("Keep my value"),
        "keepServer": _("Keep the server's value"),
        "dismiss": _("Dismiss"),
        "recordedAt": _("Recorded %(when)s") % {"when": "{when}"},
        "noReason": _("The server gave no reason (status %(status)s).") % {"status": "{status}"},
        "updateReady": _("A new version of the app is ready."),
        "reload": _("Reload"),
        "logoutUnsent": _("%(count)s saves have not been sent yet. Logging out deletes them from "
                          "this device. Log out anyway?") % {"count": "{n}"},
    }


_TEXTS_ATTRIBUTE = "_teacherapp_offline_texts"


def _texts() -> dict[str, str]:
    """The texts in this request's language, translated once per catalogue and process: every
    page carries them, and 32 gettext calls per page were a fifth of an empty page's time.
    Kept on the catalogue object itself, so they live exactly as long as it does."""
    translations = request_translations()
    texts = getattr(translations, _TEXTS_ATTRIBUTE, None)
    if texts is None:
        texts = _translated_texts(translations)
        setattr(translations, _TEXTS_ATTRIBUTE, texts)
    return texts


@bp.app_context_processor
def _offline_template_globals() -> dict[str, Any]:
    def offline_config() -> dict[str, Any]:
        return {
            "user": _user_id(),
            "sw": url_for("offline.service_worker"),
            "css": url_for("static", filename="css/offline.css"),
            "queue": url_for("offline.index"),
            "token": url_for("offline.csrf_token"),
            "pages": url_for("offline.course_pages", course_id=0),
            "renderedAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "texts": _texts(),
        }

    return {"offline_config": offline_config}


@bp.after_app_request
def _mark_pages_and_wipe_on_logout(response: Response) -> Response:
    if request.endpoint == LOGOUT_ENDPOINT and response.status_code < 400:
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
    elif response.mimetype == "text/html":
        response.headers[USER_HEADER] = str(_user_id())
    return response
