from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class AgentLinkForm(FlaskForm):
    actor_key = HiddenField(validators=[DataRequired(), Length(max=600)])
    pupil = StringField(_l("Pupil (VTS account id or email)"),
                        validators=[DataRequired(_l("Give the pupil's VTS account id or email.")),
                                    Length(max=254, message=_l("At most 254 characters."))],
                        render_kw={"autocomplete": "off"})


class ActivityMapForm(FlaskForm):
    iri = HiddenField(validators=[DataRequired(), Length(max=1000)])
    target = SelectField(_l("Is"), validators=[DataRequired(_l("Choose a content item or a generic test."))])


class ReprojectForm(FlaskForm):
    """Only the CSRF token."""
