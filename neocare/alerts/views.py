"""Triage queue and referrals. Views only translate HTTP; rules live in services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from neocare.alerts.filters import AlertFilter
from neocare.alerts.models import ACTIVE, Alert, Referral
from neocare.alerts.selectors import alerts_visible_to, referrals_visible_to
from neocare.alerts.serializers import (
    AlertDetailSerializer,
    AlertSerializer,
    ReferralSerializer,
    ReferralUpdateSerializer,
    ReferSerializer,
    ResolveSerializer,
)
from neocare.alerts.services import (
    alert_acknowledge,
    alert_resolve,
    referral_create,
    referral_update,
)
from neocare.audit.services import audit_list, audit_view


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`GET /alerts/`: unresolved alerts in scope, most urgent first, then oldest
    (`?status=resolved` for the closed ones)."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    permission_classes = [IsAuthenticated]
    queryset = Alert.objects.none()  # schema only
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"

    def get_queryset(self):
        alerts = alerts_visible_to(self.request.user).select_related(
            "infant", "centre", "acknowledged_by", "resolved_by"
        )
        if "status" not in self.request.query_params:  # AlertFilter applies ?status=
            alerts = alerts.filter(status__in=ACTIVE)
        return alerts.order_by("-severity_level", "opened_at", "id")

    def get_object(self):
        return get_object_or_404(alerts_visible_to(self.request.user), public_id=self.kwargs["id"])

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit_list(actor=request.user, infants=[a.infant for a in page], what="alerts")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=AlertDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        alert = self.get_object()
        audit_view(actor=request.user, infant=alert.infant, what="alert", object_id=alert.public_id)
        return Response(AlertDetailSerializer(alert).data)

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, id=None):
        alert = alert_acknowledge(alert=self.get_object(), by=request.user)
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=ResolveSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, id=None):
        form = ResolveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        alert = alert_resolve(alert=self.get_object(), by=request.user, **form.validated_data)
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=ReferSerializer, responses={201: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request, id=None):
        alert = self.get_object()
        form = ReferSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        referral = referral_create(infant=alert.infant, by=request.user, **form.validated_data)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Paediatricians: referrals to their hospital; doctors: referrals of their infants."""

    serializer_class = ReferralSerializer
    permission_classes = [IsAuthenticated]
    queryset = Referral.objects.none()  # schema only
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"

    def get_queryset(self):
        return (
            referrals_visible_to(self.request.user)
            .select_related("infant", "hospital", "referred_by")
            .order_by("-created_at", "id")
        )

    def get_object(self):
        return get_object_or_404(self.get_queryset(), public_id=self.kwargs["id"])

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit_list(actor=request.user, infants=[r.infant for r in page], what="referrals")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        audit_view(
            actor=request.user,
            infant=referral.infant,
            what="referral",
            object_id=referral.public_id,
        )
        return Response(self.get_serializer(referral).data)

    @extend_schema(request=ReferralUpdateSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def update_status(self, request, id=None):
        form = ReferralUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        referral = referral_update(
            referral=self.get_object(), by=request.user, **form.validated_data
        )
        return Response(ReferralSerializer(referral).data)
