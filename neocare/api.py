"""API plumbing shared by every app: error mapping, a bounded JSON parser and strict input
fields."""

import json
from datetime import datetime, timedelta

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from neocare.infants.services import IdempotencyConflict


def exception_handler(exc, context):
    """Map service errors to HTTP: field errors → 400, key reuse → 409, oversized body → 413;
    the rest as DRF does."""
    # Not at the top: DRF's settings name classes of this module, and importing its views
    # first would resolve those settings while this module is half loaded (a process whose
    # first DRF step is a system check, e.g. celery beat, would fail to start).
    from rest_framework.views import exception_handler as drf_exception_handler

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


# --- Django's own error pages, in the API's shape under /api/ (handler404/handler500) ---------
def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception):
    """A URL no route matches (e.g. an id that is not a UUID): JSON under /api/, as DRF's 404."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _("Server error; please try again later.")}, status=500)
    return defaults.server_error(request)


class Pagination(PageNumberPagination):
    """DRF's page numbers, except that `?page=` with no number is an invalid page (404), as
    `?page=abc` is, rather than quietly the first page."""

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param)
        if number is None:
            return 1
        return "last" if number in self.last_page_strings else number


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo must not silently drop a clinical value), and a
    number or boolean where text is expected (DRF would turn 0 into "0")."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = {name: [_("Unknown field.")] for name in sorted(set(data) - writable)}
            unknown.update(
                {
                    name: [_("Not a valid string.")]
                    for name, field in self.fields.items()
                    if isinstance(field, serializers.CharField)
                    and not field.read_only
                    and data.get(name) is not None
                    and not isinstance(data.get(name), str)
                }
            )
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


class OptionalChoiceField(serializers.ChoiceField):
    """A choice not made yet: stored as "" (a blank CharField), answered as null, never as an
    empty string outside the enum."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


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
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well-formed but impossible, e.g. 12:99: DRF says "invalid"
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
            problem = offset_problem(parsed)
            if problem:
                raise ValidationError(problem)
        return super().to_internal_value(value)


# --- Bounded JSON (issue #13: deeply nested JSON made Python's parser overflow: a 500) --------
def json_depth_exceeded(value, limit: int) -> bool:
    """Whether a parsed JSON value nests deeper than `limit` (arrays and objects)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def loads_bounded(text: str | bytes):
    """`json.loads` that refuses nesting beyond JSON_MAX_DEPTH with a ValueError, however deep
    (Python's own parser raises RecursionError near 1,000 levels)."""
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc
    if json_depth_exceeded(value, settings.JSON_MAX_DEPTH):
        raise ValueError("nested too deeply")
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a depth limit: a clear 400, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_too_deep()) from exc
        if json_depth_exceeded(data, settings.JSON_MAX_DEPTH):
            raise ParseError(_too_deep())
        return data


def _too_deep() -> str:
    return _("JSON nested more than %(depth)d levels deep.") % {"depth": settings.JSON_MAX_DEPTH}


# --- UTC offsets (PostgreSQL refuses beyond ±15:59; real zones span −12:00 … +14:00) ------------
MAX_UTC_OFFSET = timedelta(hours=14)


def offset_problem(value: datetime | None) -> str | None:
    offset = None if value is None else value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return _("The UTC offset must lie between -14:00 and +14:00.")
    return None


class StrictFilterSet(django_filters.FilterSet):
    """Filters that cannot widen a list by mistake: a filter sent with no value (`?status=`)
    and a parameter that is no filter (`?measured_afer=`, a typo) are 400s, not "no filter"."""

    # Read by the paginator and DRF's format override, not by the filters.
    ALSO_ACCEPTED = frozenset({"page", "format"})

    def is_valid(self):
        errors = self.form.errors  # the filters' own validation, run once
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(name, _("Give a value, or leave this filter out."))
        for name in sorted(set(self.data) - set(self.filters) - self.ALSO_ACCEPTED):
            errors[name or "(no name)"] = self.form.error_class(
                [forms.ValidationError(_("Unknown filter."), code="unknown")]
            )
        return self.is_bound and not errors


class StrictFilterBackend(DjangoFilterBackend):
    """DEFAULT_FILTER_BACKENDS: filters declared with `filterset_fields` are strict too."""

    filterset_base = StrictFilterSet


class AwareIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """A date-time filter that refuses offsets no real zone has (a 400, not a database error)."""

    class field_class(django_filters.fields.IsoDateTimeField):
        def to_python(self, value):
            result = super().to_python(value)
            problem = offset_problem(result)
            if problem:
                raise forms.ValidationError(problem)
            return result
