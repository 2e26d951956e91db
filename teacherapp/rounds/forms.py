"""Forms of deliberation rounds and attests."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from teacherapp.models import Decision

_REASON = [DataRequired(_l("Give a reason.")), Length(max=1000, message=_l("At most 1000 characters."))]


class OpenRoundForm(FlaskForm):
    school_year = StringField(_l("School year"), validators=[
        DataRequired(_l("Give the school year.")),
        Regexp(r"^\d{4}-\d{4}$", message=_l("Write the school year as 2026-2027."))])
    trimester = SelectField(_l("Trimester"), choices=[
        SelectChoice("1", _l("Trimester 1")), SelectChoice("2", _l("Trimester 2")),
        SelectChoice("3", _l("Trimester 3"))])


class ConfirmForm(FlaskForm):
    pass


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=_REASON)


DECISION_NAMES = {
    Decision.PASSED: _l("passed"),
    Decision.FAILED: _l("not passed"),
    Decision.INCOMPLETE: _l("not yet complete"),
}


class OverrideForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[
        SelectChoice(d.value, label) for d, label in DECISION_NAMES.items()])
    reason = TextAreaField(_l("Reason"), validators=_REASON)
