"""Webhooks from the SMS provider: delivery receipts and inbound replies.

Authenticated with a shared secret in the `X-NeoCare-Webhook-Secret` header (compared in
constant time); no user session or token applies.
"""

import hmac

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from neocare.api import StrictSerializer
from neocare.api_schema import error_response
from neocare.messaging.services import delivery_receipt, inbound_reply


class _Webhook(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        given = request.headers.get("X-NeoCare-Webhook-Secret", "")
        secret = settings.SMS_WEBHOOK_SECRET
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            raise AuthenticationFailed("bad webhook secret")


class DeliverySerializer(StrictSerializer):
    idempotency_key = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["delivered", "failed"])
    error = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class InboundSerializer(StrictSerializer):
    phone = serializers.CharField(max_length=20)
    text = serializers.CharField(max_length=500, allow_blank=True)


SECRET_HEADER = OpenApiParameter(
    "X-NeoCare-Webhook-Secret",
    location=OpenApiParameter.HEADER,
    required=True,
    description="The secret shared with the SMS provider (SMS_WEBHOOK_SECRET).",
)


class DeliveryWebhook(_Webhook):
    serializer_class = DeliverySerializer

    @extend_schema(
        parameters=[SECRET_HEADER],
        responses={
            200: inline_serializer("DeliveryReceipt", {"status": serializers.CharField()}),
            403: error_response("WebhookForbidden"),
            404: error_response("NotFound"),
        },
    )
    def post(self, request):
        form = DeliverySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        message = delivery_receipt(
            key=str(data["idempotency_key"]),
            delivered=data["status"] == "delivered",
            error=data["error"],
        )
        if message is None:
            return Response({"detail": "unknown message"}, status=404)
        return Response({"status": message.status})


class InboundWebhook(_Webhook):
    serializer_class = InboundSerializer

    @extend_schema(
        parameters=[SECRET_HEADER],
        responses={
            200: inline_serializer("InboundReply", {"opted_out": serializers.BooleanField()}),
            403: error_response("WebhookForbidden"),
        },
    )
    def post(self, request):
        form = InboundSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        opted_out = inbound_reply(**form.validated_data)
        return Response({"opted_out": opted_out})
