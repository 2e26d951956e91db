from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from teacherapp.passwords import PasswordPolicyError, check_policy


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        # No format check here: a login only needs to match an account, and a strict
        # validator would lock out a valid address it happens to dislike.
        validators=[DataRequired(_l("Fill in your email address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True, "inputmode": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Fill in your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay logged in on this device"))


POLICY_MESSAGES = {
    "too_short": _l("The password needs at least 12 characters."),
    "too_long": _l("The password may have at most 128 characters."),
    "too_common": _l("This password is too common or too simple; choose another."),
}


def password_policy(form, field) -> None:
    """WTForms validator: the same policy as passwords.hash_password, as a field error."""
    try:
        check_policy(field.data or "")
    except PasswordPolicyError as error:
        raise ValidationError(str(POLICY_MESSAGES[error.code])) from error
