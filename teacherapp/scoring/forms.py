"""Forms of the scoring area that are more than one cell: submit, reopen, exemption."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length

from teacherapp.models import ExemptionKind


class SubmitForm(FlaskForm):
    """Only the CSRF token: submitting needs no input, the check page shows what is sent."""


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for reopening (the teacher sees it)"),
        validators=[DataRequired(_l("Give a reason: the teacher sees why the scores were reopened.")),
                    Length(max=1000, message=_l("At most 1000 characters."))],
    )


class ExemptionForm(FlaskForm):
    kind = RadioField(
        _l("Kind"),
        choices=[SelectChoice(ExemptionKind.EXEMPTION.value, _l("Exempt for this subject")),
                 SelectChoice(ExemptionKind.REPEATER_KEPT.value, _l("Repeater (bisser) keeping an earlier pass"))],
        default=ExemptionKind.EXEMPTION.value,
        validators=[DataRequired(_l("Choose the kind of exemption."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give a reason for the exemption.")),
                    Length(max=500, message=_l("At most 500 characters."))],
    )


class RemoveExemptionForm(FlaskForm):
    """Only the CSRF token."""
