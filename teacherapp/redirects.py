"""Where a `next` or `back` value may send the browser: a path on this site, nothing else.

Every redirect or Back link built from a value the request carries goes through
`safe_next_url`, so an attacker's link cannot send a teacher off-site after a login, a save
or an exemption, and a value with a line break cannot break the response's headers.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_LENGTH = 2048
# C0 and C1 control characters and DEL: browsers drop tabs and line breaks from URLs, so
# "/\t/evil.example" would become "//evil.example"; in a Location header they are refused.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def is_safe_path(value: object) -> bool:
    """A same-origin path: starts with one "/", no backslash, no control character, no
    scheme or host, at most MAX_LENGTH characters."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        return False
    if not value.startswith("/") or value.startswith("//"):
        return False
    # Browsers read "\" as "/": "/\evil.example" is "//evil.example", another host.
    if "\\" in value or _CONTROL.search(value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def safe_next_url(value: object, default: str) -> str:
    """`value` when it is a path on this site (see is_safe_path); otherwise `default`."""
    return value if is_safe_path(value) else default  # type: ignore[return-value]
