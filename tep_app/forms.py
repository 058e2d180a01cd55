"""The one base form (strips whitespace from every text field, keeps every whole number within the
database's integer, refuses a value the input boundary had to cut; CSRF on by default), shared
fields, and the checks of a GET filter's drop-downs and of a text's length."""
from collections.abc import Iterable

from flask import abort
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, ValidationError

from tep_app.inputs import MAX_VALUE_CHARS, cut_values
from tep_app.validation import INT_MAX, Invalid, check_length, real_date

# Every whole-number field holds what the database's integer can.
_WITHIN_DATABASE = NumberRange(min=-INT_MAX - 1, max=INT_MAX, message="Enter a smaller number")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select or radios field."""
    return [SelectChoice(value, label) for value, label in pairs]


def within(most: int, label: str):
    """A field's validator: at most `most` characters, or the one length message naming `label`."""
    def check(_form, field):
        try:
            check_length(field.data or "", label, most)
        except Invalid as refused:
            raise ValidationError(refused.message) from None
    return check


def offered_or_404(*fields: SelectField) -> None:
    """Each drop-down of a GET filter holds one of the choices it offers, or nothing: any other value
    (junk, a number past the database's integer, an id naming no record the drop-down lists) is the
    service's "Page not found", never a list that quietly shows everything."""
    for field in fields:
        sent = str((field.raw_data or [""])[0]).strip()
        if sent and field.data not in {choice.value for choice in field.choices if choice.value is not None}:
            abort(404)


def _label(field) -> str:
    return field.label.text.removesuffix(" (optional)")


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if _strip not in filters:
                unbound_field.kwargs["filters"] = [_strip, *filters]
            validators = unbound_field.kwargs.get("validators") or []
            if issubclass(unbound_field.field_class, IntegerField) and _WITHIN_DATABASE not in validators:
                unbound_field.kwargs["validators"] = [*validators, _WITHIN_DATABASE]
            return unbound_field.bind(form=form, **options)

        def wrap_formdata(self, form, formdata):
            wrapped = super().wrap_formdata(form, formdata)
            form.cut = cut_values(wrapped)
            return wrapped

    cut: dict[str, int]

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then: a value the input boundary cut, and no check refused, is
        refused here, so no text is kept shorter than it was typed."""
        valid = super().validate(extra_validators)
        for field in self:
            length = getattr(self, "cut", {}).get(field.name)
            if length and not field.errors:
                field.errors.append(Invalid("length", label=_label(field), most=MAX_VALUE_CHARS, length=length).message)
                valid = False
        return valid


class GovDateField(Field):
    """A GOV.UK date input (day, month, year): empty is None; a partial or impossible date is an
    error naming what is missing, in the words of the GOV.UK date input pattern."""

    widget = GovDateInput()

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        self.raw_data = (list(valuelist) + ["", "", ""])[:3] if valuelist else None
        parts = [str(v).strip() for v in (valuelist or [])][:3]
        if not any(parts):
            self.data = None
            return
        label = self.label.text.removesuffix(" (optional)")
        named = zip(("a day", "a month", "a year"), parts + [""] * 3, strict=False)
        missing = [name for name, part in named if not part]
        if missing:
            self.data = None
            raise ValueError(f"{label} must include {' and '.join(missing)}")
        self.data = real_date(*parts)  # a year must have four digits; each form checks its own range
        if self.data is None:
            raise ValueError(f"{label} must be a real date")
