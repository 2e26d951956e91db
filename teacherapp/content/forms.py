from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class ViewFileForm(FlaskForm):
    # The file type is checked by reading it (tabular.read_table), not by a validator here,
    # so the user gets one message that says what we accept.
    file = FileField(_l("Export file (CSV or XLSX)"),
                     validators=[FileRequired(_l("Choose a file to upload."))],
                     render_kw={"accept": ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


class IntegrationForm(FlaskForm):
    name = StringField(
        _l("Name of the integration"),
        validators=[DataRequired(_l("Give the integration a name.")),
                    Length(max=120, message=_l("At most 120 characters."))],
        render_kw={"autocomplete": "off", "placeholder": "VTS Connect"},
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token: confirming, cancelling and revoking carry no other input."""
