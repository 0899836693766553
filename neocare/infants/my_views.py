"""The parent's own record through the API (issue #15): /api/v1/me/… for guardians only; any
other account gets 404, as for anything not theirs."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from neocare.api_schema import error_response
from neocare.audit.services import audit_view
from neocare.infants import my_record
from neocare.infants.models import Guardianship, Infant
from neocare.messaging.models import Message
from neocare.network.models import User


class GuardianOnly:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.user.role != User.Role.GUARDIAN:
            raise Http404


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["reading", "photo", "observation", "message"])
    summary = serializers.CharField()
    advice = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)


class MyTimelineSerializer(serializers.Serializer):
    infant = serializers.UUIDField(source="infant.public_id")
    name = serializers.CharField(source="infant.display_name")
    next_measurement_at = serializers.DateTimeField(allow_null=True)
    advice = serializers.CharField(allow_null=True, help_text="The advice in force now.")
    events = EventSerializer(many=True)


class MyMessageSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    sent_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField(source="get_status_display")
    kind = serializers.CharField(source="template_label")
    text = serializers.SerializerMethodField()

    def get_text(self, message) -> str:
        return my_record.message_text(message)


class MyConsentSerializer(serializers.Serializer):
    infant = serializers.UUIDField(source="infant.public_id")
    name = serializers.CharField(source="infant.display_name")
    relationship = serializers.CharField()
    consent_given_at = serializers.DateTimeField()
    consent_withdrawn_at = serializers.DateTimeField(allow_null=True)
    consent_version = serializers.CharField(
        source="consent_text.version", allow_null=True, default=None
    )


class MyTimelineView(GuardianOnly, APIView):
    """One of my infants, as I see it: what was measured and what we were told, newest first."""

    @extend_schema(responses={200: MyTimelineSerializer, 404: error_response("NotFound")})
    def get(self, request, infant_id):
        infant = get_object_or_404(
            Infant.objects.filter(guardianships__guardian=request.user), public_id=infant_id
        )
        audit_view(actor=request.user, infant=infant, what="my_timeline")
        return Response(MyTimelineSerializer(my_record.my_timeline(request.user, infant)).data)


NOT_A_GUARDIAN = {404: error_response("NotFound")}  # any other account: as if not there


@extend_schema_view(
    get=extend_schema(responses={200: MyMessageSerializer(many=True), **NOT_A_GUARDIAN})
)
class MyMessagesView(GuardianOnly, ListAPIView):
    """The messages NeoCare wrote to me, newest first, as I received them."""

    serializer_class = MyMessageSerializer
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Message.objects.none()
        return my_record.my_messages(self.request.user)


@extend_schema_view(
    get=extend_schema(responses={200: MyConsentSerializer(many=True), **NOT_A_GUARDIAN})
)
class MyConsentsView(GuardianOnly, ListAPIView):
    """My consent for each infant, with the version of the text I agreed to."""

    serializer_class = MyConsentSerializer
    pagination_class = None
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Guardianship.objects.none()
        return my_record.my_consents(self.request.user).order_by("id")


class MyExportView(GuardianOnly, APIView):
    """Everything about me and my infants as one JSON document (the right of access)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **NOT_A_GUARDIAN})
    def get(self, request):
        data = my_record.my_export(request.user)
        for g in my_record.my_consents(request.user):
            audit_view(actor=request.user, infant=g.infant, what="my_export")
        response = Response(data)
        response["Content-Disposition"] = 'attachment; filename="neocare-my-data.json"'
        return response


class ErasureSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        help_text="true: withdraw my consent and unlink my identity (docs/privacy.md)."
    )

    def validate_confirm(self, value):
        if value is not True:
            raise serializers.ValidationError("Send true to confirm.")
        return value


class MyErasureView(GuardianOnly, APIView):
    """Delete me: consent withdrawn for every infant, name and number removed, signed out
    everywhere. The infants' clinical records stay, as medical regulation requires."""

    @extend_schema(request=ErasureSerializer, responses={204: None, **NOT_A_GUARDIAN})
    def post(self, request):
        ErasureSerializer(data=request.data).is_valid(raise_exception=True)
        my_record.my_erasure(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
