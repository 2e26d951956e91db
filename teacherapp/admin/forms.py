"""Forms of the secretariat's set-up screens. Every message a clerk may see is translated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from teacherapp.admin import logic
from teacherapp.extensions import db
from teacherapp.models import (
    ContentItem,
    ContentKind,
    CourseType,
    RecognitionBasis,
    School,
    Subject,
    SubjectKind,
    User,
)
from teacherapp.passwords import PasswordPolicyError, check_policy
from teacherapp.rules import format_score
from teacherapp.xapi.validation import IRI_PATTERN

SUBJECT_KIND_LABELS = {
    SubjectKind.THEORY: _l("Theory"),
    SubjectKind.PRACTICAL: _l("Practical"),
    SubjectKind.PERMANENT: _l("Permanent evaluation"),
}
CONTENT_KIND_LABELS = {
    ContentKind.ELEARNING: _l("E-learning"),
    ContentKind.COURSE_TEXT: _l("Course text"),
    ContentKind.RUBRIC: _l("Rubric"),
    ContentKind.SLIDES: _l("Slides"),
    ContentKind.VIDEO: _l("Video"),
}
BASIS_LABELS = {
    RecognitionBasis.LO_QUALIFICATION: _l("Physical-education (LO) qualification"),
    RecognitionBasis.VTS_QUALIFICATION: _l("VTS qualification"),
    RecognitionBasis.AUTOMATIC_TRACK2: _l("Automatic (track 2, BK school)"),
}
PASSWORD_POLICY_MESSAGES = {
    "too_short": _l("The password needs at least 12 characters."),
    "too_long": _l("The password may have at most 128 characters."),
    "too_common": _l("This password is too common; choose another."),
}

REQUIRED = _l("This field is required.")


def _required() -> DataRequired:
    return DataRequired(REQUIRED)


def _max(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


def _optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class DecimalCommaField(StringField):
    """A number as Flemish people type it: "7,5" or "7.5"; shown back with a comma."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        render_kw = kwargs.setdefault("render_kw", {})
        render_kw.setdefault("inputmode", "decimal")
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_score(self.data) if isinstance(self.data, Decimal) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        try:
            self.data = logic.parse_decimal(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(_l("Type a number, for example 7,5.")) from None
        if self.data is not None and not logic.has_at_most_two_decimals(self.data):
            self.data = None
            raise ValueError(_l("Use at most two decimals."))


def _not_negative(form: Any, field: Any) -> None:
    if field.data is not None and field.data < 0:
        raise ValidationError(_l("This cannot be negative."))


def _below(limit: int):
    def check(form: Any, field: Any) -> None:
        if field.data is not None and field.data >= limit:
            raise ValidationError(_l("This must be less than %(limit)d.", limit=limit))

    return check


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class _UniqueMixin:
    """Uniqueness checks exclude the row being edited."""

    editing_id: int | None = None

    def _taken(self, column: Any, value: Any, case_insensitive: bool = False) -> bool:
        model = column.class_
        condition = (func.lower(column) == str(value).lower()) if case_insensitive else (column == value)
        query = select(model.id).where(condition)
        if self.editing_id is not None:
            query = query.where(model.id != self.editing_id)
        return db.session.scalar(query.limit(1)) is not None


class SchoolForm(_UniqueMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[_required(), _max(200)])
    city = StringField(_l("City"), validators=[Optional(), _max(100)])
    institution_number = StringField(
        _l("Institution number"),
        validators=[Optional(), _max(20),
                    Regexp(r"^\d+$", message=_l("Use digits only, for example 031179."))],
        description=_l("The Flemish instellingsnummer; unique per school."),
        render_kw={"inputmode": "numeric"},
    )
    has_bk_curriculum = BooleanField(_l("Has the BK curriculum (sport and play leader): may run track 2"))

    def validate_institution_number(self, field: Any) -> None:
        if field.data and self._taken(School.institution_number, field.data.strip()):
            raise ValidationError(_l("Another school already has this institution number."))


class _PasswordChoiceMixin:
    def validate_password(self, field: Any) -> None:
        if self.password_choice.data != "set":  # type: ignore[attr-defined]
            return
        if not field.data:
            raise ValidationError(_l("Type a password, or let the app generate one."))
        try:
            check_policy(field.data)
        except PasswordPolicyError as error:
            raise ValidationError(PASSWORD_POLICY_MESSAGES[error.code]) from error


def _password_fields() -> tuple[RadioField, PasswordField]:
    choice = RadioField(
        _l("Password"),
        choices=[SelectChoice("generate", _l("Generate a password (shown once)")),
                 SelectChoice("set", _l("Type a password"))],
        default="generate",
        validators=[InputRequired(REQUIRED)],
    )
    password = PasswordField(
        _l("New password"), validators=[Optional(strip_whitespace=False), _max(128)],
        description=_l("At least 12 characters."), render_kw={"autocomplete": "new-password"},
    )
    return choice, password


class TeacherForm(_UniqueMixin, _PasswordChoiceMixin, FlaskForm):
    full_name = StringField(_l("Full name"), validators=[_required(), _max(200)])
    email = EmailField(
        _l("Email address"),
        validators=[_required(), _max(254),
                    Email(message=_l("This is not a valid email address."), check_deliverability=False)],
    )
    password_choice, password = _password_fields()

    def validate_email(self, field: Any) -> None:
        if self._taken(User.email, field.data.strip(), case_insensitive=True):
            raise ValidationError(_l("An account with this email address already exists."))


class TeacherEditForm(_UniqueMixin, FlaskForm):
    full_name = StringField(_l("Full name"), validators=[_required(), _max(200)])
    email = EmailField(
        _l("Email address"),
        validators=[_required(), _max(254),
                    Email(message=_l("This is not a valid email address."), check_deliverability=False)],
    )

    def validate_email(self, field: Any) -> None:
        if self._taken(User.email, field.data.strip(), case_insensitive=True):
            raise ValidationError(_l("An account with this email address already exists."))


class PasswordResetForm(_PasswordChoiceMixin, FlaskForm):
    password_choice, password = _password_fields()


class RecognitionForm(FlaskForm):
    course_type_id = SelectField(_l("Course type"), coerce=_optional_int,
                                 validators=[InputRequired(REQUIRED)])
    basis = SelectField(
        _l("Basis"), choices=[SelectChoice(b.value, label) for b, label in BASIS_LABELS.items()],
        validators=[InputRequired(REQUIRED)],
    )
    refresher_training_date = DateField(
        _l("Refresher training (bijscholing) attended on"), validators=[Optional()],
        description=_l("Needed for an LO or VTS qualification; not for track 2."),
    )

    def validate_course_type_id(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(REQUIRED)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        # Here, not in the field's chain: Optional() would stop it when the date is empty.
        date_field = self.refresher_training_date
        if logic.refresher_date_required(self.basis.data or "") and date_field.data is None \
                and not date_field.errors:
            date_field.errors = [*date_field.errors, _l("Fill in when the refresher training was attended.")]
            ok = False
        return ok


class CourseTypeForm(_UniqueMixin, FlaskForm):
    code = StringField(_l("Code"), validators=[_required(), _max(20)],
                       description=_l("Short and unique, for example S2C or HR."))
    name = StringField(_l("Name"), validators=[_required(), _max(120)])
    sport = StringField(_l("Sport"), validators=[Optional(), _max(80)],
                        description=_l("Only for a sport-specific course type."))
    hours = IntegerField(_l("Hours"), validators=[InputRequired(REQUIRED),
                                                  NumberRange(min=0, max=10000, message=_l("Between 0 and 10000."))])
    minimum_age = IntegerField(
        _l("Minimum age"), validators=[InputRequired(REQUIRED),
                                       NumberRange(min=0, max=99, message=_l("Between 0 and 99."))],
        description=_l("The age the pupil turns at least in the calendar year the course starts."),
    )
    fee = DecimalCommaField(_l("Fee (EUR)"), validators=[InputRequired(REQUIRED), _not_negative,
                                                         _below(10000)])
    refresher_group = StringField(
        _l("Refresher training group"), validators=[_required(), _max(20)],
        description=_l("Course types that share a refresher training share this group (MM and C4S)."),
    )
    has_internship = BooleanField(_l("Includes an internship"))
    generic_test_iri = StringField(
        _l("xAPI activity id of the generic competence test"), validators=[Optional(), _max(1000)],
        description=_l("Passed and failed statements about this activity become the pupil's test result."))

    def validate_generic_test_iri(self, field: Any) -> None:
        iri = (field.data or "").strip()
        if iri and not IRI_PATTERN.match(iri):
            raise ValidationError(_l("Give a full IRI, for example https://connect.vts.be/content/s2c-el-01."))
    admission_requirement = TextAreaField(
        _l("Sport-technical admission requirements (TVW)"), validators=[Optional(), _max(300)],
        description=_l("Initiator: what a pupil must meet before being scored, for example "
                       "a swimming test. Empty: none."))

    def validate_code(self, field: Any) -> None:
        if self._taken(CourseType.code, field.data.strip(), case_insensitive=True):
            raise ValidationError(_l("Another course type already has this code."))


class CourseForm(FlaskForm):
    course_type_id = SelectField(_l("Course type"), coerce=_optional_int,
                                 validators=[InputRequired(REQUIRED)])
    school_id = SelectField(_l("School"), coerce=_optional_int, validators=[InputRequired(REQUIRED)])
    school_year = StringField(_l("School year"), validators=[_required()],
                              description=_l("For example 2026-2027."))
    track = RadioField(_l("Track"), coerce=int,
                       choices=[SelectChoice(1, _l("Track 1")), SelectChoice(2, _l("Track 2 (BK school)"))],
                       validators=[InputRequired(REQUIRED)], default=1)
    start_date = DateField(_l("Start date"), validators=[InputRequired(REQUIRED)])
    group_name = StringField(_l("Group"), validators=[Optional(), _max(80)],
                             description=_l("For example 6 Sportwetenschappen."))

    def validate_course_type_id(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(REQUIRED)

    def validate_school_id(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(REQUIRED)

    def validate_school_year(self, field: Any) -> None:
        if not logic.is_valid_school_year(field.data):
            raise ValidationError(_l("Write the school year as 2026-2027."))

    def validate_start_date(self, field: Any) -> None:
        year = (self.school_year.data or "").strip()
        if field.data and logic.is_valid_school_year(year) and not \
                logic.start_date_fits_school_year(field.data, year):
            raise ValidationError(_l("The start date must fall in school year %(year)s "
                                     "(1 September to 31 August).", year=year))


class TeacherLinkForm(FlaskForm):
    # An id the database's integer column can hold: a larger one is simply not a teacher.
    teacher_id = IntegerField(validators=[InputRequired(REQUIRED), NumberRange(1, 2**31 - 1)])


class CopySubjectsForm(FlaskForm):
    source_id = SelectField(_l("Copy from"), coerce=_optional_int, validators=[InputRequired(REQUIRED)])

    def validate_source_id(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(REQUIRED)


_TRIMESTERS = [SelectChoice("", _l("From the date")), SelectChoice("1", _l("Trimester 1")),
               SelectChoice("2", _l("Trimester 2")), SelectChoice("3", _l("Trimester 3"))]


class ExamMomentsForm(FlaskForm):
    """The exam moment of each sitting: the secretariat's subject form and the school
    coordinator's planning form share these fields and their checks.

    `school_year` and `today`, when set, refuse a date outside the course's school year or a
    date in the past (a moment already planned may keep its date); `planned` holds those dates.
    """

    first_date = DateField(_l("1st sitting: exam date"), validators=[Optional()])
    first_trimester = SelectField(_l("1st sitting: trimester"), choices=_TRIMESTERS,
                                  coerce=_optional_int, validators=[Optional()])
    first_time = TimeField(_l("1st sitting: time"), validators=[Optional()])
    first_place = StringField(_l("1st sitting: place"), validators=[Optional(), _max(200)])
    second_date = DateField(_l("2nd sitting: exam date"), validators=[Optional()])
    second_trimester = SelectField(_l("2nd sitting: trimester"), choices=_TRIMESTERS,
                                   coerce=_optional_int, validators=[Optional()])
    second_time = TimeField(_l("2nd sitting: time"), validators=[Optional()])
    second_place = StringField(_l("2nd sitting: place"), validators=[Optional(), _max(200)])

    school_year: str | None = None
    today: date | None = None
    planned: dict[int, date] | None = None

    def _check_day(self, sitting: int, day: date | None) -> None:
        if day is None or self.school_year is None or self.today is None:
            return
        problem = logic.exam_moment_problem(day, self.school_year, self.today,
                                            already_planned=(self.planned or {}).get(sitting) == day)
        if problem is logic.MomentProblem.IN_THE_PAST:
            raise ValidationError(_l("This date is in the past."))
        if problem is logic.MomentProblem.OUTSIDE_SCHOOL_YEAR:
            raise ValidationError(_l("This date is outside the course's school year %(year)s "
                                     "(1 September to 31 August).", year=self.school_year))

    def validate_first_date(self, field: Any) -> None:
        self._check_day(1, field.data)

    def validate_first_trimester(self, field: Any) -> None:
        if field.data is not None and self.first_date.data is None:
            raise ValidationError(_l("Fill in the exam date too."))

    def validate_second_trimester(self, field: Any) -> None:
        if field.data is not None and self.second_date.data is None:
            raise ValidationError(_l("Fill in the exam date too."))

    def validate_second_date(self, field: Any) -> None:
        first = self.first_date.data
        if field.data is not None and first is not None and field.data <= first:
            raise ValidationError(_l("The 2nd sitting comes after the 1st sitting."))
        self._check_day(2, field.data)


class SubjectForm(ExamMomentsForm):
    name = StringField(_l("Name"), validators=[_required(), _max(120)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, label) for k, label in SUBJECT_KIND_LABELS.items()],
                       validators=[InputRequired(REQUIRED)])
    maximum = DecimalCommaField(_l("Maximum"), validators=[InputRequired(REQUIRED), _below(10000)])
    pass_mark = DecimalCommaField(_l("Pass mark"), validators=[InputRequired(REQUIRED), _not_negative])
    position = IntegerField(_l("Position"), validators=[Optional(),
                                                        NumberRange(min=0, max=999, message=_l("Between 0 and 999."))],
                            description=_l("Subjects are shown in this order; empty puts it last."))
    rubric_id = SelectField(_l("Rubric"), coerce=_optional_int, validators=[Optional()],
                            description=_l("Optional: a rubric of the same course type suggests the score."))

    course_id: int | None = None
    editing_id: int | None = None

    def validate_maximum(self, field: Any) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("The maximum must be more than 0."))

    def validate_pass_mark(self, field: Any) -> None:
        maximum = self.maximum.data
        if field.data is not None and maximum is not None and maximum > 0 and \
                not logic.pass_mark_fits(field.data, maximum):
            raise ValidationError(_l("The pass mark cannot be higher than the maximum."))

    def validate_name(self, field: Any) -> None:
        query = select(Subject.id).where(Subject.course_id == self.course_id,
                                         func.lower(Subject.name) == field.data.strip().lower())
        if self.editing_id is not None:
            query = query.where(Subject.id != self.editing_id)
        if db.session.scalar(query.limit(1)) is not None:
            raise ValidationError(_l("This course already has a subject with this name."))


class RubricForm(FlaskForm):
    course_type_id = SelectField(_l("Course type"), coerce=_optional_int,
                                 validators=[InputRequired(REQUIRED)])
    name = StringField(_l("Name"), validators=[_required(), _max(200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), _max(2000)])

    def validate_course_type_id(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(REQUIRED)


class CriterionForm(FlaskForm):
    name = StringField(_l("Skill (criterion)"), validators=[_required(), _max(200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), _max(2000)])


class LevelForm(FlaskForm):
    label = StringField(_l("Level"), validators=[_required(), _max(80)],
                        description=_l("For example: not yet, almost, good, excellent."))
    descriptor = TextAreaField(_l("Descriptor"), validators=[Optional(), _max(2000)],
                               description=_l("What a pupil shows at this level."))
    points = DecimalCommaField(_l("Points"), validators=[InputRequired(REQUIRED), _not_negative,
                                                         _below(10000)])
    rank = IntegerField(_l("Rank"), validators=[Optional(),
                                                NumberRange(min=1, max=99, message=_l("Between 1 and 99."))],
                        description=_l("1 is the lowest level; empty adds it above the others."))


class ContentItemForm(_UniqueMixin, FlaskForm):
    course_type_id = SelectField(_l("Course type"), coerce=_optional_int,
                                 validators=[InputRequired(REQUIRED)])
    title = StringField(_l("Title"), validators=[_required(), _max(200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, label) for k, label in CONTENT_KIND_LABELS.items()],
                       validators=[InputRequired(REQUIRED)])
    external_id = StringField(_l("External id (VTS Connect)"), validators=[_required(), _max(120)],
                              description=_l("The id the content platform uses; unique."))
    activity_iri = StringField(_l("xAPI activity id (IRI)"), validators=[Optional(), _max(1000)],
                               description=_l("The object id of the platform's xAPI statements about "
                                              "this item, exactly, query string included."))
    position = IntegerField(_l("Position"), validators=[Optional(),
                                                        NumberRange(min=0, max=999, message=_l("Between 0 and 999."))])

    def validate_activity_iri(self, field: Any) -> None:
        iri = (field.data or "").strip()
        if iri and not IRI_PATTERN.match(iri):
            raise ValidationError(_l("Give a full IRI, for example https://connect.vts.be/content/s2c-el-01."))
        if iri and self._taken(ContentItem.activity_iri, iri):
            raise ValidationError(_l("Another content item already has this activity id."))

    def validate_course_type_id(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(REQUIRED)

    def validate_external_id(self, field: Any) -> None:
        if self._taken(ContentItem.external_id, field.data.strip()):
            raise ValidationError(_l("Another content item already has this external id."))


# ---------------------------------------------------------------- choices from the database


CHOOSE = SelectChoice("", _l("Choose…"))


def course_type_choices() -> list[SelectChoice]:
    """"Choose…", then every course type; [1:] for a list's filter."""
    rows = db.session.execute(select(CourseType.id, CourseType.code, CourseType.name)
                              .order_by(CourseType.code)).all()
    return [CHOOSE] + [SelectChoice(row.id, f"{row.code} – {row.name}") for row in rows]


def school_choices() -> list[SelectChoice]:
    rows = db.session.execute(select(School.id, School.name, School.city).order_by(School.name)).all()
    return [CHOOSE] + [
        SelectChoice(row.id, f"{row.name} ({row.city})" if row.city else row.name) for row in rows]


# ---------------------------------------------------------------- the regulation, per enrolment

_GRADES = [SelectChoice("", _l("Unknown"))] + [
    SelectChoice(str(n), _l("Year %(n)s", n=n)) for n in range(1, 8)]
_SEMESTERS = [SelectChoice("", _l("Unknown")), SelectChoice("1", _l("1st semester")),
              SelectChoice("2", _l("2nd semester"))]
_MET = [SelectChoice("", _l("Not recorded")), SelectChoice("yes", _l("Met")),
        SelectChoice("no", _l("Not met"))]


class EnrolmentFactsForm(FlaskForm):
    """What the school and the secretariat record about one enrolment."""

    school_grade = SelectField(_l("School year (leerjaar)"), choices=_GRADES,
                               coerce=_optional_int, validators=[Optional()])
    school_semester = SelectField(_l("Semester"), choices=_SEMESTERS, coerce=_optional_int,
                                  validators=[Optional()])
    admission_requirement_met = SelectField(
        _l("Sport-technical admission requirements"), choices=_MET, validators=[Optional()],
        default="")
    curriculum_completed_on = DateField(
        _l("BK curriculum completed on"), validators=[Optional()],
        description=_l("Track 2 and phasing out: the day the pupil finished the BK curriculum "
                       "(graduated from the 6th year)."))


class GenericTestForm(FlaskForm):
    """One result of the generic competence test, taken online in VTS Connect."""

    taken_on = DateField(_l("Taken on"), validators=[InputRequired(REQUIRED)])
    passed = RadioField(_l("Result"), choices=[SelectChoice("yes", _l("Passed")),
                                               SelectChoice("no", _l("Not passed"))],
                        validators=[InputRequired(REQUIRED)])
    score = DecimalCommaField(_l("Score (optional)"), validators=[Optional(), _not_negative,
                                                                  _below(10000)])


class JustificationForm(FlaskForm):
    justification_under_ten = TextAreaField(
        _l("Justification for fewer than 10 pupils"),
        validators=[Optional(), _max(1000)],
        description=_l("Track 1 asks at least 10 pupils per course; fewer needs an extra "
                       "justification. Leave empty to remove it."))
