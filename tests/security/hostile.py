"""Hostile strings for names, notes and reasons, and a check that a page rendered them inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import strategies as st

# {m} is replaced by a unique marker ("zqmark..."), so a finding names the string that caused it;
# the marker is long enough that no random token (a CSRF token, a hash) contains it by chance.
PAYLOADS = [
    '<script>alert("{m}")</script>',
    '"><script>{m}</script>',
    "'><img src=x onerror=alert('{m}')>",
    '" onmouseover="alert(\'{m}\')',
    "' onfocus='{m}' autofocus='",
    '<a href="javascript:alert(\'{m}\')">klik</a>',
    '<div hx-get="/{m}" hx-trigger="load" hx-target="body">',
    '" hx-post="/{m}" hx-trigger="load',
    "' hx-delete='/{m}' hx-trigger='load",
    '<button hx-on:click="alert(\'{m}\')">x</button>',
    '<svg onload=alert("{m}")>',
    '</textarea><script>{m}</script>',
    '</title><script>{m}</script>',
    '<style>body{{background:url("//{m}")}}</style>',
    '<iframe src="//evil.example/{m}"></iframe>',
    '<meta http-equiv="refresh" content="0;url=//{m}">',
    '<base href="//{m}/">',
    '{{{{ 7*7 }}}}{m}{{% raw %}}',
    '&lt;script&gt;{m}&lt;/script&gt;',
    '<img src="x" srcdoc="{m}">',
    "javascript:alert('{m}')",
    '<form action="//{m}"><input name=csrf_token></form>',
    '<details open ontoggle=alert("{m}")>',
    '<!--{m}--><script>',
    '<math><mtext><table><mglyph><style><img src=x onerror={m}>',
]

# No NUL (PostgreSQL text refuses it) and no lone surrogates (not valid UTF-8).
_noise = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                 max_size=12)


@st.composite
def hostile_strings(draw, count: int) -> list[str]:
    """`count` distinct hostile strings: a payload wrapped in random unicode noise."""
    strings = []
    for i in range(count):
        payload = draw(st.sampled_from(PAYLOADS))
        marker = f"zqmark{i}x{draw(st.integers(0, 9999))}"
        strings.append(draw(_noise) + payload.format(m=marker) + draw(_noise))
    return strings


_DANGEROUS_TAGS = {"script", "style", "iframe", "frame", "object", "embed", "svg", "math",
                   "meta", "base", "link", "img", "video", "audio", "source", "details"}
_URL_ATTRS = {"href", "src", "action", "formaction", "srcdoc", "data", "xlink:href"}


class _InertChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.open_raw: str | None = None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag in ("script", "style"):
            self.open_raw = tag

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == self.open_raw:
            self.open_raw = None

    def handle_comment(self, data):
        if "zqmark" in data:
            self.findings.append(f"text inside a comment: {data[:80]!r}")

    def handle_data(self, data):
        if self.open_raw and "zqmark" in data:
            self.findings.append(f"text inside <{self.open_raw}>: {data[:80]!r}")

    def _check(self, tag, attrs):
        if "zqmark" in tag:
            self.findings.append(f"injected tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if "zqmark" in name:
                self.findings.append(f"injected attribute {name} on <{tag}>")
            elif name.startswith("on") and "zqmark" in value:
                self.findings.append(f"event handler {name}={value[:60]!r} on <{tag}>")
            elif (name.startswith("hx-") or name.startswith("data-hx")) and (
                    value.startswith("/zqmark") or "'zqmark" in value or '"zqmark' in value
                    or value.startswith("alert")):
                self.findings.append(f"htmx attribute {name}={value[:60]!r} on <{tag}>")
            elif name in _URL_ATTRS and (value.strip().lower().startswith("javascript:")
                                         or ("zqmark" in value and "?" not in value)):
                self.findings.append(f"URL {name}={value[:60]!r} on <{tag}>")
            elif tag in _DANGEROUS_TAGS and "zqmark" in value:
                self.findings.append(f"<{tag} {name}={value[:60]!r}>")
            elif name == "style" and "zqmark" in value:
                self.findings.append(f"style={value[:60]!r} on <{tag}>")


def injection_findings(html: str) -> list[str]:
    """What a page lets through of the hostile strings (empty list: everything inert)."""
    checker = _InertChecker()
    checker.feed(html)
    checker.close()
    if checker.open_raw and "zqmark" in checker.rawdata:  # an unclosed <script> or <style>
        checker.findings.append(f"text inside an unclosed <{checker.open_raw}>")
    if re.search(r"49zqmark\d", html):
        checker.findings.append("a template expression was evaluated")
    return checker.findings


# Where a `next` or `back` value could send the browser, or how it could break a header:
# every redirect target is fuzzed with these (tests/security/test_bad_input.py).
REDIRECT_TARGETS = [
    "/x\r\nSet-Cookie: a=b", "/x\rLocation: //evil.example", "/\n/evil.example",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "//evil.example",
    "///evil.example", "/\t/evil.example", "/x\x7f", "/x\x85", "https://evil.example/",
    "http:/evil.example", "javascript:alert(1)", "evil.example", " /x", "", "/" + "a" * 3000,
]

# Control characters, alone and inside text, for every field.
CONTROL_STRINGS = ["\r\n", "a\rb", "a\nb", "\t", "a\x01b", "\x1b[31m", "\x7f", "\x85", "\u2028"]


def deep_json(depth: int) -> bytes:
    """A JSON batch nested `depth` arrays deep: deeper than Python's parser recurses."""
    return b'{"events": ' + b"[" * depth + b"]" * depth + b"}"
