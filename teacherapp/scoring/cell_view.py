"""What a score cell shows, worked out once in Python; `_score_cell.html` only lays it out.

The score cell is every save's answer and appears up to 150 times on the grid page. Jinja
pays for each call from a template (a filter, a global function, a gettext, a lazy string
turned into text) far more than for an attribute lookup: rendering the answer took a fifth
of a save's instructions (callgrind), mostly in such calls. So the cell's texts are computed
here in one call, and the fixed words of the cell are translated once per language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import MappingProxyType, SimpleNamespace

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from teacherapp.htmx import is_htmx_request
from teacherapp.rules import Result
from teacherapp.scoring.logic import Block
from teacherapp.scoring.messages import BLOCK_BADGE, RESULT_BADGE, RESULT_TEXT, display_mark


@dataclass(slots=True)
class ScoreCellView:
    cid: str
    url: str
    stored: str
    result_class: str
    result_text: Markup
    block: Block | None
    absence: str | None  # "absent" or "excused" when the stored mark is one
    htmx: bool
    words: SimpleNamespace


def _words_now() -> SimpleNamespace:
    return SimpleNamespace(**{name: escape(text) for name, text in {
        "absent": _("Absent"), "excused": _("Excused absent"), "save": _("Save"),
        "saved": _("Saved"), "not_saved": _("Not saved:"), "history": _("History"),
        "exempt": _("exempt"), "first_sitting": _("1st sitting"), "empty": _("empty"),
        "changed": _("Changed elsewhere meanwhile."), "stored_now": _("Stored now:"),
        "you_typed": _("You typed:"), "keep_mine": _("Keep my value"),
        "keep_stored": _("Keep the server's value"),
    }.items()}, result_text=MappingProxyType({r: escape(str(RESULT_TEXT[r])) for r in Result}),
        block_badge=MappingProxyType({b: escape(str(BLOCK_BADGE[b])) for b in Block}))


@cache
def _words_for(language: str) -> SimpleNamespace:
    """`language` is the cache key: the words are translated with the request's catalogue."""
    return _words_now()


def cell_words() -> SimpleNamespace:
    """The cell's fixed words in the request's language, translated once per language."""
    locale = get_locale()
    return _words_for(str(locale) if locale is not None else "")


def score_cell_view(c) -> ScoreCellView:  # noqa: ANN001 (a ScoreCellContext)
    cell = c.cell
    mark = cell.mark
    absence = mark.absence.value if mark is not None and mark.absence is not None else None
    result = cell.result
    words = cell_words()
    return ScoreCellView(
        cid=f"score-{c.enrolment_id}-{c.subject_id}-{cell.sitting}",
        url=url_for("scoring.score_cell", course_id=c.course_id, enrolment_id=c.enrolment_id,
                    subject_id=c.subject_id, sitting=cell.sitting),
        stored=display_mark(mark.value if mark is not None else None, absence),
        result_class=RESULT_BADGE[result],
        result_text=words.result_text[result],
        block=cell.block,
        absence=absence,
        htmx=is_htmx_request(),
        words=words,
    )


def first_sitting_text(c) -> str:  # noqa: ANN001 (a ScoreCellContext)
    first = c.cell.first_mark
    if first is None:
        return ""
    return display_mark(first.value, first.absence.value if first.absence else None)
