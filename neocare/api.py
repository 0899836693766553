"""API plumbing shared by every app: error mapping and strict input fields."""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from neocare.infants.services import IdempotencyConflict


def exception_handler(exc, context):
    """Map service errors to HTTP: field errors → 400, key reuse → 409, oversized body → 413;
    the rest as DRF does."""
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = ValidationError(detail)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("The request body is too large; send fewer records at a time.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, IdempotencyConflict):
        return Response({"idempotency_key": [str(exc)]}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: a typo must not silently drop a clinical value."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = {name: [_("Unknown field.")] for name in sorted(set(data) - writable)}
        try:
            value = super().to_internal_value(data)
        except ValidationError as exc:
            # Report unknown fields beside the other field errors, all in one answer.
            raise ValidationError({**unknown, **exc.detail}) from exc
        if unknown:
            raise ValidationError(unknown)
        return value


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


class AwareDateTimeField(serializers.DateTimeField):
    """A timestamp must carry its UTC offset.

    DRF would read "2026-11-23T08:00:00" as Asia/Shanghai local time; a phone set to another
    zone would then shift a reading by hours, which moves the infant along the hour-specific
    thresholds. We refuse instead of guessing.
    """

    default_error_messages = {
        "naive": gettext_lazy("Include the UTC offset, e.g. 2026-11-23T08:30:00+08:00 or ...Z."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)
