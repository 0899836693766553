"""The parents' page forms. Reading input is checked by the API's own serializer, so the page
and the app refuse exactly the same values (one copy of each rule)."""

import re
import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from neocare.infants.models import OBSERVED_SIGNS, STOOL_CARD_NUMBERS, Observation, Reading
from neocare.infants.serializers import ObservationSerializer, ReadingSerializer
from neocare.photos.models import Photo
from neocare.photos.serializers import PhotoUploadSerializer
from neocare.questions.models import QUESTION_MAX_CHARS
from risk_model.guideline import REPORTED_SIGNS
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


def _local_time(label) -> forms.DateTimeField:
    # A local time without offset means the city's time (TIME_ZONE, Asia/Shanghai): the page
    # is for Guangzhou's parents and says so beside the field.
    return forms.DateTimeField(
        label=label,
        input_formats=[LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )


class KeyedForm(forms.Form):
    """A form that records something once. Its key is made when the form is drawn and travels
    in the page's address: the back button or a double tap resends the same key, and the
    service returns the first record instead of a second (parents_web.views._keyed_form)."""

    idempotency_key = forms.RegexField(regex=FORM_KEY, widget=forms.HiddenInput)
    # The time field that defaults to now, if any.
    now_field: str | None = None

    @classmethod
    def blank(cls, key: str) -> "KeyedForm":
        initial = {"idempotency_key": key}
        if cls.now_field:
            initial[cls.now_field] = timezone.localtime().replace(second=0, microsecond=0)
        return cls(initial=initial)


class ReadingForm(KeyedForm):
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
    measured_at = _local_time(_("Measured at"))
    now_field = "measured_at"

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
        _copy_errors(self, checked)
        return cleaned


class QuestionForm(KeyedForm):
    text = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your question.")},
    )


# Without a script the page cannot let a parent mark the card, so the page asks for a photo in
# which the card fills the frame, and says so (the quality gate refuses one where it does not).
WHOLE_FRAME = {"x": 0.0, "y": 0.0, "w": 1.0, "h": 1.0}


class PhotoForm(KeyedForm):
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        error_messages={"required": _("Choose or take a photo.")},
    )
    body_site = forms.ChoiceField(
        label=_("Where the card lies"),
        choices=[
            (Photo.BodySite.FOREHEAD, Photo.BodySite.FOREHEAD.label),
            (Photo.BodySite.STERNUM, Photo.BodySite.STERNUM.label),
        ],
        initial=Photo.BodySite.FOREHEAD,
        widget=forms.RadioSelect,
    )
    taken_at = _local_time(_("Taken at"))
    now_field = "taken_at"

    def clean(self):
        """The API's own checks (size, time, key), so both doors refuse the same photos."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        checked = PhotoUploadSerializer(
            data={
                "image": cleaned["image"],
                "taken_at": cleaned["taken_at"].isoformat(),
                "body_site": cleaned["body_site"],
                "card_rect": WHOLE_FRAME,
                "idempotency_key": cleaned["idempotency_key"],
            }
        )
        _copy_errors(self, checked)
        return cleaned


# What a parent may tick: DOMAIN.md's danger signs and the programme's (seizures, blue colour).
SIGNS = REPORTED_SIGNS


class ObservationForm(KeyedForm):
    """What the parents see: the stool colour card's number, a weight, danger signs. A ticked
    sign is reported; an unticked one says nothing (it does not clear an earlier report)."""

    stool_card_number = forms.TypedChoiceField(
        label=_("Stool colour card: the number closest to today's stool"),
        choices=[("", _("not checked"))] + [(n, str(n)) for n in STOOL_CARD_NUMBERS],
        coerce=int,
        empty_value=None,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
    dark_urine = forms.BooleanField(
        label=Observation._meta.get_field("dark_urine").verbose_name, required=False
    )
    weight_g = forms.IntegerField(
        label=_("Weight (g), if weighed"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    observed_at = _local_time(_("Seen at"))
    now_field = "observed_at"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for sign in SIGNS:
            self.fields[sign] = forms.BooleanField(
                label=Observation._meta.get_field(sign).verbose_name, required=False
            )

    def signs(self):
        return [self[sign] for sign in SIGNS]

    def values(self) -> dict:
        """What was reported, as the API's fields (unticked signs left out)."""
        data = self.cleaned_data
        values = {sign: True for sign in OBSERVED_SIGNS if data.get(sign)}
        for name in ("stool_card_number", "weight_g"):
            if data.get(name) is not None:
                values[name] = data[name]
        return values

    def clean(self):
        """The API's own checks (ranges, "at least one"), so both doors refuse the same."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        checked = ObservationSerializer(
            data={
                **self.values(),
                "observed_at": cleaned["observed_at"].isoformat(),
                "idempotency_key": cleaned["idempotency_key"],
            }
        )
        _copy_errors(self, checked)
        return cleaned


def _copy_errors(form: forms.Form, checked) -> None:
    """The API serializer's refusals onto the page's fields (the rest above the form)."""
    if checked.is_valid():
        return
    for field, messages in checked.errors.items():
        target = field if field in form.fields and field != "idempotency_key" else None
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target, str(message))
