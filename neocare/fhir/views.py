"""The FHIR R4 endpoints (issue #16): the CapabilityStatement, a Patient, and
bilirubin results in. Answers are `application/fhir+json`; every error is an OperationOutcome
(with the element path for an invalid resource); out-of-scope infants answer 404 as in the API.
"""

from datetime import datetime, time

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from neocare.api import BoundedJSONParser
from neocare.audit.services import audit_list, audit_view
from neocare.fhir import resources
from neocare.fhir.auth import SystemClientAuthentication, SystemScopeOrStaff
from neocare.fhir.births import handover_record
from neocare.fhir.everything import everything
from neocare.fhir.models import SystemClient
from neocare.infants import services as infant_services
from neocare.infants.models import Channel, Reading
from neocare.infants.selectors import infants_visible_to
from neocare.network.auth import TokenAuthentication


class FHIRRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"
    charset = "utf-8"


class FHIRParser(BoundedJSONParser):
    media_type = "application/fhir+json"


class FHIRView(APIView):
    authentication_classes = [
        SystemClientAuthentication,
        TokenAuthentication,  # a clinician's API token (reads only)
        SessionAuthentication,  # a clinician's console session (reads only)
    ]
    permission_classes = [IsAuthenticated, SystemScopeOrStaff]
    renderer_classes = [FHIRRenderer, JSONRenderer]
    parser_classes = [FHIRParser, BoundedJSONParser, JSONParser]
    required_scope = ""

    def handle_exception(self, exc):
        """Every refusal as an OperationOutcome, with the HTTP status DRF would give."""
        response = super().handle_exception(exc)
        code = {
            401: "login",
            403: "forbidden",
            404: "not-found",
            405: "not-supported",
            415: "not-supported",
            429: "throttled",
        }.get(response.status_code, "invalid")
        detail = getattr(exc, "detail", None) or str(exc)
        response.data = resources.operation_outcome([("", str(detail))], code=code)
        return response


