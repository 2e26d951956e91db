"""Flask-WTF's CSRF check, without verifying the same token again on every save.

For every POST, Flask-WTF's `validate_csrf` builds an itsdangerous serializer, derives its key
and checks the token's HMAC: about 0.25 M of a save's 5.67 M instructions (callgrind, 300
saves on PostgreSQL). The token a page carries stays the same
for the whole session: it signs the session's own `csrf_token` value, and this app sets no time
limit (`WTF_CSRF_TIME_LIMIT = None`). So a teacher's saves send the same token, request after
request, just as they send the same session cookie (teacherapp.auth.cookie_session).

This process therefore remembers each (token, session value) pair that Flask-WTF verified
under the current secret, and accepts that exact pair again without the HMAC. The same bytes
under the same key always verify the same way, so nothing is accepted that Flask-WTF would
refuse. Everything else stays Flask-WTF's: which requests are checked (methods, exemptions,
WTF_CSRF_ENABLED), where the token is looked for, the error answers, and the referrer check
over HTTPS, which runs on every request as before. A pair not seen before, or any time limit
configured, goes through Flask-WTF's own check.
"""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, same_origin

_EXTENSION = "teacherapp.csrf_verified"
_LIMIT = 4096  # pairs a process remembers; then it starts afresh


class RememberingCSRFProtect(CSRFProtect):
    def protect(self, apply_exemptions: bool = False) -> None:
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return  # as Flask-WTF's own check ends for a GET, here before its exemption lookups
        pair = self._pair()
        if pair is None:
            super().protect(apply_exemptions=apply_exemptions)
            return
        verified = self._verified()
        if pair in verified:
            if apply_exemptions and (not request.endpoint or self._is_exempt()):
                return  # as Flask-WTF skips an exempt view, before looking at the token
            self._check_referrer()
            g.csrf_valid = True
            return
        super().protect(apply_exemptions=apply_exemptions)
        if g.get("csrf_valid"):
            if len(verified) >= _LIMIT:
                verified.clear()
            verified.add(pair)

    def _pair(self) -> tuple[str, str] | None:
        """The token sent and the session value it must sign, when a remembered check may apply."""
        config = current_app.config
        if config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
            return None  # a token that expires must be checked each time
        stored = session.get(config["WTF_CSRF_FIELD_NAME"])
        token = self._get_csrf_token() if stored else None
        if not token or not isinstance(token, str) or not isinstance(stored, str):
            return None
        return token, stored

    def _verified(self) -> set[tuple[str, str]]:
        """This app's remembered pairs; a new secret (or field name) forgets them all."""
        config = current_app.config
        key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key,
               config["WTF_CSRF_FIELD_NAME"])
        state = current_app.extensions.get(_EXTENSION)
        if state is None or state[0] != key:
            state = (key, set())
            current_app.extensions[_EXTENSION] = state
        return state[1]

    def _check_referrer(self) -> None:
        """Flask-WTF's referrer check over HTTPS, as its `protect` runs it after the token."""
        if not (request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]):
            return
        if not request.referrer:
            self._error_response("The referrer header is missing.")
        if not same_origin(request.referrer, f"https://{request.host}/"):
            self._error_response("The referrer does not match the host.")
