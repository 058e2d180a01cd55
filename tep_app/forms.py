"""The one base form (strips whitespace from every text field, keeps every whole number within the
database's integer; CSRF on by default) and shared fields."""
from collections.abc import Iterable

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field, IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from tep_app.validation import INT_MAX, real_date

# Every whole-number field holds what the database's integer can.
_WITHIN_DATABASE = NumberRange(min=-INT_MAX - 1, max=INT_MAX, message="Enter a smaller number")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select or radios field."""
    return [SelectChoice(value, label) for value, label in pairs]


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
