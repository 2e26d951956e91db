"""Translations: Dutch (nl-BE) first, English second.

Each area keeps its own catalogue, `translations/<lang>/LC_MESSAGES/<area>.po`, so that
work in one area never edits another's file. The catalogues are compiled to .mo in the
instance folder when the app starts (fast, and no binary files in the repository).
"""

from __future__ import annotations

import os
import tempfile
from functools import cached_property
from pathlib import Path

import flask_babel
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from flask import Flask, g, has_app_context, request, session

SOURCE_DIR = Path(__file__).parent / "translations"


def catalogue_domains() -> list[str]:
    return sorted({p.stem for p in SOURCE_DIR.glob("*/LC_MESSAGES/*.po")}) or ["messages"]


def compile_catalogues(target_dir: Path) -> None:
    """Compile every .po whose .mo is missing or older; atomic, so workers may race."""
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/*.po"):
        relative = po_path.relative_to(SOURCE_DIR).with_suffix(".mo")
        mo_path = target_dir / relative
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parts[-3])
        fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.replace(tmp_name, mo_path)


# Parsed once: Flask-Babel takes a Locale as it is, while parsing "nl" again on every
# request checks the locale data's file on disk (a stat, about 0.1 ms per request).
_LOCALES = {"nl": Locale.parse("nl"), "en": Locale.parse("en")}


def select_locale() -> Locale:
    chosen = session.get("lang")
    if chosen in _LOCALES:
        return _LOCALES[chosen]
    asked = request.args.get("lang")
    if asked in _LOCALES:
        return _LOCALES[asked]
    return _LOCALES["nl"]


def request_translations() -> NullTranslations:
    """The catalogue of this request's language, looked up once per request.

    Flask-Babel looks the catalogue up again for every string (the domain, the locale and its
    name, through several context-local proxies): about 17 microseconds a string, so the
    roster's ~250 strings cost 4 ms. This keeps it on `g` next to the locale it was chosen
    for; `flask_babel.refresh()` (a language switch mid-request) drops that locale, and the
    next string looks the catalogue up again.
    """
    if not has_app_context():
        return NullTranslations()
    state = g._get_current_object()
    cached = getattr(state, "_request_translations", None)
    if cached is not None and getattr(getattr(state, "_flask_babel", None), "babel_locale",
                                      None) is cached[0]:
        return cached[1]
    return flask_babel.get_translations()


class RequestCachedDomain(flask_babel.Domain):
    """Flask-Babel's domain, remembering the request's catalogue (for gettext in Python and
    lazy strings too, which go through the domain rather than `request_translations`)."""

    def get_translations(self):  # noqa: ANN201 (Flask-Babel's signature)
        if not has_app_context():
            return NullTranslations()
        state = g._get_current_object()
        cached = getattr(state, "_request_translations", None)
        locale = flask_babel.get_locale()
        if cached is not None and cached[0] is locale:
            return cached[1]
        translations = super().get_translations()
        state._request_translations = (locale, translations)
        return translations


class Babel(flask_babel.Babel):
    @cached_property
    def domain_instance(self) -> RequestCachedDomain:
        return RequestCachedDomain(domain=self.domain)


def _install_template_gettext(app: Flask) -> None:
    """Templates translate through `request_translations` (same strings, same catalogue)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )


def init_app(app: Flask) -> None:
    from teacherapp.extensions import babel

    compiled = Path(app.instance_path) / "translations"
    compile_catalogues(compiled)
    domains = catalogue_domains()
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_domain=";".join(domains),
        default_translation_directories=";".join([str(compiled)] * len(domains)),
    )
    _install_template_gettext(app)
