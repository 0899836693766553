"""The parents' page forms. Reading input is checked by the API's own serializer, so the page
and the app refuse exactly the same values (one copy of each rule)."""

import re
import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from neocare.infants.models import Reading
from neocare.infants.serializers import ReadingSerializer
from risk_model.units import Unit

# What a parent can measure; a visual estimate is not a measurement (GLOSSARY.md).
PARENT_METHODS = [
    (Reading.Method.TCB_HOME.value, Reading.Method.TCB_HOME.label),
    (Reading.Method.TCB_CLINIC.value, Reading.Method.TCB_CLINIC.label),
    (Reading.Method.TSB_LAB.value, Reading.Method.TSB_LAB.label),
]
# μmol/L first: China's meters and hospitals report it.
UNITS = [(Unit.UMOL_L.value, "μmol/L"), (Unit.MG_DL.value, "mg/dL")]
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
FORM_KEY = re.compile(r"^web-[0-9a-f]{32}$")


def new_form_key() -> str:
    return f"web-{uuid.uuid4().hex}"


class PhoneForm(forms.Form):
    phone = PhoneNumberField(
        label=_("Mobile phone number"),
        region="CN",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Sign-in code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the six digits of the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "6"}
        ),
    )


class ReadingForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How it was measured"), choices=PARENT_METHODS, initial=PARENT_METHODS[0][0]
    )
    value = forms.DecimalField(
        label=_("Value"),
        max_digits=7,
        decimal_places=2,
        min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    unit = forms.ChoiceField(
        label=_("Unit"), choices=UNITS, initial=Unit.UMOL_L.value, widget=forms.RadioSelect
    )
    measured_at = forms.DateTimeField(
        label=_("Measured at"),
        input_formats=[LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S"],
        # A local time without offset means the city's time (TIME_ZONE, Asia/Shanghai): the
        # page is for Guangzhou's parents and says so beside the field.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    # Made when the form is drawn: the back button or a double tap resends the same key, and
    # the service returns the first reading instead of recording a second.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    @classmethod
    def blank(cls, key: str) -> "ReadingForm":
        now = timezone.localtime().replace(second=0, microsecond=0)
        return cls(initial={"measured_at": now, "idempotency_key": key})

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        checked = ReadingSerializer(
            data={
                "method": cleaned["method"],
                "value": str(cleaned["value"]),
                "unit": cleaned["unit"],
                "measured_at": cleaned["measured_at"].isoformat(),
                "idempotency_key": cleaned["idempotency_key"],
            }
        )
        if not checked.is_valid():
            for field, messages in checked.errors.items():
                target = field if field in self.fields and field != "idempotency_key" else None
                for message in messages if isinstance(messages, list) else [messages]:
                    self.add_error(target, str(message))
        return cleaned
