"""Forms of the invitations: inviting, setting the password, adding an existing member."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from teacherapp.auth.forms import password_policy
from teacherapp.models import Role

REQUIRED = _l("This field is required.")
ROLE_LABELS = {
    Role.SCHOOL_COORDINATOR: _l("school coordinator"),
    Role.TEACHER: _l("teacher"),
}


def _email_field() -> EmailField:
    return EmailField(
        _l("Email address"),
        validators=[DataRequired(REQUIRED), Length(max=254),
                    Email(message=_l("This is not a valid email address."),
                          check_deliverability=False)],
        render_kw={"autocomplete": "off", "inputmode": "email"})


class InviteForm(FlaskForm):
    """The secretariat invites a school's coordinator."""

    email = _email_field()
    full_name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=200)],
                            render_kw={"autocomplete": "off"})


class TeacherInviteForm(InviteForm):
    """A coordinator invites a teacher to one of her schools (the choices are hers)."""

    school_id = SelectField(_l("School"), coerce=int, validators=[InputRequired(REQUIRED)])


class AcceptForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED), password_policy],
        description=_l("At least 12 characters."), render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("New password, once more"),
        validators=[DataRequired(REQUIRED),
                    EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})


class MemberAddForm(FlaskForm):
    """The secretariat puts an existing account on a school."""

    email = _email_field()
    kind = RadioField(_l("As"), default="coordinator", validators=[InputRequired(REQUIRED)],
                      choices=[SelectChoice("coordinator", _l("School coordinator")),
                               SelectChoice("staff", _l("Teacher on the school's staff"))])