@extend_schema(exclude=True)
class MetadataView(FHIRView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response(resources.capability_statement(request.build_absolute_uri("/fhir/")))


@extend_schema(exclude=True)
class PatientView(FHIRView):
    required_scope = SystemClient.Scope.PATIENT_READ
    staff_may_read = True

    def get(self, request, id):
        infant = get_object_or_404(infants_visible_to(request.user), public_id=id)
        audit_view(actor=request.user, infant=infant, what="fhir_patient")
        return Response(resources.patient(infant))


@extend_schema(exclude=True)
class HandoverView(FHIRView):
    """`POST /fhir/`: a delivering hospital's transaction Bundle (neocare.fhir.births)."""

    required_scope = SystemClient.Scope.PATIENT_WRITE

    def post(self, request):
        try:
            infant, created = handover_record(bundle=request.data, by=request.user)
        except resources.Invalid as invalid:
            return Response(resources.operation_outcome(invalid.issues), status=400)
        location = f"Patient/{infant.public_id}"
        return Response(
            {
                "resourceType": "Bundle",
                "type": "transaction-response",
                "entry": [
                    {
                        "response": {
                            "status": "201 Created" if created else "200 OK",
                            "location": location,
                        },
                        "resource": resources.patient(infant),
                    }
                ],
            },
            status=status.HTTP_200_OK,
        )


@extend_schema(exclude=True)
class EverythingView(FHIRView):
    """The whole record of one infant in scope, as one Bundle."""

    required_scope = SystemClient.Scope.PATIENT_READ
    staff_may_read = True

    def get(self, request, id):
        infant = get_object_or_404(infants_visible_to(request.user), public_id=id)
        audit_view(actor=request.user, infant=infant, what="fhir_everything")
        return Response(everything(infant, request.build_absolute_uri("/fhir/")))


@extend_schema(exclude=True)
class ObservationCreateView(FHIRView):
    """POST: a bilirubin result from a hospital laboratory or clinic meter, stored as a reading
    (channel "hospital system"), assessed like any reading (alerts, messages, reminders),
    once per Observation.identifier. GET: search the bilirubin measurements in scope."""

    def initial(self, request, *args, **kwargs):
        reading = request.method == "GET"
        self.required_scope = (
            SystemClient.Scope.OBSERVATION_READ if reading else SystemClient.Scope.OBSERVATION_WRITE
        )
        self.staff_may_read = reading
        super().initial(request, *args, **kwargs)

    def get(self, request):
        try:
            search = _search_terms(request.query_params)
        except resources.Invalid as invalid:
            return Response(resources.operation_outcome(invalid.issues), status=400)
        found = (
            Reading.objects.filter(
                infant__in=infants_visible_to(request.user), method__in=resources.MEASURED
            )
            .filter(search["filters"])
            .select_related("infant")
            .order_by("measured_at", "id")
        )
        total = found.count()
        offset, count = search["offset"], search["count"]
        page = list(found[offset : offset + count])
        audit_list(actor=request.user, infants={r.infant for r in page}, what="fhir_observations")
        base = request.build_absolute_uri("/fhir/")
        links = {"self": request.build_absolute_uri()}
        if offset + count < total:
            query = request.query_params.copy()
            query["_offset"] = str(offset + count)
            links["next"] = f"{base}Observation?{query.urlencode()}"
        return Response(
            resources.search_bundle(
                [resources.observation(r) for r in page], total=total, base=base, links=links
            )
        )

    def post(self, request):
        try:
            result = resources.lab_result(request.data)
        except resources.Invalid as invalid:
            return Response(resources.operation_outcome(invalid.issues), status=400)
        infant = infants_visible_to(request.user).filter(
            public_id=resources.as_uuid(result.patient_id)
        )
        infant = infant.first()
        if infant is None:
            return Response(
                resources.operation_outcome(
                    [("Observation.subject.reference", "no such Patient for this client")],
                    code="not-found",
                ),
                status=404,
            )
        # The laboratory's identifier is the idempotency key (hashed to fit; per client).
        key = resources.result_key(result.identifier)
        try:
            recorded = infant_services.reading_record(
                infant=infant,
                method=result.method,
                value=result.value,
                unit=result.unit,
                measured_at=result.measured_at,
                entered_by=request.user,
                channel=Channel.HOSPITAL_SYSTEM,
                idempotency_key=key,
            )
        except DjangoValidationError as error:
            return Response(resources.operation_outcome(_issues(error)), status=400)
        except infant_services.IdempotencyConflict as conflict:
            return Response(
                resources.operation_outcome(
                    [("Observation.identifier", str(conflict))], code="duplicate"
                ),
                status=409,
            )
        except DjangoPermissionDenied as refusal:
            raise exceptions.PermissionDenied(str(refusal)) from refusal
        reading = recorded.record
        return Response(
            resources.observation(reading),
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
            headers={
                "Location": request.build_absolute_uri(f"/fhir/Observation/{reading.public_id}")
            },
        )


SEARCH_PARAMETERS = {"patient", "code", "date", "_count", "_offset"}
SEARCH_MAX_COUNT = 200
DATE_PREFIXES = {"ge": "gte", "le": "lte", "gt": "gt", "lt": "lt", "eq": None}


def _search_terms(query) -> dict:
    """FHIR search parameters → a filter, strictly: an unknown parameter or value is a 400."""
    issues = [
        (f"Observation?{name}", "this server does not support this search parameter")
        for name in query
        if name not in SEARCH_PARAMETERS
    ]
    filters = Q()
    patient = query.get("patient")
    if patient is not None:
        infant_id = resources.as_uuid(patient.removeprefix("Patient/"))
        if infant_id is None:
            issues.append(("Observation?patient", "give Patient/<id> or <id>"))
        filters &= Q(infant__public_id=infant_id)
    if "code" in query:
        codes = Q(pk__in=[])
        for token in query["code"].split(","):
            system, _, code = token.rpartition("|")
            known = resources.BILIRUBIN.get(code)
            if known is None or system not in ("", resources.LOINC):
                issues.append(("Observation?code", f"unknown code {token}"))
                continue
            if code == "58941-6":
                codes |= Q(method__in=[Reading.Method.TCB_CLINIC, Reading.Method.TCB_HOME])
            else:
                codes |= Q(method=Reading.Method.TSB_LAB, unit_as_sent=str(known.unit))
        filters &= codes
    for value in query.getlist("date"):
        prefix = value[:2] if value[:2] in DATE_PREFIXES else "eq"
        text = value[2:] if value[:2] in DATE_PREFIXES else value
        when = parse_datetime(text) or _day_start(text)
        if when is None or timezone.is_naive(when):
            issues.append(("Observation?date", f"give a date or a time with its offset: {value}"))
            continue
        if prefix == "eq":
            filters &= Q(measured_at__date=timezone.localtime(when).date())
        else:
            filters &= Q(**{f"measured_at__{DATE_PREFIXES[prefix]}": when})
    count, offset = query.get("_count", "50"), query.get("_offset", "0")
    if not count.isdigit() or not 1 <= int(count) <= SEARCH_MAX_COUNT:
        issues.append(("Observation?_count", f"a number from 1 to {SEARCH_MAX_COUNT}"))
    if not offset.isdigit():
        issues.append(("Observation?_offset", "a number from 0"))
    if issues:
        raise resources.Invalid(issues)
    return {"filters": filters, "count": int(count), "offset": int(offset)}


def _day_start(text: str):
    day = parse_date(text)
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def _issues(error: DjangoValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            (resources.FIELD_PATH.get(field, "Observation"), message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [("Observation", message) for message in error.messages]
