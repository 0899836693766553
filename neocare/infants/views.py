"""HTTP for infants, readings and observations. Querysets come from selectors, writes go to
services; nothing here decides who sees what or what is clinically valid."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from neocare.api_schema import error_response, idempotent_write
from neocare.audit.services import audit_list, audit_view
from neocare.followup.serializers import PlanSerializer, RequestCloseSerializer, RequestSerializer
from neocare.followup.services import plan_of
from neocare.infants import services
from neocare.infants.assessments import assessment_latest, assessment_unrecorded
from neocare.infants.filters import InfantFilter, ObservationFilter, ReadingFilter
from neocare.infants.models import Channel, ConsentText, Infant, Observation, Reading
from neocare.infants.record import RecordSerializer, record_of
from neocare.infants.selectors import infants_visible_to
from neocare.infants.serializers import (
    AssessmentSerializer,
    BreakGlassSerializer,
    ClinicianThresholdSerializer,
    ConsentTextSerializer,
    FollowUpStatusSerializer,
    GuardianLinkSerializer,
    GuardianshipSerializer,
    InfantCorrectionSerializer,
    InfantSerializer,
    ObservationSerializer,
    PhototherapySerializer,
    ReadingSerializer,
    SyncObservationSerializer,
    SyncReadingSerializer,
    SyncRequestSerializer,
    SyncResponseSerializer,
    assessment_of,
)
from neocare.infants.services import IdempotencyConflict
from neocare.network.models import User


def _channel_for(user: User) -> str:
    return Channel.APP if user.role == User.Role.GUARDIAN else Channel.CLINICIAN


def _write_reading(infant: Infant, data: dict, user: User, channel: str):
    """Validated reading fields → the service (shared by the nested route and the sync)."""
    return services.reading_record(
        infant=infant,
        method=data["method"],
        value=data["value_as_sent"],
        unit=data["unit_as_sent"],
        measured_at=data["measured_at"],
        device_id=data.get("device_id", ""),
        idempotency_key=data["idempotency_key"],
        entered_by=user,
        channel=channel,
    )


def _write_observation(infant: Infant, data: dict, user: User, channel: str):
    """Validated observation fields → the service (shared by the nested route and the sync)."""
    values = {k: v for k, v in data.items() if k not in ("observed_at", "idempotency_key")}
    return services.observation_record(
        infant=infant,
        observed_at=data["observed_at"],
        idempotency_key=data["idempotency_key"],
        entered_by=user,
        channel=channel,
        **values,
    )


class InfantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = InfantSerializer
    filterset_class = InfantFilter
    queryset = Infant.objects.none()  # for the schema only; requests use get_queryset()
    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return (
            infants_visible_to(self.request.user)
            .select_related("registered_centre", "delivering_hospital")
            .order_by("-birth_at", "id")
        )

    def get_object(self):
        # The selector alone decides; list filters (?district=…) do not apply to one record.
        return get_object_or_404(self.get_queryset(), public_id=self.kwargs["id"])

    def _audit_view(self, infant: Infant, what: str) -> None:
        audit_view(actor=self.request.user, infant=infant, what=what)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit_list(actor=request.user, infants=page, what="infant")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        infant = self.get_object()
        self._audit_view(infant, "infant")
        return Response(self.get_serializer(infant).data)

    def perform_create(self, serializer):
        serializer.instance = services.infant_register(
            by=self.request.user, **serializer.validated_data
        )

    def _history(self, infant, records, serializer_class, name):
        # The action's filterset_class; an invalid filter is a 400, never all rows.
        page = self.paginate_queryset(self.filter_queryset(records))
        self._audit_view(infant, name)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(methods=["GET"], responses=ReadingSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ReadingSerializer, responses=idempotent_write(ReadingSerializer)
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=ReadingSerializer,
        filterset_class=ReadingFilter,
        queryset=Reading.objects.none(),  # the filters' model, for the schema only
    )
    def readings(self, request, id=None):
        """GET: the infant's readings in time order. POST: record one (idempotent by key)."""
        infant = self.get_object()
        if request.method == "GET":
            records = infant.readings.select_related("infant", "entered_by", "assessment").order_by(
                "measured_at", "id"
            )
            return self._history(infant, records, ReadingSerializer, "readings")
        serializer = ReadingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = _write_reading(
            infant, serializer.validated_data, request.user, _channel_for(request.user)
        )
        return Response(
            ReadingSerializer(result.record).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @extend_schema(methods=["GET"], responses=ObservationSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ObservationSerializer,
        responses=idempotent_write(ObservationSerializer),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=ObservationSerializer,
        filterset_class=ObservationFilter,
        queryset=Observation.objects.none(),  # the filters' model, for the schema only
    )
    def observations(self, request, id=None):
        """GET: the infant's observations in time order. POST: record one (idempotent by key)."""
        infant = self.get_object()
        if request.method == "GET":
            records = infant.observations.select_related("infant", "assessment").order_by(
                "observed_at", "id"
            )
            return self._history(infant, records, ObservationSerializer, "observations")
        serializer = ObservationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = _write_observation(
            infant, serializer.validated_data, request.user, _channel_for(request.user)
        )
        return Response(
            ObservationSerializer(result.record).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @extend_schema(methods=["GET"], responses=GuardianshipSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=GuardianLinkSerializer,
        responses={201: GuardianshipSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=GuardianLinkSerializer,
        pagination_class=None,  # a handful of guardians: the whole list, no pages
        filterset_class=None,
    )
    def guardians(self, request, id=None):
        """GET: the infant's guardians and their consent. POST: link a guardian (clinicians)."""
        infant = self.get_object()
        if request.method == "POST":
            serializer = GuardianLinkSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.guardian_link(infant=infant, by=request.user, **serializer.validated_data)
        else:
            self._audit_view(infant, "guardians")
        guardianships = infant.guardianships.select_related("guardian").order_by("id")
        return Response(
            GuardianshipSerializer(guardianships, many=True).data,
            status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK,
        )

    @extend_schema(methods=["GET"], responses=ClinicianThresholdSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ClinicianThresholdSerializer,
        responses={201: ClinicianThresholdSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=ClinicianThresholdSerializer,
        pagination_class=None,
        filterset_class=None,
    )
    def thresholds(self, request, id=None):
        """GET: thresholds clinicians set for this infant, newest first. POST: a paediatrician or
        district doctor sets them (infants below 35 weeks only; AAP 2022 covers the rest)."""
        infant = self.get_object()
        if request.method == "GET":
            self._audit_view(infant, "clinician_thresholds")
            records = infant.clinician_thresholds.select_related("set_by").order_by("-set_at")
            return Response(ClinicianThresholdSerializer(records, many=True).data)
        serializer = ClinicianThresholdSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        threshold = services.clinician_threshold_set(
            infant=infant,
            by=request.user,
            phototherapy=data["phototherapy_as_sent"],
            exchange=data.get("exchange_as_sent"),
            unit=data["unit_as_sent"],
            note=data.get("note", ""),
        )
        return Response(
            ClinicianThresholdSerializer(threshold).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(methods=["GET"], responses=PhototherapySerializer(many=True))
    @extend_schema(
        methods=["POST"], request=PhototherapySerializer, responses={201: PhototherapySerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=PhototherapySerializer,
        pagination_class=None,
        filterset_class=None,
    )
    def phototherapy(self, request, id=None):
        """GET: the infant's courses of phototherapy. POST: a paediatrician records one (its
        start, and its end when known: the end starts the rebound follow-up)."""
        infant = self.get_object()
        if request.method == "GET":
            self._audit_view(infant, "phototherapy")
            courses = infant.phototherapy.select_related("referral", "recorded_by")
            return Response(PhototherapySerializer(courses.order_by("started_at"), many=True).data)
        serializer = PhototherapySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = services.phototherapy_record(
            infant=infant, by=request.user, **serializer.validated_data
        )
        return Response(PhototherapySerializer(course).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=AssessmentSerializer)
    @action(detail=True, methods=["get"])
    def assessment(self, request, id=None):
        """The infant's latest assessment (by the time it was made about), as stored then.

        With no reading or observation yet, the engine is asked on the spot (nothing stored):
        it says a measurement is needed rather than calling the infant low risk.
        """
        infant = self.get_object()
        self._audit_view(infant, "assessment")
        latest = assessment_latest(infant)
        if latest is None:
            return Response(assessment_unrecorded(infant))
        return Response(AssessmentSerializer(latest).data)

    @extend_schema(request=FollowUpStatusSerializer, responses=InfantSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up-status")
    def follow_up_status(self, request, id=None):
        """Clinicians (and hospital systems) set where the follow-up stands, with a reason:
        active, in hospital, under phototherapy, back home; or ended — completed, moved,
        died, declined — which stops every reminder and automatic text to the family at once
        and closes the plan's requests and the open alert."""
        infant = self.get_object()
        serializer = FollowUpStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        infant = services.follow_up_status_set(
            infant=infant, by=request.user, **serializer.validated_data
        )
        return Response(InfantSerializer(infant).data)

    @extend_schema(request=InfantCorrectionSerializer, responses=InfantSerializer)
    @action(detail=True, methods=["post"])
    def facts(self, request, id=None):
        """Clinicians correct the infant's facts (risk factors, gestation, birth time, birth
        weight, feeding) with a reason; audited, and the infant is re-assessed at once."""
        infant = self.get_object()
        serializer = InfantCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        infant = services.infant_facts_correct(
            infant=infant, by=request.user, **serializer.validated_data
        )
        return Response(InfantSerializer(infant).data)

    @extend_schema(responses=PlanSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def plan(self, request, id=None):
        """The follow-up plan: what is asked of whom, by when and why, until the evidence it
        asked for or a clinician answers it (open requests soonest first), and how the latest
        ones ended."""
        infant = self.get_object()
        self._audit_view(infant, "plan")
        return Response(PlanSerializer(plan_of(infant)).data)

    @extend_schema(request=RequestCloseSerializer, responses=RequestSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="plan/<uuid:request_id>/close",
        pagination_class=None,
        filterset_class=None,
    )
    def plan_close(self, request, id=None, request_id=None):
        """A clinician closes an open request with a reason (audited); the infant is
        re-assessed at once."""
        infant = self.get_object()
        asked = get_object_or_404(infant.requests, public_id=request_id)
        serializer = RequestCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        closed = services.plan_request_close(
            request=asked, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(RequestSerializer(closed).data)

    @extend_schema(responses=RecordSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def record(self, request, id=None):
        """The whole record in one answer (issue #16): the infant, guardians, readings,
        observations, photos, every assessment, alerts, referrals, phototherapy, questions and
        the messages sent to the guardians — what `/fhir/Patient/{id}/$everything` holds."""
        infant = self.get_object()
        self._audit_view(infant, "record")
        return Response(RecordSerializer(record_of(infant)).data)

    @extend_schema(request=None, responses=GuardianshipSerializer)
    @action(detail=True, methods=["post"], url_path="consent/withdraw")
    def consent_withdraw(self, request, id=None):
        """A guardian withdraws their consent to the programme for this infant."""
        guardianship = services.consent_withdraw(infant=self.get_object(), guardian=request.user)
        return Response(GuardianshipSerializer(guardianship).data)


def _record_one(user: User, serializer_class, record: dict, write) -> dict:
    """Validate and write one record of a batch; its failure is its own."""
    key = record.get("idempotency_key") if isinstance(record, dict) else None
    key = key if isinstance(key, str) else None  # echoed back only as the text it should be
    serializer = serializer_class(data=record)
    if not serializer.is_valid():
        return {"idempotency_key": key, "status": "invalid", "errors": serializer.errors}
    data = dict(serializer.validated_data)
    infant = infants_visible_to(user).filter(public_id=data.pop("infant")).first()
    if infant is None:
        return {
            "idempotency_key": key,
            "status": "invalid",
            "errors": {"infant": [_("Not found.")]},
        }
    try:
        result = write(infant, data)
    except ValidationError as exc:
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return {"idempotency_key": key, "status": "invalid", "errors": errors}
    except (IdempotencyConflict, PermissionDenied) as exc:
        return {
            "idempotency_key": key,
            "status": "invalid",
            "errors": {"non_field_errors": [str(exc)]},
        }
    return {
        "idempotency_key": key,
        "status": "created" if result.created else "duplicate",
        "id": str(result.record.public_id),
        "assessment": assessment_of(result.record),
    }


class SyncView(APIView):
    """Offline batch: many readings and observations, one result per record, in order.

    Each record commits on its own, so one bad record does not sink the others, and a resent
    batch answers "duplicate" for what already arrived.
    """

    @extend_schema(request=SyncRequestSerializer, responses=SyncResponseSerializer)
    def post(self, request):
        envelope = SyncRequestSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        user = request.user

        def write_reading(infant, data):
            return _write_reading(infant, data, user, Channel.SYNC)

        def write_observation(infant, data):
            return _write_observation(infant, data, user, Channel.SYNC)

        return Response(
            {
                "readings": [
                    _record_one(user, SyncReadingSerializer, r, write_reading)
                    for r in envelope.validated_data["readings"]
                ],
                "observations": [
                    _record_one(user, SyncObservationSerializer, o, write_observation)
                    for o in envelope.validated_data["observations"]
                ],
            }
        )


class BreakGlassView(APIView):
    """A paediatrician opens an infant outside their scope, with a written reason (audited)."""

    @extend_schema(
        request=BreakGlassSerializer,
        responses={200: BreakGlassSerializer, 404: error_response("NotFound")},
    )
    def post(self, request):
        serializer = BreakGlassSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.user.role != User.Role.PAEDIATRICIAN:
            return Response(
                {"detail": _("Only paediatricians may use break-glass access.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        with transaction.atomic():
            # The one lookup outside infants_visible_to(): break-glass exists to reach beyond
            # scope. It is open to paediatricians only and audited with the reason.
            infant = get_object_or_404(Infant, public_id=serializer.validated_data["infant"])
            grant = services.break_glass_open(
                paediatrician=request.user,
                infant=infant,
                reason=serializer.validated_data["reason"],
            )
        return Response(
            {
                "id": str(grant.public_id),
                "infant": str(infant.public_id),
                "reason": grant.reason,
                "expires_at": grant.expires_at,
            },
            status=status.HTTP_201_CREATED,
        )


class ConsentTextView(APIView):
    """The consent text in force, in both languages: what a parent reads before agreeing (and
    what the invitation SMS names by its version). Public."""

    permission_classes = (AllowAny,)

    @extend_schema(responses={200: ConsentTextSerializer, 404: error_response("NotFound")})
    def get(self, request):
        text = ConsentText.current()
        if text is None:
            raise Http404
        return Response(ConsentTextSerializer(text).data)
