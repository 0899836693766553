"""`GET /api/v1/infants/{id}/record/` (issue #16): one call for a hospital app that does not
speak FHIR — the same content as `Patient/{id}/$everything`, in NeoCare's own shape, each part
in the serializer its own endpoint uses (so the two never disagree)."""

from rest_framework import serializers

from neocare.alerts.serializers import AlertSerializer, ReferralSerializer
from neocare.infants.models import Infant
from neocare.infants.my_record import message_text
from neocare.infants.serializers import (
    AssessmentSerializer,
    GuardianshipSerializer,
    InfantSerializer,
    ObservationSerializer,
    PhototherapySerializer,
    ReadingSerializer,
)
from neocare.messaging.models import Message
from neocare.photos.serializers import PhotoSerializer
from neocare.questions.serializers import QuestionSerializer


class RecordMessageSerializer(serializers.Serializer):
    """A message sent to one of the infant's guardians, as they read it."""

    at = serializers.DateTimeField(source="created_at")
    sent_at = serializers.DateTimeField(allow_null=True)
    to_guardian = serializers.UUIDField(source="recipient.public_id")
    status = serializers.CharField()
    kind = serializers.CharField(source="template_label")
    text = serializers.SerializerMethodField()

    def get_text(self, message) -> str:
        return message_text(message)


class RecordSerializer(serializers.Serializer):
    infant = InfantSerializer()
    guardians = GuardianshipSerializer(many=True)
    readings = ReadingSerializer(many=True)
    observations = ObservationSerializer(many=True)
    photos = PhotoSerializer(many=True)
    assessments = AssessmentSerializer(many=True)
    alerts = AlertSerializer(many=True)
    referrals = ReferralSerializer(many=True)
    phototherapy = PhototherapySerializer(many=True)
    questions = QuestionSerializer(many=True)
    messages = RecordMessageSerializer(many=True)


def record_of(infant: Infant) -> dict:
    """Every part of the record, oldest first."""
    return {
        "infant": infant,
        "guardians": infant.guardianships.select_related("guardian", "consent_text").order_by("id"),
        "readings": infant.readings.select_related("infant", "entered_by", "assessment").order_by(
            "measured_at", "id"
        ),
        "observations": infant.observations.select_related("infant", "assessment").order_by(
            "observed_at", "id"
        ),
        "photos": infant.photos.order_by("taken_at", "id"),
        "assessments": infant.assessments.order_by("basis_at", "id"),
        "alerts": infant.alerts.order_by("opened_at", "id"),
        "referrals": infant.referrals.order_by("created_at", "id"),
        "phototherapy": infant.phototherapy.select_related("referral", "recorded_by").order_by(
            "started_at"
        ),
        "questions": infant.questions.select_related("infant", "photo", "answered_by").order_by(
            "created_at", "id"
        ),
        "messages": Message.objects.filter(infant=infant, recipient__role="guardian")
        .exclude(status=Message.Status.MERGED)
        .exclude(template="auth")
        .select_related("recipient")
        .order_by("created_at", "id"),
    }
