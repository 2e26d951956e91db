"""The roster's search form: a plain GET form, so a filtered roster is a bookmarkable URL."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, SearchField
from wtforms.validators import Length, Optional

from teacherapp.courses.logic import RosterFilter


class RosterSearchForm(Form):
    """Read from the query string; no CSRF, since searching changes nothing."""

    q = SearchField(_l("Search by name or VTS account"),
                    validators=[Optional(), Length(max=100)])
    unpaid = BooleanField(_l("Not paid"))
    unscored = BooleanField(_l("Score missing"))
    unviewed = BooleanField(_l("Not all content viewed"))

    def roster_filter(self) -> RosterFilter:
        # An over-long query is cut rather than refused: a search never fails.
        query = (self.q.data or "").strip()[:100]
        return RosterFilter(query=query, unpaid=bool(self.unpaid.data),
                            unscored=bool(self.unscored.data),
                            not_all_viewed=bool(self.unviewed.data))
