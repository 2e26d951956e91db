"""Forms of the deliberation area: imports, payments, the overview's and the export's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class ImportForm(FlaskForm):
    file = FileField(_l("Pupil list (CSV or Excel .xlsx)"),
                     validators=[FileRequired(_l("Choose a file to import."))],
                     render_kw={"accept": ".csv,.txt,.xlsx,text/csv,application/vnd."
                                          "openxmlformats-officedocument.spreadsheetml.sheet"})


class ConfirmImportForm(FlaskForm):
    signature = HiddenField(validators=[DataRequired()])


PAYMENT_STATES = [
    SelectChoice("unpaid", _l("Not paid")),
    SelectChoice("individual", _l("Paid individually")),
    SelectChoice("school_code", _l("Paid with a school payment code")),
]


class PaymentForm(FlaskForm):
    state = SelectField(_l("Payment"), choices=PAYMENT_STATES)
    code = StringField(_l("Payment code"), validators=[Optional(), Length(max=64)],
                       filters=[lambda v: v.strip() if v else v])

    def validate(self, extra_validators=None) -> bool:
        # Not a field validator: Optional() on the code would stop it before it runs.
        valid = super().validate(extra_validators)
        if valid and self.state.data == "school_code" and not self.code.data:
            self.code.errors = [*self.code.errors, _l("Fill in the school's payment code.")]
            return False
        return valid


class FilterForm(FlaskForm):
    """The year overview's filters: a GET form, so links can be shared and bookmarked."""

    class Meta:
        csrf = False

    school_year = SelectField(_l("School year"), choices=[], validate_choice=False)
    school = SelectField(_l("School"), choices=[], validate_choice=False)
    course_type = SelectField(_l("Course type"), choices=[], validate_choice=False)
    trimester = SelectField(_l("Trimester"), validate_choice=False, choices=[
        SelectChoice("", _l("All trimesters")), SelectChoice("1", _l("Trimester 1")),
        SelectChoice("2", _l("Trimester 2")), SelectChoice("3", _l("Trimester 3"))])


class OverviewForm(FilterForm):
    """The year overview's filters: those of the export, a track and a search."""

    track = SelectField(_l("Track"), validate_choice=False, choices=[
        SelectChoice("", _l("Both tracks")), SelectChoice("1", _l("Track 1")),
        SelectChoice("2", _l("Track 2"))])
    q = StringField(_l("Search school or course"), validators=[Optional(), Length(max=100)],
                    filters=[lambda v: v.strip() if v else v])


class ExportForm(FilterForm):
    sitting = SelectField(_l("Sitting"), validate_choice=False, choices=[
        SelectChoice("", _l("Both sittings")), SelectChoice("1", _l("1st sitting")),
        SelectChoice("2", _l("2nd sitting"))])
    include_unsubmitted = BooleanField(_l("Also scores not submitted yet (marked as such)"))
    file_format = RadioField(_l("File"), default="xlsx", choices=[
        SelectChoice("xlsx", _l("Excel workbook (.xlsx)")), SelectChoice("csv", _l("CSV text file"))])
    layout = RadioField(_l("Sheets (Excel)"), default="long", choices=[
        SelectChoice("long", _l("One long sheet")),
        SelectChoice("per_course", _l("One sheet per course"))])
    delimiter = RadioField(_l("Separator (CSV)"), default="semicolon", choices=[
        SelectChoice("semicolon", _l("Semicolon (Excel in Belgium)")),
        SelectChoice("comma", _l("Comma"))])
